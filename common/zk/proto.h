// ZooKeeper client-protocol records (zookeeper.jute, module org.apache.zookeeper.proto
// and .data) plus the protocol's enums: op codes, special xids, error codes, create
// modes, permissions, watch event types and keeper states.
//
// Each record is a plain struct with `void Write(jute::Writer&) const` and
// `static bool Read(jute::Reader&, T*)`; Read never throws and returns the reader's
// sticky ok() state. Field order is the wire order of zookeeper.jute. Integers that
// name an enum (types, flags, error codes) are kept as raw int32 in the records, so
// unknown values from the wire survive decoding and the caller decides what to do.
//
// Shared by the client library (common/zk/client.h) and the server (daemon/zookeeper).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/zk/jute.h"

namespace zk {

// ---------------------------------------------------------------------------
// Enums and constants.

enum class OpCode : int32_t {
  kNotification = 0,
  kCreate = 1,
  kDelete = 2,
  kExists = 3,
  kGetData = 4,
  kSetData = 5,
  kGetAcl = 6,
  kSetAcl = 7,
  kGetChildren = 8,
  kSync = 9,
  kPing = 11,
  kGetChildren2 = 12,
  kCheck = 13,
  kMulti = 14,
  kCreate2 = 15,
  kReconfig = 16,
  kCheckWatches = 17,
  kRemoveWatches = 18,
  kCreateContainer = 19,
  kDeleteContainer = 20,
  kCreateTtl = 21,
  kMultiRead = 22,
  kAuth = 100,
  kSetWatches = 101,
  kSasl = 102,
  kGetEphemerals = 103,
  kGetAllChildrenNumber = 104,
  kSetWatches2 = 105,
  kAddWatch = 106,
  kWhoAmI = 107,
  kCreateSession = -10,
  kCloseSession = -11,
  kError = -1,
};

// "create", "getData", ... as in ZooDefs.OpCode; "unknown" otherwise.
const char* OpCodeName(int32_t op);

// Reserved xids carried in RequestHeader/ReplyHeader.
inline constexpr int32_t kWatcherEventXid = -1;
inline constexpr int32_t kPingXid = -2;
inline constexpr int32_t kAuthXid = -4;
inline constexpr int32_t kSetWatchesXid = -8;

enum class ErrorCode : int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,
  kDataInconsistency = -3,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kUnknownSession = -12,
  kNewConfigNoQuorum = -13,
  kReconfigInProgress = -14,
  kApiError = -100,
  kNoNode = -101,
  kNoAuth = -102,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kInvalidCallback = -113,
  kInvalidAcl = -114,
  kAuthFailed = -115,
  kClosing = -116,
  kNothing = -117,
  kSessionMoved = -118,
  kNotReadOnly = -119,
  kEphemeralOnLocalSession = -120,
  kNoWatcher = -121,
  kRequestTimeout = -122,
  kReconfigDisabled = -123,
  kSessionClosedRequireSaslAuth = -124,
  kQuotaExceeded = -125,
  kThrottledOp = -127,
};

// Java's KeeperException.Code message: "NoNode", "NodeExists", "ConnectionLoss",
// "Directory not empty", "Session expired", ...; "Unknown error <n>" otherwise.
std::string ErrorName(int32_t err);
inline std::string ErrorName(ErrorCode err) { return ErrorName(static_cast<int32_t>(err)); }

// Java's KeeperException.getMessage(): "KeeperErrorCode = NoNode for /x" (no " for"
// part when path is empty).
std::string KeeperErrorMessage(int32_t err, std::string_view path);

// What zkCli prints for an error on `path`: "Node does not exist: /x",
// "Node already exists: /x", "Node not empty: /x", ... and KeeperErrorMessage()
// for the codes zkCli has no special text for.
std::string CliErrorMessage(int32_t err, std::string_view path);

// CreateRequest.flags.
enum class CreateMode : int32_t {
  kPersistent = 0,
  kEphemeral = 1,
  kPersistentSequential = 2,
  kEphemeralSequential = 3,
  kContainer = 4,
  kPersistentWithTtl = 5,
  kPersistentSequentialWithTtl = 6,
};
// True for a known flags value (0..6).
bool ValidCreateMode(int32_t flags);
bool IsEphemeralMode(int32_t flags);
bool IsSequentialMode(int32_t flags);
bool IsContainerMode(int32_t flags);
bool IsTtlMode(int32_t flags);

