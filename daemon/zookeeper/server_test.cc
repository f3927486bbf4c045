// In-process tests of ZkServer over a real loopback socket: handshake, a write
// and a read, watch ordering, four-letter words, and recovery after restart.
#include "daemon/zookeeper/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

using namespace zkserver;

namespace {

class RunningServer {
 public:
  explicit RunningServer(const std::string& dir, const std::string& whitelist = "") {
    ServerConfig cfg;
    cfg.data_dir = cfg.data_log_dir = dir;
    cfg.client_port = 0;
    cfg.client_port_address = "127.0.0.1";
    cfg.min_session_timeout = 4000;
    cfg.max_session_timeout = 40000;
    if (!whitelist.empty()) cfg.four_letter_all = true;
    server_ = std::make_unique<ZkServer>(cfg);
    REQUIRE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return server_->bound_port(); }

 private:
  std::unique_ptr<ZkServer> server_;
  std::thread thread_;
};

class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~Client() { ::close(fd_); }

  void SendRaw(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  }
  void SendFrame(const zk::jute::Writer& body) {
    zk::jute::Writer w;
    w.Int(static_cast<int32_t>(body.size()));
    w.Raw(body.data());
    SendRaw(w.data());
  }
  std::string RecvExact(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) return out.substr(0, got);
      got += static_cast<size_t>(r);
    }
    return out;
  }
  std::string RecvFrame() {
    std::string len = RecvExact(4);
    REQUIRE(len.size() == 4);
    zk::jute::Reader r(len);
    return RecvExact(static_cast<size_t>(r.Int()));
  }
  std::string RecvAll() {
    std::string out;
    char buf[4096];
    ssize_t r;
    while ((r = ::recv(fd_, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(r));
    return out;
  }
  // Returns (session id, timeout, password).
  std::tuple<int64_t, int32_t, std::string> Connect(int32_t timeout, int64_t session = 0,
                                                     const std::string& passwd = "") {
    zk::jute::Writer w;
    w.Int(0);
    w.Long(0);
    w.Int(timeout);
    w.Long(session);
    w.String(passwd.empty() ? std::string(16, '\0') : passwd);
    w.Bool(false);
    SendFrame(w);
    std::string reply = RecvFrame();
    zk::jute::Reader r(reply);
    r.Int();
    int32_t to = r.Int();
    int64_t sid = r.Long();
    std::string pw = r.String();
    return {sid, to, pw};
  }
  // Sends a request; returns the reply frame's reader state past the header.
  std::string Request(int32_t xid, int32_t type, const zk::jute::Writer& body, int32_t* err) {
    zk::jute::Writer w;
    w.Int(xid);
    w.Int(type);
    w.Raw(body.data());
    SendFrame(w);
    while (true) {
      std::string f = RecvFrame();
      zk::jute::Reader r(f);
      int32_t rxid = r.Int();
      r.Long();
      int32_t e = r.Int();
      if (rxid == -1) {
        events_.push_back(f.substr(16));
        continue;
      }
      REQUIRE(rxid == xid);
      *err = e;
      return std::string(r.Rest());
    }
  }
  std::vector<std::string> events_;

 private:
  int fd_ = -1;
};

std::string FreshDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/zkserver_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

zk::jute::Writer CreateBody(const std::string& path, const std::string& data, int32_t flags) {
  zk::jute::Writer w;
  w.String(path);
  w.String(data);
  EncodeAcl(OpenAcl(), w);
  w.Int(flags);
  return w;
}

zk::jute::Writer PathWatch(const std::string& path, bool watch) {
  zk::jute::Writer w;
  w.String(path);
  w.Bool(watch);
  return w;
}

}  // namespace

