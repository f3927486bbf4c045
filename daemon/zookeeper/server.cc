#include "daemon/zookeeper/server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "common/util/logging.h"
#include "daemon/zookeeper/acl.h"
#include "daemon/zookeeper/snapshot.h"
#include "daemon/zookeeper/txn_log.h"

namespace zkserver {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// A connection stops reading while it has this much output queued (backpressure)
// and is dropped if a client that does not read lets it grow past the hard limit
// (watch notifications keep coming even when reading is paused).
constexpr size_t kPauseReadBytes = 4 << 20;
constexpr size_t kPauseReadFrames = 1000;
constexpr size_t kMaxQueuedBytes = 64 << 20;
constexpr int kMaxGatherBuffers = 64;
constexpr size_t kInputBudget = 32 << 20;
constexpr size_t kSmallPartial = 64 << 10;  // partial frames below this always read on
}  // namespace

// ---------------------------------------------------------------- Connection

Connection::Connection(ZkServer* server, tcp::socket socket, uint64_t id)
    : server_(server), socket_(std::move(socket)), id_(id),
      created_(std::chrono::steady_clock::now()) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_ip_ = ep.address().to_string();
    remote_ = "/" + remote_ip_ + ":" + std::to_string(ep.port());
  }
  socket_.set_option(tcp::no_delay(true), ec);
  auth_.push_back(Id{"ip", remote_ip_});
}

void Connection::Start() { Read(); }

void Connection::Read() {
  if (closed_ || closing_ || reading_) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(chunk_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  if (lingering_) {
    linger_bytes_ += n;
    if (linger_bytes_ > (4u << 20)) {
      Close();
      return;
    }
    Read();
    return;
  }
  in_.append(chunk_.data(), n);
  ProcessInput();
  if (closed_) return;
  AccountInput();
  if (closing_) return;
  if (OverOutputLimit()) return;  // resumed by MaybeResumeRead after writes drain
  if (server_->input_bytes_ > kInputBudget && in_.size() > kSmallPartial) {
    // Pausing would stop us noticing the peer go away, so the budget could stay
    // held by dead connections; closing keeps memory bounded and frees it.
    server_->log_->warn("[{}] closing: {} bytes of partial requests buffered server-wide",
                        remote_, server_->input_bytes_);
    Close();
    return;
  }
  Read();
}

void Connection::AccountInput() {
  size_t now = closed_ ? 0 : in_.size();
  server_->input_bytes_ += now;
  server_->input_bytes_ -= accounted_input_;
  accounted_input_ = now;
}

bool Connection::OverOutputLimit() const {
  return queued_bytes_ > kPauseReadBytes || out_.size() > kPauseReadFrames;
}

void Connection::MaybeResumeRead() {
  if (closed_ || closing_ || reading_ || OverOutputLimit()) return;
  if (in_.size() >= 4) {
    ProcessInput();
    if (closed_) return;
    AccountInput();
    if (closing_ || OverOutputLimit()) return;
  }
  Read();
}

void Connection::ProcessInput() {
  in_batch_ = true;
  ProcessFrames();
  in_batch_ = false;
  StartWrite();
}

void Connection::ProcessFrames() {
  size_t pos = 0;
  // Checked before the body is buffered: a hostile length never allocates.
  const size_t max_frame = static_cast<size_t>(server_->config_.jute_max_buffer);
  // Stops early while too much output is queued; the rest stays in in_ and is
  // processed when writes drain (MaybeResumeRead), so a client that does not
  // read its replies cannot make the server queue them without bound.
  while (!closed_ && !closing_ && !OverOutputLimit()) {
    if (in_.size() - pos < 4) break;
    if (!got_first_bytes_) {
      got_first_bytes_ = true;
      if (server_->HandleFourLetter(*this, std::string_view(in_.data(), 4))) return;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(in_.data() + pos);
    int32_t len = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                       (uint32_t{p[2]} << 8) | p[3]);
    if (len < 0 || static_cast<size_t>(len) > max_frame) {
      server_->log_->warn("[{}] closing: frame length {} outside 0..{}", remote_, len, max_frame);
      LingerClose();
      return;
    }
    if (in_.size() - pos - 4 < static_cast<size_t>(len)) break;
    std::string_view frame(in_.data() + pos + 4, static_cast<size_t>(len));
    pos += 4 + static_cast<size_t>(len);
    ++received_;
    ++server_->packets_received_;
    if (!server_->HandleFrame(*this, frame)) {
      if (!closed_) {
        server_->log_->warn("[{}] closing: malformed or unexpected request", remote_);
        Close();
      }
      return;
    }
  }
  if (closed_) return;
  in_.erase(0, pos);
  // Do not keep a big frame's buffer around on an idle connection.
  if (in_.empty() && in_.capacity() > (256 << 10)) std::string().swap(in_);
}

void Connection::Enqueue(std::string frame, int64_t zxid) {
  if (closed_ || lingering_) return;
  queued_bytes_ += frame.size();
  out_.push_back(Out{std::move(frame), zxid});
  if (queued_bytes_ > kMaxQueuedBytes) {
    server_->log_->warn("[{}] closing: client is not reading ({} bytes queued)", remote_,
                        queued_bytes_);
    Close();
    return;
  }
  if (released_ == out_.size() - 1 && zxid <= server_->durable_zxid_) {
    ++released_;
    // Inside a batch of requests the write starts once, after the batch, so the
    // replies leave in one send.
    if (!in_batch_) StartWrite();
  } else if (!registered_held_) {
    registered_held_ = true;
    server_->held_conns_.insert(this);
  }
}

void Connection::Release(int64_t durable) {
  while (released_ < out_.size() && out_[released_].zxid <= durable) ++released_;
  StartWrite();
}

void Connection::StartWrite() {
  if (writing_ || closed_ || lingering_ || released_ == 0) return;
  std::vector<asio::const_buffer> bufs;
  size_t count = std::min<size_t>(released_, kMaxGatherBuffers);
  bufs.reserve(count);
  for (size_t i = 0; i < count; ++i) bufs.push_back(asio::buffer(out_[i].bytes));
  writing_ = true;
  asio::async_write(socket_, bufs,
                    [self = shared_from_this(), count](const boost::system::error_code& ec,
                                                       size_t n) { self->OnWrite(ec, n, count); });
}

void Connection::OnWrite(const boost::system::error_code& ec, size_t, size_t count) {
  writing_ = false;
  if (closed_) return;
  if (lingering_) {
    out_.clear();
    released_ = 0;
    queued_bytes_ = 0;
    return;
  }
  if (ec) {
    Close();
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    queued_bytes_ -= out_.front().bytes.size();
    out_.pop_front();
  }
  released_ -= count;
  sent_ += count;
  server_->packets_sent_ += count;
  if (released_ > 0) {
    StartWrite();
    return;
  }
  if (closing_ && out_.empty()) {
    Close();
    return;
  }
  MaybeResumeRead();
}

void Connection::LingerClose() {
  if (closed_ || lingering_) return;
  lingering_ = true;
  closing_ = true;
  linger_since_ = std::chrono::steady_clock::now();
  in_.clear();
  AccountInput();
  if (!writing_) {  // an in-flight write still uses out_; OnWrite drops it
    out_.clear();
    released_ = 0;
    queued_bytes_ = 0;
  }
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (!reading_) {
    // Read() refuses while closing_; start the discarding read directly.
    reading_ = true;
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](const boost::system::error_code& e,
                                                        size_t n) { self->OnRead(e, n); });
  }
}

