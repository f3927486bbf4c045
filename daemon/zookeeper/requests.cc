// Request handling for ZkServer: the ConnectRequest handshake and every opcode.
// Decoding reads jute directly from the frame (no intermediate records); a frame
// that does not decode closes the connection, as ZooKeeper does.
#include <algorithm>

#include "common/util/logging.h"
#include "daemon/zookeeper/acl.h"
#include "daemon/zookeeper/prep.h"
#include "daemon/zookeeper/server.h"

namespace zkserver {
namespace {

// FinalRequestProcessor's lastOp names, shown by cons/stat.
const char* OpName(int32_t type) {
  switch (type) {
    case op::kPing: return "PING";
    case op::kCreate: case op::kCreate2: case op::kCreateContainer: case op::kCreateTtl:
      return "CREA";
    case op::kDelete: case op::kDeleteContainer: return "DELE";
    case op::kSetData: return "SETD";
    case op::kSetAcl: return "SETA";
    case op::kGetAcl: return "GETA";
    case op::kCloseSession: return "CLOS";
    case op::kSync: return "SYNC";
    case op::kCheck: return "CHEC";
    case op::kMulti: return "MULT";
    case op::kMultiRead: return "MLTR";
    case op::kExists: return "EXIS";
    case op::kGetData: return "GETD";
    case op::kGetChildren: case op::kGetChildren2: return "GETC";
    case op::kSetWatches: case op::kSetWatches2: return "SETW";
    case op::kAddWatch: return "ADDW";
    case op::kRemoveWatches: return "REMW";
    case op::kCheckWatches: return "CHKW";
    case op::kWhoAmI: return "HOMI";
    case op::kGetEphemerals: return "GETE";
    case op::kGetAllChildrenNumber: return "GETACN";
    case op::kAuth: return "AUTH";
    default: return "UNKN";
  }
}

// Reads treat "" as the root, as ZooKeeper's node map does.
const std::string& ReadPath(const std::string& p) {
  static const std::string kRoot = "/";
  return p.empty() ? kRoot : p;
}

void WriteStat(zk::jute::Writer& w, const Stat& s) {
  w.Long(s.czxid);
  w.Long(s.mzxid);
  w.Long(s.ctime);
  w.Long(s.mtime);
  w.Int(s.version);
  w.Int(s.cversion);
  w.Int(s.aversion);
  w.Long(s.ephemeral_owner);
  w.Int(s.data_length);
  w.Int(s.num_children);
  w.Long(s.pzxid);
}

void ReadData(zk::jute::Reader& r, WriteOp* op) {
  std::optional<std::string> d = r.Buffer();
  op->data_null = !d.has_value();
  op->data = d ? std::move(*d) : std::string();
}

void WriteData(zk::jute::Writer& w, const DataTree::Node& n) {
  if (n.data_null) w.Int(-1);
  else w.String(n.data);
}

// Decodes one write op body of the given type; false if malformed or unknown.
bool DecodeWriteOp(zk::jute::Reader& r, int32_t type, WriteOp* op) {
  op->type = type;
  switch (type) {
    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer:
      op->path = r.String();
      ReadData(r, op);
      if (!DecodeAcl(r, &op->acl)) return false;
      op->flags = r.Int();
      break;
    case op::kCreateTtl:
      op->path = r.String();
      ReadData(r, op);
      if (!DecodeAcl(r, &op->acl)) return false;
      op->flags = r.Int();
      r.Long();  // ttl
      break;
    case op::kDelete:
    case op::kDeleteContainer:
      op->path = r.String();
      op->version = type == op::kDelete ? r.Int() : -1;
      break;
    case op::kSetData:
      op->path = r.String();
      ReadData(r, op);
      op->version = r.Int();
      break;
    case op::kSetAcl:
      op->path = r.String();
      if (!DecodeAcl(r, &op->acl)) return false;
      op->version = r.Int();
      break;
    case op::kCheck:
      op->path = r.String();
      op->version = r.Int();
      break;
    default:
      return false;
  }
  return r.ok();
}

}  // namespace

zk::jute::Writer ZkServer::BeginBody() {
  // Room for the length prefix and ReplyHeader, patched in by Reply(): the body
  // is serialized once, straight into the frame.
  zk::jute::Writer w;
  w.Raw(std::string_view("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", kReplyHeaderBytes));
  return w;
}

void ZkServer::Reply(Connection& c, int32_t xid, int64_t zxid, int32_t err,
                     zk::jute::Writer* body, int64_t required_zxid) {
  std::string frame;
  if (body && err == err::kOk && body->size() >= kReplyHeaderBytes) {
    frame = body->Take();
  } else {
    frame.assign(kReplyHeaderBytes, '\0');
  }
  auto put = [&frame](size_t pos, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) frame[pos + i] = static_cast<char>(v >> (8 * (n - 1 - i)));
  };
  put(0, frame.size() - 4, 4);
  put(4, static_cast<uint32_t>(xid), 4);
  put(8, static_cast<uint64_t>(zxid), 8);
  put(16, static_cast<uint32_t>(err), 4);
  c.last_zxid_ = zxid;
  Send(c, std::move(frame), required_zxid);
}

