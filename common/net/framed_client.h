// FramedClient: a small blocking client for length-prefixed frames, for tests and tools.
//
// Every call takes a timeout and fails with Status::Timeout instead of hanging; the
// connection is closed after a timeout or an I/O error (its state is then unknown).
// Internally each call runs a private io_context until the operation completes or the
// deadline passes. Raw access (SendRaw, WaitClosed) exists so tests can send malformed
// input and observe the server closing the connection.
// Threads: one thread at a time; not copyable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/util/status.h"

namespace kafka::net {

class FramedClient {
 public:
  using Duration = std::chrono::milliseconds;

  FramedClient();
  ~FramedClient();
  FramedClient(const FramedClient&) = delete;
  FramedClient& operator=(const FramedClient&) = delete;

  // Resolves `host` and connects to the first address that answers within `timeout`.
  util::Status Connect(const std::string& host, uint16_t port, Duration timeout);
  void Close();
  bool is_open() const;

  // Writes the int32 big-endian size, then `frame`.
  util::Status Send(std::string_view frame, Duration timeout);
  // Writes bytes as they are (no size prefix).
  util::Status SendRaw(std::string_view bytes, Duration timeout);
  // Reads one frame. A size above `max_bytes` or negative is Corruption (and closes).
  util::Result<std::string> Receive(Duration timeout, int32_t max_bytes = 104857600);
  // Send then Receive.
  util::Result<std::string> Call(std::string_view frame, Duration timeout);
  // True if the peer closes (EOF or reset) within `timeout`; bytes received meanwhile
  // are discarded. False on timeout.
  bool WaitClosed(Duration timeout);

 private:
  // Runs the private io_context until `done` or the deadline; on timeout closes the socket
  // and drains the cancelled operation.
  bool RunUntil(const bool& done, Duration timeout);

  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::ip::tcp::socket> socket_;
};

}  // namespace kafka::net
