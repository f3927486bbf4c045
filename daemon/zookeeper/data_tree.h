// DataTree: the znode tree, the session table, ephemeral ownership and watches.
//
// Like ZooKeeper's DataTree it has no networking in it, so it is unit-tested on
// its own. It changes only by Apply()ing a Txn that the prep stage validated;
// Apply never fails and reports the watch events each change fires (one-shot: a
// fired watch is removed). Watchers are opaque ids (the server uses connection
// ids).
//
// Stat rules copied from ZooKeeper 3.8: the parent keeps a count of child
// *creates* (the sequential suffix); the reported cversion is
// 2*creates - numChildren, i.e. creates plus deletes. A child create or delete
// sets the parent's pzxid and leaves its version and mzxid alone.
//
// Thread safety: none; the server uses it from its single io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/zookeeper/txn.h"
#include "daemon/zookeeper/types.h"

namespace zkserver {

class DataTree {
 public:
  struct Node {
    std::string data;
    bool data_null = false;  // null buffer: getData answers length -1
    std::shared_ptr<const AclList> acl;
    int64_t czxid = 0;
    int64_t mzxid = 0;
    int64_t pzxid = 0;
    int64_t ctime = 0;
    int64_t mtime = 0;
    int32_t version = 0;
    int32_t creates = 0;  // ZooKeeper's internal cversion: count of child creates
    int32_t aversion = 0;
    int64_t ephemeral_owner = 0;
    std::set<std::string> children;  // child names, sorted
    // getChildren's jute encoding of `children` (count + strings), built on
    // demand and dropped when a child is added or removed: lists of many
    // children are read far more often than they change.
    mutable std::string children_blob;
    mutable bool children_blob_valid = false;
  };

  struct Session {
    int32_t timeout_ms = 0;
    std::string password;
  };

  // Result of one applied operation (a multi yields one per sub-op).
  struct OpResult {
    int32_t type = 0;
    std::string path;
    Stat stat;
  };

  // Creates "/", "/zookeeper", "/zookeeper/quota" and "/zookeeper/config".
  DataTree();

  const Node* Find(const std::string& path) const;
  const Node* Find(std::string_view path) const { return Find(std::string(path)); }
  const Node* Find(const char* path) const { return Find(std::string(path)); }
  Stat StatOf(const Node& n) const;
  static const std::string& ChildrenBlob(const Node& n);

  // Applies a validated transaction. `results` and `events` may be null.
  void Apply(const Txn& txn, std::vector<OpResult>* results, std::vector<WatchEvent>* events);

  // Watches (exists/getData register data watches, getChildren child watches).
  void AddDataWatch(const std::string& path, uint64_t watcher);
  void AddChildWatch(const std::string& path, uint64_t watcher);
  // addWatch (3.6+): persistent watches stay armed after firing; recursive ones
  // also fire for every descendant (never with NodeChildrenChanged).
  void AddPersistentWatch(const std::string& path, uint64_t watcher, bool recursive);
  // removeWatches/checkWatches: type 1 = children, 2 = data, 3 = any. Returns
  // whether a matching watch existed; removes it unless `check_only`.
  bool RemoveWatches(const std::string& path, uint64_t watcher, int32_t type, bool check_only);
  void RemoveWatcher(uint64_t watcher);
  size_t watch_count() const { return watch_count_; }
  // wchs: (watchers with data watches, paths with data watches, data watches).
  std::tuple<size_t, size_t, size_t> DataWatchSummary() const {
    size_t total = 0;
    for (const auto& [path, watchers] : data_watches_) total += watchers.size();
    return {watcher_data_paths_.size(), data_watches_.size(), total};
  }

  // Sessions and ephemerals.
  const std::unordered_map<int64_t, Session>& sessions() const { return sessions_; }
  const Session* FindSession(int64_t id) const;
  // Paths of a session's ephemerals (sorted), empty if none.
  std::vector<std::string> EphemeralsOf(int64_t session) const;
  size_t ephemeral_count() const;
  // Container nodes (deleted by the server once their last child is gone).
  const std::set<std::string>& containers() const { return containers_; }

  // Sets a node's data without a transaction (no version or zxid change): an
  // ensemble member publishes its static membership in /zookeeper/config.
  void SetSystemData(const std::string& path, std::string data);

  int64_t last_zxid() const { return last_zxid_; }
  void set_last_zxid(int64_t z) { last_zxid_ = z; }
  // ZooKeeper counts "/" twice (it is also stored under ""), so its "Node count"
  // for an empty tree is 5; these return the same numbers.
  size_t node_count() const { return nodes_.size() + 1; }
  // Sum of path lengths and data lengths, as zk_approximate_data_size.
  size_t approximate_data_size() const { return approx_size_; }

  // Snapshot support: visits every node (parents before children).
  void ForEachNode(const std::function<void(const std::string&, const Node&)>& fn) const;
  // Replaces the whole state (snapshot load). Nodes must come parents first.
  void Clear();
  bool InsertLoaded(const std::string& path, Node node);
  void InsertSession(int64_t id, Session s) { sessions_[id] = std::move(s); }

  // Interns the common ACLs so most nodes share one list.
  std::shared_ptr<const AclList> InternAcl(const AclList& acl);

  static std::string_view ParentOf(std::string_view path);
  static std::string_view NameOf(std::string_view path);

 private:
  void ApplyOne(const Txn& t, int64_t zxid, int64_t time, std::vector<OpResult>* results,
                std::vector<WatchEvent>* events);
  void CreateNode(const Txn& t, int64_t zxid, int64_t time, std::vector<WatchEvent>* events);
  bool DeleteNode(const std::string& path, int64_t zxid, std::vector<WatchEvent>* events);
  using WatchTable = std::unordered_map<std::string, std::unordered_set<uint64_t>>;
  using WatcherIndex = std::unordered_map<uint64_t, std::unordered_set<std::string>>;
  // Fires the watches for one change: one-shot watches on `path` in `data`
  // and/or `child` tables (removed), persistent watches on `path`, and (unless
  // the event is NodeChildrenChanged) recursive watches on `path` and its
  // ancestors. Each watcher gets at most one event.
  void Fire(const std::string& path, int32_t type, bool data, bool child,
            const std::shared_ptr<const AclList>& acl, std::vector<WatchEvent>* events);
  void TakeOneShot(WatchTable& table, WatcherIndex& index, const std::string& path,
                   std::vector<uint64_t>* out);
  static bool AddTo(WatchTable& table, WatcherIndex& index, const std::string& path,
                    uint64_t watcher);
  static bool EraseFrom(WatchTable& table, WatcherIndex& index, const std::string& path,
                        uint64_t watcher);
  void InsertRoot();

  std::unordered_map<std::string, Node> nodes_;
  std::unordered_map<int64_t, Session> sessions_;
  std::unordered_map<int64_t, std::set<std::string>> ephemerals_;
  std::set<std::string> containers_;
  WatchTable data_watches_;
  WatchTable child_watches_;
  WatchTable persistent_watches_;
  WatchTable recursive_watches_;
  // watcher -> paths, for removal when a connection closes.
  WatcherIndex watcher_data_paths_;
  WatcherIndex watcher_child_paths_;
  WatcherIndex watcher_persistent_paths_;
  WatcherIndex watcher_recursive_paths_;
  size_t watch_count_ = 0;
  int64_t last_zxid_ = 0;
  size_t approx_size_ = 0;
  std::shared_ptr<const AclList> open_acl_;
};

}  // namespace zkserver