bool ZkServer::HandleFrame(Connection& c, std::string_view frame) {
  if (quorum_ && !c.proxy_) {
    switch (quorum_->RouteFrame(c, frame)) {
      case QuorumHooks::Route::kForwarded: return true;
      case QuorumHooks::Route::kReject: return false;
      case QuorumHooks::Route::kLocal: break;
    }
  }
  if (c.session_id_ == 0) return HandleConnect(c, frame);
  return HandleRequest(c, frame);
}

bool ZkServer::HandleConnect(Connection& c, std::string_view frame) {
  zk::jute::Reader r(frame);
  int32_t protocol_version = r.Int();
  int64_t last_zxid_seen = r.Long();
  int32_t timeout = r.Int();
  int64_t session_id = r.Long();
  std::optional<std::string> password = r.Buffer();
  bool read_only = false;
  c.connect_had_read_only_ = r.remaining() >= 1;
  if (c.connect_had_read_only_) read_only = r.Bool();
  if (!r.ok()) return false;
  c.established_ms_ = NowMs();
  (void)protocol_version;
  if (read_only_mode_ && !read_only) {
    // As Apache's read-only server: only clients that accept it get a session.
    log_->info("[{}] refusing session request for not-read-only client", c.remote_);
    c.Close();
    return true;
  }
  if (last_zxid_seen > tree_.last_zxid()) {
    log_->warn("[{}] refusing session request: client has seen zxid 0x{:x}, our last is 0x{:x}",
               c.remote_, last_zxid_seen, tree_.last_zxid());
    return false;
  }
  int32_t negotiated =
      std::clamp(timeout, config_.min_session_timeout, config_.max_session_timeout);
  zk::jute::Writer w;
  w.Int(0);
  int64_t required = tree_.last_zxid();
  if (session_id == 0 && read_only_mode_) {
    // A local session: nothing is logged, other servers never learn of it.
    session_id = NextSessionId();
    std::string pw(16, '\0');
    for (size_t i = 0; i < 16; i += 8) {
      uint64_t v = rng_();
      for (size_t j = 0; j < 8; ++j) pw[i + j] = static_cast<char>(v >> (8 * j));
    }
    ro_sessions_[session_id] = pw;
    password = pw;
    log_->debug("[{}] new read-only session 0x{:x} timeout={}", c.remote_, session_id,
                negotiated);
  } else if (session_id == 0) {
    Txn txn;
    txn.type = op::kCreateSession;
    txn.session_id = NextSessionId();
    txn.value = negotiated;
    txn.password.resize(16);
    for (size_t i = 0; i < 16; i += 8) {
      uint64_t v = rng_();
      for (size_t j = 0; j < 8; ++j) txn.password[i + j] = static_cast<char>(v >> (8 * j));
    }
    Commit(txn, nullptr);
    required = txn.zxid;
    session_id = txn.session_id;
    password = txn.password;
    log_->debug("[{}] new session 0x{:x} timeout={}", c.remote_, session_id, negotiated);
  } else {
    const DataTree::Session* s = tree_.FindSession(session_id);
    std::optional<std::string> expected;
    if (s) {
      expected = s->password;
    } else if (auto ro = ro_sessions_.find(session_id); ro != ro_sessions_.end()) {
      expected = ro->second;
    }
    if (!expected || !password || *password != *expected) {
      log_->info("[{}] {} session 0x{:x} on reconnect", c.remote_,
                 s ? "invalid password for" : "expired", session_id);
      w.Int(0);
      w.Int(0);
      w.Long(0);
      w.String(std::string(16, '\0'));
      if (c.connect_had_read_only_) w.Bool(false);
      w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
      c.session_id_ = -1;  // no further requests are accepted
      Send(c, w.Take(), required);
      c.CloseAfterFlush();
      return true;
    }
    // The session moves to this connection; the old one is closed.
    auto it = session_owner_.find(session_id);
    if (it != session_owner_.end() && it->second != &c) {
      Connection* old = it->second;
      session_owner_.erase(it);
      old->CloseAfterFlush();
    }
  }
  c.session_id_ = session_id;
  c.session_timeout_ = negotiated;
  c.read_only_ = read_only_mode_;
  session_owner_[session_id] = &c;
  session_timeout_[session_id] = negotiated;
  expiry_.Touch(session_id, MonoMs(), negotiated);
  w.Int(0);
  w.Int(negotiated);
  w.Long(session_id);
  w.String(*password);
  if (c.connect_had_read_only_) w.Bool(c.read_only_);
  w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
  Send(c, w.Take(), required);
  return true;
}

