#include "common/net/framed_server.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/net/framed_client.h"

namespace kafka::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kTimeout = std::chrono::milliseconds(1500);

// A server on 127.0.0.1:<ephemeral> whose io_context runs on a background thread.
struct TestServer {
  explicit TestServer(Handler handler, ServerOptions options = {}) {
    options.endpoints = {ListenEndpoint{"127.0.0.1", 0}};
    server = std::make_unique<FramedServer>(io, std::move(options), std::move(handler));
    util::Status status = server->Start();
    REQUIRE(status.ok());
    port = server->bound_ports().at(0);
    thread = std::thread([this] { io.run(); });
  }
  ~TestServer() { Stop(); }
  void Stop() {
    if (!thread.joinable()) return;
    server->Stop();
    thread.join();
  }
  // Runs `fn` on the io thread.
  void Post(std::function<void()> fn) { asio::post(io, std::move(fn)); }

  asio::io_context io;
  std::unique_ptr<FramedServer> server;
  std::thread thread;
  uint16_t port = 0;
};

std::unique_ptr<FramedClient> Connect(const TestServer& s) {
  auto client = std::make_unique<FramedClient>();
  util::Status status = client->Connect("127.0.0.1", s.port, kTimeout);
  REQUIRE(status.ok());
  return client;
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

std::string RawSize(uint32_t size) {
  return {static_cast<char>(size >> 24), static_cast<char>(size >> 16), static_cast<char>(size >> 8),
          static_cast<char>(size)};
}

Handler Echo() {
  return [](ConnectionContext&, std::string frame, Responder r) { r.Send(std::move(frame)); };
}

// Frames are "<delay ms>:<tag>": the reply is the tag, sent after the delay.
Handler DelayedEcho(std::shared_ptr<std::vector<std::string>> completion_order) {
  return [completion_order](ConnectionContext& ctx, std::string frame, Responder r) {
    size_t colon = frame.find(':');
    int delay = std::stoi(frame.substr(0, colon));
    std::string tag = frame.substr(colon + 1);
    auto timer = std::make_shared<asio::steady_timer>(ctx.executor(), std::chrono::milliseconds(delay));
    timer->async_wait([timer, completion_order, tag, r = std::move(r)](const boost::system::error_code&) mutable {
      completion_order->push_back(tag);
      if (tag == "-") {
        r.NoResponse();
      } else {
        r.Send(tag);
      }
    });
  };
}

TEST_CASE("echo handler round-trips frames of any size", "[net]") {
  TestServer s(Echo());
  auto client = Connect(s);
  for (std::string frame : {std::string("hello"), std::string(), std::string(1 << 20, 'x')}) {
    auto reply = client->Call(frame, kTimeout);
    REQUIRE(reply.ok());
    CHECK(*reply == frame);
  }
}

TEST_CASE("pipelined requests are answered in order when handlers complete in reverse", "[net]") {
  auto order = std::make_shared<std::vector<std::string>>();
  TestServer s(DelayedEcho(order));
  auto client = Connect(s);
  std::vector<std::string> tags = {"a", "b", "c", "d", "e"};
  for (size_t i = 0; i < tags.size(); ++i) {
    int delay = static_cast<int>(250 - 50 * i);
    REQUIRE(client->Send(std::to_string(delay) + ":" + tags[i], kTimeout).ok());
  }
  for (const std::string& tag : tags) {
    auto reply = client->Receive(kTimeout);
    REQUIRE(reply.ok());
    CHECK(*reply == tag);
  }
  s.Stop();
  CHECK(*order == std::vector<std::string>{"e", "d", "c", "b", "a"});
}

TEST_CASE("coroutine handlers answer in order too", "[net]") {
  AsyncHandler handler = [](ConnectionContext& ctx, std::string frame) -> asio::awaitable<Reply> {
    asio::steady_timer timer(ctx.executor(), std::chrono::milliseconds(frame == "slow" ? 150 : 1));
    co_await timer.async_wait(asio::use_awaitable);
    if (frame == "none") co_return Reply::NoResponse();
    co_return Reply::Send(frame);
  };
  TestServer s(MakeHandler(handler));
  auto client = Connect(s);
  for (const char* f : {"slow", "none", "fast"}) REQUIRE(client->Send(f, kTimeout).ok());
  auto first = client->Receive(kTimeout);
  auto second = client->Receive(kTimeout);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first == "slow");
  CHECK(*second == "fast");
}

