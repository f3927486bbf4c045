// zk::Client against an in-process fake server that speaks just enough of the
// protocol and records what the client sends: session re-attach, SetWatches,
// xid matching, pings, expiry, timeouts and chroot. (Behaviour against the real
// Apache ZooKeeper is covered by tests/zk_client.)
#include "common/zk/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using namespace zk;

bool ReadFull(int fd, char* buf, size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(fd, buf, n, 0);
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

class FakeServer {
 public:
  FakeServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakeServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    accept_thread_.join();
    DropAll();
    for (auto& t : conn_threads_) t.join();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  void DropAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }

  // Sends a watch notification on the newest connection.
  void SendEvent(int32_t type, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    if (fds_.empty()) return;
    SendLocked(fds_.back(), EncodeFrame(ReplyHeader{kWatcherEventXid, -1, 0},
                                        WatcherEvent{type, 3, path}));
  }

  // Knobs.
  std::atomic<int32_t> timeout_ms{4000};
  std::atomic<bool> expire_handshakes{false};
  std::atomic<bool> mute_reads{false};  // getData gets no reply
  std::atomic<bool> refuse{false};      // close new connections at once

  // Observations (guarded by mu_).
  std::vector<ConnectRequest> Connects() {
    std::lock_guard<std::mutex> lock(mu_);
    return connects_;
  }
  std::vector<SetWatches> SetWatchesSeen() {
    std::lock_guard<std::mutex> lock(mu_);
    return set_watches_;
  }
  std::vector<std::string> Paths() {
    std::lock_guard<std::mutex> lock(mu_);
    return paths_;
  }
  std::vector<int32_t> Xids() {
    std::lock_guard<std::mutex> lock(mu_);
    return xids_;
  }
  std::vector<std::string> Auths() {
    std::lock_guard<std::mutex> lock(mu_);
    return auths_;
  }
  int Pings() {
    std::lock_guard<std::mutex> lock(mu_);
    return pings_;
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      if (refuse) {
        ::close(fd);
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(fd);
      conn_threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void SendLocked(int fd, const std::string& frame) {
    ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
  }
  void Send(int fd, const std::string& frame) {
    std::lock_guard<std::mutex> lock(mu_);
    SendLocked(fd, frame);
  }

  bool ReadFrame(int fd, std::string* out) {
    char len_buf[4];
    if (!ReadFull(fd, len_buf, 4)) return false;
    jute::Reader r(std::string_view(len_buf, 4));
    int32_t len = r.Int();
    if (len < 0 || len > (1 << 20)) return false;
    out->resize(static_cast<size_t>(len));
    return ReadFull(fd, out->data(), out->size());
  }

  Stat NodeStat() {
    Stat s;
    s.czxid = s.mzxid = s.pzxid = zxid_;
    s.data_length = 1;
    return s;
  }

  void Serve(int fd) {
    std::string frame;
    if (!ReadFrame(fd, &frame)) return Close(fd);
    ConnectRequest req;
    if (!Decode(frame, &req)) return Close(fd);  // (Catch2 asserts are not thread-safe)
    ConnectResponse resp;
    {
      std::lock_guard<std::mutex> lock(mu_);
      connects_.push_back(req);
      if (expire_handshakes) {
        resp.timeout_ms = 0;
      } else {
        resp.timeout_ms = timeout_ms;
        resp.session_id = req.session_id != 0 ? req.session_id : 0x1234;
        resp.passwd = req.session_id != 0 ? req.passwd : std::string(16, 'p');
      }
    }
    Send(fd, EncodeFrame(resp));
    if (resp.timeout_ms == 0) return Close(fd);
    while (ReadFrame(fd, &frame)) {
      jute::Reader r(frame);
      RequestHeader hdr;
      RequestHeader::Read(r, &hdr);
      std::lock_guard<std::mutex> lock(mu_);
      if (hdr.xid > 0) xids_.push_back(hdr.xid);
      switch (static_cast<OpCode>(hdr.type)) {
        case OpCode::kPing:
          ++pings_;
          SendLocked(fd, EncodeFrame(ReplyHeader{kPingXid, zxid_, 0}));
          break;
        case OpCode::kSetWatches: {
          SetWatches sw;
          SetWatches::Read(r, &sw);
          set_watches_.push_back(sw);
          SendLocked(fd, EncodeFrame(ReplyHeader{kSetWatchesXid, zxid_, 0}));
          break;
        }
        case OpCode::kCreate2: {
          CreateRequest c;
          CreateRequest::Read(r, &c);
          paths_.push_back(c.path);
          ++zxid_;
          SendLocked(fd, EncodeFrame(ReplyHeader{hdr.xid, zxid_, 0},
                                     Create2Response{c.path, NodeStat()}));
          break;
        }
        case OpCode::kGetData: {
          GetDataRequest g;
          GetDataRequest::Read(r, &g);
          paths_.push_back(g.path);
          if (mute_reads) break;
          SendLocked(fd, EncodeFrame(ReplyHeader{hdr.xid, zxid_, 0},
                                     GetDataResponse{std::string("d"), NodeStat()}));
          break;
        }
        case OpCode::kExists: {
          ExistsRequest e;
          ExistsRequest::Read(r, &e);
          paths_.push_back(e.path);
          SendLocked(fd, EncodeFrame(ReplyHeader{hdr.xid, zxid_, E(ErrorCode::kNoNode)}));
          break;
        }
        case OpCode::kAuth: {
          AuthPacket a;
          AuthPacket::Read(r, &a);
          auths_.push_back(a.scheme + " " + a.auth.value_or(""));
          SendLocked(fd, EncodeFrame(ReplyHeader{kAuthXid, 0, 0}));
          break;
        }
        case OpCode::kCloseSession:
          SendLocked(fd, EncodeFrame(ReplyHeader{hdr.xid, zxid_, 0}));
          ::shutdown(fd, SHUT_RDWR);
          break;
        default:
          SendLocked(fd, EncodeFrame(ReplyHeader{hdr.xid, zxid_, E(ErrorCode::kUnimplemented)}));
      }
    }
    Close(fd);
  }

  void Close(int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
    ::close(fd);
  }

  static int32_t E(ErrorCode c) { return static_cast<int32_t>(c); }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> conn_threads_;
  int64_t zxid_ = 0x10;
  std::vector<ConnectRequest> connects_;
  std::vector<SetWatches> set_watches_;
  std::vector<std::string> paths_;
  std::vector<int32_t> xids_;
  std::vector<std::string> auths_;
  int pings_ = 0;
};

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

ClientOptions Options(const std::string& connect, std::chrono::milliseconds request_timeout = 0ms) {
  ClientOptions o;
  o.connect_string = connect;
  o.session_timeout = 4000ms;
  o.request_timeout = request_timeout;
  return o;
}

}  // namespace

TEST_CASE("connect strings", "[zk][client]") {
  auto cs = ParseConnectString("h1:2182, h2 ,[::1]:2183/kafka/a");
  REQUIRE(cs.ok());
  REQUIRE(cs->hosts.size() == 3);
  CHECK(cs->hosts[0].host == "h1");
  CHECK(cs->hosts[0].port == 2182);
  CHECK(cs->hosts[1].host == "h2");
  CHECK(cs->hosts[1].port == 2181);
  CHECK(cs->hosts[2].host == "::1");
  CHECK(cs->hosts[2].port == 2183);
  CHECK(cs->chroot == "/kafka/a");
  CHECK(ParseConnectString("h1/")->chroot.empty());
  CHECK_FALSE(ParseConnectString("").ok());
  CHECK_FALSE(ParseConnectString("h1:0").ok());
  CHECK_FALSE(ParseConnectString("h1:x").ok());
  CHECK_FALSE(ParseConnectString("h1/a/").ok());
  CHECK(ToStatus(-101, "/x").IsNotFound());
  CHECK(ToStatus(-101, "/x").message() == "KeeperErrorCode = NoNode for /x");
}

TEST_CASE("requests, xids and chroot", "[zk][client]") {
  FakeServer server;
  server.timeout_ms = 3000;
  SyncClient client(Options(server.address() + "/root"));
  REQUIRE(client.Connect(5s).ok());
  CHECK(client.client()->negotiated_timeout() == 3000ms);
  CHECK(client.client()->session_id() == 0x1234);
  auto created = client.Create("/a", "x", CreateMode::kPersistent);
  REQUIRE(created.ok());
  CHECK(created.value.path == "/a");  // chroot stripped from the reply
  CHECK(client.CreateSequential("/s-", "", true).ok());
  auto data = client.GetData("/");
  REQUIRE(data.ok());
  CHECK(data.value.data == "d");
  auto missing = client.Exists("/b");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing.value.has_value());
  CHECK(client.Sync("/").code() == ErrorCode::kUnimplemented);
  CHECK(client.GetData("bad").code() == ErrorCode::kBadArguments);
  CHECK(server.Paths() == std::vector<std::string>{"/root/a", "/root/s-", "/root", "/root/b"});
  auto xids = server.Xids();
  REQUIRE(xids.size() == 5);
  for (size_t i = 1; i < xids.size(); ++i) CHECK(xids[i] == xids[i - 1] + 1);
  auto connects = server.Connects();
  REQUIRE(connects.size() == 1);
  CHECK(connects[0].session_id == 0);
  CHECK(connects[0].timeout_ms == 4000);
  CHECK(connects[0].passwd == std::string(16, '\0'));
}