bool ZkServer::HandleReadOnlyWrite(Connection& c, int32_t xid, int32_t type) {
  const int64_t last = tree_.last_zxid();
  switch (type) {
    case op::kCloseSession: {
      // A local session just ends; a global one is left to the leader (it
      // expires there unless the client comes back to a read-write server).
      int64_t sid = c.session_id_;
      if (ro_sessions_.erase(sid)) {
        expiry_.Remove(sid);
        session_timeout_.erase(sid);
      }
      session_owner_.erase(sid);
      Reply(c, xid, last, err::kOk, nullptr, last);
      c.CloseAfterFlush();
      return true;
    }
    // Apache's ReadOnlyRequestProcessor list.
    case op::kSync: case op::kCreate: case op::kCreate2: case op::kCreateTtl:
    case op::kCreateContainer: case op::kDelete: case op::kDeleteContainer:
    case op::kSetData: case op::kReconfig: case op::kSetAcl: case op::kMulti: case op::kCheck:
      Reply(c, xid, last, err::kNotReadOnly, nullptr, last);
      return true;
    default:
      return false;
  }
}

bool ZkServer::HandleRequest(Connection& c, std::string_view frame) {
  if (c.session_id_ < 0 || c.closing_) return true;  // expired handshake: ignore the rest
  zk::jute::Reader r(frame);
  int32_t xid = r.Int();
  int32_t type = r.Int();
  if (!r.ok()) return false;
  if (c.read_only_ && HandleReadOnlyWrite(c, xid, type)) return true;
  if (!HandleOp(c, xid, type, r)) {
    // An undecodable body: ZooKeeper answers ZMARSHALLINGERROR and carries on.
    log_->warn("[{}] malformed body for opcode {}", c.remote_, type);
    Reply(c, xid, tree_.last_zxid(), err::kMarshallingError, nullptr, tree_.last_zxid());
  }
  return true;
}

