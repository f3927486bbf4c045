#include "daemon/broker/inter_broker/channel.h"

#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/protocol/error_code.h"
#include "common/protocol/messages/sasl.h"
#include "common/util/logging.h"
#include "daemon/broker/inter_broker/handshake.h"

namespace kafka::broker::inter_broker {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("inter_broker");
  return *logger;
}

int32_t ReadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<int32_t>((uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
                              (uint32_t{u[2]} << 8) | uint32_t{u[3]});
}

}  // namespace

struct Channel::Conn {
  explicit Conn(asio::io_context& io) : socket(io), resolver(io) {}
  tcp::socket socket;
  tcp::resolver resolver;
  char size[4] = {};
  std::string read_buffer;
  std::string write_buffer;
};

std::shared_ptr<Channel> Channel::Create(asio::io_context& io, ChannelOptions options) {
  return std::shared_ptr<Channel>(new Channel(io, std::move(options)));
}

Channel::Channel(asio::io_context& io, ChannelOptions options)
    : io_(io),
      options_(std::move(options)),
      connect_timer_(io),
      backoff_(options_.reconnect_backoff) {}

Channel::~Channel() {
  if (conn_) {
    boost::system::error_code ec;
    conn_->socket.close(ec);
  }
  auto fail = [this](std::shared_ptr<Request>& r) {
    if (r->timer) r->timer->cancel();
    if (r->done) {
      asio::post(io_, [done = std::move(r->done)] { done(util::Status::Aborted("channel closed")); });
    }
  };
  for (auto& r : queue_) fail(r);
  for (auto& [id, r] : in_flight_) fail(r);
}

std::string Channel::Describe() const {
  return "channel to " + options_.host + ":" + std::to_string(options_.port);
}

std::shared_ptr<Channel::Request> Channel::MakeRequest(int16_t api_key, int16_t version,
                                                       const std::string& body,
                                                       std::chrono::milliseconds timeout,
                                                       RawCallback done) {
  auto req = std::make_shared<Request>();
  req->correlation_id = next_correlation_id_;
  next_correlation_id_ = next_correlation_id_ == INT32_MAX ? 1 : next_correlation_id_ + 1;
  req->api_key = api_key;
  req->version = version;
  protocol::RequestHeader h;
  h.api_key = api_key;
  h.api_version = version;
  h.correlation_id = req->correlation_id;
  h.client_id = "broker-" + std::to_string(options_.local_broker_id);
  protocol::Writer w;
  w.Int32(0);
  protocol::EncodeRequestHeader(h, w);
  std::string frame = w.Take();
  frame.append(body);
  const uint32_t size = static_cast<uint32_t>(frame.size() - 4);
  frame[0] = static_cast<char>(size >> 24);
  frame[1] = static_cast<char>(size >> 16);
  frame[2] = static_cast<char>(size >> 8);
  frame[3] = static_cast<char>(size);
  req->frame = std::move(frame);
  req->done = std::move(done);
  req->timer = std::make_unique<asio::steady_timer>(io_, timeout);
  req->timer->async_wait(
      [weak = weak_from_this(), id = req->correlation_id](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->OnTimeout(id);
      });
  return req;
}

void Channel::SendRaw(int16_t api_key, int16_t version, std::string body,
                      std::chrono::milliseconds timeout, RawCallback done) {
  if (closed_) {
    asio::post(io_, [done = std::move(done)] { done(util::Status::Aborted("channel closed")); });
    return;
  }
  auto req = MakeRequest(api_key, version, body, timeout, std::move(done));
  if (state_ == State::kReady) {
    Transmit(std::move(req));
    return;
  }
  queue_.push_back(std::move(req));
  MaybeConnect();
}

void Channel::MaybeConnect() {
  if (state_ != State::kIdle || closed_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now >= next_attempt_) {
    StartConnect();
    return;
  }
  state_ = State::kWaiting;
  connect_timer_.expires_at(next_attempt_);
  connect_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != State::kWaiting) return;
    self->state_ = State::kIdle;
    if (!self->queue_.empty()) self->StartConnect();
  });
}

