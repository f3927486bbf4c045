#include "daemon/zookeeper/quorum/peer.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "common/util/logging.h"
#include "daemon/zookeeper/snapshot.h"
#include "daemon/zookeeper/txn_log.h"

namespace zkserver::quorum {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr int64_t kNotifyIntervalMs = 200;
constexpr int64_t kFinalizeWaitMs = 200;
constexpr int64_t kTimerMs = 50;
constexpr int64_t kReconnectMs = 200;
// A forwarded request's reply slot: holds back the connection's later output.
constexpr int64_t kPlaceholderZxid = INT64_MAX;
// Requests a follower's client may pipeline behind unapplied writes.
constexpr size_t kMaxDeferred = 1000;
// Recent proposals kept for DIFF syncs.
constexpr size_t kMaxHistory = 10000;

int64_t EpochOf(int64_t zxid) { return zxid >> 32; }

std::string EncodeLong(int64_t v) {
  zk::jute::Writer w;
  w.Long(v);
  return w.Take();
}

int64_t DecodeLong(std::string_view s) {
  zk::jute::Reader r(s);
  int64_t v = r.Long();
  return r.ok() ? v : 0;
}

std::string EncodeAuth(const std::vector<Id>& ids) {
  zk::jute::Writer w;
  w.Int(static_cast<int32_t>(ids.size()));
  for (const Id& id : ids) {
    w.String(id.scheme);
    w.String(id.id);
  }
  return w.Take();
}

bool DecodeAuth(std::string_view s, std::vector<Id>* ids) {
  zk::jute::Reader r(s);
  int32_t n = r.Count(8);
  ids->clear();
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    Id id;
    id.scheme = r.String();
    id.id = r.String();
    ids->push_back(std::move(id));
  }
  return r.ok();
}

// Decodes the framed log records of one PROPOSAL.
bool DecodeRecords(std::string_view records, std::vector<Txn>* out) {
  size_t pos = 0;
  while (pos < records.size()) {
    if (records.size() - pos < 8) return false;
    zk::jute::Reader h(records.substr(pos, 8));
    uint32_t len = static_cast<uint32_t>(h.Int());
    if (records.size() - pos - 8 < len) return false;
    zk::jute::Reader r(records.substr(pos + 8, len));
    Txn t;
    if (!DecodeTxn(r, &t)) return false;
    out->push_back(std::move(t));
    pos += 8 + len;
  }
  return true;
}

// Splits framed log records into (zxid, record) pairs; false if malformed.
bool SplitRecords(std::string_view records,
                  std::vector<std::pair<int64_t, std::string_view>>* out) {
  size_t pos = 0;
  while (pos < records.size()) {
    if (records.size() - pos < 16) return false;
    zk::jute::Reader h(records.substr(pos, 16));
    uint32_t len = static_cast<uint32_t>(h.Int());
    h.Int();  // crc
    int64_t zxid = h.Long();
    if (len < 8 || records.size() - pos - 8 < len) return false;
    out->emplace_back(zxid, records.substr(pos, 8 + len));
    pos += 8 + len;
  }
  return true;
}

bool IsForwardedOp(int32_t type) {
  switch (type) {
    case op::kCreate: case op::kCreate2: case op::kCreateContainer: case op::kCreateTtl:
    case op::kDelete: case op::kDeleteContainer: case op::kSetData: case op::kSetAcl:
    case op::kMulti: case op::kCloseSession: case op::kSync:
      return true;
    default:
      return false;
  }
}
}  // namespace

// A framed TCP connection to another server.
class Link : public std::enable_shared_from_this<Link> {
 public:
  using FrameFn = std::function<void(std::string_view)>;
  using CloseFn = std::function<void()>;

  explicit Link(tcp::socket s) : socket_(std::move(s)) {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ip_ = ep.address().to_string();
  }
  void Start(FrameFn on_frame, CloseFn on_close) {
    on_frame_ = std::move(on_frame);
    on_close_ = std::move(on_close);
    Read();
  }
  void Send(std::string frame) {
    if (closed_) return;
    out_.push_back(std::move(frame));
    if (!writing_) Write();
  }
  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    CloseFn fn = std::move(on_close_);
    on_frame_ = nullptr;
    if (fn) fn();
  }
  bool closed() const { return closed_; }
  const std::string& remote_ip() const { return remote_ip_; }

 private:
  void Read() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](
                                                      const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
  }
  void OnRead(const boost::system::error_code& ec, size_t n) {
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    in_.append(chunk_.data(), n);
    size_t pos = 0;
    while (!closed_) {
      bool bad = false;
      auto body = NextFrame(in_, &pos, kMaxPeerFrame, &bad);
      if (bad) {
        Close();
        return;
      }
      if (!body) break;
      on_frame_(*body);
    }
    if (closed_) return;
    in_.erase(0, pos);
    Read();
  }
  void Write() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (ec) {
                          self->Close();
                          return;
                        }
                        self->out_.pop_front();
                        if (!self->out_.empty()) self->Write();
                      });
  }

  tcp::socket socket_;
  std::string remote_ip_;
  std::array<char, 64 * 1024> chunk_;
  std::string in_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool closed_ = false;
  FrameFn on_frame_;
  CloseFn on_close_;
};

QuorumPeer::QuorumPeer(ZkServer* server)
    : server_(server),
      config_(server->config_),
      my_sid_(server->config_.my_id),
      election_acceptor_(server->io_),
      quorum_acceptor_(server->io_),
      timer_(server->io_),
      election_(my_sid_, {}) {
  for (const auto& [sid, line] : config_.servers) {
    if (line.role != "observer") voters_.insert(sid);
    peer_ip_[sid] = line.host;
  }
  election_ = ElectionState(my_sid_, voters_);
}

QuorumPeer::~QuorumPeer() = default;

int64_t QuorumPeer::NowMs() const { return server_->MonoMs(); }