// ACL permission bits (ZooDefs.Perms).
namespace perms {
inline constexpr int32_t kRead = 1;
inline constexpr int32_t kWrite = 2;
inline constexpr int32_t kCreate = 4;
inline constexpr int32_t kDelete = 8;
inline constexpr int32_t kAdmin = 16;
inline constexpr int32_t kAll = 31;
}  // namespace perms

// WatcherEvent.type (Watcher.Event.EventType).
enum class EventType : int32_t {
  kNone = -1,
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
  kDataWatchRemoved = 5,
  kChildWatchRemoved = 6,
  kPersistentWatchRemoved = 7,
};
// "NodeCreated", ... ("Unknown" otherwise).
const char* EventTypeName(int32_t type);

// WatcherEvent.state (Watcher.Event.KeeperState).
enum class KeeperState : int32_t {
  kUnknown = -1,
  kDisconnected = 0,
  kNoSyncConnected = 1,
  kSyncConnected = 3,
  kAuthFailed = 4,
  kConnectedReadOnly = 5,
  kSaslAuthenticated = 6,
  kExpired = -112,
  kClosed = 7,
};
// "SyncConnected", "Expired", ... ("Unknown" otherwise).
const char* KeeperStateName(int32_t state);

// CheckWatchesRequest/RemoveWatchesRequest.type (Watcher.WatcherType).
enum class WatcherType : int32_t { kChildren = 1, kData = 2, kAny = 3 };

// AddWatchRequest.mode.
enum class AddWatchMode : int32_t { kPersistent = 0, kPersistentRecursive = 1 };

// ---------------------------------------------------------------------------
// org.apache.zookeeper.data

struct Id {
  std::string scheme;
  std::string id;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, Id* out);
  friend bool operator==(const Id&, const Id&) = default;
};

struct Acl {
  int32_t perms = 0;
  Id id;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, Acl* out);
  friend bool operator==(const Acl&, const Acl&) = default;
};
using AclList = std::vector<Acl>;

// ZooDefs.Ids: world:anyone with all permissions, read-only, and auth (creator).
AclList OpenAclUnsafe();
AclList ReadAclUnsafe();
AclList CreatorAllAcl();

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
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, Stat* out);
  friend bool operator==(const Stat&, const Stat&) = default;
};
inline constexpr size_t kStatWireSize = 68;

// ---------------------------------------------------------------------------
// Session and framing records.

struct ConnectRequest {
  int32_t protocol_version = 0;
  int64_t last_zxid_seen = 0;
  int32_t timeout_ms = 0;
  int64_t session_id = 0;
  std::string passwd;  // 16 bytes for a reattach; empty for a new session
  // The trailing readOnly flag came with 3.4; older clients omit it.
  bool has_read_only = true;
  bool read_only = false;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, ConnectRequest* out);
  friend bool operator==(const ConnectRequest&, const ConnectRequest&) = default;
};

struct ConnectResponse {
  int32_t protocol_version = 0;
  int32_t timeout_ms = 0;  // 0 means the session is expired/invalid
  int64_t session_id = 0;
  std::string passwd;
  bool has_read_only = true;
  bool read_only = false;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, ConnectResponse* out);
  friend bool operator==(const ConnectResponse&, const ConnectResponse&) = default;
};

struct RequestHeader {
  int32_t xid = 0;
  int32_t type = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, RequestHeader* out);
  friend bool operator==(const RequestHeader&, const RequestHeader&) = default;
};

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, ReplyHeader* out);
  friend bool operator==(const ReplyHeader&, const ReplyHeader&) = default;
};

struct AuthPacket {
  int32_t type = 0;
  std::string scheme;
  std::optional<std::string> auth;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, AuthPacket* out);
  friend bool operator==(const AuthPacket&, const AuthPacket&) = default;
};

struct SetWatches {
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;
  std::vector<std::string> exist_watches;
  std::vector<std::string> child_watches;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, SetWatches* out);
  friend bool operator==(const SetWatches&, const SetWatches&) = default;
};

struct SetWatches2 {
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;
  std::vector<std::string> exist_watches;
  std::vector<std::string> child_watches;
  std::vector<std::string> persistent_watches;
  std::vector<std::string> persistent_recursive_watches;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, SetWatches2* out);
  friend bool operator==(const SetWatches2&, const SetWatches2&) = default;
};

struct WatcherEvent {
  int32_t type = 0;
  int32_t state = 0;
  std::string path;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, WatcherEvent* out);
  friend bool operator==(const WatcherEvent&, const WatcherEvent&) = default;
};

