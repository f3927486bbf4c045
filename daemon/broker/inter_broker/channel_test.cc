#include "daemon/broker/inter_broker/channel.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/net/framed_server.h"
#include "common/protocol/codec.h"
#include "common/protocol/header.h"
#include "common/protocol/messages/api_versions.h"
#include "common/protocol/messages/sasl.h"
#include "daemon/broker/inter_broker/handshake.h"

namespace kafka::broker::inter_broker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using protocol::ApiKey;

constexpr int16_t kRawKey = static_cast<int16_t>(ApiKey::kApiVersions);  // header v0 response

// A broker stand-in on the same io_context: answers the handshake (checking the
// secret) and raw requests "<delay ms>:<tag>" with "<tag>" after the delay;
// "close" closes the connection, "never" is not answered.
struct FakeBroker {
  FakeBroker(asio::io_context& io, std::string secret) : io(io), secret(std::move(secret)) {
    net::ServerOptions options;
    options.endpoints = {net::ListenEndpoint{"127.0.0.1", 0}};
    server = std::make_unique<net::FramedServer>(
        io, options, [this](net::ConnectionContext&, std::string frame, net::Responder r) {
          Handle(std::move(frame), std::move(r));
        });
    REQUIRE(server->Start().ok());
    port = server->bound_ports().at(0);
  }

  void Handle(std::string frame, net::Responder r) {
    protocol::Reader in(frame);
    auto h = protocol::DecodeRequestHeader(in);
    REQUIRE(h.ok());
    ++requests;
    client_id = h->client_id.value_or("");
    protocol::Writer w;
    protocol::EncodeResponseHeader(h->correlation_id,
                                   protocol::ResponseHeaderVersion(h->api_key, h->api_version), w);
    if (h->api_key == static_cast<int16_t>(ApiKey::kSaslHandshake)) {
      auto req = protocol::Decode<protocol::SaslHandshakeRequest>(in, h->api_version);
      REQUIRE(req.ok());
      protocol::SaslHandshakeResponse resp;
      resp.mechanisms = {std::string(kMechanism)};
      if (req->mechanism != kMechanism) resp.error_code = 33;
      protocol::Encode(resp, h->api_version, w);
      return r.Send(w.Take());
    }
    if (h->api_key == static_cast<int16_t>(ApiKey::kSaslAuthenticate)) {
      auto req = protocol::Decode<protocol::SaslAuthenticateRequest>(in, h->api_version);
      REQUIRE(req.ok());
      auto token = DecodeAuthToken(req->auth_bytes);
      protocol::SaslAuthenticateResponse resp;
      if (!token || !SecretsEqual(token->secret, secret)) {
        resp.error_code = 58;
        resp.error_message = "bad secret";
      } else {
        authenticated_as = token->broker_id;
      }
      protocol::Encode(resp, h->api_version, w);
      return r.Send(w.Take());
    }
    if (h->api_key == kRawKey && h->api_version == 3) {  // typed ApiVersions
      protocol::ApiVersionsResponse resp;
      resp.api_keys.push_back({});
      resp.api_keys.back().api_key = 42;
      resp.api_keys.back().max_version = 7;
      protocol::Encode(resp, 3, w);
      return r.Send(w.Take());
    }
    const std::string body(in.Rest());
    if (body == "close") return r.Close();
    if (body == "never") {
      parked.push_back(std::move(r));
      return;
    }
    const auto colon = body.find(':');
    const int delay = std::stoi(body.substr(0, colon));
    w.Raw(body.substr(colon + 1));
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(delay));
    auto shared = std::make_shared<net::Responder>(std::move(r));
    timer->async_wait([timer, shared, out = w.Take()](const boost::system::error_code&) {
      shared->Send(out);
    });
  }

  asio::io_context& io;
  std::string secret;
  std::unique_ptr<net::FramedServer> server;
  uint16_t port = 0;
  int requests = 0;
  int32_t authenticated_as = -1;
  std::string client_id;
  std::vector<net::Responder> parked;
};

void RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(20ms);
  }
}

ChannelOptions Options(uint16_t port, std::string secret) {
  ChannelOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.local_broker_id = 7;
  o.secret = std::move(secret);
  o.reconnect_backoff = 10ms;
  o.reconnect_backoff_max = 50ms;
  o.connect_timeout = 1000ms;
  return o;
}

using Results = std::vector<std::optional<util::Result<std::string>>>;

Channel::RawCallback Into(Results& results, size_t i) {
  return [&results, i](util::Result<std::string> r) { results[i] = std::move(r); };
}

bool AllDone(const Results& results) {
  for (const auto& r : results) {
    if (!r) return false;
  }
  return true;
}

TEST_CASE("pipelined requests are matched by correlation id after the handshake") {
  asio::io_context io;
  FakeBroker broker(io, "s3cret");
  auto ch = Channel::Create(io, Options(broker.port, "s3cret"));
  Results results(3);
  ch->SendRaw(kRawKey, 0, "200:first", 2000ms, Into(results, 0));
  ch->SendRaw(kRawKey, 0, "0:second", 2000ms, Into(results, 1));
  ch->SendRaw(kRawKey, 0, "50:third", 2000ms, Into(results, 2));
  RunUntil(io, [&] { return AllDone(results); });
  REQUIRE(AllDone(results));
  CHECK(results[0]->value() == "first");
  CHECK(results[1]->value() == "second");
  CHECK(results[2]->value() == "third");
  CHECK(broker.authenticated_as == 7);
  CHECK(broker.client_id == "broker-7");
  CHECK(ch->connected());
  CHECK(ch->pending() == 0);
  ch->Close();
}

