#include "common/zk/client.h"

#include <algorithm>
#include <charconv>
#include <future>
#include <random>
#include <utility>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/util/logging.h"

namespace zk {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr int32_t E(ErrorCode c) { return static_cast<int32_t>(c); }
constexpr int32_t E(OpCode c) { return static_cast<int32_t>(c); }

// SetWatches frames are split so none gets near the server's jute.maxbuffer.
constexpr size_t kSetWatchesChunkBytes = 128 * 1024;
constexpr auto kTickInterval = std::chrono::milliseconds(100);
constexpr auto kCloseWait = std::chrono::milliseconds(2000);

std::shared_ptr<spdlog::logger> Log() {
  static auto log = util::logging::Get("zk");
  return log;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// A handler that decodes the reply body with `decode` on success.
template <typename T, typename DecodeFn>
std::function<void(int32_t, jute::Reader*)> MakeHandler(Callback<T> cb, DecodeFn decode) {
  return [cb = std::move(cb), decode = std::move(decode)](int32_t err,
                                                          jute::Reader* body) mutable {
    Reply<T> reply;
    reply.err = err;
    if (err == 0 && body != nullptr && !decode(*body, &reply.value)) {
      reply.err = E(ErrorCode::kMarshallingError);
    }
    if (cb) cb(std::move(reply));
  };
}

}  // namespace

// ---------------------------------------------------------------------------
// Connect string and status mapping

util::Result<ConnectString> ParseConnectString(std::string_view s) {
  ConnectString cs;
  size_t slash = s.find('/');
  std::string_view hosts = s.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string chroot(s.substr(slash));
    std::string why;
    if (!ValidatePath(chroot, false, &why)) {
      return util::Status::InvalidArgument("invalid chroot in connect string: " + why);
    }
    if (chroot != "/") cs.chroot = chroot;
  }
  size_t pos = 0;
  while (pos <= hosts.size()) {
    size_t comma = hosts.find(',', pos);
    if (comma == std::string_view::npos) comma = hosts.size();
    std::string item = Trim(hosts.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    HostPort hp;
    std::string port_str;
    if (item[0] == '[') {
      size_t close = item.find(']');
      if (close == std::string::npos) {
        return util::Status::InvalidArgument("bad host in connect string: " + item);
      }
      hp.host = item.substr(1, close - 1);
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':') {
          return util::Status::InvalidArgument("bad host in connect string: " + item);
        }
        port_str = item.substr(close + 2);
      }
    } else {
      size_t colon = item.rfind(':');
      hp.host = item.substr(0, colon);
      if (colon != std::string::npos) port_str = item.substr(colon + 1);
    }
    if (!port_str.empty() || item.back() == ':') {
      int port = 0;
      auto [p, ec] = std::from_chars(port_str.data(), port_str.data() + port_str.size(), port);
      if (ec != std::errc() || p != port_str.data() + port_str.size() || port <= 0 ||
          port > 65535) {
        return util::Status::InvalidArgument("bad port in connect string: " + item);
      }
      hp.port = static_cast<uint16_t>(port);
    }
    if (hp.host.empty()) {
      return util::Status::InvalidArgument("bad host in connect string: " + item);
    }
    cs.hosts.push_back(std::move(hp));
  }
  if (cs.hosts.empty()) return util::Status::InvalidArgument("connect string has no hosts");
  return cs;
}

util::Status ToStatus(int32_t err, std::string_view path) {
  std::string msg = KeeperErrorMessage(err, path);
  switch (static_cast<ErrorCode>(err)) {
    case ErrorCode::kOk: return util::Status::OK();
    case ErrorCode::kNoNode: return util::Status::NotFound(msg);
    case ErrorCode::kNodeExists: return util::Status::AlreadyExists(msg);
    case ErrorCode::kOperationTimeout:
    case ErrorCode::kRequestTimeout: return util::Status::Timeout(msg);
    case ErrorCode::kConnectionLoss:
    case ErrorCode::kSessionExpired:
    case ErrorCode::kSessionMoved:
    case ErrorCode::kClosing: return util::Status::Unavailable(msg);
    case ErrorCode::kBadArguments:
    case ErrorCode::kInvalidAcl: return util::Status::InvalidArgument(msg);
    case ErrorCode::kBadVersion:
    case ErrorCode::kNotEmpty: return util::Status::Aborted(msg);
    case ErrorCode::kUnimplemented: return util::Status::NotSupported(msg);
    default: return util::Status::Internal(msg);
  }
}

// ---------------------------------------------------------------------------
// Client: construction and public API (each call hops onto the strand)

util::Result<std::shared_ptr<Client>> Client::Create(asio::io_context& io,
                                                     ClientOptions options) {
  auto cs = ParseConnectString(options.connect_string);
  if (!cs.ok()) return cs.status();
  return std::shared_ptr<Client>(new Client(io, std::move(options), std::move(cs).value()));
}

