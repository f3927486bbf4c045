// FramedServer: a TCP server for length-prefixed frames (Kafka's wire framing: an int32
// big-endian size, then that many bytes), on Boost.Asio with C++20 coroutines.
//
// Per connection it reads a frame, checks the size against max_frame_bytes BEFORE
// allocating (negative or too large closes the connection, Kafka's "Invalid receive"),
// and hands the frame to the handler with a Responder. The handler completes the
// Responder now or later (long-poll Fetch, acks=all Produce), with a response, with no
// response (acks=0 Produce; the request still keeps its place in the order), or with
// "close the connection". Responses are written strictly in request order, whatever
// order the handlers complete in. At most max_in_flight requests are pending per
// connection, and reading stops while the limit (or the output-bytes bound) is reached:
// that is the backpressure. Connections are limited in total and per IP, closed when
// idle, and closed when a started frame does not arrive in full within
// frame_read_timeout (slowloris).
//
// Usage (the broker's main):
//   asio::io_context io;
//   net::FramedServer server(io, options, [&](net::ConnectionContext& ctx, std::string frame,
//                                             net::Responder responder) {
//     broker.Handle(ctx, std::move(frame), std::move(responder));  // now or later
//   });
//   server.SetCloseHandler([&](net::ConnectionContext& ctx) { broker.Forget(ctx.id()); });
//   if (auto s = server.Start(); !s.ok()) { log; return 1; }
//   asio::signal_set signals(io, SIGINT, SIGTERM);
//   signals.async_wait([&](auto, int) { server.Stop(); broker.Stop(); });
//   io.run();
// Waiting requests belong to the application: cancel their timers when the connection
// closes (CloseHandler) and at shutdown, or run() keeps waiting for them.
//
// Threads: everything runs on the one io_context passed in, driven by one thread; the
// handler is called on it and must complete Responders on it (no strands or locks).
// Only Stop() may be called from another thread.
// Lifetime: the io_context and the FramedServer must outlive the connections' work:
// call Stop() (or let the destructor do it) before destroying the server, then let
// io_context::run() return.
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/util/status.h"

namespace kafka::net {

namespace asio = boost::asio;

// One address to listen on. Empty host (or "0.0.0.0"/"::") means all interfaces;
// port 0 picks an ephemeral port (see FramedServer::bound_ports()).
struct ListenEndpoint {
  std::string host;
  uint16_t port = 0;
  std::string name = "PLAINTEXT";  // listener name, visible to the handler
};

struct ServerOptions {
  std::vector<ListenEndpoint> endpoints;
  // socket.request.max.bytes: frames larger than this (or negative) close the connection.
  int32_t max_frame_bytes = 104857600;
  // Requests read but not yet answered (or dropped) per connection; reading pauses at it.
  size_t max_in_flight = 16;
  // Responses completed but not yet written; reading pauses while at or above it.
  size_t max_output_bytes = 64 * 1024 * 1024;
  // max.connections and max.connections.per.ip: connections over them are closed at once.
  size_t max_connections = std::numeric_limits<int32_t>::max();
  size_t max_connections_per_ip = std::numeric_limits<int32_t>::max();
  // connections.max.idle.ms: no byte read or written and no response completed for this long.
  std::chrono::milliseconds idle_timeout{600000};
  // A frame whose first byte has arrived must be complete within this (not a Kafka key).
  std::chrono::milliseconds frame_read_timeout{30000};
  // socket.send.buffer.bytes / socket.receive.buffer.bytes; -1 keeps the OS default.
  int send_buffer_bytes = -1;
  int receive_buffer_bytes = -1;
};

class Connection;

// What the handler sees of a connection. Valid as long as the Responder for a request
// on it is alive (the Responder keeps the connection object alive, not the socket).
class ConnectionContext {
 public:
  uint64_t id() const { return id_; }
  // "ip:port" of the client, for logs.
  const std::string& peer() const { return peer_; }
  const asio::ip::address& peer_address() const { return peer_address_; }
  // Name of the listener (ListenEndpoint::name) the connection came in on.
  const std::string& listener() const { return listener_; }
  uint16_t local_port() const { return local_port_; }
  // False once the connection is closed; a later response is then dropped.
  bool is_open() const { return open_; }
  // Per-connection state owned by the application (client id, ApiVersions seen, ...).
  std::any& user_data() { return user_data_; }
  // The io_context's executor, for timers and coroutines that serve this connection.
  const asio::any_io_executor& executor() const { return executor_; }

