#include "daemon/broker/controller/sender.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/net/framed_server.h"
#include "common/protocol/codec.h"
#include "common/protocol/header.h"
#include "common/protocol/messages/update_metadata.h"

namespace kafka::broker::controller {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void RunUntil(asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(20ms);
  }
}

TEST_CASE("requests are delivered in order, one at a time, retried after a lost connection") {
  asio::io_context io;
  std::vector<int32_t> seen;  // controller epochs in arrival order
  int closes_left = 1;
  net::ServerOptions options;
  options.endpoints = {net::ListenEndpoint{"127.0.0.1", 0}};
  net::FramedServer server(io, options,
                           [&](net::ConnectionContext&, std::string frame, net::Responder r) {
                             protocol::Reader in(frame);
                             auto h = protocol::DecodeRequestHeader(in);
                             REQUIRE(h.ok());
                             auto req = protocol::Decode<protocol::UpdateMetadataRequest>(in, 6);
                             REQUIRE(req.ok());
                             if (closes_left > 0) {  // the first attempt is lost
                               --closes_left;
                               return r.Close();
                             }
                             seen.push_back(req->controller_epoch);
                             protocol::Writer w;
                             protocol::EncodeResponseHeader(h->correlation_id, 1, w);
                             protocol::Encode(protocol::UpdateMetadataResponse{}, 6, w);
                             r.Send(w.Take());
                           });
  REQUIRE(server.Start().ok());
  inter_broker::ChannelOptions co;
  co.host = "127.0.0.1";
  co.port = server.bound_ports().at(0);
  co.local_broker_id = 1;
  co.reconnect_backoff = 10ms;
  auto sender = std::make_unique<BrokerSender>(io, 2, inter_broker::Channel::Create(io, co), 2s);
  int answered = 0;
  for (int32_t epoch = 1; epoch <= 5; ++epoch) {
    protocol::UpdateMetadataRequest req;
    req.controller_epoch = epoch;
    sender->Send<protocol::UpdateMetadataRequest, protocol::UpdateMetadataResponse>(
        6, req, [&](const protocol::UpdateMetadataResponse&) { ++answered; });
  }
  RunUntil(io, [&] { return answered == 5; });
  CHECK(answered == 5);
  CHECK(seen == std::vector<int32_t>{1, 2, 3, 4, 5});
  CHECK(sender->queued() == 0);

  // Dropping the sender drops what is queued: no callback runs afterwards.
  protocol::UpdateMetadataRequest req;
  sender->Send<protocol::UpdateMetadataRequest, protocol::UpdateMetadataResponse>(
      6, req, [&](const protocol::UpdateMetadataResponse&) { ++answered; });
  sender.reset();
  for (int i = 0; i < 10; ++i) io.run_one_for(10ms);
  CHECK(answered == 5);
  server.Stop();
  io.run_for(100ms);
}

}  // namespace
}  // namespace kafka::broker::controller