util::Status QuorumPeer::Start() {
  auto it = config_.servers.find(my_sid_);
  if (it == config_.servers.end()) return util::Status::InvalidArgument("myid not in server.N");
  // Resolve configured hosts once, so peers are checked by address.
  for (auto& [sid, host] : peer_ip_) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) {
      tcp::resolver resolver(server_->io_);
      auto res = resolver.resolve(host, "", ec);
      if (ec || res.empty()) return util::Status::InvalidArgument("cannot resolve " + host);
      addr = res.begin()->endpoint().address();
    }
    host = addr.to_string();
  }
  auto listen = [&](tcp::acceptor& a, int port) -> util::Status {
    boost::system::error_code ec;
    tcp::endpoint ep(asio::ip::make_address(peer_ip_[my_sid_]), static_cast<uint16_t>(port));
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return util::Status::IOError("cannot listen on port " + std::to_string(port) + ": " +
                                   ec.message());
    }
    return util::Status::OK();
  };
  UTIL_RETURN_IF_ERROR(listen(election_acceptor_, it->second.election_port));
  UTIL_RETURN_IF_ERROR(listen(quorum_acceptor_, it->second.quorum_port));
  // What the log replayed at start: a follower anywhere in it syncs by DIFF.
  ResetHistory(server_->recovered_base_);
  history_ = std::move(server_->recovered_records_);
  server_->recovered_records_.clear();
  if (history_.empty() || history_.back().first != server_->tree_.last_zxid()) {
    ResetHistory(server_->tree_.last_zxid());
  }
  PublishConfig();
  follower_durable_ = server_->tree_.last_zxid();
  accepted_epoch_ = LoadEpoch("acceptedEpoch");
  current_epoch_ = LoadEpoch("currentEpoch");
  server_->log_->info("ensemble mode: myid={} voters={} quorumPort={} electionPort={} "
                      "currentEpoch={} acceptedEpoch={}",
                      my_sid_, voters_.size(), it->second.quorum_port, it->second.election_port,
                      current_epoch_, accepted_epoch_);
  AcceptElection();
  AcceptQuorum();
  for (int64_t sid : voters_) {
    if (sid != my_sid_) ConnectElection(sid);
  }
  StartLooking("startup");
  ElectionTimer();
  return util::Status::OK();
}

void QuorumPeer::PublishConfig() {
  std::string text;
  for (const auto& [sid, line] : config_.servers) {
    text += "server." + std::to_string(sid) + "=" + line.host + ":" +
            std::to_string(line.quorum_port) + ":" + std::to_string(line.election_port) + ":" +
            (line.role.empty() ? std::string("participant") : line.role);
    if (line.client_port != 0) text += ";0.0.0.0:" + std::to_string(line.client_port);
    text += "\n";
  }
  text += "version=0";
  server_->tree_.SetSystemData("/zookeeper/config", std::move(text));
}

// ------------------------------------------------------------ persistence

int64_t QuorumPeer::LoadEpoch(const char* name) const {
  for (std::string suffix : {"", ".tmp"}) {
    std::ifstream in(config_.data_dir + "/" + name + suffix);
    int64_t v = 0;
    if (in >> v) return v;
  }
  return 0;
}

util::Status QuorumPeer::SaveEpoch(const char* name, int64_t epoch) {
  std::string path = config_.data_dir + "/" + name;
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return util::Status::IOError("cannot write " + tmp);
  std::string text = std::to_string(epoch) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ok && (!config_.force_sync || ::fsync(fd) == 0);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return util::Status::IOError("cannot write " + path);
  }
  return FsyncDir(config_.data_dir);
}

int64_t QuorumPeer::LastLoggedZxid() const {
  int64_t z = server_->tree_.last_zxid();
  if (!pending_.empty()) z = std::max(z, pending_.back().zxid);
  return z;
}

// Replaces the on-disk state by one snapshot (follower sync by SNAP): the old
// log may hold an uncommitted tail the new leader does not have.
void QuorumPeer::ResetLog(int64_t snap_zxid, const std::string& snap_bytes) {
  server_->FlushToLog();
  server_->sync_->Stop();
  namespace fs = std::filesystem;
  for (const std::string& dir : {server_->log_dir_, server_->snap_dir_}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("log.", 0) == 0 || name.rfind("snapshot.", 0) == 0) fs::remove(e.path(), ec);
    }
  }
  util::Status s = WriteSnapshotFile(server_->snap_dir_, snap_zxid, snap_bytes);
  if (!s.ok()) {
    server_->log_->critical("cannot write snapshot during sync: {}", s.ToString());
    std::_Exit(1);
  }
  RestartLogThread();
  server_->durable_zxid_ = snap_zxid;
}

void QuorumPeer::RestartLogThread() {
  uint64_t gen = ++log_generation_;
  ZkServer* srv = server_;
  server_->sync_ = std::make_unique<SyncProcessor>(
      server_->log_dir_, server_->snap_dir_, config_.force_sync,
      [srv, this, gen](int64_t zxid) {
        asio::post(srv->io_, [this, gen, zxid] {
          if (gen == log_generation_) HandleDurable(zxid);
        });
      },
      [srv](const util::Status& st) {
        srv->log_->critical("transaction log failure, shutting down: {}", st.ToString());
        std::_Exit(1);
      });
  server_->sync_->Start();
}

bool QuorumPeer::TruncateTo(int64_t zxid) {
  server_->log_->info("syncing from leader by TRUNC to 0x{:x} (our last logged 0x{:x})", zxid,
                      LastLoggedZxid());
  server_->FlushToLog();
  server_->sync_->Stop();
  server_->sync_.reset();
  util::Status s = TruncateTxnLog(server_->log_dir_, zxid);
  if (!s.ok()) {
    server_->log_->critical("cannot truncate the log: {}", s.ToString());
    std::_Exit(1);
  }
  // A snapshot past the cut holds state the leader does not have.
  for (const SnapFile& f : ListSnapshots(server_->snap_dir_)) {
    std::error_code ec;
    if (f.zxid > zxid) std::filesystem::remove(f.path, ec);
  }
  // The tree may hold the removed tail (replayed at start, or applied as a
  // leader): rebuild it from what is left on disk.
  DataTree fresh;
  int64_t snap_zxid = 0;
  s = LoadLatestSnapshot(server_->snap_dir_, &fresh, &snap_zxid);
  int64_t last = snap_zxid;
  if (s.ok()) {
    auto replay = ReadTxnLog(server_->log_dir_, snap_zxid,
                             [&fresh](const Txn& t) { fresh.Apply(t, nullptr, nullptr); });
    if (replay.ok()) last = std::max(last, replay->last_zxid);
    else s = replay.status();
  }
  if (!s.ok() || last != zxid) {
    // Purged history: start empty, the next sync sends a SNAP.
    server_->log_->warn("cannot rebuild the state at 0x{:x} after truncation (reached 0x{:x}: "
                        "{}); dropping local state", zxid, last, s.ToString());
    server_->tree_ = DataTree();
    server_->tree_.set_last_zxid(0);
    RestartLogThread();
    ResetLog(0, SerializeSnapshot(server_->tree_, 0));
    PublishConfig();
    pending_.clear();
    ResetHistory(0);
    follower_durable_ = 0;
    server_->session_timeout_.clear();
    return false;
  }
  fresh.set_last_zxid(last);
  server_->tree_ = std::move(fresh);
  PublishConfig();
  pending_.clear();
  while (!history_.empty() && history_.back().first > zxid) history_.pop_back();
  if (history_.empty() && history_base_ > zxid) ResetHistory(zxid);
  follower_durable_ = zxid;
  server_->durable_zxid_ = zxid;
  server_->txns_since_snapshot_ = 0;
  server_->session_timeout_.clear();
  for (const auto& [id, sess] : server_->tree_.sessions()) {
    server_->session_timeout_[id] = sess.timeout_ms;
  }
  RestartLogThread();
  server_->log_->info("truncated to 0x{:x} ({} nodes)", zxid, server_->tree_.node_count());
  return true;
}

