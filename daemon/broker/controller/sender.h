// BrokerSender: the controller's ordered, retried delivery of requests to one
// live broker (Kafka's RequestSendThread). One request is outstanding at a time,
// in the order they were queued, so a broker sees LeaderAndIsr before the
// UpdateMetadata that follows it. A transport failure (connection refused or
// lost, timeout) retries the same request after a short backoff for as long as
// the sender lives: the controller drops the sender when the broker leaves (or
// re-registers with a new epoch) or when it resigns.
// Lifetime: owned by the ActiveController; destroying it drops what is queued.
// Thread safety: io thread only.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/util/status.h"
#include "daemon/broker/inter_broker/channel.h"

namespace kafka::broker::controller {

class BrokerSender {
 public:
  BrokerSender(boost::asio::io_context& io, int32_t broker_id,
               std::shared_ptr<inter_broker::Channel> channel, std::chrono::milliseconds timeout);
  ~BrokerSender();
  BrokerSender(const BrokerSender&) = delete;
  BrokerSender& operator=(const BrokerSender&) = delete;

  // Queues `req` (API version `version`); `on_response` runs with the decoded
  // response once delivered (never for requests dropped with the sender).
  template <typename Req, typename Resp>
  void Send(int16_t version, Req req, std::function<void(const Resp&)> on_response) {
    auto shared_req = std::make_shared<Req>(std::move(req));
    queue_.push_back([this, version, shared_req, on_response = std::move(on_response)](
                         std::function<void(bool)> finished) {
      channel_->Send<Req, Resp>(
          version, *shared_req, timeout_,
          [finished = std::move(finished), on_response](util::Result<Resp> r) {
            if (r.ok()) {
              if (on_response) on_response(*r);
              return finished(true);
            }
            // Undecodable answers are not retried: the same bytes would come back.
            finished(r.status().IsCorruption());
          });
    });
    Pump();
  }

  int32_t broker_id() const { return broker_id_; }
  size_t queued() const { return queue_.size(); }
  void SetEndpoint(const std::string& host, uint16_t port) { channel_->SetEndpoint(host, port); }

 private:
  using Attempt = std::function<void(std::function<void(bool delivered)>)>;
  void Pump();

  boost::asio::io_context& io_;
  int32_t broker_id_;
  std::shared_ptr<inter_broker::Channel> channel_;
  std::chrono::milliseconds timeout_;
  std::deque<Attempt> queue_;
  bool busy_ = false;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kafka::broker::controller
