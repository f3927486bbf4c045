#include "common/zk/proto.h"

#include <utility>

namespace zk {

// ---------------------------------------------------------------------------
// Enum names.

const char* OpCodeName(int32_t op) {
  switch (static_cast<OpCode>(op)) {
    case OpCode::kNotification: return "notification";
    case OpCode::kCreate: return "create";
    case OpCode::kDelete: return "delete";
    case OpCode::kExists: return "exists";
    case OpCode::kGetData: return "getData";
    case OpCode::kSetData: return "setData";
    case OpCode::kGetAcl: return "getACL";
    case OpCode::kSetAcl: return "setACL";
    case OpCode::kGetChildren: return "getChildren";
    case OpCode::kSync: return "sync";
    case OpCode::kPing: return "ping";
    case OpCode::kGetChildren2: return "getChildren2";
    case OpCode::kCheck: return "check";
    case OpCode::kMulti: return "multi";
    case OpCode::kCreate2: return "create2";
    case OpCode::kReconfig: return "reconfig";
    case OpCode::kCheckWatches: return "checkWatches";
    case OpCode::kRemoveWatches: return "removeWatches";
    case OpCode::kCreateContainer: return "createContainer";
    case OpCode::kDeleteContainer: return "deleteContainer";
    case OpCode::kCreateTtl: return "createTTL";
    case OpCode::kMultiRead: return "multiRead";
    case OpCode::kAuth: return "auth";
    case OpCode::kSetWatches: return "setWatches";
    case OpCode::kSasl: return "sasl";
    case OpCode::kGetEphemerals: return "getEphemerals";
    case OpCode::kGetAllChildrenNumber: return "getAllChildrenNumber";
    case OpCode::kSetWatches2: return "setWatches2";
    case OpCode::kAddWatch: return "addWatch";
    case OpCode::kWhoAmI: return "whoAmI";
    case OpCode::kCreateSession: return "createSession";
    case OpCode::kCloseSession: return "closeSession";
    case OpCode::kError: return "error";
  }
  return "unknown";
}

std::string ErrorName(int32_t err) {
  switch (static_cast<ErrorCode>(err)) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kSystemError: return "SystemError";
    case ErrorCode::kRuntimeInconsistency: return "RuntimeInconsistency";
    case ErrorCode::kDataInconsistency: return "DataInconsistency";
    case ErrorCode::kConnectionLoss: return "ConnectionLoss";
    case ErrorCode::kMarshallingError: return "MarshallingError";
    case ErrorCode::kUnimplemented: return "Unimplemented";
    case ErrorCode::kOperationTimeout: return "OperationTimeout";
    case ErrorCode::kBadArguments: return "BadArguments";
    case ErrorCode::kUnknownSession: return "UnknownSession";
    case ErrorCode::kNewConfigNoQuorum: return "NewConfigNoQuorum";
    case ErrorCode::kReconfigInProgress: return "ReconfigInProgress";
    case ErrorCode::kApiError: return "APIError";
    case ErrorCode::kNoNode: return "NoNode";
    case ErrorCode::kNoAuth: return "NoAuth";
    case ErrorCode::kBadVersion: return "BadVersion";
    case ErrorCode::kNoChildrenForEphemerals: return "NoChildrenForEphemerals";
    case ErrorCode::kNodeExists: return "NodeExists";
    case ErrorCode::kNotEmpty: return "Directory not empty";
    case ErrorCode::kSessionExpired: return "Session expired";
    case ErrorCode::kInvalidCallback: return "Invalid callback";
    case ErrorCode::kInvalidAcl: return "InvalidACL";
    case ErrorCode::kAuthFailed: return "AuthFailed";
    case ErrorCode::kClosing: return "ZooKeeper is closing";
    case ErrorCode::kNothing: return "(not error) no server responses to process";
    case ErrorCode::kSessionMoved: return "Session moved";
    case ErrorCode::kNotReadOnly: return "Not a read-only call";
    case ErrorCode::kEphemeralOnLocalSession: return "Ephemeral node on local session";
    case ErrorCode::kNoWatcher: return "No such watcher";
    case ErrorCode::kRequestTimeout: return "Request timeout";
    case ErrorCode::kReconfigDisabled: return "Reconfig is disabled";
    case ErrorCode::kSessionClosedRequireSaslAuth:
      return "Session closed because client failed to authenticate";
    case ErrorCode::kQuotaExceeded: return "Quota has exceeded";
    case ErrorCode::kThrottledOp: return "Op throttled due to high load";
  }
  return "Unknown error " + std::to_string(err);
}