void Connection::CloseAfterFlush() {
  closing_ = true;
  if (out_.empty() && !writing_) Close();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  out_.clear();
  released_ = 0;
  queued_bytes_ = 0;
  in_.clear();
  in_.shrink_to_fit();
  AccountInput();
  server_->OnConnectionClosed(this);
}

// ---------------------------------------------------------------- ZkServer

ZkServer::ZkServer(ServerConfig config)
    : config_(std::move(config)),
      log_(util::logging::Get("zkserver")),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM),
      tick_timer_(io_),
      accept_backoff_(io_),
      expiry_(config_.tick_time),
      rng_(std::random_device{}()) {}

ZkServer::~ZkServer() {
  quorum_.reset();  // its sockets and timers need io_, which is destroyed first
  if (sync_) sync_->Stop();
}

int64_t ZkServer::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ZkServer::MonoMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - start_time_)
      .count();
}

util::Status ZkServer::Recover() {
  snap_dir_ = config_.data_dir + "/version-2";
  log_dir_ = config_.data_log_dir + "/version-2";
  UTIL_RETURN_IF_ERROR(EnsureDir(snap_dir_));
  UTIL_RETURN_IF_ERROR(EnsureDir(log_dir_));
  int64_t snap_zxid = 0;
  UTIL_RETURN_IF_ERROR(LoadLatestSnapshot(snap_dir_, &tree_, &snap_zxid));
  recovered_base_ = snap_zxid;
  const bool keep_records = !config_.servers.empty();
  auto replay = ReadTxnLog(log_dir_, snap_zxid, [this, keep_records](const Txn& t) {
    tree_.Apply(t, nullptr, nullptr);
    if (!keep_records) return;
    recovered_records_.emplace_back(t.zxid, EncodeRecord(t));
    if (recovered_records_.size() > kRecoveredRecords) {
      recovered_base_ = recovered_records_.front().first;
      recovered_records_.pop_front();
    }
  });
  if (!replay.ok()) return replay.status();
  tree_.set_last_zxid(std::max(snap_zxid, replay->last_zxid));
  durable_zxid_ = tree_.last_zxid();
  log_->info("recovered zxid=0x{:x} (snapshot 0x{:x}, {} txns replayed{}) nodes={} sessions={}",
             tree_.last_zxid(), snap_zxid, replay->applied,
             replay->truncated ? ", torn tail truncated" : "", tree_.node_count(),
             tree_.sessions().size());
  // Sessions survive a restart and get a full timeout from now, as in ZooKeeper.
  for (const auto& [id, s] : tree_.sessions()) {
    session_timeout_[id] = s.timeout_ms;
    expiry_.Touch(id, MonoMs(), s.timeout_ms);
  }
  bool need_snapshot = replay->applied > 0 || ListSnapshots(snap_dir_).empty();
  if (need_snapshot) {
    // Written by the log thread; the loaded state is already durable.
    sync_->Snapshot(tree_.last_zxid(), SerializeSnapshot(tree_, tree_.last_zxid()));
  }
  return util::Status::OK();
}

