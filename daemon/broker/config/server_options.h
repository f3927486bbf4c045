// Maps the broker's network settings (listeners, socket.*, connections.max.idle.ms,
// max.connections*) onto common/net's ServerOptions, so the broker's main() is one line:
//   net::FramedServer server(io, MakeServerOptions(config), handler);
// Kafka processes one request per connection at a time; we allow `max_in_flight`
// pipelined requests per connection (answered in order), 16 by default.
// Thread safety: a pure function.
#pragma once

#include <cstddef>

#include "common/net/framed_server.h"
#include "daemon/broker/config/broker_config.h"

namespace kafka::broker {

net::ServerOptions MakeServerOptions(const BrokerConfig& config, size_t max_in_flight = 16);

}  // namespace kafka::broker
