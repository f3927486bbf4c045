#include "daemon/zookeeper/data_tree.h"

#include <algorithm>

namespace zkserver {

DataTree::DataTree() : open_acl_(std::make_shared<const AclList>(OpenAcl())) { InsertRoot(); }

void DataTree::InsertRoot() {
  auto add = [this](const std::string& path, std::shared_ptr<const AclList> acl) {
    Node n;
    n.acl = std::move(acl);
    approx_size_ += path.size();
    if (path != "/") nodes_[std::string(ParentOf(path))].children.insert(std::string(NameOf(path)));
    nodes_.emplace(path, std::move(n));
  };
  add("/", open_acl_);
  add("/zookeeper", open_acl_);
  add("/zookeeper/quota", open_acl_);
  // ZooKeeper serves the dynamic config read-only (READ_ACL_UNSAFE).
  add("/zookeeper/config",
      std::make_shared<const AclList>(AclList{Acl{perm::kRead, Id{"world", "anyone"}}}));
}

void DataTree::SetSystemData(const std::string& path, std::string data) {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return;
  approx_size_ += data.size();
  approx_size_ -= it->second.data.size();
  it->second.data = std::move(data);
}

std::string_view DataTree::ParentOf(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view DataTree::NameOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

const DataTree::Node* DataTree::Find(const std::string& path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

Stat DataTree::StatOf(const Node& n) const {
  Stat s;
  s.czxid = n.czxid;
  s.mzxid = n.mzxid;
  s.ctime = n.ctime;
  s.mtime = n.mtime;
  s.version = n.version;
  int32_t num_children = static_cast<int32_t>(n.children.size());
  s.cversion = n.creates * 2 - num_children;
  s.aversion = n.aversion;
  // Containers (and TTL nodes) keep a marker owner that clients never see.
  s.ephemeral_owner = n.ephemeral_owner == kContainerOwner ? 0 : n.ephemeral_owner;
  s.data_length = static_cast<int32_t>(n.data.size());
  s.num_children = num_children;
  s.pzxid = n.pzxid;
  return s;
}

const std::string& DataTree::ChildrenBlob(const Node& n) {
  if (!n.children_blob_valid) {
    zk::jute::Writer w;
    w.Int(static_cast<int32_t>(n.children.size()));
    for (const std::string& c : n.children) w.String(c);
    n.children_blob = w.Take();
    n.children_blob_valid = true;
  }
  return n.children_blob;
}

std::shared_ptr<const AclList> DataTree::InternAcl(const AclList& acl) {
  if (acl == *open_acl_) return open_acl_;
  return std::make_shared<const AclList>(acl);
}

const DataTree::Session* DataTree::FindSession(int64_t id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::vector<std::string> DataTree::EphemeralsOf(int64_t session) const {
  auto it = ephemerals_.find(session);
  if (it == ephemerals_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

size_t DataTree::ephemeral_count() const {
  size_t n = 0;
  for (const auto& [id, paths] : ephemerals_) n += paths.size();
  return n;
}

void DataTree::Apply(const Txn& txn, std::vector<OpResult>* results,
                     std::vector<WatchEvent>* events) {
  if (txn.type == op::kMulti) {
    for (const Txn& sub : txn.ops) ApplyOne(sub, txn.zxid, txn.time, results, events);
  } else {
    ApplyOne(txn, txn.zxid, txn.time, results, events);
  }
  if (txn.zxid > last_zxid_) last_zxid_ = txn.zxid;
}

void DataTree::ApplyOne(const Txn& t, int64_t zxid, int64_t time, std::vector<OpResult>* results,
                        std::vector<WatchEvent>* events) {
  OpResult r;
  r.type = t.type;
  r.path = t.path;
  switch (t.type) {
    case op::kCreate: {
      CreateNode(t, zxid, time, events);
      if (const Node* n = Find(t.path)) r.stat = StatOf(*n);
      break;
    }
    case op::kDelete:
      DeleteNode(t.path, zxid, events);
      break;
    case op::kSetData: {
      auto it = nodes_.find(t.path);
      if (it == nodes_.end()) break;
      Node& n = it->second;
      approx_size_ += t.data.size();
      approx_size_ -= n.data.size();
      n.data = t.data;
      n.data_null = t.data_null;
      n.version = t.value;
      n.mzxid = zxid;
      n.mtime = time;
      r.stat = StatOf(n);
      Fire(t.path, event::kNodeDataChanged, true, false, n.acl, events);
      break;
    }
    case op::kSetAcl: {
      auto it = nodes_.find(t.path);
      if (it == nodes_.end()) break;
      it->second.acl = InternAcl(t.acl);
      it->second.aversion = t.value;
      r.stat = StatOf(it->second);
      break;
    }
    case op::kCreateSession:
      sessions_[t.session_id] = Session{t.value, t.password};
      break;
    case op::kCloseSession: {
      // Ephemerals go in path order; a session's ephemerals never nest.
      std::vector<std::string> paths = EphemeralsOf(t.session_id);
      for (const std::string& p : paths) DeleteNode(p, zxid, events);
      ephemerals_.erase(t.session_id);
      sessions_.erase(t.session_id);
      break;
    }
    default:
      break;
  }
  if (results) results->push_back(std::move(r));
}

void DataTree::CreateNode(const Txn& t, int64_t zxid, int64_t time,
                          std::vector<WatchEvent>* events) {
  std::string parent_path(ParentOf(t.path));
  auto pit = nodes_.find(parent_path);
  if (pit == nodes_.end() || nodes_.count(t.path)) return;  // validated at prep
  Node& parent = pit->second;
  parent.children.insert(std::string(NameOf(t.path)));
  parent.children_blob_valid = false;
  parent.children_blob.clear();
  parent.creates = t.value;
  parent.pzxid = zxid;

  Node n;
  n.data = t.data;
  n.data_null = t.data_null;
  n.acl = InternAcl(t.acl);
  n.czxid = n.mzxid = n.pzxid = zxid;
  n.ctime = n.mtime = time;
  n.ephemeral_owner = t.ephemeral_owner;
  if (t.ephemeral_owner == kContainerOwner) {
    containers_.insert(t.path);
  } else if (t.ephemeral_owner != 0) {
    ephemerals_[t.ephemeral_owner].insert(t.path);
  }
  approx_size_ += t.path.size() + t.data.size();
  std::shared_ptr<const AclList> acl = n.acl;
  std::shared_ptr<const AclList> parent_acl = parent.acl;
  nodes_.emplace(t.path, std::move(n));

  Fire(t.path, event::kNodeCreated, true, false, acl, events);
  Fire(parent_path, event::kNodeChildrenChanged, false, true, parent_acl, events);
}

bool DataTree::DeleteNode(const std::string& path, int64_t zxid,
                          std::vector<WatchEvent>* events) {
  auto it = nodes_.find(path);
  if (it == nodes_.end() || path == "/") return false;
  std::string parent_path(ParentOf(path));
  auto pit = nodes_.find(parent_path);
  std::shared_ptr<const AclList> parent_acl;
  if (pit != nodes_.end()) {
    parent_acl = pit->second.acl;
    pit->second.children.erase(std::string(NameOf(path)));
    pit->second.children_blob_valid = false;
    pit->second.children_blob.clear();
    pit->second.pzxid = zxid;
  }
  int64_t owner = it->second.ephemeral_owner;
  if (owner == kContainerOwner) containers_.erase(path);
  if (owner != 0 && owner != kContainerOwner) {
    auto eit = ephemerals_.find(owner);
    if (eit != ephemerals_.end()) {
      eit->second.erase(path);
      if (eit->second.empty()) ephemerals_.erase(eit);
    }
  }
  approx_size_ -= path.size() + it->second.data.size();
  std::shared_ptr<const AclList> acl = std::move(it->second.acl);
  nodes_.erase(it);

  Fire(path, event::kNodeDeleted, true, true, acl, events);
  Fire(parent_path, event::kNodeChildrenChanged, false, true, parent_acl, events);
  return true;
}

bool DataTree::AddTo(WatchTable& table, WatcherIndex& index, const std::string& path,
                     uint64_t watcher) {
  if (!table[path].insert(watcher).second) return false;
  index[watcher].insert(path);
  return true;
}

bool DataTree::EraseFrom(WatchTable& table, WatcherIndex& index, const std::string& path,
                         uint64_t watcher) {
  auto it = table.find(path);
  if (it == table.end() || !it->second.erase(watcher)) return false;
  if (it->second.empty()) table.erase(it);
  auto iit = index.find(watcher);
  if (iit != index.end()) {
    iit->second.erase(path);
    if (iit->second.empty()) index.erase(iit);
  }
  return true;
}

void DataTree::AddDataWatch(const std::string& path, uint64_t watcher) {
  if (AddTo(data_watches_, watcher_data_paths_, path, watcher)) ++watch_count_;
}

void DataTree::AddChildWatch(const std::string& path, uint64_t watcher) {
  if (AddTo(child_watches_, watcher_child_paths_, path, watcher)) ++watch_count_;
}

void DataTree::AddPersistentWatch(const std::string& path, uint64_t watcher, bool recursive) {
  bool added = recursive
                   ? AddTo(recursive_watches_, watcher_recursive_paths_, path, watcher)
                   : AddTo(persistent_watches_, watcher_persistent_paths_, path, watcher);
  if (added) ++watch_count_;
}

bool DataTree::RemoveWatches(const std::string& path, uint64_t watcher, int32_t type,
                             bool check_only) {
  struct Kind {
    WatchTable* table;
    WatcherIndex* index;
    bool matches;
  };
  bool children = type == 1 || type == 3;
  bool data = type == 2 || type == 3;
  Kind kinds[] = {{&data_watches_, &watcher_data_paths_, data},
                  {&child_watches_, &watcher_child_paths_, children},
                  {&persistent_watches_, &watcher_persistent_paths_, true},
                  {&recursive_watches_, &watcher_recursive_paths_, true}};
  bool found = false;
  for (Kind& k : kinds) {
    if (!k.matches) continue;
    auto it = k.table->find(path);
    if (it == k.table->end() || !it->second.count(watcher)) continue;
    found = true;
    if (!check_only && EraseFrom(*k.table, *k.index, path, watcher)) --watch_count_;
  }
  return found;
}

void DataTree::RemoveWatcher(uint64_t watcher) {
  auto drop = [&](WatcherIndex& by_watcher, WatchTable& table) {
    auto it = by_watcher.find(watcher);
    if (it == by_watcher.end()) return;
    for (const std::string& p : it->second) {
      auto tit = table.find(p);
      if (tit == table.end()) continue;
      if (tit->second.erase(watcher)) --watch_count_;
      if (tit->second.empty()) table.erase(tit);
    }
    by_watcher.erase(it);
  };
  drop(watcher_data_paths_, data_watches_);
  drop(watcher_child_paths_, child_watches_);
  drop(watcher_persistent_paths_, persistent_watches_);
  drop(watcher_recursive_paths_, recursive_watches_);
}

void DataTree::TakeOneShot(WatchTable& table, WatcherIndex& index, const std::string& path,
                           std::vector<uint64_t>* out) {
  auto it = table.find(path);
  if (it == table.end()) return;
  for (uint64_t w : it->second) {
    out->push_back(w);
    --watch_count_;
    auto bit = index.find(w);
    if (bit != index.end()) {
      bit->second.erase(path);
      if (bit->second.empty()) index.erase(bit);
    }
  }
  table.erase(it);
}

void DataTree::Fire(const std::string& path, int32_t type, bool data, bool child,
                    const std::shared_ptr<const AclList>& acl, std::vector<WatchEvent>* events) {
  std::vector<uint64_t> watchers;
  if (data) TakeOneShot(data_watches_, watcher_data_paths_, path, &watchers);
  if (child) TakeOneShot(child_watches_, watcher_child_paths_, path, &watchers);
  if (!persistent_watches_.empty()) {
    auto it = persistent_watches_.find(path);
    if (it != persistent_watches_.end()) {
      watchers.insert(watchers.end(), it->second.begin(), it->second.end());
    }
  }
  if (!recursive_watches_.empty() && type != event::kNodeChildrenChanged) {
    std::string_view p = path;
    while (true) {
      auto it = recursive_watches_.find(std::string(p));
      if (it != recursive_watches_.end()) {
        watchers.insert(watchers.end(), it->second.begin(), it->second.end());
      }
      if (p == "/") break;
      p = ParentOf(p);
    }
  }
  if (watchers.empty() || !events) return;
  // Deterministic order, one event per watcher.
  std::sort(watchers.begin(), watchers.end());
  watchers.erase(std::unique(watchers.begin(), watchers.end()), watchers.end());
  for (uint64_t w : watchers) events->push_back(WatchEvent{w, type, path, acl});
}

void DataTree::ForEachNode(
    const std::function<void(const std::string&, const Node&)>& fn) const {
  // Depth-first from the root so that a loader sees parents first.
  std::vector<std::string> stack{"/"};
  while (!stack.empty()) {
    std::string path = std::move(stack.back());
    stack.pop_back();
    auto it = nodes_.find(path);
    if (it == nodes_.end()) continue;
    fn(path, it->second);
    for (auto c = it->second.children.rbegin(); c != it->second.children.rend(); ++c) {
      stack.push_back(path == "/" ? "/" + *c : path + "/" + *c);
    }
  }
}

void DataTree::Clear() {
  nodes_.clear();
  sessions_.clear();
  ephemerals_.clear();
  containers_.clear();
  data_watches_.clear();
  child_watches_.clear();
  persistent_watches_.clear();
  recursive_watches_.clear();
  watcher_data_paths_.clear();
  watcher_child_paths_.clear();
  watcher_persistent_paths_.clear();
  watcher_recursive_paths_.clear();
  watch_count_ = 0;
  last_zxid_ = 0;
  approx_size_ = 0;
}

bool DataTree::InsertLoaded(const std::string& path, Node node) {
  // Children are rebuilt from the loaded paths.
  node.children.clear();
  if (path != "/") {
    auto pit = nodes_.find(std::string(ParentOf(path)));
    if (pit == nodes_.end()) return false;
    pit->second.children.insert(std::string(NameOf(path)));
    pit->second.children_blob_valid = false;
  }
  node.children_blob_valid = false;
  if (node.ephemeral_owner == kContainerOwner) {
    containers_.insert(path);
  } else if (node.ephemeral_owner != 0) {
    ephemerals_[node.ephemeral_owner].insert(path);
  }
  approx_size_ += path.size() + node.data.size();
  if (node.acl) node.acl = InternAcl(*node.acl);
  else node.acl = open_acl_;
  return nodes_.emplace(path, std::move(node)).second;
}

}  // namespace zkserver
