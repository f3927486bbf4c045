#include "daemon/broker/config/server_options.h"

#include <catch2/catch.hpp>

namespace kafka::broker {
namespace {

BrokerConfig Parse(const std::string& text) {
  auto props = config::Properties::Parse("zookeeper.connect=localhost:2181\n" + text);
  REQUIRE(props.ok());
  auto config = BrokerConfig::FromProperties(*props);
  REQUIRE(config.ok());
  return *config;
}

TEST_CASE("server options follow the broker's socket settings", "[broker][config]") {
  BrokerConfig config = Parse(
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT\n"
      "listeners=PLAINTEXT://127.0.0.1:0,INTERNAL://:9093\n"
      "socket.request.max.bytes=1000\n"
      "max.connections=50\n"
      "max.connections.per.ip=5\n"
      "connections.max.idle.ms=5000\n"
      "socket.request.read.timeout.ms=700\n"
      "socket.send.buffer.bytes=-1\n");
  net::ServerOptions options = MakeServerOptions(config, 8);
  REQUIRE(options.endpoints.size() == 2);
  CHECK(options.endpoints[0].host == "127.0.0.1");
  CHECK(options.endpoints[0].port == 0);
  CHECK(options.endpoints[0].name == "PLAINTEXT");
  CHECK(options.endpoints[1].host.empty());
  CHECK(options.endpoints[1].port == 9093);
  CHECK(options.endpoints[1].name == "INTERNAL");
  CHECK(options.max_frame_bytes == 1000);
  CHECK(options.max_in_flight == 8);
  CHECK(options.max_connections == 50);
  CHECK(options.max_connections_per_ip == 5);
  CHECK(options.idle_timeout == std::chrono::milliseconds(5000));
  CHECK(options.frame_read_timeout == std::chrono::milliseconds(700));
  CHECK(options.send_buffer_bytes == -1);
  CHECK(options.receive_buffer_bytes == 102400);
}

TEST_CASE("a non-positive idle timeout never closes idle connections", "[broker][config]") {
  net::ServerOptions options = MakeServerOptions(Parse("connections.max.idle.ms=-1\n"));
  CHECK(options.idle_timeout > std::chrono::hours(24 * 300));
  CHECK(options.max_in_flight == 16);
}

}  // namespace
}  // namespace kafka::broker