Client::Client(asio::io_context& io, ClientOptions options, ConnectString cs)
    : io_(io),
      strand_(asio::make_strand(io)),
      options_(std::move(options)),
      hosts_(std::move(cs.hosts)),
      chroot_(std::move(cs.chroot)),
      resolver_(strand_),
      socket_(strand_),
      attempt_timer_(strand_),
      reconnect_timer_(strand_),
      tick_timer_(strand_),
      close_timer_(strand_) {
  if (options_.request_timeout.count() <= 0) options_.request_timeout = options_.session_timeout;
  if (options_.randomize_hosts && hosts_.size() > 1) {
    std::shuffle(hosts_.begin(), hosts_.end(), std::mt19937(std::random_device()()));
  }
}

Client::~Client() = default;

void Client::SetStateListener(StateListener listener) {
  asio::post(strand_, [self = shared_from_this(), l = std::move(listener)]() mutable {
    self->state_listener_ = std::move(l);
  });
}

void Client::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->state_ != State::kIdle) return;
    self->StartConnect();
    if (!self->tick_running_) {
      self->tick_running_ = true;
      self->Tick();
    }
  });
}

void Client::Close(std::function<void()> done, bool end_session) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done), end_session]() mutable {
    Client* c = self.get();
    if (!end_session && c->TerminalError() == 0) {
      if (done) c->close_waiters_.push_back(std::move(done));
      c->Terminate(State::kClosed, E(ErrorCode::kClosing), KeeperState::kClosed);
      return;
    }
    switch (c->state_) {
      case State::kClosed:
      case State::kExpired:
      case State::kAuthFailed:
        c->state_ = State::kClosed;
        if (done) done();
        return;
      case State::kClosing:
        if (done) c->close_waiters_.push_back(std::move(done));
        return;
      case State::kConnected: {
        if (done) c->close_waiters_.push_back(std::move(done));
        c->state_ = State::kClosing;
        // Requests not yet sent will never be: fail them now.
        std::deque<Request> unsent;
        unsent.swap(c->outgoing_);
        for (auto& r : unsent) {
          if (r.handler) std::exchange(r.handler, nullptr)(E(ErrorCode::kClosing), nullptr);
        }
        Request req;
        req.xid = c->next_xid_++;
        req.frame = EncodeFrame(RequestHeader{req.xid, E(OpCode::kCloseSession)});
        req.deadline = Clock::now() + kCloseWait;
        req.handler = [c](int32_t, jute::Reader*) {
          c->Terminate(State::kClosed, E(ErrorCode::kClosing), KeeperState::kClosed);
        };
        c->outgoing_.push_back(std::move(req));
        c->close_timer_.expires_after(kCloseWait);
        c->close_timer_.async_wait(asio::bind_executor(
            c->strand_, [self](const boost::system::error_code& ec) {
              if (ec || self->state_ != State::kClosing) return;
              self->Terminate(State::kClosed, E(ErrorCode::kClosing), KeeperState::kClosed);
            }));
        c->Flush();
        return;
      }
      default:
        if (done) c->close_waiters_.push_back(std::move(done));
        c->Terminate(State::kClosed, E(ErrorCode::kClosing), KeeperState::kClosed);
        return;
    }
  });
}

void Client::Create(std::string path, std::optional<std::string> data, CreateMode mode,
                    Callback<CreateResult> cb, AclList acl, int64_t ttl_ms) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path), data = std::move(data),
                       mode, cb = std::move(cb), acl = std::move(acl), ttl_ms]() mutable {
    const auto flags = static_cast<int32_t>(mode);
    if (!ValidCreateMode(flags) || !ValidatePath(path, IsSequentialMode(flags)) ||
        (IsTtlMode(flags) != (ttl_ms > 0))) {
      if (cb) cb(Reply<CreateResult>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    Client* c = self.get();
    auto handler = MakeHandler<CreateResult>(
        std::move(cb), [c](jute::Reader& r, CreateResult* out) {
          Create2Response resp;
          if (!Create2Response::Read(r, &resp)) return false;
          out->path = c->ClientPath(resp.path);
          out->stat = resp.stat;
          return true;
        });
    if (IsTtlMode(flags)) {
      c->SubmitRecord(OpCode::kCreateTtl,
                      CreateTtlRequest{c->ServerPath(path), std::move(data), std::move(acl), flags,
                                       ttl_ms},
                      std::move(handler));
    } else {
      c->SubmitRecord(IsContainerMode(flags) ? OpCode::kCreateContainer : OpCode::kCreate2,
                      CreateRequest{c->ServerPath(path), std::move(data), std::move(acl), flags},
                      std::move(handler));
    }
  });
}

void Client::Delete(std::string path, int32_t version, Callback<Empty> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path), version,
                       cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<Empty>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    self->SubmitRecord(OpCode::kDelete, DeleteRequest{self->ServerPath(path), version},
                       MakeHandler<Empty>(std::move(cb), [](jute::Reader&, Empty*) { return true; }));
  });
}

void Client::Exists(std::string path, Watcher watcher, Callback<Stat> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path),
                       watcher = std::move(watcher), cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<Stat>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    Client* c = self.get();
    const bool watch = static_cast<bool>(watcher);
    std::string server_path = c->ServerPath(path);
    c->SubmitRecord(
        OpCode::kExists, ExistsRequest{std::move(server_path), watch},
        [c, path, watcher = std::move(watcher), cb = std::move(cb)](int32_t err,
                                                                    jute::Reader* body) mutable {
          Reply<Stat> reply;
          reply.err = err;
          if (body != nullptr) {
            if (err == 0 && !Stat::Read(*body, &reply.value)) {
              reply.err = E(ErrorCode::kMarshallingError);
            }
            if (watcher && reply.err == 0) c->AddWatch(WatchKind::kData, path, std::move(watcher));
            if (watcher && reply.err == E(ErrorCode::kNoNode)) {
              c->AddWatch(WatchKind::kExist, path, std::move(watcher));
            }
          }
          if (cb) cb(std::move(reply));
        });
  });
}