// ------------------------------------------------------------ election

Notification QuorumPeer::MyState() const {
  if (state_ == PeerState::kLooking) return election_.Mine();
  return Notification{my_sid_, election_.round(), state_, leader_vote_};
}

void QuorumPeer::StartLooking(const char* why) {
  if (state_ != PeerState::kLooking || generation_ == 0) {
    looking_since_ms_ = NowMs();
    server_->log_->info("LOOKING ({}): epoch={} lastZxid=0x{:x}", why, current_epoch_,
                        LastLoggedZxid());
  }
  ++generation_;
  state_ = PeerState::kLooking;
  established_ = false;
  serving_ = false;
  CloseClients();
  for (auto& [sid, f] : followers_) {
    if (f.link) f.link->Close();
  }
  followers_.clear();
  for (auto& [key, p] : proxies_) p->Close();
  proxies_.clear();
  acks_.reset();
  if (leader_link_) {
    auto l = std::move(leader_link_);
    l->Close();
  }
  pending_decision_.reset();
  election_.Start(current_epoch_, LastLoggedZxid());
  Broadcast();
}

void QuorumPeer::Broadcast() {
  std::string frame = EncodeNotification(MyState());
  for (auto& [sid, link] : election_out_) {
    if (link && !link->closed()) link->Send(frame);
  }
}

void QuorumPeer::ConnectElection(int64_t sid) {
  const ServerLine& line = config_.servers.at(sid);
  auto sock = std::make_shared<tcp::socket>(server_->io_);
  tcp::endpoint ep(asio::ip::make_address(peer_ip_[sid]),
                   static_cast<uint16_t>(line.election_port));
  sock->async_connect(ep, [this, sid, sock](const boost::system::error_code& ec) {
    if (server_->stopping_) return;
    if (ec) {
      auto t = std::make_shared<asio::steady_timer>(server_->io_);
      t->expires_after(std::chrono::milliseconds(kReconnectMs));
      t->async_wait([this, sid, t](const boost::system::error_code& e) {
        if (!e) ConnectElection(sid);
      });
      return;
    }
    auto link = std::make_shared<Link>(std::move(*sock));
    election_out_[sid] = link;
    link->Start([](std::string_view) {},
                [this, sid] {
                  election_out_.erase(sid);
                  if (!server_->stopping_) ConnectElection(sid);
                });
    link->Send(EncodeHello(Hello{my_sid_, kProtocolVersion}));
    link->Send(EncodeNotification(MyState()));
  });
}

bool QuorumPeer::AllowedPeer(int64_t sid, const std::string& ip) const {
  if (sid == my_sid_) return false;
  auto it = peer_ip_.find(sid);
  return it != peer_ip_.end() && it->second == ip;
}

void QuorumPeer::AcceptElection() {
  election_acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
    if (!election_acceptor_.is_open() || server_->stopping_) return;
    if (!ec) {
      auto link = std::make_shared<Link>(std::move(s));
      election_in_.push_back(link);
      auto sid = std::make_shared<int64_t>(-1);
      std::weak_ptr<Link> weak = link;
      link->Start(
          [this, sid, weak](std::string_view body) {
            auto l = weak.lock();
            if (!l) return;
            if (*sid < 0) {
              Hello h;
              if (!DecodeHello(body, &h) || !AllowedPeer(h.sid, l->remote_ip())) {
                server_->log_->warn("election port: rejecting peer {} (sid {})", l->remote_ip(),
                                    h.sid);
                l->Close();
                return;
              }
              *sid = h.sid;
              return;
            }
            Notification n;
            if (!DecodeNotification(body, &n) || n.sender != *sid) {
              server_->log_->warn("election port: malformed notification from sid {}", *sid);
              l->Close();
              return;
            }
            OnNotification(n);
          },
          [this, weak] {
            auto l = weak.lock();
            std::erase_if(election_in_, [&](const auto& x) { return x == l; });
          });
    }
    AcceptElection();
  });
}

void QuorumPeer::OnNotification(const Notification& n) {
  if (state_ != PeerState::kLooking) return;  // others learn our state from Broadcast()
  if (election_.HandleNotification(n)) Broadcast();
}

void QuorumPeer::ElectionTimer() {
  timer_.expires_after(std::chrono::milliseconds(kTimerMs));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || server_->stopping_) return;
    int64_t now = NowMs();
    if (now - last_notify_ms_ >= kNotifyIntervalMs) {
      last_notify_ms_ = now;
      Broadcast();
    }
    if (state_ == PeerState::kLooking) {
      // Apache starts its read-only server after max(2 s, tickTime) of LOOKING.
      if (config_.read_only_enabled && !server_->read_only_mode_ &&
          now - looking_since_ms_ >= std::max<int64_t>(2000, config_.tick_time)) {
        server_->SetReadOnly(true);
      }
      std::optional<Vote> d = election_.Decided();
      if (!d) {
        pending_decision_.reset();
      } else if (!pending_decision_ || !(*pending_decision_ == *d)) {
        pending_decision_ = d;
        decision_since_ms_ = now;
      } else if (now - decision_since_ms_ >= kFinalizeWaitMs) {
        Vote v = *d;
        pending_decision_.reset();
        if (v.sid == my_sid_) BecomeLeader();
        else BecomeFollower(v);
      }
    } else if (state_ == PeerState::kLeading) {
      LeaderTick();
    } else {
      FollowerTick();
    }
    ElectionTimer();
  });
}

// ------------------------------------------------------------ leader