struct ErrorResponse {
  int32_t err = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, ErrorResponse* out);
  friend bool operator==(const ErrorResponse&, const ErrorResponse&) = default;
};

// ---------------------------------------------------------------------------
// Requests and responses.

// Records whose body is a single path (SyncRequest, GetACLRequest, ...).
struct PathRecord {
  std::string path;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, PathRecord* out);
  friend bool operator==(const PathRecord&, const PathRecord&) = default;
};
using SyncRequest = PathRecord;
using SyncResponse = PathRecord;
using GetAclRequest = PathRecord;
using CreateResponse = PathRecord;
using GetAllChildrenNumberRequest = PathRecord;
using GetEphemeralsRequest = PathRecord;  // prefixPath

// Records that are a path and a watch flag (GetData, Exists, GetChildren(2)).
struct PathWatchRecord {
  std::string path;
  bool watch = false;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, PathWatchRecord* out);
  friend bool operator==(const PathWatchRecord&, const PathWatchRecord&) = default;
};
using GetDataRequest = PathWatchRecord;
using ExistsRequest = PathWatchRecord;
using GetChildrenRequest = PathWatchRecord;
using GetChildren2Request = PathWatchRecord;

// Records that are a path and a version (Delete, CheckVersion).
struct PathVersionRecord {
  std::string path;
  int32_t version = -1;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, PathVersionRecord* out);
  friend bool operator==(const PathVersionRecord&, const PathVersionRecord&) = default;
};
using DeleteRequest = PathVersionRecord;
using CheckVersionRequest = PathVersionRecord;

// Records that are a single Stat (SetData, SetACL, Exists responses).
struct StatRecord {
  Stat stat;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, StatRecord* out);
  friend bool operator==(const StatRecord&, const StatRecord&) = default;
};
using SetDataResponse = StatRecord;
using SetAclResponse = StatRecord;
using ExistsResponse = StatRecord;

struct CreateRequest {
  std::string path;
  std::optional<std::string> data;
  AclList acl;
  int32_t flags = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, CreateRequest* out);
  friend bool operator==(const CreateRequest&, const CreateRequest&) = default;
};

struct CreateTtlRequest {
  std::string path;
  std::optional<std::string> data;
  AclList acl;
  int32_t flags = 0;
  int64_t ttl = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, CreateTtlRequest* out);
  friend bool operator==(const CreateTtlRequest&, const CreateTtlRequest&) = default;
};

struct Create2Response {
  std::string path;
  Stat stat;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, Create2Response* out);
  friend bool operator==(const Create2Response&, const Create2Response&) = default;
};

struct GetDataResponse {
  std::optional<std::string> data;
  Stat stat;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, GetDataResponse* out);
  friend bool operator==(const GetDataResponse&, const GetDataResponse&) = default;
};

struct SetDataRequest {
  std::string path;
  std::optional<std::string> data;
  int32_t version = -1;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, SetDataRequest* out);
  friend bool operator==(const SetDataRequest&, const SetDataRequest&) = default;
};

struct GetAclResponse {
  AclList acl;
  Stat stat;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, GetAclResponse* out);
  friend bool operator==(const GetAclResponse&, const GetAclResponse&) = default;
};

struct SetAclRequest {
  std::string path;
  AclList acl;
  int32_t version = -1;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, SetAclRequest* out);
  friend bool operator==(const SetAclRequest&, const SetAclRequest&) = default;
};

// A vector<ustring> record (GetChildrenResponse, GetEphemeralsResponse).
struct StringListRecord {
  std::vector<std::string> children;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, StringListRecord* out);
  friend bool operator==(const StringListRecord&, const StringListRecord&) = default;
};
using GetChildrenResponse = StringListRecord;
using GetEphemeralsResponse = StringListRecord;

struct GetChildren2Response {
  std::vector<std::string> children;
  Stat stat;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, GetChildren2Response* out);
  friend bool operator==(const GetChildren2Response&, const GetChildren2Response&) = default;
};

struct GetAllChildrenNumberResponse {
  int32_t total_number = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, GetAllChildrenNumberResponse* out);
  friend bool operator==(const GetAllChildrenNumberResponse&,
                         const GetAllChildrenNumberResponse&) = default;
};

