// Channel: an asynchronous request/response client from this broker to one other
// broker (controller -> broker LeaderAndIsr/UpdateMetadata/StopReplica, follower
// -> leader Fetch/OffsetForLeaderEpoch, broker -> controller ControlledShutdown).
//
// Everything runs on the broker's io_context and nothing blocks. The first Send
// connects (resolve, connect within connect_timeout); when the channel has a
// secret it then proves it is a broker (handshake.h: SaslHandshake v1 with a
// private mechanism, SaslAuthenticate v2 with the token) before any request is
// written. Requests are pipelined: each gets a correlation id and its callback
// runs with the decoded response, matched by that id. Every callback runs exactly
// once, always posted (never inside Send):
//   * the response (Result<Resp>), or Corruption if it does not decode;
//   * Timeout when no response came within its timeout; like Kafka's
//     NetworkClient the connection is then dropped (later responses on a
//     pipelined connection would be stuck behind the lost one);
//   * Unavailable when the connection fails or closes (every request in flight
//     or queued fails), Aborted after Close().
// The next Send after a failure reconnects, no sooner than the backoff (doubling
// from reconnect_backoff to reconnect_backoff_max, reset by a successful
// handshake); requests sent meanwhile wait in the queue with their timeouts running.
// Versions are the caller's choice (both ends are ours): no ApiVersions exchange.
//
// Lifetime: hold the shared_ptr; Close() fails what is pending and makes later
// Sends fail at once. Destroying the last reference closes the socket (pending
// operations hold a reference, so call Close() to stop promptly).
// Thread safety: io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/protocol/codec.h"
#include "common/protocol/header.h"
#include "common/protocol/reader.h"
#include "common/util/status.h"

namespace kafka::broker::inter_broker {

struct ChannelOptions {
  std::string host;
  uint16_t port = 0;
  // This broker's id: the client id is "broker-<id>" and the handshake names it.
  int32_t local_broker_id = -1;
  // The cluster's inter-broker secret; empty sends requests unauthenticated
  // (tests, or talking to a peer that does not check).
  std::string secret;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds reconnect_backoff_max{1000};
  // A response frame larger than this closes the connection (Corruption).
  int32_t max_response_bytes = 104857600;
};

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  // `body` is the response after its header.
  using RawCallback = std::function<void(util::Result<std::string> body)>;

  static std::shared_ptr<Channel> Create(boost::asio::io_context& io, ChannelOptions options);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Sends `req` as `version` of Req's API; `done` gets the decoded Resp.
  template <typename Req, typename Resp>
  void Send(int16_t version, const Req& req, std::chrono::milliseconds timeout,
            std::function<void(util::Result<Resp>)> done) {
    protocol::Writer w;
    protocol::Encode(req, version, w);
    SendRaw(static_cast<int16_t>(Req::kApiKey), version, w.Take(), timeout,
            [version, done = std::move(done)](util::Result<std::string> body) {
              if (!body.ok()) return done(body.status());
              protocol::Reader r(*body);
              auto resp = protocol::Decode<Resp>(r, version);
              if (resp.ok() && !r.AtEnd()) {
                return done(util::Status::Corruption("trailing bytes after response"));
              }
              done(std::move(resp));
            });
  }

  // The untyped form: `body` is the request body (after the header).
  void SendRaw(int16_t api_key, int16_t version, std::string body,
               std::chrono::milliseconds timeout, RawCallback done);

  // Points the channel at a new address (a broker re-registered elsewhere); the
  // current connection, if any, is dropped (its requests fail Unavailable).
  void SetEndpoint(const std::string& host, uint16_t port);
  // Fails every pending request with Aborted; later Sends fail at once.
  void Close();

  bool connected() const { return state_ == State::kReady; }
  bool closed() const { return closed_; }
  const ChannelOptions& options() const { return options_; }
  // Requests queued or in flight.
  size_t pending() const { return queue_.size() + in_flight_.size(); }

 private:
  enum class State { kIdle, kWaiting, kConnecting, kHandshaking, kReady };
  struct Request {
    int32_t correlation_id = 0;
    int16_t api_key = 0;
    int16_t version = 0;
    std::string frame;  // size prefix included
    RawCallback done;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  Channel(boost::asio::io_context& io, ChannelOptions options);

  void MaybeConnect();
  void StartConnect();
  void OnConnected();
  void StartHandshake();
  void BecomeReady();
  // Puts a request on the wire (kReady or handshake).
  void Transmit(std::shared_ptr<Request> request);
  void WriteNext();
  void ReadNext();
  void OnFrame(const std::string& frame);
  void OnTimeout(int32_t correlation_id);
  // Drops the connection; every queued and in-flight request fails with `status`.
  void Fail(const util::Status& status);
  void Complete(std::shared_ptr<Request> request, util::Result<std::string> result);
  std::shared_ptr<Request> MakeRequest(int16_t api_key, int16_t version, const std::string& body,
                                       std::chrono::milliseconds timeout, RawCallback done);
  std::string Describe() const;

  // One TCP connection with its buffers. Asio handlers hold it (and only a
  // weak reference to the Channel), so a handler of a dropped connection finds
  // conn_ changed and returns, and the buffers outlive every pending operation.
  struct Conn;

  boost::asio::io_context& io_;
  ChannelOptions options_;
  State state_ = State::kIdle;
  bool closed_ = false;
  std::shared_ptr<Conn> conn_;
  // Backoff wait, then connect + handshake deadline.
  boost::asio::steady_timer connect_timer_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_;
  int32_t next_correlation_id_ = 1;
  // User requests waiting for kReady.
  std::deque<std::shared_ptr<Request>> queue_;
  // Written (or about to be), waiting for their response.
  std::map<int32_t, std::shared_ptr<Request>> in_flight_;
  std::deque<std::string> out_;  // frames not yet handed to the socket
  bool writing_ = false;
};

}  // namespace kafka::broker::inter_broker