TEST_CASE("server: session, create, getData, watch before reply, restart", "[zkserver][server]") {
  std::string dir = FreshDir("basic");
  int64_t sid;
  std::string pw;
  {
    RunningServer s(dir);
    Client c(s.port());
    int32_t to;
    std::tie(sid, to, pw) = c.Connect(1000);
    CHECK(sid != 0);
    CHECK(to == 4000);  // clamped to 2 * tickTime
    CHECK(pw.size() == 16);
    int32_t err = 1;
    std::string rest = c.Request(1, op::kCreate, CreateBody("/x", "v", 0), &err);
    CHECK(err == err::kOk);
    CHECK(zk::jute::Reader(rest).String() == "/x");
    rest = c.Request(2, op::kGetData, PathWatch("/x", false), &err);
    CHECK(err == err::kOk);
    CHECK(zk::jute::Reader(rest).String() == "v");
    // An exists watch on a missing node fires before the create's reply.
    c.Request(3, op::kExists, PathWatch("/y", true), &err);
    CHECK(err == err::kNoNode);
    c.Request(4, op::kCreate, CreateBody("/y", "", flags::kEphemeral), &err);
    CHECK(err == err::kOk);
    REQUIRE(c.events_.size() == 1);
    zk::jute::Reader ev(c.events_[0]);
    CHECK(ev.Int() == event::kNodeCreated);
    CHECK(ev.Int() == kStateSyncConnected);
    CHECK(ev.String() == "/y");
    c.Request(5, op::kDelete, [] {
      zk::jute::Writer w;
      w.String("/zookeeper");
      w.Int(-1);
      return w;
    }(), &err);
    CHECK(err == err::kBadArguments);
    c.Request(6, 999, zk::jute::Writer(), &err);
    CHECK(err == err::kUnimplemented);
  }
  // Restart on the same directory: data and the session (with its ephemeral) survive.
  RunningServer s(dir);
  Client c(s.port());
  auto [sid2, to2, pw2] = c.Connect(4000, sid, pw);
  CHECK(sid2 == sid);
  CHECK(to2 == 4000);
  int32_t err = 1;
  std::string rest = c.Request(1, op::kGetData, PathWatch("/x", false), &err);
  CHECK(err == err::kOk);
  CHECK(zk::jute::Reader(rest).String() == "v");
  c.Request(2, op::kExists, PathWatch("/y", false), &err);
  CHECK(err == err::kOk);
  // A wrong password gets the "expired" answer: timeout 0, session 0.
  Client bad(s.port());
  auto [sid3, to3, pw3] = bad.Connect(4000, sid, std::string(16, 'x'));
  CHECK(sid3 == 0);
  CHECK(to3 == 0);
}

TEST_CASE("server: four-letter words and the whitelist", "[zkserver][server]") {
  {
    RunningServer s(FreshDir("4lw_default"));
    Client ruok(s.port());
    ruok.SendRaw("ruok");
    CHECK(ruok.RecvAll() == "ruok is not executed because it is not in the whitelist.\n");
    Client srvr(s.port());
    srvr.SendRaw("srvr");
    std::string out = srvr.RecvAll();
    CHECK(out.rfind("Zookeeper version: ", 0) == 0);
    CHECK(out.find("Mode: standalone\nNode count: 5\n") != std::string::npos);
  }
  RunningServer s(FreshDir("4lw_all"), "*");
  Client ruok(s.port());
  ruok.SendRaw("ruok");
  CHECK(ruok.RecvAll() == "imok");
}

TEST_CASE("server: oversized and negative frame lengths close the connection",
          "[zkserver][server]") {
  RunningServer s(FreshDir("hostile"));
  for (int32_t len : {-1, 0x7fffffff, 0xfffff + 1}) {
    Client c(s.port());
    zk::jute::Writer w;
    w.Int(len);
    c.SendRaw(w.data());
    CHECK(c.RecvAll().empty());  // EOF, nothing sent
  }
  Client ok(s.port());
  auto [sid, to, pw] = ok.Connect(10000);
  CHECK(sid != 0);
  CHECK(to == 10000);
}