void QuorumPeer::BecomeLeader() {
  server_->SetReadOnly(false);
  ++generation_;
  state_ = PeerState::kLeading;
  leader_vote_ = election_.proposal();
  established_ = false;
  phase_start_ms_ = NowMs();
  acks_ = std::make_unique<AckTracker>(voters_.size());
  // Logged proposals of the previous epoch become part of our history.
  ApplyCommitted(LastLoggedZxid());
  new_epoch_ = 0;
  server_->log_->info("LEADING: elected with zxid=0x{:x}, waiting for followers",
                      server_->tree_.last_zxid());
  Broadcast();
}

void QuorumPeer::AcceptQuorum() {
  quorum_acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
    if (!quorum_acceptor_.is_open() || server_->stopping_) return;
    if (!ec) {
      auto link = std::make_shared<Link>(std::move(s));
      auto sid = std::make_shared<int64_t>(-1);
      std::weak_ptr<Link> weak = link;
      link->Start(
          [this, sid, weak](std::string_view body) {
            auto l = weak.lock();
            if (!l) return;
            if (*sid < 0) {
              Hello h;
              if (!DecodeHello(body, &h) || !AllowedPeer(h.sid, l->remote_ip()) ||
                  state_ != PeerState::kLeading) {
                l->Close();
                return;
              }
              *sid = h.sid;
              auto old = followers_.find(h.sid);
              if (old != followers_.end()) DropFollower(h.sid, "reconnected");
              Follower& f = followers_[h.sid];
              f.sid = h.sid;
              f.link = l;
              f.last_heard_ms = NowMs();
              return;
            }
            QuorumPacket p;
            if (!DecodePacket(body, &p)) {
              DropFollower(*sid, "malformed packet");
              return;
            }
            OnFollowerPacket(*sid, p);
          },
          [this, sid, weak] {
            auto it = followers_.find(*sid);
            if (it != followers_.end() && it->second.link == weak.lock()) {
              DropFollower(*sid, "connection closed");
            }
          });
    }
    AcceptQuorum();
  });
}

void QuorumPeer::DropFollower(int64_t sid, const char* why) {
  auto it = followers_.find(sid);
  if (it == followers_.end()) return;
  server_->log_->info("dropping follower {}: {}", sid, why);
  auto link = std::move(it->second.link);
  followers_.erase(it);
  if (acks_) acks_->Remove(sid);
  for (auto p = proxies_.begin(); p != proxies_.end();) {
    if (p->first.first == sid) {
      p->second->Close();
      p = proxies_.erase(p);
    } else {
      ++p;
    }
  }
  if (link) link->Close();
}

void QuorumPeer::OnFollowerPacket(int64_t sid, const QuorumPacket& p) {
  auto it = followers_.find(sid);
  if (it == followers_.end() || state_ != PeerState::kLeading) return;
  Follower& f = it->second;
  f.last_heard_ms = NowMs();
  switch (p.type) {
    case PacketType::kFollowerInfo:
      if (f.phase != FollowerPhase::kInfo) return;
      f.accepted_epoch = DecodeLong(p.payload);
      f.phase = FollowerPhase::kAckEpoch;
      if (new_epoch_ != 0) {
        f.link->Send(EncodePacket({PacketType::kLeaderInfo, new_epoch_ << 32, {}}));
      } else {
        // Epoch agreement: a quorum (us included) must have reported.
        std::set<int64_t> ids{my_sid_};
        int64_t max_epoch = accepted_epoch_;
        for (auto& [id, fol] : followers_) {
          if (fol.phase != FollowerPhase::kInfo) {
            ids.insert(id);
            max_epoch = std::max(max_epoch, fol.accepted_epoch);
          }
        }
        if (ids.size() < acks_->quorum()) return;
        new_epoch_ = max_epoch + 1;
        accepted_epoch_ = new_epoch_;
        util::Status s = SaveEpoch("acceptedEpoch", new_epoch_);
        if (!s.ok()) {
          server_->log_->critical("{}", s.ToString());
          std::_Exit(1);
        }
        for (auto& [id, fol] : followers_) {
          if (fol.phase == FollowerPhase::kAckEpoch) {
            fol.link->Send(EncodePacket({PacketType::kLeaderInfo, new_epoch_ << 32, {}}));
          }
        }
      }
      return;
    case PacketType::kAckEpoch:
      if (f.phase != FollowerPhase::kAckEpoch || new_epoch_ == 0) return;
      f.last_zxid = p.zxid;
      SendSnapAndNewLeader(f);
      return;
    case PacketType::kAck:
      // Only the NEWLEADER ack (marked by a payload) completes the sync; plain
      // acks of DIFF proposals may arrive before it.
      if (f.phase == FollowerPhase::kNewLeaderAck && !p.payload.empty()) {
        f.phase = FollowerPhase::kSynced;
        server_->log_->info("follower {} synced", sid);
        if (established_) f.link->Send(EncodePacket({PacketType::kUpToDate, 0, {}}));
        else MaybeEstablish();
      }
      if (acks_ && acks_->Ack(sid, p.zxid) && established_) {
        server_->OnDurable(acks_->committed());
        SendToSynced({PacketType::kCommit, acks_->committed(), {}});
      }
      return;
    case PacketType::kPing: {
      zk::jute::Reader r(p.payload);
      int32_t n = r.Count(12);
      for (int32_t i = 0; i < n && r.ok(); ++i) {
        int64_t session = r.Long();
        int32_t timeout = r.Int();
        if (r.ok() && server_->tree_.FindSession(session)) {
          server_->expiry_.Touch(session, server_->MonoMs(), timeout);
        }
      }
      return;
    }
    case PacketType::kRequest:
    case PacketType::kRevalidate:
      if (f.phase == FollowerPhase::kSynced && established_) HandleForwarded(sid, p);
      return;
    default:
      DropFollower(sid, "unexpected packet");
      return;
  }
}