std::string KeeperErrorMessage(int32_t err, std::string_view path) {
  std::string msg = "KeeperErrorCode = " + ErrorName(err);
  if (!path.empty()) {
    msg += " for ";
    msg += path;
  }
  return msg;
}

std::string CliErrorMessage(int32_t err, std::string_view path) {
  std::string p(path);
  switch (static_cast<ErrorCode>(err)) {
    case ErrorCode::kNoNode: return "Node does not exist: " + p;
    case ErrorCode::kNoChildrenForEphemerals: return "Ephemerals cannot have children: " + p;
    case ErrorCode::kNodeExists: return "Node already exists: " + p;
    case ErrorCode::kNotEmpty: return "Node not empty: " + p;
    case ErrorCode::kNotReadOnly: return "Not a read-only call: " + p;
    case ErrorCode::kInvalidAcl: return "Acl is not valid : " + p;
    case ErrorCode::kNoAuth: return "Insufficient permission : " + p;
    case ErrorCode::kBadArguments: return "Arguments are not valid : " + p;
    case ErrorCode::kBadVersion: return "version No is not valid : " + p;
    default: return KeeperErrorMessage(err, path);
  }
}

bool ValidCreateMode(int32_t flags) { return flags >= 0 && flags <= 6; }
bool IsEphemeralMode(int32_t flags) { return flags == 1 || flags == 3; }
bool IsSequentialMode(int32_t flags) { return flags == 2 || flags == 3 || flags == 6; }
bool IsContainerMode(int32_t flags) { return flags == 4; }
bool IsTtlMode(int32_t flags) { return flags == 5 || flags == 6; }

const char* EventTypeName(int32_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kNone: return "None";
    case EventType::kNodeCreated: return "NodeCreated";
    case EventType::kNodeDeleted: return "NodeDeleted";
    case EventType::kNodeDataChanged: return "NodeDataChanged";
    case EventType::kNodeChildrenChanged: return "NodeChildrenChanged";
    case EventType::kDataWatchRemoved: return "DataWatchRemoved";
    case EventType::kChildWatchRemoved: return "ChildWatchRemoved";
    case EventType::kPersistentWatchRemoved: return "PersistentWatchRemoved";
  }
  return "Unknown";
}

const char* KeeperStateName(int32_t state) {
  switch (static_cast<KeeperState>(state)) {
    case KeeperState::kUnknown: return "Unknown";
    case KeeperState::kDisconnected: return "Disconnected";
    case KeeperState::kNoSyncConnected: return "NoSyncConnected";
    case KeeperState::kSyncConnected: return "SyncConnected";
    case KeeperState::kAuthFailed: return "AuthFailed";
    case KeeperState::kConnectedReadOnly: return "ConnectedReadOnly";
    case KeeperState::kSaslAuthenticated: return "SaslAuthenticated";
    case KeeperState::kExpired: return "Expired";
    case KeeperState::kClosed: return "Closed";
  }
  return "Unknown";
}

// ---------------------------------------------------------------------------
// Vector helpers.