TEST_CASE("typed Send decodes the response") {
  asio::io_context io;
  FakeBroker broker(io, "");
  auto ch = Channel::Create(io, Options(broker.port, ""));
  std::optional<util::Result<protocol::ApiVersionsResponse>> got;
  protocol::ApiVersionsRequest req;
  req.client_software_name = "test";
  req.client_software_version = "1";
  ch->Send<protocol::ApiVersionsRequest, protocol::ApiVersionsResponse>(
      3, req, 2000ms, [&](util::Result<protocol::ApiVersionsResponse> r) { got = std::move(r); });
  RunUntil(io, [&] { return got.has_value(); });
  REQUIRE(got);
  REQUIRE(got->ok());
  REQUIRE((*got)->api_keys.size() == 1);
  CHECK((*got)->api_keys[0].max_version == 7);
  CHECK(broker.authenticated_as == -1);  // no secret: no handshake
  ch->Close();
}

TEST_CASE("a wrong secret fails the requests and sends none of them") {
  asio::io_context io;
  FakeBroker broker(io, "right");
  auto ch = Channel::Create(io, Options(broker.port, "wrong"));
  Results results(2);
  ch->SendRaw(kRawKey, 0, "0:a", 2000ms, Into(results, 0));
  ch->SendRaw(kRawKey, 0, "0:b", 2000ms, Into(results, 1));
  RunUntil(io, [&] { return AllDone(results); });
  REQUIRE(AllDone(results));
  CHECK(results[0]->status().IsUnavailable());
  CHECK(results[1]->status().IsUnavailable());
  CHECK(broker.requests == 2);  // handshake + authenticate only
  CHECK(broker.authenticated_as == -1);
}

TEST_CASE("a disconnect fails every pending request; the next send reconnects") {
  asio::io_context io;
  FakeBroker broker(io, "k");
  auto ch = Channel::Create(io, Options(broker.port, "k"));
  Results results(3);
  ch->SendRaw(kRawKey, 0, "never", 5000ms, Into(results, 0));
  ch->SendRaw(kRawKey, 0, "1000:late", 5000ms, Into(results, 1));
  ch->SendRaw(kRawKey, 0, "close", 5000ms, Into(results, 2));
  RunUntil(io, [&] { return AllDone(results); });
  REQUIRE(AllDone(results));
  for (auto& r : results) CHECK(r->status().IsUnavailable());
  CHECK_FALSE(ch->connected());

  Results again(1);
  ch->SendRaw(kRawKey, 0, "0:back", 2000ms, Into(again, 0));
  RunUntil(io, [&] { return AllDone(again); });
  REQUIRE(AllDone(again));
  CHECK(again[0]->value() == "back");
  ch->Close();
}

TEST_CASE("a request without an answer times out and drops the connection") {
  asio::io_context io;
  FakeBroker broker(io, "");
  auto ch = Channel::Create(io, Options(broker.port, ""));
  Results results(2);
  ch->SendRaw(kRawKey, 0, "never", 200ms, Into(results, 0));
  ch->SendRaw(kRawKey, 0, "1000:slow", 5000ms, Into(results, 1));
  const auto start = std::chrono::steady_clock::now();
  RunUntil(io, [&] { return AllDone(results); });
  REQUIRE(AllDone(results));
  CHECK(results[0]->status().IsTimeout());
  CHECK(results[1]->status().IsUnavailable());
  CHECK(std::chrono::steady_clock::now() - start < 900ms);
  ch->Close();
}

TEST_CASE("connection refused fails; Close aborts; sends after Close fail at once") {
  asio::io_context io;
  uint16_t port = 0;
  {
    asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: connecting is refused
  auto ch = Channel::Create(io, Options(port, ""));
  Results results(1);
  ch->SendRaw(kRawKey, 0, "0:x", 2000ms, Into(results, 0));
  RunUntil(io, [&] { return AllDone(results); });
  REQUIRE(AllDone(results));
  CHECK(results[0]->status().IsUnavailable());

  FakeBroker broker(io, "");
  ch->SetEndpoint("127.0.0.1", broker.port);
  Results parked(1);
  ch->SendRaw(kRawKey, 0, "never", 5000ms, Into(parked, 0));
  RunUntil(io, [&] { return broker.requests == 1; });
  ch->Close();
  RunUntil(io, [&] { return AllDone(parked); });
  REQUIRE(AllDone(parked));
  CHECK(parked[0]->status().code() == util::Status::Code::kAborted);

  Results after(1);
  ch->SendRaw(kRawKey, 0, "0:y", 2000ms, Into(after, 0));
  RunUntil(io, [&] { return AllDone(after); });
  REQUIRE(AllDone(after));
  CHECK(after[0]->status().code() == util::Status::Code::kAborted);
}

TEST_CASE("auth tokens") {
  auto t = DecodeAuthToken(EncodeAuthToken(12, "abc"));
  REQUIRE(t);
  CHECK(t->broker_id == 12);
  CHECK(t->secret == "abc");
  CHECK_FALSE(DecodeAuthToken(""));
  CHECK_FALSE(DecodeAuthToken(std::string("12\0", 3)));
  CHECK_FALSE(DecodeAuthToken(std::string("\0abc", 4)));
  CHECK_FALSE(DecodeAuthToken(std::string("-1\0abc", 6)));
  CHECK_FALSE(DecodeAuthToken(std::string("1x\0abc", 6)));
  CHECK_FALSE(DecodeAuthToken("12abc"));
  CHECK(SecretsEqual("abc", "abc"));
  CHECK_FALSE(SecretsEqual("abc", "abd"));
  CHECK_FALSE(SecretsEqual("abc", "ab"));
  const std::string s = GenerateSecret();
  CHECK(s.size() == 64);
  CHECK(s != GenerateSecret());
}

}  // namespace
}  // namespace kafka::broker::inter_broker