void Channel::StartConnect() {
  state_ = State::kConnecting;
  auto conn = std::make_shared<Conn>(io_);
  conn_ = conn;
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([weak = weak_from_this(), conn](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->conn_ != conn || self->state_ == State::kReady) return;
    self->Fail(util::Status::Unavailable("connecting to " + self->options_.host + ":" +
                                         std::to_string(self->options_.port) + " timed out"));
  });
  conn->resolver.async_resolve(
      options_.host, std::to_string(options_.port),
      [weak = weak_from_this(), conn](const boost::system::error_code& ec,
                                      tcp::resolver::results_type results) {
        auto self = weak.lock();
        if (!self || self->conn_ != conn) return;
        if (ec) {
          return self->Fail(util::Status::Unavailable("resolving " + self->options_.host + ": " +
                                                      ec.message()));
        }
        asio::async_connect(
            conn->socket, results,
            [weak = std::weak_ptr<Channel>(self), conn](const boost::system::error_code& ec,
                                                        const tcp::endpoint&) {
              auto self = weak.lock();
              if (!self || self->conn_ != conn) return;
              if (ec) {
                return self->Fail(util::Status::Unavailable(
                    "connecting to " + self->options_.host + ":" +
                    std::to_string(self->options_.port) + ": " + ec.message()));
              }
              self->OnConnected();
            });
      });
}

void Channel::OnConnected() {
  boost::system::error_code ignored;
  conn_->socket.set_option(tcp::no_delay(true), ignored);
  ReadNext();
  if (options_.secret.empty()) {
    BecomeReady();
  } else {
    StartHandshake();
  }
}

void Channel::StartHandshake() {
  state_ = State::kHandshaking;
  auto conn = conn_;
  protocol::SaslHandshakeRequest hs;
  hs.mechanism = std::string(kMechanism);
  protocol::Writer w;
  protocol::Encode(hs, 1, w);
  auto on_auth = [weak = weak_from_this(), conn](util::Result<std::string> body) {
    auto self = weak.lock();
    if (!self || self->conn_ != conn || !body.ok()) return;  // Fail() already ran
    protocol::Reader r(*body);
    auto resp = protocol::Decode<protocol::SaslAuthenticateResponse>(r, 2);
    if (!resp.ok() || resp->error_code != 0) {
      Log().warn("{}: authentication refused: {}", self->Describe(),
                 resp.ok() ? resp->error_message.value_or(
                                 std::string(protocol::ErrorName(resp->error_code)))
                           : resp.status().ToString());
      return self->Fail(util::Status::Unavailable("inter-broker authentication refused"));
    }
    self->BecomeReady();
  };
  auto on_handshake = [weak = weak_from_this(), conn,
                       on_auth = std::move(on_auth)](util::Result<std::string> body) {
    auto self = weak.lock();
    if (!self || self->conn_ != conn || !body.ok()) return;
    protocol::Reader r(*body);
    auto resp = protocol::Decode<protocol::SaslHandshakeResponse>(r, 1);
    if (!resp.ok() || resp->error_code != 0) {
      Log().warn("{}: inter-broker handshake refused ({})", self->Describe(),
                 resp.ok() ? std::string(protocol::ErrorName(resp->error_code))
                           : resp.status().ToString());
      return self->Fail(util::Status::Unavailable("inter-broker handshake refused"));
    }
    protocol::SaslAuthenticateRequest auth;
    auth.auth_bytes = EncodeAuthToken(self->options_.local_broker_id, self->options_.secret);
    protocol::Writer aw;
    protocol::Encode(auth, 2, aw);
    self->Transmit(self->MakeRequest(static_cast<int16_t>(protocol::ApiKey::kSaslAuthenticate), 2,
                                     aw.Take(), self->options_.connect_timeout, on_auth));
  };
  Transmit(MakeRequest(static_cast<int16_t>(protocol::ApiKey::kSaslHandshake), 1, w.Take(),
                       options_.connect_timeout, std::move(on_handshake)));
}

void Channel::BecomeReady() {
  state_ = State::kReady;
  backoff_ = options_.reconnect_backoff;
  connect_timer_.cancel();
  Log().debug("{}: ready", Describe());
  auto queued = std::move(queue_);
  queue_.clear();
  for (auto& r : queued) Transmit(std::move(r));
}

void Channel::Transmit(std::shared_ptr<Request> request) {
  out_.push_back(std::move(request->frame));
  request->frame.clear();
  in_flight_[request->correlation_id] = std::move(request);
  WriteNext();
}

void Channel::WriteNext() {
  if (writing_ || out_.empty() || !conn_) return;
  writing_ = true;
  auto conn = conn_;
  conn->write_buffer.clear();
  for (auto& f : out_) conn->write_buffer.append(f);
  out_.clear();
  asio::async_write(conn->socket, asio::buffer(conn->write_buffer),
                    [weak = weak_from_this(), conn](const boost::system::error_code& ec, size_t) {
                      auto self = weak.lock();
                      if (!self || self->conn_ != conn) return;
                      self->writing_ = false;
                      if (ec) {
                        return self->Fail(util::Status::Unavailable("write: " + ec.message()));
                      }
                      self->WriteNext();
                    });
}