namespace {

void WriteStrings(jute::Writer& w, const std::vector<std::string>& v) {
  w.Int(static_cast<int32_t>(v.size()));
  for (const auto& s : v) w.String(s);
}

bool ReadStrings(jute::Reader& r, std::vector<std::string>* out) {
  int32_t n = r.Count(4);
  out->clear();
  out->reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) out->push_back(r.String());
  return r.ok();
}

void WriteAcls(jute::Writer& w, const AclList& v) {
  w.Int(static_cast<int32_t>(v.size()));
  for (const auto& a : v) a.Write(w);
}

bool ReadAcls(jute::Reader& r, AclList* out) {
  int32_t n = r.Count(12);  // perms + two empty strings
  out->clear();
  out->reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    Acl a;
    Acl::Read(r, &a);
    out->push_back(std::move(a));
  }
  return r.ok();
}

}  // namespace

// ---------------------------------------------------------------------------
// data

void Id::Write(jute::Writer& w) const {
  w.String(scheme);
  w.String(id);
}
bool Id::Read(jute::Reader& r, Id* out) {
  out->scheme = r.String();
  out->id = r.String();
  return r.ok();
}

void Acl::Write(jute::Writer& w) const {
  w.Int(perms);
  id.Write(w);
}
bool Acl::Read(jute::Reader& r, Acl* out) {
  out->perms = r.Int();
  return Id::Read(r, &out->id);
}

AclList OpenAclUnsafe() { return {Acl{perms::kAll, Id{"world", "anyone"}}}; }
AclList ReadAclUnsafe() { return {Acl{perms::kRead, Id{"world", "anyone"}}}; }
AclList CreatorAllAcl() { return {Acl{perms::kAll, Id{"auth", ""}}}; }

void Stat::Write(jute::Writer& w) const {
  w.Long(czxid);
  w.Long(mzxid);
  w.Long(ctime);
  w.Long(mtime);
  w.Int(version);
  w.Int(cversion);
  w.Int(aversion);
  w.Long(ephemeral_owner);
  w.Int(data_length);
  w.Int(num_children);
  w.Long(pzxid);
}
bool Stat::Read(jute::Reader& r, Stat* out) {
  out->czxid = r.Long();
  out->mzxid = r.Long();
  out->ctime = r.Long();
  out->mtime = r.Long();
  out->version = r.Int();
  out->cversion = r.Int();
  out->aversion = r.Int();
  out->ephemeral_owner = r.Long();
  out->data_length = r.Int();
  out->num_children = r.Int();
  out->pzxid = r.Long();
  return r.ok();
}

// ---------------------------------------------------------------------------
// Session and framing

void ConnectRequest::Write(jute::Writer& w) const {
  w.Int(protocol_version);
  w.Long(last_zxid_seen);
  w.Int(timeout_ms);
  w.Long(session_id);
  w.String(passwd);
  if (has_read_only) w.Bool(read_only);
}
bool ConnectRequest::Read(jute::Reader& r, ConnectRequest* out) {
  out->protocol_version = r.Int();
  out->last_zxid_seen = r.Long();
  out->timeout_ms = r.Int();
  out->session_id = r.Long();
  out->passwd = r.String();
  out->has_read_only = r.ok() && r.remaining() >= 1;
  out->read_only = out->has_read_only ? r.Bool() : false;
  return r.ok();
}

void ConnectResponse::Write(jute::Writer& w) const {
  w.Int(protocol_version);
  w.Int(timeout_ms);
  w.Long(session_id);
  w.String(passwd);
  if (has_read_only) w.Bool(read_only);
}
bool ConnectResponse::Read(jute::Reader& r, ConnectResponse* out) {
  out->protocol_version = r.Int();
  out->timeout_ms = r.Int();
  out->session_id = r.Long();
  out->passwd = r.String();
  out->has_read_only = r.ok() && r.remaining() >= 1;
  out->read_only = out->has_read_only ? r.Bool() : false;
  return r.ok();
}