void Client::GetData(std::string path, Watcher watcher, Callback<DataResult> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path),
                       watcher = std::move(watcher), cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<DataResult>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    Client* c = self.get();
    const bool watch = static_cast<bool>(watcher);
    c->SubmitRecord(OpCode::kGetData, GetDataRequest{c->ServerPath(path), watch},
                    MakeHandler<DataResult>(
                        std::move(cb), [c, path, watcher = std::move(watcher)](
                                           jute::Reader& r, DataResult* out) mutable {
                          GetDataResponse resp;
                          if (!GetDataResponse::Read(r, &resp)) return false;
                          out->is_null = !resp.data.has_value();
                          out->data = resp.data.value_or(std::string());
                          out->stat = resp.stat;
                          if (watcher) c->AddWatch(WatchKind::kData, path, std::move(watcher));
                          return true;
                        }));
  });
}

void Client::SetData(std::string path, std::string data, int32_t version, Callback<Stat> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path), data = std::move(data),
                       version, cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<Stat>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    self->SubmitRecord(OpCode::kSetData,
                       SetDataRequest{self->ServerPath(path), std::move(data), version},
                       MakeHandler<Stat>(std::move(cb), [](jute::Reader& r, Stat* out) {
                         return Stat::Read(r, out);
                       }));
  });
}

void Client::GetChildren(std::string path, Watcher watcher, Callback<ChildrenResult> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path),
                       watcher = std::move(watcher), cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<ChildrenResult>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    Client* c = self.get();
    const bool watch = static_cast<bool>(watcher);
    c->SubmitRecord(OpCode::kGetChildren2, GetChildren2Request{c->ServerPath(path), watch},
                    MakeHandler<ChildrenResult>(
                        std::move(cb), [c, path, watcher = std::move(watcher)](
                                           jute::Reader& r, ChildrenResult* out) mutable {
                          GetChildren2Response resp;
                          if (!GetChildren2Response::Read(r, &resp)) return false;
                          out->children = std::move(resp.children);
                          out->stat = resp.stat;
                          if (watcher) c->AddWatch(WatchKind::kChild, path, std::move(watcher));
                          return true;
                        }));
  });
}

void Client::GetAcl(std::string path, Callback<AclResult> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path),
                       cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<AclResult>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    self->SubmitRecord(OpCode::kGetAcl, GetAclRequest{self->ServerPath(path)},
                       MakeHandler<AclResult>(std::move(cb), [](jute::Reader& r, AclResult* out) {
                         GetAclResponse resp;
                         if (!GetAclResponse::Read(r, &resp)) return false;
                         out->acl = std::move(resp.acl);
                         out->stat = resp.stat;
                         return true;
                       }));
  });
}

void Client::SetAcl(std::string path, AclList acl, int32_t version, Callback<Stat> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path), acl = std::move(acl),
                       version, cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<Stat>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    self->SubmitRecord(OpCode::kSetAcl, SetAclRequest{self->ServerPath(path), std::move(acl), version},
                       MakeHandler<Stat>(std::move(cb), [](jute::Reader& r, Stat* out) {
                         return Stat::Read(r, out);
                       }));
  });
}

void Client::Sync(std::string path, Callback<std::string> cb) {
  asio::post(strand_, [self = shared_from_this(), path = std::move(path),
                       cb = std::move(cb)]() mutable {
    if (!ValidatePath(path, false)) {
      if (cb) cb(Reply<std::string>{E(ErrorCode::kBadArguments), {}});
      return;
    }
    Client* c = self.get();
    c->SubmitRecord(OpCode::kSync, SyncRequest{c->ServerPath(path)},
                    MakeHandler<std::string>(std::move(cb), [c](jute::Reader& r, std::string* out) {
                      SyncResponse resp;
                      if (!SyncResponse::Read(r, &resp)) return false;
                      *out = c->ClientPath(resp.path);
                      return true;
                    }));
  });
}