void QuorumPeer::SendSnapAndNewLeader(Follower& f) {
  // Everything applied so far is in the history / the snapshot; later
  // proposals follow it on the same stream.
  server_->FlushToLog();
  int64_t z = server_->tree_.last_zxid();
  const int64_t peer = f.last_zxid;
  // Zab: logs of one epoch are prefixes of that epoch leader's proposals, so
  // the follower's log equals ours up to the last zxid both have. It needs a
  // DIFF of what follows that point, after a TRUNC of anything past it (an
  // uncommitted tail of an old epoch); SNAP if our history does not reach back.
  std::optional<int64_t> trunc;
  auto from = history_.end();
  bool diff = true;
  if (peer == z) {
  } else if (peer > z) {
    trunc = z;
  } else if (peer >= history_base_) {
    from = std::upper_bound(history_.begin(), history_.end(), peer,
                            [](int64_t v, const auto& e) { return v < e.first; });
    int64_t common = from == history_.begin() ? history_base_ : std::prev(from)->first;
    if (common != peer) trunc = common;
  } else {
    diff = false;
  }
  if (diff) {
    if (trunc) f.link->Send(EncodePacket({PacketType::kTrunc, *trunc, {}}));
    f.link->Send(EncodePacket({PacketType::kDiff, z, {}}));
    size_t n = 0;
    for (; from != history_.end(); ++from, ++n) {
      f.link->Send(EncodePacket({PacketType::kProposal, from->first, from->second}));
    }
    if (trunc) {
      server_->log_->info("syncing follower {} by TRUNC to 0x{:x} + DIFF of {} txns (its last "
                          "zxid 0x{:x})", f.sid, *trunc, n, peer);
    } else {
      server_->log_->info("syncing follower {} by DIFF: {} txns after 0x{:x}", f.sid, n, peer);
    }
  } else {
    server_->log_->info("syncing follower {} by SNAP at 0x{:x} (its last zxid 0x{:x})", f.sid,
                        z, peer);
    f.link->Send(EncodePacket({PacketType::kSnap, z, SerializeSnapshot(server_->tree_, z)}));
  }
  int64_t committed = established_ && acks_ ? acks_->committed() : 0;
  f.link->Send(
      EncodePacket({PacketType::kNewLeader, new_epoch_ << 32, EncodeLong(committed)}));
  f.receives_proposals = true;
  f.phase = FollowerPhase::kNewLeaderAck;
}

void QuorumPeer::MaybeEstablish() {
  if (established_) return;
  size_t synced = 1;
  for (auto& [id, f] : followers_) synced += f.phase == FollowerPhase::kSynced;
  if (synced < acks_->quorum()) return;
  current_epoch_ = new_epoch_;
  util::Status s = SaveEpoch("currentEpoch", current_epoch_);
  if (!s.ok()) {
    server_->log_->critical("{}", s.ToString());
    std::_Exit(1);
  }
  established_ = true;
  serving_ = true;
  // Everything we had is now committed by a quorum (the synced followers
  // ACKed NEWLEADER after making our state durable).
  int64_t base = server_->tree_.last_zxid();
  server_->FlushToLog();
  acks_->Ack(my_sid_, base);
  server_->OnDurable(base);
  server_->zxid_floor_ = new_epoch_ << 32;
  leader_vote_ = Vote{current_epoch_, base, my_sid_};
  // Sessions restart their timeouts under the new leader, as after a restart.
  for (const auto& [id, sess] : server_->tree_.sessions()) {
    server_->session_timeout_[id] = sess.timeout_ms;
    server_->expiry_.Touch(id, server_->MonoMs(), sess.timeout_ms);
  }
  server_->log_->info("LEADING: epoch {} established with {} synced, zxid=0x{:x}",
                      current_epoch_, synced, server_->tree_.last_zxid());
  SendToSynced({PacketType::kCommit, base, {}});
  SendToSynced({PacketType::kUpToDate, 0, {}});
  Broadcast();
}

void QuorumPeer::SendToSynced(const QuorumPacket& p) {
  std::string frame = EncodePacket(p);
  for (auto& [id, f] : followers_) {
    if (f.receives_proposals && f.link) f.link->Send(frame);
  }
}

void QuorumPeer::RecordHistory(const std::string& records) {
  std::vector<std::pair<int64_t, std::string_view>> parts;
  if (!SplitRecords(records, &parts)) return;
  for (const auto& [zxid, rec] : parts) history_.emplace_back(zxid, std::string(rec));
  while (history_.size() > kMaxHistory) {
    history_base_ = history_.front().first;
    history_.pop_front();
  }
}

void QuorumPeer::ResetHistory(int64_t base) {
  history_.clear();
  history_base_ = base;
}

void QuorumPeer::OnFlushed(int64_t, int64_t last_zxid, const std::string& records) {
  if (state_ != PeerState::kLeading) return;
  RecordHistory(records);
  SendToSynced({PacketType::kProposal, last_zxid, records});
}

void QuorumPeer::OnLocalDurable(int64_t zxid) {
  // Reports of the log the server started with; ignored once a SNAP replaced it.
  if (log_generation_ == 0) HandleDurable(zxid);
}

void QuorumPeer::HandleDurable(int64_t zxid) {
  follower_durable_ = std::max(follower_durable_, zxid);
  if (state_ == PeerState::kLeading) {
    if (acks_ && acks_->Ack(my_sid_, zxid) && established_) {
      server_->OnDurable(acks_->committed());
      SendToSynced({PacketType::kCommit, acks_->committed(), {}});
    }
  } else if (state_ == PeerState::kFollowing && leader_link_) {
    leader_link_->Send(EncodePacket({PacketType::kAck, zxid, {}}));
    MaybeAckNewLeader();
  }
}

void QuorumPeer::MaybeAckNewLeader() {
  // ZOOKEEPER-4646: NEWLEADER is acked only once everything the sync sent us
  // is durable in our log.
  if (!newleader_ack_pending_ || !leader_link_) return;
  if (follower_durable_ < LastLoggedZxid()) return;
  newleader_ack_pending_ = false;
  leader_link_->Send(EncodePacket({PacketType::kAck, LastLoggedZxid(), "NL"}));
}

void QuorumPeer::LeaderTick() {
  int64_t now = NowMs();
  int64_t sync_ms = int64_t{config_.tick_time} * config_.sync_limit;
  int64_t init_ms = int64_t{config_.tick_time} * config_.init_limit;
  if (!established_) {
    if (now - phase_start_ms_ > init_ms) StartLooking("no quorum of followers within initLimit");
    return;
  }
  if (now - last_ping_ms_ >= config_.tick_time / 2) {
    last_ping_ms_ = now;
    SendToSynced({PacketType::kPing, acks_->committed(), {}});
  }
  std::vector<int64_t> stale;
  for (auto& [id, f] : followers_) {
    if (f.phase == FollowerPhase::kSynced && now - f.last_heard_ms > sync_ms) stale.push_back(id);
  }
  for (int64_t id : stale) DropFollower(id, "silent for syncLimit");
  size_t synced = 1;
  for (auto& [id, f] : followers_) synced += f.phase == FollowerPhase::kSynced;
  if (synced < acks_->quorum()) StartLooking("lost quorum of followers");
}