void Channel::ReadNext() {
  auto conn = conn_;
  asio::async_read(
      conn->socket, asio::buffer(conn->size, 4),
      [weak = weak_from_this(), conn](const boost::system::error_code& ec, size_t) {
        auto self = weak.lock();
        if (!self || self->conn_ != conn) return;
        if (ec) {
          return self->Fail(util::Status::Unavailable(
              ec == asio::error::eof ? std::string("connection closed by peer")
                                     : "read: " + ec.message()));
        }
        const int32_t size = ReadBigEndian32(conn->size);
        if (size < 4 || size > self->options_.max_response_bytes) {
          return self->Fail(util::Status::Corruption("bad response size " + std::to_string(size)));
        }
        conn->read_buffer.resize(static_cast<size_t>(size));
        asio::async_read(
            conn->socket, asio::buffer(conn->read_buffer),
            [weak, conn](const boost::system::error_code& ec, size_t) {
              auto self = weak.lock();
              if (!self || self->conn_ != conn) return;
              if (ec) return self->Fail(util::Status::Unavailable("read: " + ec.message()));
              self->OnFrame(conn->read_buffer);
              if (self->conn_ == conn) self->ReadNext();
            });
      });
}

void Channel::OnFrame(const std::string& frame) {
  const int32_t correlation_id = ReadBigEndian32(frame.data());
  auto it = in_flight_.find(correlation_id);
  if (it == in_flight_.end()) {
    return Fail(util::Status::Corruption("response with unknown correlation id " +
                                         std::to_string(correlation_id)));
  }
  auto req = std::move(it->second);
  in_flight_.erase(it);
  protocol::Reader r(frame);
  auto header = protocol::DecodeResponseHeader(
      r, protocol::ResponseHeaderVersion(req->api_key, req->version));
  if (!header.ok()) {
    Complete(req, header.status());
    return Fail(util::Status::Corruption("bad response header"));
  }
  Complete(std::move(req), std::string(r.Rest()));
}

void Channel::OnTimeout(int32_t correlation_id) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if ((*it)->correlation_id == correlation_id) {
      auto req = std::move(*it);
      queue_.erase(it);
      Complete(std::move(req), util::Status::Timeout("request timed out before connecting"));
      return;
    }
  }
  auto it = in_flight_.find(correlation_id);
  if (it == in_flight_.end()) return;
  auto req = std::move(it->second);
  in_flight_.erase(it);
  Complete(std::move(req), util::Status::Timeout("request timed out"));
  Fail(util::Status::Unavailable("connection dropped after a request timed out"));
}

void Channel::Fail(const util::Status& status) {
  const bool was_ready = state_ == State::kReady;
  if (conn_) {
    boost::system::error_code ignored;
    conn_->resolver.cancel();
    conn_->socket.close(ignored);
    conn_.reset();
  }
  connect_timer_.cancel();
  writing_ = false;
  out_.clear();
  state_ = State::kIdle;
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.reconnect_backoff_max);
  if (was_ready && status.code() != util::Status::Code::kAborted) {
    Log().info("{}: {}", Describe(), status.ToString());
  } else {
    Log().debug("{}: {}", Describe(), status.ToString());
  }
  auto in_flight = std::move(in_flight_);
  in_flight_.clear();
  auto queued = std::move(queue_);
  queue_.clear();
  for (auto& [id, r] : in_flight) Complete(std::move(r), status);
  for (auto& r : queued) Complete(std::move(r), status);
}

void Channel::Complete(std::shared_ptr<Request> request, util::Result<std::string> result) {
  if (request->timer) request->timer->cancel();
  if (!request->done) return;
  asio::post(io_, [done = std::move(request->done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
  request->done = nullptr;
}

void Channel::SetEndpoint(const std::string& host, uint16_t port) {
  if (host == options_.host && port == options_.port) return;
  options_.host = host;
  options_.port = port;
  backoff_ = options_.reconnect_backoff;
  if (state_ != State::kIdle) {
    Fail(util::Status::Unavailable("broker endpoint changed"));
  }
  next_attempt_ = {};
  if (!queue_.empty()) MaybeConnect();
}

void Channel::Close() {
  if (closed_) return;
  closed_ = true;
  Fail(util::Status::Aborted("channel closed"));
}

}  // namespace kafka::broker::inter_broker