void Client::Multi(std::vector<MultiOp> ops, Callback<std::vector<MultiResult>> cb) {
  asio::post(strand_, [self = shared_from_this(), ops = std::move(ops),
                       cb = std::move(cb)]() mutable {
    Client* c = self.get();
    MultiRequest req;
    const bool read_only =
        !ops.empty() && std::all_of(ops.begin(), ops.end(), [](const MultiOp& op) {
          return op.type == E(OpCode::kGetChildren) || op.type == E(OpCode::kGetData);
        });
    for (auto& op : ops) {
      bool bad = false;
      std::visit(
          [&](auto& body) {
            const bool seq = [&] {
              if constexpr (requires { body.flags; }) return IsSequentialMode(body.flags);
              return false;
            }();
            if (!ValidatePath(body.path, seq)) bad = true;
            body.path = c->ServerPath(body.path);
          },
          op.body);
      if (bad) {
        if (cb) cb(Reply<std::vector<MultiResult>>{E(ErrorCode::kBadArguments), {}});
        return;
      }
      req.ops.push_back(std::move(op));
    }
    c->SubmitRecord(
        read_only ? OpCode::kMultiRead : OpCode::kMulti, req,
        [c, read_only, cb = std::move(cb)](int32_t err, jute::Reader* body) mutable {
          Reply<std::vector<MultiResult>> reply;
          reply.err = err;
          if (body != nullptr && body->remaining() > 0) {
            MultiResponse resp;
            if (MultiResponse::Read(*body, &resp)) {
              for (auto& res : resp.results) {
                if (!res.path.empty()) res.path = c->ClientPath(res.path);
                if (!read_only && reply.err == 0 && res.type == E(OpCode::kError) &&
                    res.err != 0) {
                  reply.err = res.err;
                }
              }
              reply.value = std::move(resp.results);
            } else if (reply.err == 0) {
              reply.err = E(ErrorCode::kMarshallingError);
            }
          }
          if (cb) cb(std::move(reply));
        });
  });
}

void Client::AddAuth(std::string scheme, std::string auth, Callback<Empty> cb) {
  asio::post(strand_, [self = shared_from_this(), scheme = std::move(scheme),
                       auth = std::move(auth), cb = std::move(cb)]() mutable {
    Client* c = self.get();
    if (int32_t err = c->TerminalError(); err != 0) {
      if (cb) cb(Reply<Empty>{err, {}});
      return;
    }
    c->auth_infos_.emplace_back(scheme, auth);
    if (c->state_ == State::kConnected) {
      c->SendSpecial(EncodeFrame(RequestHeader{kAuthXid, E(OpCode::kAuth)},
                                 AuthPacket{0, scheme, auth}));
      c->auth_waiters_.push_back(std::move(cb));
      c->Flush();
    } else {
      // Sent with the session setup on the next connection.
      c->deferred_auth_cbs_.push_back(std::move(cb));
    }
  });
}

// ---------------------------------------------------------------------------
// Requests

int32_t Client::TerminalError() const {
  switch (state_) {
    case State::kClosing:
    case State::kClosed: return E(ErrorCode::kClosing);
    case State::kExpired: return E(ErrorCode::kSessionExpired);
    case State::kAuthFailed: return E(ErrorCode::kAuthFailed);
    default: return 0;
  }
}

template <typename Rec>
void Client::SubmitRecord(OpCode op, const Rec& rec, Handler handler) {
  Submit(op, Encode(rec), std::move(handler));
}

void Client::Submit(OpCode op, std::string body, Handler handler) {
  if (int32_t err = TerminalError(); err != 0) {
    handler(err, nullptr);
    return;
  }
  Request req;
  req.xid = next_xid_++;
  if (next_xid_ <= 0) next_xid_ = 1;  // wrap: negative xids are reserved
  jute::Writer w;
  w.Int(0);
  RequestHeader{req.xid, static_cast<int32_t>(op)}.Write(w);
  w.Raw(body);
  w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
  req.frame = w.Take();
  req.handler = std::move(handler);
  req.deadline = Clock::now() + options_.request_timeout;
  outgoing_.push_back(std::move(req));
  Flush();
}

void Client::SendSpecial(std::string frame) { special_out_ += frame; }

void Client::Flush() {
  if (writing_ || (state_ != State::kConnected && state_ != State::kClosing)) return;
  if (special_out_.empty() && outgoing_.empty()) return;
  write_buf_.clear();
  write_buf_.swap(special_out_);
  while (!outgoing_.empty()) {
    Request& req = outgoing_.front();
    write_buf_ += req.frame;
    req.frame.clear();
    req.frame.shrink_to_fit();
    pending_.push_back(std::move(req));
    outgoing_.pop_front();
  }
  writing_ = true;
  last_send_ = Clock::now();
  asio::async_write(socket_, asio::buffer(write_buf_),
                    asio::bind_executor(strand_, [self = shared_from_this(), gen = gen_](
                                                     const boost::system::error_code& ec, size_t) {
                      if (gen != self->gen_) return;
                      self->writing_ = false;
                      if (ec) {
                        self->DropConnection("write failed");
                        return;
                      }
                      self->Flush();
                    }));
}

// ---------------------------------------------------------------------------
// Connection life cycle

void Client::StartConnect() {
  state_ = State::kConnecting;
  const uint64_t gen = ++gen_;
  const HostPort& hp = hosts_[next_host_++ % hosts_.size()];
  auto attempt = std::max<std::chrono::milliseconds>(
      std::chrono::milliseconds(1000),
      options_.session_timeout / static_cast<int>(hosts_.size()));
  attempt_timer_.expires_after(attempt);
  attempt_timer_.async_wait(asio::bind_executor(
      strand_, [self = shared_from_this(), gen](const boost::system::error_code& ec) {
        if (ec || gen != self->gen_) return;
        if (self->state_ == State::kConnecting || self->state_ == State::kHandshake) {
          self->DropConnection("connect timeout");
        }
      }));
  Log()->debug("connecting to {}:{}", hp.host, hp.port);
  resolver_.async_resolve(
      hp.host, std::to_string(hp.port),
      asio::bind_executor(strand_, [self = shared_from_this(), gen](
                                       const boost::system::error_code& ec,
                                       tcp::resolver::results_type results) {
        if (gen != self->gen_) return;
        if (ec) {
          self->DropConnection("resolve failed");
          return;
        }
        asio::async_connect(self->socket_, results,
                            asio::bind_executor(self->strand_, [self, gen](
                                                                   const boost::system::error_code& ec2,
                                                                   const tcp::endpoint&) {
                              if (gen != self->gen_) return;
                              if (ec2) {
                                self->DropConnection("connect failed");
                                return;
                              }
                              self->OnConnected(gen);
                            }));
      }));
}