void QuorumPeer::HandleForwarded(int64_t sid, const QuorumPacket& p) {
  ForwardedRequest fr;
  if (!DecodeForwarded(p.payload, &fr)) {
    DropFollower(sid, "malformed request");
    return;
  }
  auto key = std::make_pair(sid, fr.connection_id);
  auto& proxy = proxies_[key];
  if (!proxy || proxy->closed() || proxy->closing_) {
    proxy = std::make_shared<Connection>(server_, tcp::socket(server_->io_),
                                         server_->next_conn_id_++);
    proxy->proxy_ = true;
    proxy->remote_ = "/follower" + std::to_string(sid);
  }
  DecodeAuth(fr.auth, &proxy->auth_);
  proxy->session_id_ = fr.session_id;
  bool ok = server_->HandleFrame(*proxy, fr.request);
  if (!ok) {
    // The request was refused outright: the follower closes its client.
    zk::jute::Writer w;
    w.Long(fr.connection_id);
    w.Int(-1);
    auto f = followers_.find(sid);
    if (f != followers_.end()) f->second.link->Send(EncodePacket({PacketType::kReply, 0, w.Take()}));
    proxy->Close();
    proxies_.erase(key);
  }
}

void QuorumPeer::ProxySend(Connection& c, std::string frame, int64_t zxid) {
  // Find the follower and connection this proxy stands for.
  for (auto& [key, proxy] : proxies_) {
    if (proxy.get() != &c) continue;
    auto f = followers_.find(key.first);
    if (f == followers_.end() || !f->second.link) return;
    zk::jute::Writer w;
    w.Long(key.second);
    w.String(frame.substr(4));  // without the length prefix
    f->second.link->Send(EncodePacket({PacketType::kReply, zxid, w.Take()}));
    return;
  }
}

// ------------------------------------------------------------ follower

void QuorumPeer::BecomeFollower(const Vote& leader) {
  server_->SetReadOnly(false);
  ++generation_;
  state_ = PeerState::kFollowing;
  leader_vote_ = leader;
  phase_start_ms_ = NowMs();
  last_leader_ms_ = NowMs();
  serving_ = false;
  got_leader_info_ = false;
  server_->log_->info("FOLLOWING leader {} (epoch {} zxid 0x{:x})", leader.sid, leader.epoch,
                      leader.zxid);
  Broadcast();
  ConnectLeader();
}

void QuorumPeer::ConnectLeader() {
  const ServerLine& line = config_.servers.at(leader_vote_.sid);
  auto sock = std::make_shared<tcp::socket>(server_->io_);
  tcp::endpoint ep(asio::ip::make_address(peer_ip_[leader_vote_.sid]),
                   static_cast<uint16_t>(line.quorum_port));
  uint64_t gen = generation_;
  sock->async_connect(ep, [this, sock, gen](const boost::system::error_code& ec) {
    if (gen != generation_ || server_->stopping_) return;
    if (ec) {
      auto t = std::make_shared<asio::steady_timer>(server_->io_);
      t->expires_after(std::chrono::milliseconds(kReconnectMs));
      t->async_wait([this, t, gen](const boost::system::error_code& e) {
        if (!e && gen == generation_) ConnectLeader();
      });
      return;
    }
    leader_link_ = std::make_shared<Link>(std::move(*sock));
    leader_link_->Start(
        [this, gen](std::string_view body) {
          if (gen != generation_) return;
          QuorumPacket p;
          if (!DecodePacket(body, &p)) {
            StartLooking("malformed packet from leader");
            return;
          }
          last_leader_ms_ = NowMs();
          OnLeaderPacket(p);
        },
        [this, gen] {
          if (gen != generation_ || server_->stopping_) return;
          if (got_leader_info_) {
            StartLooking("leader connection closed");
            return;
          }
          // The leader we voted for may not have finished its own election
          // yet and refused us: retry until initLimit (FollowerTick) expires,
          // instead of starting a new round that would reset its tally.
          leader_link_.reset();
          auto t = std::make_shared<asio::steady_timer>(server_->io_);
          t->expires_after(std::chrono::milliseconds(kReconnectMs));
          t->async_wait([this, t, gen](const boost::system::error_code& e) {
            if (!e && gen == generation_) ConnectLeader();
          });
        });
    leader_link_->Send(EncodeHello(Hello{my_sid_, kProtocolVersion}));
    leader_link_->Send(
        EncodePacket({PacketType::kFollowerInfo, LastLoggedZxid(), EncodeLong(accepted_epoch_)}));
  });
}

void QuorumPeer::OnLeaderPacket(const QuorumPacket& p) {
  switch (p.type) {
    case PacketType::kLeaderInfo: {
      got_leader_info_ = true;
      int64_t epoch = EpochOf(p.zxid);
      if (epoch < accepted_epoch_) {
        StartLooking("leader proposed an older epoch");
        return;
      }
      accepted_epoch_ = epoch;
      util::Status s = SaveEpoch("acceptedEpoch", epoch);
      if (!s.ok()) {
        server_->log_->critical("{}", s.ToString());
        std::_Exit(1);
      }
      leader_link_->Send(
          EncodePacket({PacketType::kAckEpoch, LastLoggedZxid(), EncodeLong(current_epoch_)}));
      return;
    }
    case PacketType::kSnap:
      InstallSnapshot(p.payload);
      return;
    case PacketType::kTrunc:
      if (!TruncateTo(p.zxid)) StartLooking("truncation lacked history");
      return;
    case PacketType::kNewLeader: {
      if (EpochOf(p.zxid) != accepted_epoch_) {
        StartLooking("NEWLEADER for another epoch");
        return;
      }
      current_epoch_ = accepted_epoch_;
      util::Status s = SaveEpoch("currentEpoch", current_epoch_);
      if (!s.ok()) {
        server_->log_->critical("{}", s.ToString());
        std::_Exit(1);
      }
      // The leader's snapshot may hold its applied-but-uncommitted tail: reads
      // of it are held until the leader's COMMIT covers it.
      int64_t committed = DecodeLong(p.payload);
      if (committed < server_->durable_zxid_) server_->durable_zxid_ = committed;
      newleader_ack_pending_ = true;
      MaybeAckNewLeader();
      return;
    }
    case PacketType::kUpToDate:
      if (!serving_) {
        serving_ = true;
        server_->log_->info("FOLLOWING leader {}: up to date, serving clients", leader_vote_.sid);
        Broadcast();
      }
      return;
    case PacketType::kDiff:
      server_->log_->info("syncing from leader by DIFF from 0x{:x}", LastLoggedZxid());
      return;
    case PacketType::kProposal: {
      // Fenced: an old leader. (During the sync a DIFF may replay older epochs.)
      if (serving_ && EpochOf(p.zxid) < current_epoch_) return;
      std::vector<Txn> txns;
      if (!DecodeRecords(p.payload, &txns) || txns.empty()) {
        StartLooking("malformed proposal");
        return;
      }
      int64_t first = txns.front().zxid;
      if (first <= LastLoggedZxid()) return;  // already logged (a repeat)
      for (Txn& t : txns) pending_.push_back(std::move(t));
      RecordHistory(p.payload);
      server_->sync_->Append(first, txns.back().zxid, p.payload);
      return;
    }
    case PacketType::kCommit: {
      ApplyCommitted(p.zxid);
      server_->OnDurable(p.zxid);
      std::vector<uint64_t> waiting;
      for (const auto& [id, st] : conn_state_) {
        if (!st.deferred.empty()) waiting.push_back(id);
      }
      for (uint64_t id : waiting) DrainDeferred(id);
      return;
    }
    case PacketType::kPing: {
      // Only sessions whose clients sent something since the last answer
      // (their local expiry deadline moved): a silent client's session must
      // expire at the leader even though its connection here is still open.
      std::erase_if(reported_deadline_, [this](const auto& e) {
        return !server_->session_owner_.count(e.first);
      });
      std::vector<std::pair<int64_t, int32_t>> touched;
      for (const auto& [session, conn] : server_->session_owner_) {
        int64_t deadline = server_->expiry_.Deadline(session);
        auto r = reported_deadline_.find(session);
        if (r != reported_deadline_.end() && r->second == deadline) continue;
        reported_deadline_[session] = deadline;
        auto t = server_->session_timeout_.find(session);
        touched.emplace_back(session, t == server_->session_timeout_.end() ? 0 : t->second);
      }
      zk::jute::Writer w;
      w.Int(static_cast<int32_t>(touched.size()));
      for (const auto& [session, timeout] : touched) {
        w.Long(session);
        w.Int(timeout);
      }
      leader_link_->Send(EncodePacket({PacketType::kPing, 0, w.Take()}));
      return;
    }
    case PacketType::kReply:
      OnForwardReply(p);
      return;
    default:
      StartLooking("unexpected packet from leader");
      return;
  }
}