// CheckWatchesRequest / RemoveWatchesRequest (type is a WatcherType) and
// AddWatchRequest (type is an AddWatchMode): a path and an int.
struct PathTypeRecord {
  std::string path;
  int32_t type = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, PathTypeRecord* out);
  friend bool operator==(const PathTypeRecord&, const PathTypeRecord&) = default;
};
using CheckWatchesRequest = PathTypeRecord;
using RemoveWatchesRequest = PathTypeRecord;
using AddWatchRequest = PathTypeRecord;

// ---------------------------------------------------------------------------
// multi / multiRead.

struct MultiHeader {
  int32_t type = 0;
  bool done = false;
  int32_t err = 0;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, MultiHeader* out);
  friend bool operator==(const MultiHeader&, const MultiHeader&) = default;
};

// One operation of a MultiRequest. `type` selects which body is meaningful:
// create/create2/createContainer -> CreateRequest, createTTL -> CreateTtlRequest,
// delete/deleteContainer -> DeleteRequest, setData -> SetDataRequest,
// check -> CheckVersionRequest, getChildren/getData (multiRead) ->
// GetChildrenRequest/GetDataRequest (path and watch flag; the watch is always false).
struct MultiOp {
  int32_t type = 0;
  std::variant<CreateRequest, CreateTtlRequest, PathVersionRecord, SetDataRequest,
               PathWatchRecord>
      body;
  friend bool operator==(const MultiOp&, const MultiOp&) = default;

  static MultiOp Create(CreateRequest req, OpCode type = OpCode::kCreate);
  static MultiOp Delete(std::string path, int32_t version = -1);
  static MultiOp SetData(std::string path, std::string data, int32_t version = -1);
  static MultiOp Check(std::string path, int32_t version);
  static MultiOp GetChildren(std::string path);
  static MultiOp GetData(std::string path);
};

// Each op is preceded by MultiHeader(type, false, -1); the list ends with
// MultiHeader(-1, true, -1).
struct MultiRequest {
  std::vector<MultiOp> ops;
  void Write(jute::Writer& w) const;
  // Fails on an op type that cannot appear in a multi.
  static bool Read(jute::Reader& r, MultiRequest* out);
  friend bool operator==(const MultiRequest&, const MultiRequest&) = default;
};

// One result of a multi. By type: create -> path; create2 -> path + stat;
// setData -> stat; delete/check -> nothing; getChildren -> children;
// getData -> data + stat; error (-1) -> err.
struct MultiResult {
  int32_t type = 0;
  int32_t err = 0;
  std::string path;
  Stat stat;
  std::vector<std::string> children;
  std::optional<std::string> data;
  friend bool operator==(const MultiResult&, const MultiResult&) = default;
  static MultiResult Error(int32_t err);
};

// Each result is preceded by MultiHeader(type, false, err) (err is 0 unless
// type is error); the list ends with MultiHeader(-1, true, -1).
struct MultiResponse {
  std::vector<MultiResult> results;
  void Write(jute::Writer& w) const;
  static bool Read(jute::Reader& r, MultiResponse* out);
  friend bool operator==(const MultiResponse&, const MultiResponse&) = default;
};

// ---------------------------------------------------------------------------
// Helpers.

// Serializes one record.
template <typename T>
std::string Encode(const T& rec) {
  jute::Writer w;
  rec.Write(w);
  return w.Take();
}

// Decodes one record from `bytes`; trailing bytes are allowed (as Java does).
template <typename T>
bool Decode(std::string_view bytes, T* out) {
  jute::Reader r(bytes);
  return T::Read(r, out) && r.ok();
}

// A length-prefixed frame holding the concatenated records.
template <typename... Records>
std::string EncodeFrame(const Records&... recs) {
  jute::Writer w;
  w.Int(0);
  (recs.Write(w), ...);
  w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
  return w.Take();
}

// Java's PathUtils.validatePath(path, isSequential): starts with '/', no trailing
// '/' (except the root), no empty, "." or ".." segments, no NUL and no characters
// in U+0001-U+001F, U+007F-U+009F, U+D800-U+F8FF, U+FFF0-U+FFFF (so nothing above
// U+FFFF either, and invalid UTF-8 is rejected). A sequential path is checked with
// a digit appended, so "/a/" is fine as a sequential prefix. On failure `reason`
// gets Java's message.
bool ValidatePath(std::string_view path, bool sequential, std::string* reason = nullptr);

// Splits "/a/b" into parent "/a" and name "b" ("/a" -> "/" and "a"). The path must
// be valid and not the root.
std::string_view ParentPath(std::string_view path);
std::string_view NodeName(std::string_view path);

}  // namespace zk