TEST_CASE("requests without a response keep their place in the order", "[net]") {
  auto order = std::make_shared<std::vector<std::string>>();
  TestServer s(DelayedEcho(order));
  auto client = Connect(s);
  for (const char* f : {"150:a", "0:-", "50:b", "0:-", "0:c"}) REQUIRE(client->Send(f, kTimeout).ok());
  for (const char* tag : {"a", "b", "c"}) {
    auto reply = client->Receive(kTimeout);
    REQUIRE(reply.ok());
    CHECK(*reply == tag);
  }
  // Nothing else comes.
  auto extra = client->Receive(200ms);
  CHECK(extra.status().IsTimeout());
}

TEST_CASE("oversized and negative frames close only that connection", "[net]") {
  ServerOptions options;
  options.max_frame_bytes = 1024;
  std::atomic<int> handled{0};
  TestServer s(
      [&](ConnectionContext&, std::string frame, Responder r) {
        ++handled;
        r.Send(std::move(frame));
      },
      options);
  auto good = Connect(s);
  REQUIRE(good->Call("before", kTimeout).ok());

  std::vector<std::string> bad_inputs = {
      RawSize(1025),                 // cap + 1
      RawSize(0x7FFFFFFF),           // huge
      RawSize(0x80000000),           // negative
      RawSize(0xFFFFFFFF),           // -1
      "GET / HTTP/1.1\r\n\r\n",      // 1195725856
      std::string("\x16\x03\x01\x02\x00", 5),  // TLS ClientHello: 369295617...
  };
  for (const std::string& bytes : bad_inputs) {
    auto bad = Connect(s);
    REQUIRE(bad->SendRaw(bytes, kTimeout).ok());
    CHECK(bad->WaitClosed(kTimeout));
  }
  auto reply = good->Call("after", kTimeout);
  REQUIRE(reply.ok());
  CHECK(*reply == "after");
  CHECK(handled == 2);
  // Exactly the cap is fine.
  auto at_cap = good->Call(std::string(1024, 'z'), kTimeout);
  REQUIRE(at_cap.ok());
  CHECK(at_cap->size() == 1024);
}

TEST_CASE("a half-sent frame is closed after the frame read deadline", "[net]") {
  ServerOptions options;
  options.frame_read_timeout = 200ms;
  TestServer s(Echo(), options);
  auto good = Connect(s);

  auto staller = Connect(s);
  auto start = Clock::now();
  REQUIRE(staller->SendRaw(RawSize(10) + "abc", kTimeout).ok());
  // The slowloris keeps trickling bytes, which does not extend the deadline.
  REQUIRE(staller->SendRaw("d", kTimeout).ok());
  CHECK(staller->WaitClosed(kTimeout));
  CHECK(Clock::now() - start >= 150ms);

  // A half-sent size prefix also counts.
  auto half_prefix = Connect(s);
  REQUIRE(half_prefix->SendRaw(std::string("\0\0", 2), kTimeout).ok());
  CHECK(half_prefix->WaitClosed(kTimeout));

  auto reply = good->Call("still here", kTimeout);
  REQUIRE(reply.ok());
  CHECK(*reply == "still here");
}