void RequestHeader::Write(jute::Writer& w) const {
  w.Int(xid);
  w.Int(type);
}
bool RequestHeader::Read(jute::Reader& r, RequestHeader* out) {
  out->xid = r.Int();
  out->type = r.Int();
  return r.ok();
}

void ReplyHeader::Write(jute::Writer& w) const {
  w.Int(xid);
  w.Long(zxid);
  w.Int(err);
}
bool ReplyHeader::Read(jute::Reader& r, ReplyHeader* out) {
  out->xid = r.Int();
  out->zxid = r.Long();
  out->err = r.Int();
  return r.ok();
}

void AuthPacket::Write(jute::Writer& w) const {
  w.Int(type);
  w.String(scheme);
  w.Buffer(auth);
}
bool AuthPacket::Read(jute::Reader& r, AuthPacket* out) {
  out->type = r.Int();
  out->scheme = r.String();
  out->auth = r.Buffer();
  return r.ok();
}

void SetWatches::Write(jute::Writer& w) const {
  w.Long(relative_zxid);
  WriteStrings(w, data_watches);
  WriteStrings(w, exist_watches);
  WriteStrings(w, child_watches);
}
bool SetWatches::Read(jute::Reader& r, SetWatches* out) {
  out->relative_zxid = r.Long();
  ReadStrings(r, &out->data_watches);
  ReadStrings(r, &out->exist_watches);
  return ReadStrings(r, &out->child_watches);
}

void SetWatches2::Write(jute::Writer& w) const {
  w.Long(relative_zxid);
  WriteStrings(w, data_watches);
  WriteStrings(w, exist_watches);
  WriteStrings(w, child_watches);
  WriteStrings(w, persistent_watches);
  WriteStrings(w, persistent_recursive_watches);
}
bool SetWatches2::Read(jute::Reader& r, SetWatches2* out) {
  out->relative_zxid = r.Long();
  ReadStrings(r, &out->data_watches);
  ReadStrings(r, &out->exist_watches);
  ReadStrings(r, &out->child_watches);
  ReadStrings(r, &out->persistent_watches);
  return ReadStrings(r, &out->persistent_recursive_watches);
}

void WatcherEvent::Write(jute::Writer& w) const {
  w.Int(type);
  w.Int(state);
  w.String(path);
}
bool WatcherEvent::Read(jute::Reader& r, WatcherEvent* out) {
  out->type = r.Int();
  out->state = r.Int();
  out->path = r.String();
  return r.ok();
}

void ErrorResponse::Write(jute::Writer& w) const { w.Int(err); }
bool ErrorResponse::Read(jute::Reader& r, ErrorResponse* out) {
  out->err = r.Int();
  return r.ok();
}

// ---------------------------------------------------------------------------
// Requests and responses

void PathRecord::Write(jute::Writer& w) const { w.String(path); }
bool PathRecord::Read(jute::Reader& r, PathRecord* out) {
  out->path = r.String();
  return r.ok();
}

void PathWatchRecord::Write(jute::Writer& w) const {
  w.String(path);
  w.Bool(watch);
}
bool PathWatchRecord::Read(jute::Reader& r, PathWatchRecord* out) {
  out->path = r.String();
  out->watch = r.Bool();
  return r.ok();
}

void PathVersionRecord::Write(jute::Writer& w) const {
  w.String(path);
  w.Int(version);
}
bool PathVersionRecord::Read(jute::Reader& r, PathVersionRecord* out) {
  out->path = r.String();
  out->version = r.Int();
  return r.ok();
}

void StatRecord::Write(jute::Writer& w) const { stat.Write(w); }
bool StatRecord::Read(jute::Reader& r, StatRecord* out) { return Stat::Read(r, &out->stat); }

