#include "daemon/broker/config/server_options.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace kafka::broker {

net::ServerOptions MakeServerOptions(const BrokerConfig& config, size_t max_in_flight) {
  net::ServerOptions options;
  for (const Listener& listener : config.listeners) {
    options.endpoints.push_back(net::ListenEndpoint{listener.host, listener.port, listener.name});
  }
  options.max_frame_bytes = config.socket_request_max_bytes;
  options.max_in_flight = std::max<size_t>(1, max_in_flight);
  options.max_connections = static_cast<size_t>(std::max(0, config.max_connections));
  options.max_connections_per_ip = static_cast<size_t>(std::max(0, config.max_connections_per_ip));
  // A non-positive idle timeout disables idle closing (as a very long timeout).
  constexpr int64_t kNever = int64_t{365} * 24 * 3600 * 1000;
  int64_t idle = config.connections_max_idle_ms > 0 ? config.connections_max_idle_ms : kNever;
  options.idle_timeout = std::chrono::milliseconds(std::min(idle, kNever));
  options.frame_read_timeout =
      std::chrono::milliseconds(std::min(config.socket_request_read_timeout_ms, kNever));
  options.send_buffer_bytes = config.socket_send_buffer_bytes;
  options.receive_buffer_bytes = config.socket_receive_buffer_bytes;
  return options;
}

}  // namespace kafka::broker