void QuorumPeer::InstallSnapshot(std::string_view bytes) {
  int64_t z = 0;
  util::Status s = DeserializeSnapshot(bytes, &server_->tree_, &z);
  if (!s.ok()) {
    StartLooking("bad snapshot from leader");
    return;
  }
  server_->tree_.set_last_zxid(z);
  PublishConfig();
  pending_.clear();
  ResetLog(z, std::string(bytes));
  ResetHistory(z);
  follower_durable_ = z;
  server_->session_timeout_.clear();
  for (const auto& [id, sess] : server_->tree_.sessions()) {
    server_->session_timeout_[id] = sess.timeout_ms;
  }
  server_->log_->info("synced from leader by SNAP at zxid 0x{:x} ({} nodes)", z,
                      server_->tree_.node_count());
}

void QuorumPeer::ApplyCommitted(int64_t zxid) {
  while (!pending_.empty() && pending_.front().zxid <= zxid) {
    Txn t = std::move(pending_.front());
    pending_.pop_front();
    if (t.zxid <= server_->tree_.last_zxid()) continue;
    std::vector<WatchEvent> events;
    server_->tree_.Apply(t, nullptr, &events);
    ++server_->txns_since_snapshot_;
    if (!events.empty()) DispatchCommittedEvents(events, t.zxid);
    if (t.type == op::kCreateSession) {
      server_->session_timeout_[t.session_id] = t.value;
    } else if (t.type == op::kCloseSession) {
      server_->session_timeout_.erase(t.session_id);
      server_->expiry_.Remove(t.session_id);
      reported_deadline_.erase(t.session_id);
      auto it = server_->session_owner_.find(t.session_id);
      if (it != server_->session_owner_.end()) {
        Connection* c = it->second;
        server_->session_owner_.erase(it);
        c->CloseAfterFlush();
      }
    }
  }
  // Followers snapshot too (every snapCount applied txns), so a restart
  // replays only the log since then.
  server_->MaybeSnapshot();
}

void QuorumPeer::DispatchCommittedEvents(const std::vector<WatchEvent>& events, int64_t zxid) {
  // Output queue length of each watcher connection before the events.
  std::map<uint64_t, size_t> before;
  for (const WatchEvent& e : events) {
    auto it = server_->conns_.find(e.watcher);
    if (it != server_->conns_.end() && !it->second->proxy_) {
      before.emplace(e.watcher, it->second->out_.size());
    }
  }
  server_->DispatchEvents(events, zxid);
  for (const auto& [id, old_size] : before) {
    auto it = server_->conns_.find(id);
    if (it == server_->conns_.end()) continue;
    Connection& c = *it->second;
    if (c.closed() || c.out_.size() <= old_size || c.released_ > old_size) continue;
    // First held frame that must not precede the events.
    size_t pos = c.released_;
    while (pos < old_size && c.out_[pos].zxid < zxid) ++pos;
    if (pos == old_size) continue;
    std::rotate(c.out_.begin() + static_cast<std::ptrdiff_t>(pos),
                c.out_.begin() + static_cast<std::ptrdiff_t>(old_size), c.out_.end());
  }
}

void QuorumPeer::FollowerTick() {
  int64_t now = NowMs();
  int64_t sync_ms = int64_t{config_.tick_time} * config_.sync_limit;
  int64_t init_ms = int64_t{config_.tick_time} * config_.init_limit;
  if (!serving_ && now - phase_start_ms_ > init_ms) {
    StartLooking("not synced within initLimit");
  } else if (serving_ && now - last_leader_ms_ > sync_ms) {
    StartLooking("leader silent for syncLimit");
  }
  // Forget closed connections.
  std::erase_if(conn_state_, [this](const auto& e) { return !server_->conns_.count(e.first); });
}