util::Status ZkServer::Start() {
  start_time_ = std::chrono::steady_clock::now();
  if (!config_.servers.empty() && !quorum_) {
    log_->warn("{} server.N lines configured but myid {} is not one of them: running standalone",
               config_.servers.size(), config_.my_id);
  }
  sync_ = std::make_unique<SyncProcessor>(
      config_.data_log_dir + "/version-2", config_.data_dir + "/version-2", config_.force_sync,
      [this](int64_t zxid) {
        asio::post(io_, [this, zxid] {
          if (quorum_) quorum_->OnLocalDurable(zxid);
          else OnDurable(zxid);
        });
      },
      [this](const util::Status& s) {
        log_->critical("transaction log failure, shutting down: {}", s.ToString());
        std::_Exit(1);
      });
  UTIL_RETURN_IF_ERROR(Recover());
  uint64_t base = (static_cast<uint64_t>(NowMs()) << 24) >> 8;
  next_session_id_ = static_cast<int64_t>(base | (static_cast<uint64_t>(config_.my_id) << 56));

  boost::system::error_code ec;
  auto addr = asio::ip::make_address(config_.client_port_address, ec);
  if (ec) return util::Status::InvalidArgument("bad clientPortAddress " + config_.client_port_address);
  tcp::endpoint ep(addr, static_cast<uint16_t>(config_.client_port));
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return util::Status::IOError("cannot listen on " + config_.client_port_address + ":" +
                                 std::to_string(config_.client_port) + ": " + ec.message());
  }
  bound_port_ = acceptor_.local_endpoint().port();
  sync_->Start();
  if (quorum_) UTIL_RETURN_IF_ERROR(quorum_->Start());
  log_->info("zookeeper-server listening on {}:{} dataDir={} dataLogDir={} tickTime={}",
             config_.client_port_address, bound_port_, config_.data_dir, config_.data_log_dir,
             config_.tick_time);
  signals_.async_wait([this](const boost::system::error_code& e, int sig) {
    if (e) return;
    log_->info("signal {} received, shutting down", sig);
    Stop();
  });
  Accept();
  ScheduleTick();
  return util::Status::OK();
}

void ZkServer::Run() { io_.run(); }

void ZkServer::Stop() {
  asio::post(io_, [this] {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    tick_timer_.cancel();
    accept_backoff_.cancel();
    signals_.cancel(ec);
    // Everything queued is made durable before the log thread exits.
    FlushToLog();
    if (sync_) sync_->Stop();
    std::vector<std::shared_ptr<Connection>> all;
    for (auto& [id, c] : conns_) all.push_back(c);
    for (auto& c : all) c->Close();
    io_.stop();
  });
}