TEST_CASE("a peer that vanishes mid-frame or before its response does no harm", "[net]") {
  auto order = std::make_shared<std::vector<std::string>>();
  TestServer s(DelayedEcho(order));
  {
    // B1: a size prefix and part of the body, then a clean close.
    auto half = Connect(s);
    REQUIRE(half->SendRaw(RawSize(100) + "partial", kTimeout).ok());
  }
  {
    // B15: a request, then a reset (SO_LINGER 0) before the delayed response is written.
    asio::io_context io;
    asio::ip::tcp::socket raw(io);
    raw.connect({asio::ip::make_address("127.0.0.1"), s.port});
    std::string frame = "50:late";
    asio::write(raw, asio::buffer(RawSize(static_cast<uint32_t>(frame.size())) + frame));
    raw.set_option(asio::socket_base::linger(true, 0));
    raw.close();
  }
  std::this_thread::sleep_for(100ms);  // let the delayed response hit the dead socket
  auto good = Connect(s);
  auto reply = good->Call("0:fine", kTimeout);
  REQUIRE(reply.ok());
  CHECK(*reply == "fine");
}

TEST_CASE("idle connections are closed after the idle timeout", "[net]") {
  ServerOptions options;
  options.idle_timeout = 300ms;
  TestServer s(Echo(), options);
  auto client = Connect(s);
  REQUIRE(client->Call("x", kTimeout).ok());
  auto start = Clock::now();
  CHECK(client->WaitClosed(kTimeout));
  CHECK(Clock::now() - start >= 250ms);
}

TEST_CASE("reading stops at max in flight and resumes when responses go out", "[net]") {
  ServerOptions options;
  options.max_in_flight = 4;
  std::atomic<int> invoked{0};
  std::vector<Responder> held;  // io thread only
  bool release = false;         // io thread only
  TestServer s(
      [&](ConnectionContext&, std::string frame, Responder r) {
        ++invoked;
        if (release) {
          r.Send(std::move(frame));
        } else {
          held.push_back(std::move(r));
        }
      },
      options);
  auto client = Connect(s);
  for (int i = 0; i < 10; ++i) REQUIRE(client->Send(std::to_string(i), kTimeout).ok());
  REQUIRE(WaitFor([&] { return invoked == 4; }, kTimeout));
  std::this_thread::sleep_for(150ms);
  CHECK(invoked == 4);  // the other 6 frames wait in the socket

  s.Post([&] {
    release = true;
    int i = 0;
    for (Responder& r : held) r.Send(std::to_string(i++));
    held.clear();
  });
  for (int i = 0; i < 10; ++i) {
    auto reply = client->Receive(kTimeout);
    REQUIRE(reply.ok());
    CHECK(*reply == std::to_string(i));
  }
  CHECK(invoked == 10);
}

TEST_CASE("a thousand pipelined requests are answered in order", "[net]") {
  ServerOptions options;
  options.max_in_flight = 16;
  TestServer s(Echo(), options);
  auto client = Connect(s);
  std::string burst;
  for (int i = 0; i < 1000; ++i) {
    std::string frame = "request-" + std::to_string(i);
    burst += RawSize(static_cast<uint32_t>(frame.size())) + frame;
  }
  REQUIRE(client->SendRaw(burst, kTimeout).ok());
  for (int i = 0; i < 1000; ++i) {
    auto reply = client->Receive(kTimeout);
    REQUIRE(reply.ok());
    REQUIRE(*reply == "request-" + std::to_string(i));
  }
}

TEST_CASE("reading pauses while unwritten output is over the bound", "[net]") {
  ServerOptions options;
  options.max_in_flight = 1000;
  options.max_output_bytes = 2 << 20;
  std::atomic<int> invoked{0};
  const std::string big(4 << 20, 'b');
  TestServer s(
      [&](ConnectionContext&, std::string, Responder r) {
        ++invoked;
        r.Send(big);
      },
      options);
  auto client = Connect(s);
  for (int i = 0; i < 40; ++i) REQUIRE(client->Send("give", kTimeout).ok());
  REQUIRE(WaitFor([&] { return invoked > 0; }, kTimeout));
  std::this_thread::sleep_for(150ms);
  CHECK(invoked < 40);  // the client reads nothing, so the server stopped reading
  for (int i = 0; i < 40; ++i) {
    auto reply = client->Receive(kTimeout);
    REQUIRE(reply.ok());
    REQUIRE(reply->size() == big.size());
  }
  CHECK(invoked == 40);
}