TEST_CASE("watch events are one-shot and use client paths", "[zk][client]") {
  FakeServer server;
  SyncClient client(Options(server.address() + "/root"));
  REQUIRE(client.Connect(5s).ok());
  std::atomic<int> fired{0};
  std::string seen;
  std::mutex mu;
  REQUIRE(client.GetData("/w", [&](const WatchedEvent& ev) {
                  std::lock_guard<std::mutex> lock(mu);
                  seen = std::string(EventTypeName(ev.type)) + " " + ev.path;
                  ++fired;
                }).ok());
  server.SendEvent(static_cast<int32_t>(EventType::kNodeDataChanged), "/root/w");
  REQUIRE(WaitFor([&] { return fired.load() == 1; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(seen == "NodeDataChanged /w");
  }
  server.SendEvent(static_cast<int32_t>(EventType::kNodeDataChanged), "/root/w");
  REQUIRE(client.GetData("/").ok());  // the event is processed before this reply
  CHECK(fired.load() == 1);
}

TEST_CASE("reconnect re-attaches the session and re-arms watches", "[zk][client]") {
  FakeServer server;
  std::vector<KeeperState> states;
  std::mutex mu;
  SyncClient client(Options(server.address(), 5s));
  client.SetStateListener([&](KeeperState s) {
    std::lock_guard<std::mutex> lock(mu);
    states.push_back(s);
  });
  REQUIRE(client.Connect(5s).ok());
  REQUIRE(client.GetData("/watched", [](const WatchedEvent&) {}).ok());
  REQUIRE(client.Exists("/later", [](const WatchedEvent&) {}).ok());

  // A request in flight when the connection drops fails with ConnectionLoss.
  server.mute_reads = true;
  std::atomic<int32_t> in_flight_err{1};
  client.client()->GetData("/slow", {}, [&](Reply<DataResult> r) { in_flight_err = r.err; });
  REQUIRE(WaitFor([&] { return server.Paths().back() == "/slow"; }));
  server.DropAll();
  REQUIRE(WaitFor([&] { return in_flight_err.load() != 1; }));
  CHECK(in_flight_err.load() == static_cast<int32_t>(ErrorCode::kConnectionLoss));
  server.mute_reads = false;

  REQUIRE(WaitFor([&] { return server.Connects().size() == 2; }));
  REQUIRE(WaitFor([&] { return !server.SetWatchesSeen().empty(); }));
  auto again = server.Connects()[1];
  CHECK(again.session_id == 0x1234);
  CHECK(again.passwd == std::string(16, 'p'));
  CHECK(again.last_zxid_seen == 0x10);
  auto sw = server.SetWatchesSeen()[0];
  CHECK(sw.relative_zxid == 0x10);
  CHECK(sw.data_watches == std::vector<std::string>{"/watched"});
  CHECK(sw.exist_watches == std::vector<std::string>{"/later"});
  CHECK(client.GetData("/x").ok());
  std::lock_guard<std::mutex> lock(mu);
  CHECK(states == std::vector<KeeperState>{KeeperState::kSyncConnected, KeeperState::kDisconnected,
                                           KeeperState::kSyncConnected});
}

TEST_CASE("an expired session ends the client", "[zk][client]") {
  FakeServer server;
  SyncClient client(Options(server.address()));
  REQUIRE(client.Connect(5s).ok());
  std::atomic<int> watch_state{0};
  REQUIRE(client.GetData("/w", [&](const WatchedEvent& ev) { watch_state = ev.state; }).ok());
  server.expire_handshakes = true;
  server.DropAll();
  REQUIRE(WaitFor([&] { return client.state() == KeeperState::kExpired; }));
  CHECK(watch_state.load() == static_cast<int>(KeeperState::kExpired));
  CHECK(client.GetData("/").code() == ErrorCode::kSessionExpired);
}

TEST_CASE("requests time out while the server is away", "[zk][client]") {
  FakeServer server;
  SyncClient client(Options(server.address(), 300ms));
  REQUIRE(client.Connect(5s).ok());
  server.mute_reads = true;
  auto t0 = std::chrono::steady_clock::now();
  CHECK(client.GetData("/x").code() == ErrorCode::kOperationTimeout);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  // The server never answers that one (a real one answers in order), so only a
  // new connection clears it.
  server.mute_reads = false;
  server.DropAll();
  REQUIRE(WaitFor([&] { return server.Connects().size() == 2; }));
  CHECK(client.Create("/y", "v").ok());

  server.refuse = true;
  server.DropAll();
  REQUIRE(WaitFor([&] { return client.state() == KeeperState::kDisconnected; }));
  t0 = std::chrono::steady_clock::now();
  CHECK(client.Create("/z", "v").code() == ErrorCode::kOperationTimeout);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}

TEST_CASE("pings keep an idle session alive", "[zk][client]") {
  FakeServer server;
  server.timeout_ms = 1200;  // ping every 400 ms, drop after 800 ms of silence
  SyncClient client(Options(server.address()));
  REQUIRE(client.Connect(5s).ok());
  REQUIRE(WaitFor([&] { return server.Pings() >= 3; }, 5s));
  CHECK(server.Connects().size() == 1);
}

TEST_CASE("connect fails in bounded time without a server", "[zk][client]") {
  uint16_t port;
  {
    FakeServer gone;
    port = static_cast<uint16_t>(std::stoi(gone.address().substr(10)));
  }
  SyncClient client(Options("127.0.0.1:" + std::to_string(port)));
  auto t0 = std::chrono::steady_clock::now();
  CHECK(client.Connect(500ms).code() == ErrorCode::kConnectionLoss);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}

TEST_CASE("credentials are re-sent on reconnect, also when added while disconnected",
          "[zk][client]") {
  FakeServer server;
  SyncClient client(Options(server.address(), 5s));
  REQUIRE(client.Connect(5s).ok());
  REQUIRE(client.AddAuth("digest", "a:1").ok());
  server.refuse = true;
  server.DropAll();
  REQUIRE(WaitFor([&] { return client.state() == KeeperState::kDisconnected; }));
  std::atomic<int32_t> deferred{1};
  client.client()->AddAuth("digest", "b:2", [&](Reply<Empty> r) { deferred = r.err; });
  server.refuse = false;
  REQUIRE(WaitFor([&] { return deferred.load() != 1; }));
  CHECK(deferred.load() == 0);
  CHECK(server.Auths() == std::vector<std::string>{"digest a:1", "digest a:1", "digest b:2"});
  CHECK(client.GetData("/").ok());
}