 protected:
  ConnectionContext() = default;
  uint64_t id_ = 0;
  std::string peer_;
  asio::ip::address peer_address_;
  std::string listener_;
  uint16_t local_port_ = 0;
  bool open_ = true;
  std::any user_data_;
  asio::any_io_executor executor_;
};

// How one request ends.
struct Reply {
  enum class Kind { kSend, kNoResponse, kClose };
  static Reply Send(std::string body) { return Reply{Kind::kSend, std::move(body)}; }
  static Reply NoResponse() { return Reply{Kind::kNoResponse, {}}; }
  static Reply Close() { return Reply{Kind::kClose, {}}; }

  Kind kind = Kind::kNoResponse;
  std::string body;  // the response frame without its size prefix (kSend only)
};

// Completes one request's slot in the connection's response order. Move-only; the
// first Complete wins, later ones are ignored. Destroying a Responder that was never
// completed closes the connection (a handler bug must not hang the client).
class Responder {
 public:
  Responder() = default;
  Responder(std::shared_ptr<Connection> connection, uint64_t sequence);
  Responder(Responder&& other) noexcept;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void Complete(Reply reply);
  void Send(std::string body) { Complete(Reply::Send(std::move(body))); }
  void NoResponse() { Complete(Reply::NoResponse()); }
  void Close() { Complete(Reply::Close()); }

  bool done() const { return connection_ == nullptr; }
  // The connection is still open (worth computing a response for).
  bool connection_open() const;

 private:
  std::shared_ptr<Connection> connection_;
  uint64_t sequence_ = 0;
};

// Called for every complete frame. It may complete the Responder before returning or
// keep it and complete it later on the io_context thread. An exception closes the
// connection.
using Handler = std::function<void(ConnectionContext&, std::string frame, Responder)>;
// The same as a coroutine: the returned Reply completes the request.
using AsyncHandler = std::function<asio::awaitable<Reply>(ConnectionContext&, std::string frame)>;
// Called once when a connection closes (for the application to drop waiting requests).
using CloseHandler = std::function<void(ConnectionContext&)>;

// Wraps an AsyncHandler into a Handler: each request runs as its own coroutine, so a
// request that waits does not hold up reading the next ones.
Handler MakeHandler(AsyncHandler handler);

class FramedServer {
 public:
  FramedServer(asio::io_context& io, ServerOptions options, Handler handler);
  ~FramedServer();
  FramedServer(const FramedServer&) = delete;
  FramedServer& operator=(const FramedServer&) = delete;

  void SetCloseHandler(CloseHandler on_close) { on_close_ = std::move(on_close); }

  // Binds every endpoint (IOError naming host:port on failure, nothing left bound) and
  // starts accepting. Call before io.run(), or on the io thread.
  util::Status Start();
  // Closes the acceptors and every connection; pending responses are dropped. Callable
  // from any thread (the work is dispatched to the io thread) and idempotent. run()
  // returns once the application has no other work pending.
  void Stop();

  // Ports actually bound, in endpoint order (useful with port 0).
  const std::vector<uint16_t>& bound_ports() const { return bound_ports_; }
  size_t connection_count() const { return connections_.size(); }
  const ServerOptions& options() const { return options_; }

 private:
  friend class Connection;

  asio::awaitable<void> AcceptLoop(size_t index);
  void Admit(asio::ip::tcp::socket socket, size_t index);
  void Forget(Connection* connection);
  void LogRefusal(const std::string& peer, const char* limit, size_t count);
  void DoStop();

  asio::io_context& io_;
  ServerOptions options_;
  Handler handler_;
  CloseHandler on_close_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  std::vector<uint16_t> bound_ports_;
  std::map<Connection*, std::shared_ptr<Connection>> connections_;
  std::map<asio::ip::address, size_t> per_ip_;
  uint64_t next_connection_id_ = 1;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  size_t refusals_not_logged_ = 0;
  bool stopped_ = false;
};

}  // namespace kafka::net