void Client::OnConnected(uint64_t gen) {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  state_ = State::kHandshake;
  ConnectRequest req;
  req.protocol_version = 0;
  req.last_zxid_seen = last_zxid_;
  req.timeout_ms = static_cast<int32_t>(options_.session_timeout.count());
  req.session_id = session_id_;
  req.passwd = passwd_.empty() ? std::string(16, '\0') : passwd_;
  write_buf_ = EncodeFrame(req);
  writing_ = true;
  asio::async_write(socket_, asio::buffer(write_buf_),
                    asio::bind_executor(strand_, [self = shared_from_this(), gen](
                                                     const boost::system::error_code& ec, size_t) {
                      if (gen != self->gen_) return;
                      self->writing_ = false;
                      if (ec) {
                        self->DropConnection("handshake write failed");
                        return;
                      }
                      self->Flush();
                    }));
  ReadHeader(gen);
}

void Client::ReadHeader(uint64_t gen) {
  asio::async_read(socket_, asio::buffer(len_buf_, 4),
                   asio::bind_executor(strand_, [self = shared_from_this(), gen](
                                                    const boost::system::error_code& ec, size_t) {
                     if (gen != self->gen_) return;
                     if (ec) {
                       self->DropConnection(ec == asio::error::eof ? "server closed the connection"
                                                                   : "read failed");
                       return;
                     }
                     jute::Reader r(std::string_view(self->len_buf_, 4));
                     const int32_t len = r.Int();
                     if (len < 0 || len > self->options_.max_frame_bytes) {
                       self->DropConnection("bad frame length");
                       return;
                     }
                     self->ReadBody(gen, static_cast<uint32_t>(len));
                   }));
}

void Client::ReadBody(uint64_t gen, uint32_t len) {
  in_buf_.resize(len);
  asio::async_read(socket_, asio::buffer(in_buf_),
                   asio::bind_executor(strand_, [self = shared_from_this(), gen](
                                                    const boost::system::error_code& ec, size_t) {
                     if (gen != self->gen_) return;
                     if (ec) {
                       self->DropConnection("read failed");
                       return;
                     }
                     self->last_recv_ = Clock::now();
                     std::string frame = std::move(self->in_buf_);
                     self->in_buf_.clear();
                     self->OnFrame(frame);
                     if (gen == self->gen_) self->ReadHeader(gen);
                   }));
}

void Client::OnFrame(std::string_view frame) {
  if (state_ == State::kHandshake) {
    OnHandshake(frame);
    return;
  }
  jute::Reader r(frame);
  ReplyHeader hdr;
  if (!ReplyHeader::Read(r, &hdr)) {
    DropConnection("short reply header");
    return;
  }
  switch (hdr.xid) {
    case kPingXid:
    case kSetWatchesXid:
      return;
    case kWatcherEventXid: {
      WatcherEvent ev;
      if (!WatcherEvent::Read(r, &ev)) {
        DropConnection("bad watcher event");
        return;
      }
      OnEvent(ev);
      return;
    }
    case kAuthXid: {
      if (hdr.err == E(ErrorCode::kAuthFailed)) {
        Terminate(State::kAuthFailed, hdr.err, KeeperState::kAuthFailed);
        return;
      }
      if (!auth_waiters_.empty()) {
        Callback<Empty> cb = std::move(auth_waiters_.front());
        auth_waiters_.pop_front();
        if (cb) cb(Reply<Empty>{hdr.err, {}});
      }
      return;
    }
    default:
      break;
  }
  if (pending_.empty() || pending_.front().xid != hdr.xid) {
    Log()->warn("reply xid {} does not match the oldest request; reconnecting", hdr.xid);
    DropConnection("xid out of order");
    return;
  }
  Handler handler = std::move(pending_.front().handler);
  pending_.pop_front();
  if (hdr.zxid > 0) last_zxid_ = hdr.zxid;
  if (handler) handler(hdr.err, &r);
}

void Client::OnHandshake(std::string_view frame) {
  ConnectResponse resp;
  if (!Decode(frame, &resp)) {
    DropConnection("bad connect response");
    return;
  }
  if (resp.timeout_ms <= 0) {
    Log()->info("session 0x{:x} expired", session_id_.load());
    Terminate(State::kExpired, E(ErrorCode::kSessionExpired), KeeperState::kExpired);
    return;
  }
  const bool new_session = session_id_ != resp.session_id;
  session_id_ = resp.session_id;
  passwd_ = resp.passwd;
  negotiated_ms_ = resp.timeout_ms;
  state_ = State::kConnected;
  failed_attempts_ = 0;
  attempt_timer_.cancel();
  last_send_ = last_recv_ = Clock::now();
  Log()->debug("{} session 0x{:x}, timeout {} ms", new_session ? "established" : "re-attached",
               session_id_.load(), resp.timeout_ms);
  SendSessionSetup();
  Notify(KeeperState::kSyncConnected);
  Flush();
}

