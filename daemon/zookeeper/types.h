// Server-side value types shared by the data tree, the transaction log, the
// snapshot and the request pipeline: ZooKeeper error codes, op codes, create
// flags, permissions, Stat, Id/ACL and the watch event.
//
// These mirror zookeeper.jute's records but belong to the server (the tree does
// not depend on the wire module); the numeric values are ZooKeeper's, since they
// travel unchanged to clients and into the log.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace zkserver {

// ZooKeeper's KeeperException.Code values.
namespace err {
inline constexpr int32_t kOk = 0;
inline constexpr int32_t kSystemError = -1;
inline constexpr int32_t kRuntimeInconsistency = -2;
inline constexpr int32_t kMarshallingError = -5;
inline constexpr int32_t kUnimplemented = -6;
inline constexpr int32_t kBadArguments = -8;
inline constexpr int32_t kNoNode = -101;
inline constexpr int32_t kNoAuth = -102;
inline constexpr int32_t kBadVersion = -103;
inline constexpr int32_t kNoChildrenForEphemerals = -108;
inline constexpr int32_t kNodeExists = -110;
inline constexpr int32_t kNotEmpty = -111;
inline constexpr int32_t kSessionExpired = -112;
inline constexpr int32_t kInvalidAcl = -114;
inline constexpr int32_t kAuthFailed = -115;
inline constexpr int32_t kSessionMoved = -118;
inline constexpr int32_t kNotReadOnly = -119;
inline constexpr int32_t kNoWatcher = -121;
inline constexpr int32_t kReconfigDisabled = -123;
}  // namespace err

// ZooDefs.OpCode values.
namespace op {
inline constexpr int32_t kNotification = 0;
inline constexpr int32_t kCreate = 1;
inline constexpr int32_t kDelete = 2;
inline constexpr int32_t kExists = 3;
inline constexpr int32_t kGetData = 4;
inline constexpr int32_t kSetData = 5;
inline constexpr int32_t kGetAcl = 6;
inline constexpr int32_t kSetAcl = 7;
inline constexpr int32_t kGetChildren = 8;
inline constexpr int32_t kSync = 9;
inline constexpr int32_t kPing = 11;
inline constexpr int32_t kGetChildren2 = 12;
inline constexpr int32_t kCheck = 13;
inline constexpr int32_t kMulti = 14;
inline constexpr int32_t kCreate2 = 15;
inline constexpr int32_t kReconfig = 16;
inline constexpr int32_t kCheckWatches = 17;
inline constexpr int32_t kRemoveWatches = 18;
inline constexpr int32_t kCreateContainer = 19;
inline constexpr int32_t kDeleteContainer = 20;
inline constexpr int32_t kCreateTtl = 21;
inline constexpr int32_t kMultiRead = 22;
inline constexpr int32_t kAuth = 100;
inline constexpr int32_t kSetWatches = 101;
inline constexpr int32_t kSasl = 102;
inline constexpr int32_t kGetEphemerals = 103;
inline constexpr int32_t kGetAllChildrenNumber = 104;
inline constexpr int32_t kSetWatches2 = 105;
inline constexpr int32_t kAddWatch = 106;
inline constexpr int32_t kWhoAmI = 107;
inline constexpr int32_t kCreateSession = -10;
inline constexpr int32_t kCloseSession = -11;
inline constexpr int32_t kError = -1;
}  // namespace op

// CreateMode flags on the wire.
namespace flags {
inline constexpr int32_t kEphemeral = 1;
inline constexpr int32_t kSequential = 2;
inline constexpr int32_t kContainer = 4;
}  // namespace flags

// ZooDefs.Perms.
namespace perm {
inline constexpr int32_t kRead = 1;
inline constexpr int32_t kWrite = 2;
inline constexpr int32_t kCreate = 4;
inline constexpr int32_t kDelete = 8;
inline constexpr int32_t kAdmin = 16;
inline constexpr int32_t kAll = 31;
}  // namespace perm

// Watcher.Event.EventType.
namespace event {
inline constexpr int32_t kNone = -1;
inline constexpr int32_t kNodeCreated = 1;
inline constexpr int32_t kNodeDeleted = 2;
inline constexpr int32_t kNodeDataChanged = 3;
inline constexpr int32_t kNodeChildrenChanged = 4;
}  // namespace event

inline constexpr int32_t kStateSyncConnected = 3;

// ephemeralOwner value ZooKeeper uses to mark container nodes.
inline constexpr int64_t kContainerOwner = INT64_MIN;

struct Id {
  std::string scheme;
  std::string id;
  friend bool operator==(const Id&, const Id&) = default;
};

struct Acl {
  int32_t perms = 0;
  Id id;
  friend bool operator==(const Acl&, const Acl&) = default;
};
using AclList = std::vector<Acl>;

// The client-visible Stat (zookeeper.jute order is czxid, mzxid, ctime, mtime,
// version, cversion, aversion, ephemeralOwner, dataLength, numChildren, pzxid).
struct Stat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t data_length = 0;
  int32_t num_children = 0;
  int64_t pzxid = 0;
  friend bool operator==(const Stat&, const Stat&) = default;
};

// One watch notification for one watcher (a connection id). `acl` is the ACL
// of the node the event is about: as ZooKeeper 3.8 does, the server delivers
// the event only if the watcher may READ that node.
struct WatchEvent {
  uint64_t watcher = 0;
  int32_t type = 0;
  std::string path;
  std::shared_ptr<const AclList> acl;
};

inline const AclList& OpenAcl() {
  static const AclList kOpen{Acl{perm::kAll, Id{"world", "anyone"}}};
  return kOpen;
}

}  // namespace zkserver