void CreateRequest::Write(jute::Writer& w) const {
  w.String(path);
  w.Buffer(data);
  WriteAcls(w, acl);
  w.Int(flags);
}
bool CreateRequest::Read(jute::Reader& r, CreateRequest* out) {
  out->path = r.String();
  out->data = r.Buffer();
  ReadAcls(r, &out->acl);
  out->flags = r.Int();
  return r.ok();
}

void CreateTtlRequest::Write(jute::Writer& w) const {
  w.String(path);
  w.Buffer(data);
  WriteAcls(w, acl);
  w.Int(flags);
  w.Long(ttl);
}
bool CreateTtlRequest::Read(jute::Reader& r, CreateTtlRequest* out) {
  out->path = r.String();
  out->data = r.Buffer();
  ReadAcls(r, &out->acl);
  out->flags = r.Int();
  out->ttl = r.Long();
  return r.ok();
}

void Create2Response::Write(jute::Writer& w) const {
  w.String(path);
  stat.Write(w);
}
bool Create2Response::Read(jute::Reader& r, Create2Response* out) {
  out->path = r.String();
  return Stat::Read(r, &out->stat);
}

void GetDataResponse::Write(jute::Writer& w) const {
  w.Buffer(data);
  stat.Write(w);
}
bool GetDataResponse::Read(jute::Reader& r, GetDataResponse* out) {
  out->data = r.Buffer();
  return Stat::Read(r, &out->stat);
}

void SetDataRequest::Write(jute::Writer& w) const {
  w.String(path);
  w.Buffer(data);
  w.Int(version);
}
bool SetDataRequest::Read(jute::Reader& r, SetDataRequest* out) {
  out->path = r.String();
  out->data = r.Buffer();
  out->version = r.Int();
  return r.ok();
}

void GetAclResponse::Write(jute::Writer& w) const {
  WriteAcls(w, acl);
  stat.Write(w);
}
bool GetAclResponse::Read(jute::Reader& r, GetAclResponse* out) {
  ReadAcls(r, &out->acl);
  return Stat::Read(r, &out->stat);
}

void SetAclRequest::Write(jute::Writer& w) const {
  w.String(path);
  WriteAcls(w, acl);
  w.Int(version);
}
bool SetAclRequest::Read(jute::Reader& r, SetAclRequest* out) {
  out->path = r.String();
  ReadAcls(r, &out->acl);
  out->version = r.Int();
  return r.ok();
}

void StringListRecord::Write(jute::Writer& w) const { WriteStrings(w, children); }
bool StringListRecord::Read(jute::Reader& r, StringListRecord* out) {
  return ReadStrings(r, &out->children);
}

void GetChildren2Response::Write(jute::Writer& w) const {
  WriteStrings(w, children);
  stat.Write(w);
}
bool GetChildren2Response::Read(jute::Reader& r, GetChildren2Response* out) {
  ReadStrings(r, &out->children);
  return Stat::Read(r, &out->stat);
}

void GetAllChildrenNumberResponse::Write(jute::Writer& w) const { w.Int(total_number); }
bool GetAllChildrenNumberResponse::Read(jute::Reader& r, GetAllChildrenNumberResponse* out) {
  out->total_number = r.Int();
  return r.ok();
}

void PathTypeRecord::Write(jute::Writer& w) const {
  w.String(path);
  w.Int(type);
}
bool PathTypeRecord::Read(jute::Reader& r, PathTypeRecord* out) {
  out->path = r.String();
  out->type = r.Int();
  return r.ok();
}

// ---------------------------------------------------------------------------
// multi

void MultiHeader::Write(jute::Writer& w) const {
  w.Int(type);
  w.Bool(done);
  w.Int(err);
}
bool MultiHeader::Read(jute::Reader& r, MultiHeader* out) {
  out->type = r.Int();
  out->done = r.Bool();
  out->err = r.Int();
  return r.ok();
}