void Client::SendSessionSetup() {
  // Watches, split into frames of bounded size.
  SetWatches sw;
  sw.relative_zxid = last_zxid_;
  size_t bytes = 0;
  auto flush_chunk = [&] {
    if (sw.data_watches.empty() && sw.exist_watches.empty() && sw.child_watches.empty()) return;
    SendSpecial(EncodeFrame(RequestHeader{kSetWatchesXid, E(OpCode::kSetWatches)}, sw));
    sw.data_watches.clear();
    sw.exist_watches.clear();
    sw.child_watches.clear();
    bytes = 0;
  };
  auto add = [&](const auto& map, std::vector<std::string>* out) {
    for (const auto& [path, watchers] : map) {
      if (watchers.empty()) continue;
      out->push_back(ServerPath(path));
      bytes += out->back().size() + 4;
      if (bytes >= kSetWatchesChunkBytes) flush_chunk();
    }
  };
  add(data_watches_, &sw.data_watches);
  add(exist_watches_, &sw.exist_watches);
  add(child_watches_, &sw.child_watches);
  flush_chunk();

  // Credentials: all of them again; the callbacks of those added while
  // disconnected complete with these replies.
  size_t first_deferred = auth_infos_.size() - deferred_auth_cbs_.size();
  for (size_t i = 0; i < auth_infos_.size(); ++i) {
    SendSpecial(EncodeFrame(RequestHeader{kAuthXid, E(OpCode::kAuth)},
                            AuthPacket{0, auth_infos_[i].first, auth_infos_[i].second}));
    if (i >= first_deferred) {
      auth_waiters_.push_back(std::move(deferred_auth_cbs_[i - first_deferred]));
    } else {
      auth_waiters_.push_back(nullptr);
    }
  }
  deferred_auth_cbs_.clear();
}

void Client::OnEvent(const WatcherEvent& ev) {
  if (ev.type == static_cast<int32_t>(EventType::kNone)) return;  // state only
  const std::string path = ClientPath(ev.path);
  std::vector<Watcher> fire;
  auto take = [&](std::unordered_map<std::string, std::vector<Watcher>>& map) {
    auto it = map.find(path);
    if (it == map.end()) return;
    for (auto& w : it->second) fire.push_back(std::move(w));
    map.erase(it);
  };
  switch (static_cast<EventType>(ev.type)) {
    case EventType::kNodeCreated:
    case EventType::kNodeDataChanged:
      take(data_watches_);
      take(exist_watches_);
      break;
    case EventType::kNodeDeleted:
      take(data_watches_);
      take(exist_watches_);
      take(child_watches_);
      break;
    case EventType::kNodeChildrenChanged:
      take(child_watches_);
      break;
    default:
      break;
  }
  WatchedEvent we{ev.type, ev.state, path};
  for (auto& w : fire) {
    if (w) w(we);
  }
}

void Client::AddWatch(WatchKind kind, const std::string& path, Watcher w) {
  auto& map = kind == WatchKind::kData    ? data_watches_
              : kind == WatchKind::kExist ? exist_watches_
                                          : child_watches_;
  map[path].push_back(std::move(w));
}

void Client::DropConnection(const char* why) {
  if (state_ == State::kClosing) {
    Terminate(State::kClosed, E(ErrorCode::kClosing), KeeperState::kClosed);
    return;
  }
  if (state_ != State::kConnecting && state_ != State::kHandshake && state_ != State::kConnected) {
    return;
  }
  const bool was_connected = state_ == State::kConnected;
  Log()->debug("connection dropped: {}", why);
  ++gen_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  attempt_timer_.cancel();
  writing_ = false;
  write_buf_.clear();
  special_out_.clear();
  state_ = State::kConnecting;
  FailAll(E(ErrorCode::kConnectionLoss), /*include_unsent=*/false);
  if (was_connected) Notify(KeeperState::kDisconnected);
  if (state_ == State::kConnecting) ScheduleReconnect();
}

void Client::ScheduleReconnect() {
  ++failed_attempts_;
  std::chrono::milliseconds delay(0);
  const int n = static_cast<int>(hosts_.size());
  if (failed_attempts_ % n == 0) {
    // A full round of hosts failed: back off, 100 ms doubling up to 1 s, with jitter.
    const int rounds = std::min(failed_attempts_ / n, 5);
    static thread_local std::mt19937 rng(std::random_device{}());
    delay = std::min(std::chrono::milliseconds(1000), std::chrono::milliseconds(50 << rounds)) +
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 50)(rng));
  }
  const uint64_t gen = gen_;
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait(asio::bind_executor(
      strand_, [self = shared_from_this(), gen](const boost::system::error_code& ec) {
        if (ec || gen != self->gen_ || self->state_ != State::kConnecting) return;
        self->StartConnect();
      }));
}