QuorumHooks::Route QuorumPeer::RouteFrame(Connection& c, std::string_view frame) {
  if (!serving_) {
    return state_ == PeerState::kLooking && server_->read_only_mode_ ? Route::kLocal
                                                                      : Route::kReject;
  }
  if (state_ == PeerState::kLeading) return Route::kLocal;
  bool is_connect = c.session_id_ == 0;
  if (!is_connect) {
    if (c.session_id_ < 0 || c.closing_) return Route::kLocal;  // ignored there
    // Any frame keeps the session alive (reported to the leader in PINGs),
    // also one held back behind an earlier request.
    if (auto t = server_->session_timeout_.find(c.session_id_);
        t != server_->session_timeout_.end()) {
      server_->expiry_.Touch(c.session_id_, server_->MonoMs(), t->second);
    }
    zk::jute::Reader r(frame);
    r.Int();
    int32_t type = r.Int();
    bool forward = r.ok() && IsForwardedOp(type);
    // FIFO client order: a request may not overtake an earlier one, and a
    // local read waits until this connection's earlier writes are applied here
    // (ZooKeeper's CommitProcessor rule).
    ConnState& st = conn_state_[c.id()];
    bool must_wait = (!draining_ && !st.deferred.empty()) ||
                     (!forward && (st.outstanding > 0 || st.wait_zxid > server_->tree_.last_zxid()));
    if (must_wait) {
      if (st.deferred.size() >= kMaxDeferred) return Route::kReject;
      st.deferred.emplace_back(frame);
      return Route::kForwarded;
    }
    if (!forward) return Route::kLocal;
    ++st.outstanding;
    auto t = server_->session_timeout_.find(c.session_id_);
    if (t != server_->session_timeout_.end()) {
      server_->expiry_.Touch(c.session_id_, server_->MonoMs(), t->second);
    }
  } else {
    pending_connects_.insert(c.id());
    c.session_id_ = -2;  // requests before the session exists are ignored
    c.established_ms_ = server_->NowMs();
  }
  if (!leader_link_) return Route::kReject;
  ForwardedRequest fr{static_cast<int64_t>(c.id()), is_connect ? 0 : c.session_id_,
                      EncodeAuth(c.auth_), std::string(frame)};
  leader_link_->Send(EncodePacket({PacketType::kRequest, 0, EncodeForwarded(fr)}));
  // Keeps this connection's output in order until the leader's reply arrives.
  c.Enqueue(std::string(), kPlaceholderZxid);
  return Route::kForwarded;
}

void QuorumPeer::OnForwardReply(const QuorumPacket& p) {
  zk::jute::Reader r(p.payload);
  int64_t conn_id = r.Long();
  std::optional<std::string> frame = r.Buffer();
  if (!r.ok()) {
    StartLooking("malformed reply");
    return;
  }
  auto it = server_->conns_.find(static_cast<uint64_t>(conn_id));
  if (it == server_->conns_.end()) return;
  Connection& c = *it->second;
  auto st = conn_state_.find(c.id());
  if (st != conn_state_.end()) {
    if (st->second.outstanding > 0) --st->second.outstanding;
    st->second.wait_zxid = std::max(st->second.wait_zxid, p.zxid);
  }
  if (!frame) {
    c.Close();
    return;
  }
  std::string bytes(4, '\0');
  uint32_t len = static_cast<uint32_t>(frame->size());
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(len >> (24 - 8 * i));
  bytes += *frame;
  if (pending_connects_.erase(c.id())) {
    // ConnectResponse: protocolVersion, timeout, sessionId, passwd.
    zk::jute::Reader cr(*frame);
    cr.Int();
    int32_t timeout = cr.Int();
    int64_t session = cr.Long();
    if (!cr.ok() || session == 0) {
      c.session_id_ = -1;
    } else {
      c.session_id_ = session;
      c.session_timeout_ = timeout;
      auto old = server_->session_owner_.find(session);
      if (old != server_->session_owner_.end() && old->second != &c) {
        Connection* o = old->second;
        server_->session_owner_.erase(old);
        o->CloseAfterFlush();
      }
      server_->session_owner_[session] = &c;
      server_->session_timeout_[session] = timeout;
      server_->expiry_.Touch(session, server_->MonoMs(), timeout);
    }
  }
  // Fill the oldest placeholder of this connection.
  for (size_t i = c.released_; i < c.out_.size(); ++i) {
    auto& o = c.out_[i];
    if (o.zxid == kPlaceholderZxid && o.bytes.empty()) {
      c.queued_bytes_ += bytes.size();
      o.bytes = std::move(bytes);
      o.zxid = p.zxid;
      break;
    }
  }
  if (c.session_id_ == -1) c.CloseAfterFlush();
  c.Release(server_->durable_zxid_);
  DrainDeferred(c.id());
}

void QuorumPeer::DrainDeferred(uint64_t conn_id) {
  auto st = conn_state_.find(conn_id);
  if (st == conn_state_.end()) return;
  auto conn = server_->conns_.find(conn_id);
  if (conn == server_->conns_.end()) {
    conn_state_.erase(st);
    return;
  }
  std::shared_ptr<Connection> c = conn->second;
  while (!c->closed() && !st->second.deferred.empty()) {
    size_t before = st->second.deferred.size();
    std::string frame = std::move(st->second.deferred.front());
    st->second.deferred.pop_front();
    draining_ = true;
    bool ok = server_->HandleFrame(*c, frame);
    draining_ = false;
    if (!ok) {
      c->Close();
      return;
    }
    st = conn_state_.find(conn_id);
    if (st == conn_state_.end()) return;
    // Deferred again: it went back to the end; restore its place and wait.
    if (st->second.deferred.size() == before) {
      std::string again = std::move(st->second.deferred.back());
      st->second.deferred.pop_back();
      st->second.deferred.push_front(std::move(again));
      break;
    }
  }
  c->StartWrite();
}

void QuorumPeer::CloseClients() {
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, c] : server_->conns_) all.push_back(c);
  for (auto& c : all) {
    // 4lw connections answer and close on their own.
    if (c->session_id_ != 0 || c->received_ > 0) c->Close();
  }
  pending_connects_.clear();
  conn_state_.clear();
}

// ------------------------------------------------------------ 4lw

std::string QuorumPeer::Mode() const {
  if (server_->read_only_mode_) return "read-only";
  switch (state_) {
    case PeerState::kLeading: return established_ ? "leader" : "looking";
    case PeerState::kFollowing: return serving_ ? "follower" : "looking";
    default: return "looking";
  }
}

void QuorumPeer::MntrLines(std::string* out) const {
  auto line = [out](const std::string& k, const std::string& v) { *out += k + "\t" + v + "\n"; };
  std::string peer = state_ == PeerState::kLeading     ? "leading - broadcast"
                     : state_ == PeerState::kFollowing ? "following - broadcast"
                                                       : "looking - election";
  line("zk_peer_state", peer);
  if (state_ == PeerState::kLeading) {
    size_t synced = 0;
    for (const auto& [id, f] : followers_) synced += f.phase == FollowerPhase::kSynced;
    line("zk_learners", std::to_string(followers_.size()));
    line("zk_synced_followers", std::to_string(synced));
    line("zk_synced_non_voting_followers", "0");
    line("zk_pending_syncs", "0");
  }
}

}  // namespace zkserver::quorum
