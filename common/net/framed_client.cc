#include "common/net/framed_client.h"

#include <array>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace kafka::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

FramedClient::FramedClient() : io_(std::make_unique<asio::io_context>()) {}

FramedClient::~FramedClient() { Close(); }

bool FramedClient::is_open() const { return socket_ && socket_->is_open(); }

void FramedClient::Close() {
  if (!socket_) return;
  error_code ec;
  socket_->close(ec);
  socket_.reset();
}

bool FramedClient::RunUntil(const bool& done, Duration timeout) {
  io_->restart();
  io_->run_for(timeout);
  if (done) return true;
  // Timed out: cancel by closing, then let the aborted handler run.
  error_code ec;
  if (socket_) socket_->close(ec);
  io_->restart();
  io_->run();
  return false;
}

util::Status FramedClient::Connect(const std::string& host, uint16_t port, Duration timeout) {
  Close();
  tcp::resolver resolver(*io_);
  error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return util::Status::IOError("resolve " + host + ": " + ec.message());
  socket_ = std::make_unique<tcp::socket>(*io_);
  bool done = false;
  asio::async_connect(*socket_, endpoints, [&](const error_code& e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  std::string where = host + ":" + std::to_string(port);
  if (!RunUntil(done, timeout)) {
    Close();
    return util::Status::Timeout("connect to " + where);
  }
  if (ec) {
    Close();
    return util::Status::IOError("connect to " + where + ": " + ec.message());
  }
  socket_->set_option(tcp::no_delay(true), ec);
  return util::Status::OK();
}

util::Status FramedClient::SendRaw(std::string_view bytes, Duration timeout) {
  if (!is_open()) return util::Status::IOError("not connected");
  bool done = false;
  error_code ec;
  asio::async_write(*socket_, asio::buffer(bytes.data(), bytes.size()),
                    [&](const error_code& e, size_t) {
                      ec = e;
                      done = true;
                    });
  if (!RunUntil(done, timeout)) {
    Close();
    return util::Status::Timeout("send");
  }
  if (ec) {
    Close();
    return util::Status::IOError("send: " + ec.message());
  }
  return util::Status::OK();
}

util::Status FramedClient::Send(std::string_view frame, Duration timeout) {
  uint32_t size = static_cast<uint32_t>(frame.size());
  std::string bytes;
  bytes.reserve(frame.size() + 4);
  bytes.push_back(static_cast<char>(size >> 24));
  bytes.push_back(static_cast<char>(size >> 16));
  bytes.push_back(static_cast<char>(size >> 8));
  bytes.push_back(static_cast<char>(size));
  bytes.append(frame);
  return SendRaw(bytes, timeout);
}

util::Result<std::string> FramedClient::Receive(Duration timeout, int32_t max_bytes) {
  if (!is_open()) return util::Status::IOError("not connected");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<unsigned char, 4> prefix{};
  bool done = false;
  error_code ec;
  asio::async_read(*socket_, asio::buffer(prefix), [&](const error_code& e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(done, timeout)) {
    Close();
    return util::Status::Timeout("receive");
  }
  if (ec) {
    Close();
    return util::Status::IOError("receive: " + ec.message());
  }
  int32_t size = static_cast<int32_t>((uint32_t{prefix[0]} << 24) | (uint32_t{prefix[1]} << 16) |
                                      (uint32_t{prefix[2]} << 8) | uint32_t{prefix[3]});
  if (size < 0 || size > max_bytes) {
    Close();
    return util::Status::Corruption("invalid frame size " + std::to_string(size));
  }
  std::string frame(static_cast<size_t>(size), '\0');
  if (size == 0) return frame;
  done = false;
  asio::async_read(*socket_, asio::buffer(frame), [&](const error_code& e, size_t) {
    ec = e;
    done = true;
  });
  auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
  if (!RunUntil(done, std::max(left, Duration(0)))) {
    Close();
    return util::Status::Timeout("receive");
  }
  if (ec) {
    Close();
    return util::Status::IOError("receive: " + ec.message());
  }
  return frame;
}

util::Result<std::string> FramedClient::Call(std::string_view frame, Duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  UTIL_RETURN_IF_ERROR(Send(frame, timeout));
  auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
  return Receive(std::max(left, Duration(0)));
}

bool FramedClient::WaitClosed(Duration timeout) {
  if (!is_open()) return true;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<char> sink(64 * 1024);
  for (;;) {
    bool done = false;
    error_code ec;
    socket_->async_read_some(asio::buffer(sink), [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    if (!RunUntil(done, std::max(left, Duration(0)))) {
      Close();
      return false;
    }
    if (ec) {
      Close();
      return true;
    }
  }
}

}  // namespace kafka::net
