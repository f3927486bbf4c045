#include "daemon/broker/controller/sender.h"

#include "common/util/logging.h"

namespace kafka::broker::controller {
namespace {

using namespace std::chrono_literals;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("controller");
  return *logger;
}

}  // namespace

BrokerSender::BrokerSender(boost::asio::io_context& io, int32_t broker_id,
                           std::shared_ptr<inter_broker::Channel> channel,
                           std::chrono::milliseconds timeout)
    : io_(io),
      broker_id_(broker_id),
      channel_(std::move(channel)),
      timeout_(timeout),
      retry_timer_(io) {}

BrokerSender::~BrokerSender() {
  *alive_ = false;
  retry_timer_.cancel();
  channel_->Close();
}

void BrokerSender::Pump() {
  if (busy_ || queue_.empty()) return;
  busy_ = true;
  queue_.front()([this, alive = alive_](bool delivered) {
    if (!*alive) return;
    if (delivered) {
      queue_.pop_front();
      busy_ = false;
      Pump();
      return;
    }
    Log().debug("request to broker {} not delivered; retrying", broker_id_);
    retry_timer_.expires_after(300ms);
    retry_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
      if (ec || !*alive) return;
      busy_ = false;
      Pump();
    });
  });
}

}  // namespace kafka::broker::controller