MultiOp MultiOp::Create(CreateRequest req, OpCode type) {
  return MultiOp{static_cast<int32_t>(type), std::move(req)};
}
MultiOp MultiOp::Delete(std::string path, int32_t version) {
  return MultiOp{static_cast<int32_t>(OpCode::kDelete),
                 PathVersionRecord{std::move(path), version}};
}
MultiOp MultiOp::SetData(std::string path, std::string data, int32_t version) {
  return MultiOp{static_cast<int32_t>(OpCode::kSetData),
                 SetDataRequest{std::move(path), std::move(data), version}};
}
MultiOp MultiOp::Check(std::string path, int32_t version) {
  return MultiOp{static_cast<int32_t>(OpCode::kCheck),
                 PathVersionRecord{std::move(path), version}};
}
MultiOp MultiOp::GetChildren(std::string path) {
  return MultiOp{static_cast<int32_t>(OpCode::kGetChildren),
                 PathWatchRecord{std::move(path), false}};
}
MultiOp MultiOp::GetData(std::string path) {
  return MultiOp{static_cast<int32_t>(OpCode::kGetData), PathWatchRecord{std::move(path), false}};
}

void MultiRequest::Write(jute::Writer& w) const {
  for (const auto& op : ops) {
    MultiHeader{op.type, false, -1}.Write(w);
    std::visit([&w](const auto& body) { body.Write(w); }, op.body);
  }
  MultiHeader{-1, true, -1}.Write(w);
}

namespace {
template <typename T>
bool ReadBody(jute::Reader& r, MultiOp* op) {
  T body;
  if (!T::Read(r, &body)) return false;
  op->body = std::move(body);
  return true;
}
}  // namespace

bool MultiRequest::Read(jute::Reader& r, MultiRequest* out) {
  out->ops.clear();
  while (r.ok()) {
    MultiHeader h;
    if (!MultiHeader::Read(r, &h)) return false;
    if (h.done) return true;
    MultiOp op;
    op.type = h.type;
    bool ok = false;
    switch (static_cast<OpCode>(h.type)) {
      case OpCode::kCreate:
      case OpCode::kCreate2:
      case OpCode::kCreateContainer: ok = ReadBody<CreateRequest>(r, &op); break;
      case OpCode::kCreateTtl: ok = ReadBody<CreateTtlRequest>(r, &op); break;
      case OpCode::kDelete:
      case OpCode::kDeleteContainer:
      case OpCode::kCheck: ok = ReadBody<PathVersionRecord>(r, &op); break;
      case OpCode::kSetData: ok = ReadBody<SetDataRequest>(r, &op); break;
      case OpCode::kGetChildren:
      case OpCode::kGetData: ok = ReadBody<PathWatchRecord>(r, &op); break;
      default: break;
    }
    if (!ok) {
      r.Fail();
      return false;
    }
    out->ops.push_back(std::move(op));
  }
  return false;
}

MultiResult MultiResult::Error(int32_t err) {
  MultiResult res;
  res.type = static_cast<int32_t>(OpCode::kError);
  res.err = err;
  return res;
}

void MultiResponse::Write(jute::Writer& w) const {
  for (const auto& res : results) {
    const bool is_error = res.type == static_cast<int32_t>(OpCode::kError);
    MultiHeader{res.type, false, is_error ? res.err : 0}.Write(w);
    switch (static_cast<OpCode>(res.type)) {
      case OpCode::kCreate:
      case OpCode::kCreateContainer:
        w.String(res.path);
        break;
      case OpCode::kCreate2:
      case OpCode::kCreateTtl:
        w.String(res.path);
        res.stat.Write(w);
        break;
      case OpCode::kSetData: res.stat.Write(w); break;
      case OpCode::kGetChildren: WriteStrings(w, res.children); break;
      case OpCode::kGetData:
        w.Buffer(res.data);
        res.stat.Write(w);
        break;
      case OpCode::kError: w.Int(res.err); break;
      default: break;  // delete, check: no body
    }
  }
  MultiHeader{-1, true, -1}.Write(w);
}