void ZkServer::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor_.is_open() || stopping_) return;
    if (!ec) {
      auto c = std::make_shared<Connection>(this, std::move(socket), next_conn_id_++);
      int& count = conns_per_ip_[c->remote_ip()];
      if (config_.max_client_cnxns > 0 && count >= config_.max_client_cnxns) {
        log_->warn("too many connections from {} - max is {}", c->remote_ip(),
                   config_.max_client_cnxns);
        ++rejected_connections_;
        if (count == 0) conns_per_ip_.erase(c->remote_ip());
        boost::system::error_code ignored;
        c->socket_.close(ignored);
        c->closed_ = true;
      } else {
        ++count;
        conns_.emplace(c->id(), c);
        c->Start();
      }
    } else if (ec != asio::error::operation_aborted) {
      // Typically EMFILE: back off instead of spinning on the failing accept.
      log_->warn("accept failed: {}", ec.message());
      accept_backoff_.expires_after(std::chrono::milliseconds(100));
      accept_backoff_.async_wait([this](const boost::system::error_code& e) {
        if (!e && !stopping_) Accept();
      });
      return;
    }
    Accept();
  });
}

void ZkServer::OnConnectionClosed(Connection* c) {
  tree_.RemoveWatcher(c->id());
  held_conns_.erase(c);
  if (c->session_id_ != 0) {
    auto it = session_owner_.find(c->session_id_);
    if (it != session_owner_.end() && it->second == c) session_owner_.erase(it);
  }
  auto ip = conns_per_ip_.find(c->remote_ip());
  if (ip != conns_per_ip_.end() && --ip->second <= 0) conns_per_ip_.erase(ip);
  // Defer destruction: the caller may still be inside one of c's handlers.
  auto it = conns_.find(c->id());
  if (it != conns_.end()) {
    std::shared_ptr<Connection> keep = std::move(it->second);
    conns_.erase(it);
    asio::post(io_, [keep] {});
  }
}

void ZkServer::ScheduleTick() {
  // Fire at the next tick boundary, where expiry buckets end.
  int64_t now = MonoMs();
  int64_t next = (now / config_.tick_time + 1) * config_.tick_time;
  tick_timer_.expires_after(std::chrono::milliseconds(next - now));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    OnTick();
    ScheduleTick();
  });
}

void ZkServer::OnTick() {
  int64_t now = MonoMs();
  // In an ensemble only the leader expires sessions and reaps containers.
  const bool leader_duties = !quorum_ || quorum_->leading();
  if (leader_duties) {
    for (int64_t id : expiry_.Poll(now)) ExpireSession(id);
  } else if (read_only_mode_) {
    // Read-only sessions are this server's own: it expires them locally.
    for (int64_t id : expiry_.Poll(now)) {
      if (!ro_sessions_.erase(id)) continue;
      log_->info("expiring read-only session 0x{:x}", id);
      session_timeout_.erase(id);
      auto it = session_owner_.find(id);
      if (it != session_owner_.end()) {
        Connection* c = it->second;
        session_owner_.erase(it);
        c->Close();
      }
    }
  }
  // Connections that never sent a ConnectRequest do not hold a slot for long.
  auto limit = std::chrono::milliseconds(std::max(config_.max_session_timeout, 10000));
  auto steady_now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Connection>> stale;
  for (auto& [id, c] : conns_) {
    if (c->session_id_ == 0 && !c->closing_ && steady_now - c->created_ > limit) {
      stale.push_back(c);
    } else if (c->lingering_ && steady_now - c->linger_since_ > std::chrono::seconds(2)) {
      stale.push_back(c);
    }
  }
  for (auto& c : stale) c->Close();
  // ContainerManager: containers that had children and have none left go away
  // (checked every 60 s, as znode.container.checkIntervalMs defaults to).
  if (leader_duties && now - last_container_check_ >= 60000) {
    last_container_check_ = now;
    ReapContainers();
  }
  // Autopurge: once at start (first tick), then every purgeInterval hours.
  if (config_.purge_interval_hours > 0 &&
      (last_purge_ < 0 ||
       now - last_purge_ >= int64_t{config_.purge_interval_hours} * 3600 * 1000)) {
    sync_->Purge(config_.snap_retain_count);
    last_purge_ = now;
  }
}

void ZkServer::ReapContainers() {
  std::vector<std::string> empty;
  for (const std::string& path : tree_.containers()) {
    const DataTree::Node* n = tree_.Find(path);
    if (n && n->creates > 0 && n->children.empty()) empty.push_back(path);
  }
  for (const std::string& path : empty) {
    // The server acts with full rights: check only existence and emptiness.
    Txn txn;
    const DataTree::Node* n = tree_.Find(path);
    if (!n || !n->children.empty()) continue;
    txn.type = op::kDelete;
    txn.path = path;
    log_->debug("deleting empty container {}", path);
    Commit(txn, nullptr);
  }
}