void Client::Tick() {
  const auto now = Clock::now();
  if (state_ == State::kConnected) {
    const auto timeout = negotiated_timeout();
    if (now - last_recv_ >= timeout * 2 / 3) {
      DropConnection("no reply from the server within 2/3 of the session timeout");
    } else if (now - last_send_ >= timeout / 3) {
      SendSpecial(EncodeFrame(RequestHeader{kPingXid, E(OpCode::kPing)}));
      Flush();
    }
  }
  // Request deadlines: submission order is deadline order (except close).
  while (!outgoing_.empty() && outgoing_.front().deadline <= now) {
    Handler h = std::move(outgoing_.front().handler);
    outgoing_.pop_front();
    if (h) h(E(ErrorCode::kOperationTimeout), nullptr);
  }
  // Timed-out requests stay queued so later replies still match by xid. The
  // handlers run after the scan: one may end the client and clear the queue.
  std::vector<Handler> expired;
  for (auto& req : pending_) {
    if (req.deadline > now) break;
    if (req.handler) expired.push_back(std::exchange(req.handler, nullptr));
  }
  for (auto& h : expired) h(E(ErrorCode::kOperationTimeout), nullptr);
  if (TerminalError() != 0 && state_ != State::kClosing) {
    tick_running_ = false;
    return;
  }
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait(asio::bind_executor(
      strand_, [self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec) {
          self->tick_running_ = false;
          return;
        }
        self->Tick();
      }));
}

void Client::Terminate(State state, int32_t err, KeeperState notify) {
  if (state_ == State::kClosed || state_ == State::kExpired || state_ == State::kAuthFailed) {
    return;
  }
  state_ = state;
  ++gen_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  attempt_timer_.cancel();
  reconnect_timer_.cancel();
  tick_timer_.cancel();
  close_timer_.cancel();
  writing_ = false;
  FailAll(err, /*include_unsent=*/true);
  for (auto& cb : deferred_auth_cbs_) {
    if (cb) cb(Reply<Empty>{err, {}});
  }
  deferred_auth_cbs_.clear();
  std::vector<Watcher> fire;
  for (auto* map : {&data_watches_, &exist_watches_, &child_watches_}) {
    for (auto& [path, ws] : *map) {
      for (auto& w : ws) fire.push_back(std::move(w));
    }
    map->clear();
  }
  if (state == State::kExpired || state == State::kAuthFailed) {
    WatchedEvent we{static_cast<int32_t>(EventType::kNone), static_cast<int32_t>(notify), ""};
    for (auto& w : fire) {
      if (w) w(we);
    }
  }
  Notify(notify);
  auto waiters = std::move(close_waiters_);
  close_waiters_.clear();
  for (auto& done : waiters) done();
}

void Client::FailAll(int32_t err, bool include_unsent) {
  std::deque<Request> sent;
  sent.swap(pending_);
  std::deque<Callback<Empty>> auths;
  auths.swap(auth_waiters_);
  std::deque<Request> unsent;
  if (include_unsent) unsent.swap(outgoing_);
  for (auto& r : sent) {
    if (r.handler) std::exchange(r.handler, nullptr)(err, nullptr);
  }
  for (auto& cb : auths) {
    if (cb) cb(Reply<Empty>{err, {}});
  }
  for (auto& r : unsent) {
    if (r.handler) std::exchange(r.handler, nullptr)(err, nullptr);
  }
}

void Client::Notify(KeeperState s) {
  if (state_listener_) state_listener_(s);
}

std::string Client::ServerPath(std::string_view path) const {
  if (chroot_.empty()) return std::string(path);
  if (path == "/") return chroot_;
  return chroot_ + std::string(path);
}

std::string Client::ClientPath(std::string_view server_path) const {
  if (chroot_.empty()) return std::string(server_path);
  if (server_path.size() <= chroot_.size()) return "/";
  if (server_path.substr(0, chroot_.size()) == chroot_ && server_path[chroot_.size()] == '/') {
    return std::string(server_path.substr(chroot_.size()));
  }
  return std::string(server_path);
}

// ---------------------------------------------------------------------------
// SyncClient

SyncClient::SyncClient(ClientOptions options) : options_(std::move(options)) {
  auto rt = options_.request_timeout.count() > 0 ? options_.request_timeout
                                                 : options_.session_timeout;
  wait_ = rt + std::chrono::milliseconds(2000);
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
}

SyncClient::~SyncClient() {
  Close();
  work_.reset();
  // Everything is cancelled by now; give the loop a moment to drain, then stop it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (!io_.stopped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  io_.stop();
  thread_.join();
}