bool MultiResponse::Read(jute::Reader& r, MultiResponse* out) {
  out->results.clear();
  while (r.ok()) {
    MultiHeader h;
    if (!MultiHeader::Read(r, &h)) return false;
    if (h.done) return true;
    MultiResult res;
    res.type = h.type;
    res.err = h.err;
    switch (static_cast<OpCode>(h.type)) {
      case OpCode::kCreate:
      case OpCode::kCreateContainer:
        res.path = r.String();
        break;
      case OpCode::kCreate2:
      case OpCode::kCreateTtl:
        res.path = r.String();
        Stat::Read(r, &res.stat);
        break;
      case OpCode::kSetData: Stat::Read(r, &res.stat); break;
      case OpCode::kGetChildren: ReadStrings(r, &res.children); break;
      case OpCode::kGetData:
        res.data = r.Buffer();
        Stat::Read(r, &res.stat);
        break;
      case OpCode::kError: res.err = r.Int(); break;
      case OpCode::kDelete:
      case OpCode::kDeleteContainer:
      case OpCode::kCheck: break;
      default:
        r.Fail();
        return false;
    }
    out->results.push_back(std::move(res));
  }
  return false;
}

// ---------------------------------------------------------------------------
// Paths

namespace {

// Decodes one UTF-8 sequence at s[*i]; malformed input yields U+FFFD (as Java's
// decoder does) and consumes one byte.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b0 = static_cast<uint8_t>(s[*i]);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return 0xFFFD;
  }
  if (*i + static_cast<size_t>(len) > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[*i + static_cast<size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) {
    ++*i;
    return 0xFFFD;
  }
  *i += static_cast<size_t>(len);
  return cp;
}

}  // namespace

bool ValidatePath(std::string_view path, bool sequential, std::string* reason) {
  std::string seq_path;
  if (sequential) {
    seq_path = std::string(path) + "1";
    path = seq_path;
  }
  auto fail = [&](std::string why) {
    if (reason) *reason = std::move(why);
    return false;
  };
  if (path.empty()) return fail("Path length must be > 0");
  if (path[0] != '/') return fail("Path must start with / character");
  if (path.size() == 1) return true;
  if (path.back() == '/') return fail("Path must not end with / character");

  // Java works on UTF-16 units; decode UTF-8 into code points, and count a
  // supplementary character as two units (both surrogates, hence invalid).
  std::vector<uint32_t> chars;
  chars.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    uint32_t cp = NextCodePoint(path, &i);
    if (cp >= 0x10000) {
      chars.push_back(0xD800 + ((cp - 0x10000) >> 10));
      chars.push_back(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      chars.push_back(cp);
    }
  }
  uint32_t last = '/';
  for (size_t i = 1; i < chars.size(); last = chars[i], ++i) {
    const uint32_t c = chars[i];
    const bool next_is_end = i + 1 == chars.size() || chars[i + 1] == '/';
    std::string why;
    if (c == 0) {
      why = "null character not allowed @" + std::to_string(i);
    } else if (c == '/' && last == '/') {
      why = "empty node name specified @" + std::to_string(i);
    } else if (c == '.' && last == '.') {
      if (chars[i - 2] == '/' && next_is_end) why = "relative paths not allowed @" + std::to_string(i);
    } else if (c == '.') {
      if (chars[i - 1] == '/' && next_is_end) why = "relative paths not allowed @" + std::to_string(i);
    } else if ((c > 0 && c <= 0x1F) || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xF8FF) ||
               (c >= 0xFFF0 && c <= 0xFFFF)) {
      why = "invalid character @" + std::to_string(i);
    }
    if (!why.empty()) {
      std::string shown(sequential ? seq_path : std::string(path));
      return fail("Invalid path string \"" + shown + "\" caused by " + why);
    }
  }
  return true;
}

std::string_view ParentPath(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view NodeName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace zk