void ZkServer::ExpireSession(int64_t session_id) {
  if (!tree_.FindSession(session_id)) return;
  log_->info("expiring session 0x{:x}", session_id);
  Txn txn;
  txn.type = op::kCloseSession;
  txn.session_id = session_id;
  Commit(txn, nullptr);
  session_timeout_.erase(session_id);
  auto it = session_owner_.find(session_id);
  if (it != session_owner_.end()) {
    Connection* c = it->second;
    session_owner_.erase(it);
    c->CloseAfterFlush();
  }
}

int64_t ZkServer::NextSessionId() {
  while (true) {
    int64_t id = next_session_id_++;
    if (id != 0 && id != kContainerOwner && !tree_.FindSession(id) && !ro_sessions_.count(id)) {
      return id;
    }
  }
}

void ZkServer::SetReadOnly(bool on) {
  if (on == read_only_mode_) return;
  read_only_mode_ = on;
  if (on) {
    // Everything this server logged is what it serves (Apache's read-only
    // server loads its snapshot and whole log, too).
    FlushToLog();
    OnDurable(tree_.last_zxid());
    log_->info("read-only mode: serving reads to read-only clients at zxid 0x{:x}",
               tree_.last_zxid());
    return;
  }
  std::vector<std::shared_ptr<Connection>> ro;
  for (auto& [id, c] : conns_) {
    if (c->read_only_) ro.push_back(c);
  }
  for (auto& c : ro) c->Close();
  for (const auto& [id, password] : ro_sessions_) {
    expiry_.Remove(id);
    session_timeout_.erase(id);
  }
  ro_sessions_.clear();
  log_->info("leaving read-only mode: closed {} read-only connections", ro.size());
}

void ZkServer::Commit(Txn& txn, std::vector<DataTree::OpResult>* results) {
  txn.zxid = std::max(tree_.last_zxid(), zxid_floor_) + 1;
  txn.time = NowMs();
  for (Txn& sub : txn.ops) {
    sub.zxid = txn.zxid;
    sub.time = txn.time;
  }
  if (pending_records_.empty()) pending_first_zxid_ = txn.zxid;
  pending_records_ += EncodeRecord(txn);
  pending_last_zxid_ = txn.zxid;
  if (!flush_posted_) {
    flush_posted_ = true;
    asio::post(io_, [this] { FlushToLog(); });
  }
  std::vector<WatchEvent> events;
  tree_.Apply(txn, results, &events);
  if (!events.empty()) DispatchEvents(events, txn.zxid);
  ++txns_since_snapshot_;
  MaybeSnapshot();
}

void ZkServer::FlushToLog() {
  flush_posted_ = false;
  if (pending_records_.empty()) return;
  if (quorum_) quorum_->OnFlushed(pending_first_zxid_, pending_last_zxid_, pending_records_);
  sync_->Append(pending_first_zxid_, pending_last_zxid_, std::move(pending_records_));
  pending_records_.clear();
}

void ZkServer::MaybeSnapshot() {
  if (txns_since_snapshot_ < config_.snap_count) return;
  txns_since_snapshot_ = 0;
  FlushToLog();  // the snapshot must follow every record up to its zxid
  int64_t z = tree_.last_zxid();
  log_->info("taking snapshot at zxid 0x{:x}", z);
  sync_->Snapshot(z, SerializeSnapshot(tree_, z));
}

void ZkServer::DispatchEvents(const std::vector<WatchEvent>& events, int64_t zxid) {
  for (const WatchEvent& e : events) {
    auto it = conns_.find(e.watcher);
    if (it == conns_.end()) continue;
    // ZooKeeper 3.8 delivers an event only to watchers that may read the node.
    if (e.acl && !CheckAcl(*e.acl, perm::kRead, it->second->auth_)) continue;
    zk::jute::Writer w;
    w.Int(0);
    w.Int(-1);  // xid: notification
    w.Long(-1);
    w.Int(0);
    w.Int(e.type);
    w.Int(kStateSyncConnected);
    w.String(e.path);
    w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
    Send(*it->second, w.Take(), zxid);
  }
}

void ZkServer::Send(Connection& c, std::string frame, int64_t zxid) {
  if (c.proxy_) {
    quorum_->ProxySend(c, std::move(frame), zxid);
    return;
  }
  c.Enqueue(std::move(frame), zxid);
}

void ZkServer::OnDurable(int64_t zxid) {
  if (zxid <= durable_zxid_) return;
  durable_zxid_ = zxid;
  std::vector<Connection*> ready;
  for (Connection* c : held_conns_) ready.push_back(c);
  for (Connection* c : ready) {
    c->Release(zxid);
    if (!c->has_held()) {
      c->registered_held_ = false;
      held_conns_.erase(c);
    }
  }
}

}  // namespace zkserver