bool ZkServer::HandleOp(Connection& c, int32_t xid, int32_t type, zk::jute::Reader& r) {
  if (xid >= 0) c.last_cxid_ = xid;
  c.last_op_ = OpName(type);
  auto t0 = std::chrono::steady_clock::now();
  auto latency_done = [&] {
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - t0)
                     .count();
    if (min_latency_ < 0 || ms < min_latency_) min_latency_ = ms;
    max_latency_ = std::max(max_latency_, ms);
    total_latency_ += ms;
    ++latency_count_;
    if (c.min_latency_ < 0 || ms < c.min_latency_) c.min_latency_ = ms;
    c.max_latency_ = std::max(c.max_latency_, ms);
    c.total_latency_ += ms;
    ++c.latency_count_;
    c.last_latency_ = ms;
    c.last_response_ms_ = NowMs();
  };
  auto timeout_it = session_timeout_.find(c.session_id_);
  if (timeout_it != session_timeout_.end()) {
    expiry_.Touch(c.session_id_, MonoMs(), timeout_it->second);
  }
  const int64_t last = tree_.last_zxid();

  switch (type) {
    case op::kPing:
      Reply(c, xid, last, err::kOk, nullptr, last);
      c.last_response_ms_ = NowMs();
      return true;

    case op::kAuth: {
      int32_t auth_type = r.Int();
      std::string scheme = r.String();
      std::optional<std::string> auth = r.Buffer();
      if (!r.ok()) return false;
      (void)auth_type;
      if (scheme == "ip") {
        // The ip scheme takes the address from the socket, already in auth_.
        Reply(c, xid, 0, err::kOk, nullptr, last);
        return true;
      }
      std::string id = scheme == "digest" && auth ? DigestId(*auth) : std::string();
      if (id.empty()) {
        ++auth_failed_;
        log_->warn("[{}] authentication failed for scheme '{}'", c.remote_, scheme);
        Reply(c, xid, 0, err::kAuthFailed, nullptr, last);
        c.CloseAfterFlush();
        return true;
      }
      Id new_id{"digest", id};
      if (std::find(c.auth_.begin(), c.auth_.end(), new_id) == c.auth_.end()) {
        c.auth_.push_back(new_id);
      }
      Reply(c, xid, 0, err::kOk, nullptr, last);
      return true;
    }

    case op::kSetWatches:
    case op::kSetWatches2: {
      int64_t rel = r.Long();
      auto read_list = [&r](std::vector<std::string>* out) {
        int32_t n = r.Count(4);
        for (int32_t i = 0; i < n && r.ok(); ++i) out->push_back(r.String());
      };
      std::vector<std::string> data, exist, child, persistent, recursive;
      read_list(&data);
      read_list(&exist);
      read_list(&child);
      if (type == op::kSetWatches2) {
        read_list(&persistent);
        read_list(&recursive);
      }
      if (!r.ok()) return false;
      std::vector<WatchEvent> events;
      for (const std::string& p : data) {
        const DataTree::Node* n = tree_.Find(p);
        if (!n) events.push_back(WatchEvent{c.id(), event::kNodeDeleted, p, nullptr});
        else if (n->mzxid > rel)
          events.push_back(WatchEvent{c.id(), event::kNodeDataChanged, p, n->acl});
        else tree_.AddDataWatch(p, c.id());
      }
      for (const std::string& p : exist) {
        if (const DataTree::Node* n = tree_.Find(p))
          events.push_back(WatchEvent{c.id(), event::kNodeCreated, p, n->acl});
        else tree_.AddDataWatch(p, c.id());
      }
      for (const std::string& p : child) {
        const DataTree::Node* n = tree_.Find(p);
        if (!n) events.push_back(WatchEvent{c.id(), event::kNodeDeleted, p, nullptr});
        else if (n->pzxid > rel)
          events.push_back(WatchEvent{c.id(), event::kNodeChildrenChanged, p, n->acl});
        else tree_.AddChildWatch(p, c.id());
      }
      for (const std::string& p : persistent) tree_.AddPersistentWatch(p, c.id(), false);
      for (const std::string& p : recursive) tree_.AddPersistentWatch(p, c.id(), true);
      DispatchEvents(events, last);
      Reply(c, xid, last, err::kOk, nullptr, last);
      return true;
    }

    case op::kAddWatch: {
      std::string path = r.String();
      int32_t mode = r.Int();
      if (!r.ok()) return false;
      int32_t rc = err::kOk;
      if (mode != 0 && mode != 1) {
        rc = err::kBadArguments;
      } else {
        tree_.AddPersistentWatch(path, c.id(), mode == 1);
      }
      Reply(c, xid, last, rc, nullptr, last);
      latency_done();
      return true;
    }

    case op::kRemoveWatches:
    case op::kCheckWatches: {
      std::string path = r.String();
      int32_t wtype = r.Int();
      if (!r.ok()) return false;
      bool found = tree_.RemoveWatches(path, c.id(), wtype, type == op::kCheckWatches);
      Reply(c, xid, last, found ? err::kOk : err::kNoWatcher, nullptr, last);
      latency_done();
      return true;
    }

    case op::kWhoAmI: {
      zk::jute::Writer body = BeginBody();
      body.Int(static_cast<int32_t>(c.auth_.size()));
      for (const Id& id : c.auth_) {
        body.String(id.scheme);
        // The digest provider reports the user name, not the hashed id.
        body.String(id.scheme == "digest" ? id.id.substr(0, id.id.find(':')) : id.id);
      }
      Reply(c, xid, last, err::kOk, &body, last);
      latency_done();
      return true;
    }

    case op::kMultiRead: {
      zk::jute::Writer body = BeginBody();
      while (true) {
        int32_t t = r.Int();
        bool done = r.Bool();
        r.Int();
        if (!r.ok()) return false;
        if (done) break;
        if (t != op::kGetData && t != op::kGetChildren) return false;
        std::string path = r.String();
        r.Bool();  // watch: ignored in multiRead, as in ZooKeeper
        if (!r.ok()) return false;
        const DataTree::Node* n = tree_.Find(ReadPath(path));
        int32_t rc = !n ? err::kNoNode
                        : (!CheckAcl(*n->acl, perm::kRead, c.auth_) ? err::kNoAuth : err::kOk);
        if (rc != err::kOk) {
          body.Int(op::kError);
          body.Bool(false);
          body.Int(rc);
          body.Int(rc);
          continue;
        }
        body.Int(t);
        body.Bool(false);
        body.Int(err::kOk);
        if (t == op::kGetData) {
          WriteData(body, *n);
          WriteStat(body, tree_.StatOf(*n));
        } else {
          body.Int(static_cast<int32_t>(n->children.size()));
          for (const std::string& child : n->children) body.String(child);
        }
      }
      body.Int(-1);
      body.Bool(true);
      body.Int(-1);
      Reply(c, xid, last, err::kOk, &body, last);
      latency_done();
      return true;
    }

    case op::kReconfig:
      Reply(c, xid, last, err::kReconfigDisabled, nullptr, last);
      return true;

    case op::kSasl:
      Reply(c, xid, last, err::kUnimplemented, nullptr, last);
      return true;

    case op::kCloseSession: {
      int64_t sid = c.session_id_;
      Txn txn;
      txn.type = op::kCloseSession;
      txn.session_id = sid;
      int64_t required = last;
      if (tree_.FindSession(sid)) {
        Commit(txn, nullptr);
        required = txn.zxid;
      }
      expiry_.Remove(sid);
      session_timeout_.erase(sid);
      session_owner_.erase(sid);
      Reply(c, xid, required, err::kOk, nullptr, required);
      latency_done();
      c.CloseAfterFlush();
      return true;
    }

    case op::kExists:
    case op::kGetData:
    case op::kGetChildren:
    case op::kGetChildren2: {
      std::string path = r.String();
      bool watch = r.Bool();
      if (!r.ok()) return false;
      if (type == op::kExists && path.find('\0') != std::string::npos) {
        Reply(c, xid, last, err::kBadArguments, nullptr, last);
        latency_done();
        return true;
      }
      const DataTree::Node* n = tree_.Find(ReadPath(path));
      zk::jute::Writer body = BeginBody();
      int32_t rc = err::kOk;
      if (!n) {
        rc = err::kNoNode;
        if (watch && type == op::kExists) tree_.AddDataWatch(path, c.id());
      } else if (type != op::kExists && !CheckAcl(*n->acl, perm::kRead, c.auth_)) {
        rc = err::kNoAuth;
      } else if (type == op::kExists || type == op::kGetData) {
        if (type == op::kGetData) WriteData(body, *n);
        WriteStat(body, tree_.StatOf(*n));
        if (watch) tree_.AddDataWatch(path, c.id());
      } else {
        body.Raw(DataTree::ChildrenBlob(*n));
        if (type == op::kGetChildren2) WriteStat(body, tree_.StatOf(*n));
        if (watch) tree_.AddChildWatch(path, c.id());
      }
      Reply(c, xid, last, rc, &body, last);
      latency_done();
      return true;
    }

    case op::kGetAcl: {
      std::string path = r.String();
      if (!r.ok()) return false;
      const DataTree::Node* n = tree_.Find(ReadPath(path));
      zk::jute::Writer body = BeginBody();
      int32_t rc = err::kOk;
      if (!n) {
        rc = err::kNoNode;
      } else if (!CheckAcl(*n->acl, perm::kRead | perm::kAdmin, c.auth_)) {
        rc = err::kNoAuth;
      } else {
        EncodeAcl(*n->acl, body);
        WriteStat(body, tree_.StatOf(*n));
      }
      Reply(c, xid, last, rc, &body, last);
      latency_done();
      return true;
    }

    case op::kGetAllChildrenNumber: {
      std::string path = r.String();
      if (!r.ok()) return false;
      const DataTree::Node* n = tree_.Find(ReadPath(path));
      zk::jute::Writer body = BeginBody();
      int32_t rc = err::kOk;
      if (!n) {
        rc = err::kNoNode;
      } else if (!CheckAcl(*n->acl, perm::kRead, c.auth_)) {
        rc = err::kNoAuth;
      } else {
        int32_t count = 0;
        std::vector<std::string> stack{ReadPath(path)};
        while (!stack.empty()) {
          std::string cur = std::move(stack.back());
          stack.pop_back();
          const DataTree::Node* node = tree_.Find(cur);
          if (!node) continue;
          for (const std::string& child : node->children) {
            ++count;
            stack.push_back(cur == "/" ? "/" + child : cur + "/" + child);
          }
        }
        body.Int(count);
      }
      Reply(c, xid, last, rc, &body, last);
      return true;
    }

    case op::kGetEphemerals: {
      std::string prefix = r.String();
      if (!r.ok()) return false;
      zk::jute::Writer body = BeginBody();
      std::vector<std::string> paths;
      for (const std::string& p : tree_.EphemeralsOf(c.session_id_)) {
        if (prefix == "/" || p.compare(0, prefix.size(), prefix) == 0) paths.push_back(p);
      }
      body.Int(static_cast<int32_t>(paths.size()));
      for (const std::string& p : paths) body.String(p);
      Reply(c, xid, last, err::kOk, &body, last);
      return true;
    }

    case op::kSync: {
      std::string path = r.String();
      if (!r.ok()) return false;
      zk::jute::Writer body = BeginBody();
      body.String(path);
      Reply(c, xid, last, err::kOk, &body, last);
      latency_done();
      return true;
    }

    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer:
    case op::kCreateTtl:
    case op::kDelete:
    case op::kDeleteContainer:
    case op::kSetData:
    case op::kSetAcl: {
      WriteOp wop;
      if (!DecodeWriteOp(r, type, &wop)) return false;
      Txn txn;
      int32_t rc = err::kUnimplemented;
      Prep prep(tree_);
      PrepContext ctx{c.session_id_, &c.auth_, 0, 0};
      if (type != op::kCreateTtl) rc = prep.PrepareOne(ctx, wop, &txn);
      if (type == op::kDeleteContainer && rc == err::kOk) {
        const DataTree::Node* n = tree_.Find(wop.path);
        if (!n || n->ephemeral_owner != kContainerOwner) rc = err::kBadArguments;
      }
      if (rc != err::kOk) {
        Reply(c, xid, last, rc, nullptr, last);
        latency_done();
        return true;
      }
      std::vector<DataTree::OpResult> results;
      Commit(txn, &results);
      zk::jute::Writer body = BeginBody();
      const DataTree::OpResult& res = results.front();
      switch (type) {
        case op::kCreate:
          body.String(res.path);
          break;
        case op::kCreate2:
        case op::kCreateContainer:
          body.String(res.path);
          WriteStat(body, res.stat);
          break;
        case op::kSetData:
        case op::kSetAcl:
          WriteStat(body, res.stat);
          break;
        default:
          break;
      }
      Reply(c, xid, txn.zxid, err::kOk, &body, txn.zxid);
      latency_done();
      return true;
    }

    case op::kMulti: {
      std::vector<WriteOp> ops;
      std::vector<int32_t> op_types;
      while (true) {
        int32_t t = r.Int();
        bool done = r.Bool();
        r.Int();  // err
        if (!r.ok()) return false;
        if (done) break;
        WriteOp wop;
        if (!DecodeWriteOp(r, t, &wop)) return false;
        ops.push_back(std::move(wop));
        op_types.push_back(t);
      }
      zk::jute::Writer body = BeginBody();
      Txn txn;
      std::vector<int32_t> errors;
      int32_t rc = err::kOk;
      for (size_t i = 0; i < ops.size(); ++i) {
        if (op_types[i] == op::kCreateTtl || op_types[i] == op::kDeleteContainer) {
          // Not supported inside a multi here: report the op as failing.
          errors.assign(ops.size(), err::kOk);
          for (size_t j = i + 1; j < ops.size(); ++j) errors[j] = err::kRuntimeInconsistency;
          errors[i] = err::kUnimplemented;
          rc = err::kUnimplemented;
          break;
        }
      }
      if (rc == err::kOk && !ops.empty()) {
        Prep prep(tree_);
        PrepContext ctx{c.session_id_, &c.auth_, 0, 0};
        rc = prep.PrepareMulti(ctx, ops, &txn, &errors);
      }
      int64_t reply_zxid = last;
      if (rc != err::kOk) {
        for (int32_t e : errors) {
          body.Int(op::kError);
          body.Bool(false);
          body.Int(e);
          body.Int(e);
        }
      } else if (!ops.empty()) {
        std::vector<DataTree::OpResult> results;
        Commit(txn, &results);
        reply_zxid = txn.zxid;
        for (size_t i = 0; i < ops.size() && i < results.size(); ++i) {
          int32_t t = op_types[i];
          // ZooKeeper 3.8 answers create2 inside a multi with a plain create
          // result (type 1, path only); containers get path and stat.
          int32_t result_type = t == op::kCreateContainer ? op::kCreate2
                                : t == op::kCreate2       ? op::kCreate
                                                          : t;
          body.Int(result_type);
          body.Bool(false);
          body.Int(err::kOk);
          if (t == op::kCreate || t == op::kCreate2) {
            body.String(results[i].path);
          } else if (t == op::kCreateContainer) {
            body.String(results[i].path);
            WriteStat(body, results[i].stat);
          } else if (t == op::kSetData) {
            WriteStat(body, results[i].stat);
          }
        }
      }
      body.Int(-1);
      body.Bool(true);
      body.Int(-1);
      Reply(c, xid, reply_zxid, err::kOk, &body, reply_zxid);
      latency_done();
      return true;
    }

    default:
      // As ZooKeeper: ZUNIMPLEMENTED, then the connection is closed.
      log_->warn("[{}] unknown opcode {}, closing", c.remote_, type);
      Reply(c, xid, last, err::kUnimplemented, nullptr, last);
      c.CloseAfterFlush();
      return true;
  }
}

}  // namespace zkserver