TEST_CASE("a Close reply sends earlier responses then closes", "[net]") {
  TestServer s([](ConnectionContext&, std::string frame, Responder r) {
    if (frame == "bye") {
      r.Close();
    } else if (frame == "drop") {
      // The responder is destroyed without a reply: the connection must not hang.
    } else if (frame == "throw") {
      throw std::runtime_error("boom");
    } else {
      r.Send(std::move(frame));
    }
  });
  auto client = Connect(s);
  REQUIRE(client->Send("one", kTimeout).ok());
  REQUIRE(client->Send("bye", kTimeout).ok());
  REQUIRE(client->Send("never", kTimeout).ok());
  auto reply = client->Receive(kTimeout);
  REQUIRE(reply.ok());
  CHECK(*reply == "one");
  CHECK(client->WaitClosed(kTimeout));

  for (const char* f : {"drop", "throw"}) {
    auto c = Connect(s);
    REQUIRE(c->Send(f, kTimeout).ok());
    CHECK(c->WaitClosed(kTimeout));
  }
}

TEST_CASE("connection limits per IP and in total refuse the extra connections", "[net]") {
  ServerOptions options;
  options.max_connections_per_ip = 3;
  TestServer s(Echo(), options);
  std::vector<std::unique_ptr<FramedClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Connect(s));
    REQUIRE(clients.back()->Call("hi", kTimeout).ok());
  }
  auto extra = Connect(s);  // the kernel accepts; the server closes it
  CHECK(extra->WaitClosed(kTimeout));

  clients.pop_back();  // frees a slot once the server notices
  CHECK(WaitFor(
      [&] {
        FramedClient c;
        return c.Connect("127.0.0.1", s.port, kTimeout).ok() && c.Call("again", 300ms).ok();
      },
      kTimeout));

  ServerOptions total;
  total.max_connections = 2;
  TestServer t(Echo(), total);
  auto a = Connect(t);
  auto b = Connect(t);
  REQUIRE(a->Call("a", kTimeout).ok());
  REQUIRE(b->Call("b", kTimeout).ok());
  auto c = Connect(t);
  CHECK(c->WaitClosed(kTimeout));
}

TEST_CASE("many connections are served at once", "[net]") {
  TestServer s(Echo());
  std::vector<std::unique_ptr<FramedClient>> clients;
  for (int i = 0; i < 100; ++i) {
    clients.push_back(Connect(s));
    REQUIRE(clients.back()->Send("n" + std::to_string(i), kTimeout).ok());
  }
  for (int i = 0; i < 100; ++i) {
    auto reply = clients[i]->Receive(kTimeout);
    REQUIRE(reply.ok());
    CHECK(*reply == "n" + std::to_string(i));
  }
}

TEST_CASE("Stop returns promptly with open connections and waiting requests", "[net]") {
  std::vector<Responder> held;  // io thread, then test thread after join
  std::atomic<int> closed{0};
  std::atomic<int> waiting{0};
  TestServer s([&](ConnectionContext&, std::string, Responder r) {
    held.push_back(std::move(r));
    ++waiting;
  });
  s.server->SetCloseHandler([&](ConnectionContext&) { ++closed; });
  auto a = Connect(s);
  auto b = Connect(s);
  REQUIRE(a->Send("wait", kTimeout).ok());
  REQUIRE(WaitFor([&] { return waiting == 1; }, kTimeout));
  auto start = Clock::now();
  s.Stop();
  CHECK(Clock::now() - start < 500ms);
  CHECK(closed == 2);
  CHECK(a->WaitClosed(kTimeout));
  CHECK(b->WaitClosed(kTimeout));
  CHECK_FALSE(held.front().connection_open());
  held.clear();  // completing or dropping after close is harmless
}

TEST_CASE("Start reports a port already in use", "[net]") {
  TestServer s(Echo());
  asio::io_context io;
  ServerOptions options;
  options.endpoints = {ListenEndpoint{"127.0.0.1", s.port}};
  FramedServer second(io, options, Echo());
  util::Status status = second.Start();
  CHECK(status.IsIOError());
  CHECK(status.message().find(std::to_string(s.port)) != std::string::npos);
}

}  // namespace
}  // namespace kafka::net