Reply<Empty> SyncClient::Connect(std::chrono::milliseconds timeout) {
  Close();  // a second Connect() starts a new session
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = KeeperState::kUnknown;
  }
  auto created = Client::Create(io_, options_);
  if (!created.ok()) return Reply<Empty>{E(ErrorCode::kBadArguments), {}};
  client_ = std::move(created).value();
  client_->SetStateListener([this](KeeperState s) {
    // The owner's listener first, so it has seen a state before Connect() returns it.
    if (extra_listener_) extra_listener_(s);
    std::lock_guard<std::mutex> lock(mu_);
    state_ = s;
    cv_.notify_all();
  });
  client_->Start();
  std::unique_lock<std::mutex> lock(mu_);
  const bool settled = cv_.wait_for(lock, timeout, [this] {
    return state_ == KeeperState::kSyncConnected || state_ == KeeperState::kExpired ||
           state_ == KeeperState::kAuthFailed || state_ == KeeperState::kClosed;
  });
  const KeeperState s = state_;
  lock.unlock();
  if (settled && s == KeeperState::kSyncConnected) return {};
  int32_t err = E(ErrorCode::kConnectionLoss);
  if (s == KeeperState::kExpired) err = E(ErrorCode::kSessionExpired);
  if (s == KeeperState::kAuthFailed) err = E(ErrorCode::kAuthFailed);
  Close();
  return Reply<Empty>{err, {}};
}

void SyncClient::Close(bool end_session) {
  if (!client_) return;
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  client_->Close([done] { done->set_value(); }, end_session);
  fut.wait_for(kCloseWait + std::chrono::milliseconds(1000));
  client_.reset();
}

KeeperState SyncClient::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

template <typename T, typename Issue>
Reply<T> SyncClient::Call(Issue issue) {
  if (!client_) return Reply<T>{E(ErrorCode::kConnectionLoss), {}};
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Reply<T>> reply;
  };
  auto slot = std::make_shared<Slot>();
  issue([slot](Reply<T> r) {
    std::lock_guard<std::mutex> lock(slot->mu);
    slot->reply = std::move(r);
    slot->cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(slot->mu);
  if (!slot->cv.wait_for(lock, wait_, [&] { return slot->reply.has_value(); })) {
    return Reply<T>{E(ErrorCode::kOperationTimeout), {}};
  }
  return std::move(*slot->reply);
}

Reply<CreateResult> SyncClient::Create(const std::string& path,
                                       const std::optional<std::string>& data,
                                       CreateMode mode, const AclList& acl, int64_t ttl_ms) {
  return Call<CreateResult>([&](Callback<CreateResult> cb) {
    client_->Create(path, data, mode, std::move(cb), acl, ttl_ms);
  });
}

Reply<Empty> SyncClient::Delete(const std::string& path, int32_t version) {
  return Call<Empty>([&](Callback<Empty> cb) { client_->Delete(path, version, std::move(cb)); });
}

Reply<std::optional<Stat>> SyncClient::Exists(const std::string& path, Watcher watcher) {
  Reply<Stat> r = Call<Stat>(
      [&](Callback<Stat> cb) { client_->Exists(path, std::move(watcher), std::move(cb)); });
  Reply<std::optional<Stat>> out;
  if (r.ok()) {
    out.value = r.value;
  } else if (r.code() != ErrorCode::kNoNode) {
    out.err = r.err;
  }
  return out;
}

Reply<DataResult> SyncClient::GetData(const std::string& path, Watcher watcher) {
  return Call<DataResult>([&](Callback<DataResult> cb) {
    client_->GetData(path, std::move(watcher), std::move(cb));
  });
}

Reply<Stat> SyncClient::SetData(const std::string& path, const std::string& data,
                                int32_t version) {
  return Call<Stat>(
      [&](Callback<Stat> cb) { client_->SetData(path, data, version, std::move(cb)); });
}

Reply<ChildrenResult> SyncClient::GetChildren(const std::string& path, Watcher watcher) {
  return Call<ChildrenResult>([&](Callback<ChildrenResult> cb) {
    client_->GetChildren(path, std::move(watcher), std::move(cb));
  });
}

Reply<AclResult> SyncClient::GetAcl(const std::string& path) {
  return Call<AclResult>([&](Callback<AclResult> cb) { client_->GetAcl(path, std::move(cb)); });
}

Reply<Stat> SyncClient::SetAcl(const std::string& path, const AclList& acl, int32_t version) {
  return Call<Stat>(
      [&](Callback<Stat> cb) { client_->SetAcl(path, acl, version, std::move(cb)); });
}

Reply<std::string> SyncClient::Sync(const std::string& path) {
  return Call<std::string>([&](Callback<std::string> cb) { client_->Sync(path, std::move(cb)); });
}

Reply<std::vector<MultiResult>> SyncClient::Multi(const std::vector<MultiOp>& ops) {
  return Call<std::vector<MultiResult>>(
      [&](Callback<std::vector<MultiResult>> cb) { client_->Multi(ops, std::move(cb)); });
}

Reply<Empty> SyncClient::AddAuth(const std::string& scheme, const std::string& auth) {
  return Call<Empty>(
      [&](Callback<Empty> cb) { client_->AddAuth(scheme, auth, std::move(cb)); });
}

Reply<Empty> SyncClient::DeleteAll(const std::string& path) {
  auto kids = GetChildren(path);
  if (!kids.ok()) return Reply<Empty>{kids.err, {}};
  for (const auto& child : kids.value.children) {
    if (path == "/" && child == "zookeeper") continue;  // the server's own subtree
    auto r = DeleteAll(path == "/" ? "/" + child : path + "/" + child);
    if (!r.ok() && r.code() != ErrorCode::kNoNode) return r;
  }
  if (path == "/") return {};
  auto r = Delete(path);
  if (!r.ok() && r.code() == ErrorCode::kNoNode) return {};
  return r;
}

}  // namespace zk
