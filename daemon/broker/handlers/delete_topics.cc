// DeleteTopics v1-6: marks each topic under /admin/delete_topics (the controller
// removes its znodes, every broker its logs) and answers once the topic has left
// this broker's metadata cache, or REQUEST_TIMED_OUT after timeout_ms.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/handlers/poll.h"
#include "common/zk/client.h"
#include "daemon/broker/zk/zk_data.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

using DeleteState = PendingResponse<DeleteTopicsResponse>;

std::string FormatUuid(const Uuid& u) { return zkdata::FormatKafkaUuid(u.bytes); }

using Finish = std::function<void(ErrorCode, std::string)>;

void WaitForMarkerGone(Broker* b, std::string topic,
                       std::chrono::steady_clock::time_point deadline, Finish finish) {
  const std::string path = zkdata::DeleteTopicsTopicZNode::Path(topic);
  b->zk().client().Exists(path, {}, [b, topic, deadline, finish](zk::Reply<zk::Stat> r) {
    if (r.code() == zk::ErrorCode::kNoNode || b->stopping()) {
      finish(ErrorCode::kNone, "");
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      finish(ErrorCode::kRequestTimedOut, "Topic deletion did not finish in time.");
      return;
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(b->io(), std::chrono::milliseconds(20));
    timer->async_wait([timer, b, topic, deadline, finish](const boost::system::error_code& ec) {
      if (ec) return finish(ErrorCode::kRequestTimedOut, "cancelled");
      WaitForMarkerGone(b, topic, deadline, finish);
    });
  });
}

}  // namespace

void HandleDeleteTopics(const RequestContext& ctx, DeleteTopicsRequest req,
                        Respond<DeleteTopicsResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  auto state = std::make_shared<DeleteState>();
  state->respond = std::move(respond);
  // Waiting is polled, so bound it even when a client asks for days.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::clamp(req.timeout_ms, 0, 120000));

  struct Item {
    std::optional<std::string> name;
    Uuid id;
    bool by_id = false;
  };
  std::vector<Item> items;
  if (version >= 6) {
    for (const auto& t : req.topics) {
      Item it;
      it.name = t.name;
      it.id = t.topic_id;
      it.by_id = !t.name.has_value();
      items.push_back(std::move(it));
    }
  } else {
    for (const auto& n : req.topic_names) items.push_back(Item{n, Uuid{}, false});
  }

  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    DeleteTopicsResponse::DeletableTopicResult r;
    r.name = item.name;
    r.topic_id = item.id;
    std::optional<std::string> name = item.name;
    if (item.by_id) name = broker.cache().TopicNameById(FormatUuid(item.id));
    const TopicInfo* topic = name ? broker.cache().GetTopic(*name) : nullptr;
    if (topic == nullptr) {
      r.error_code = ToWire(item.by_id ? ErrorCode::kUnknownTopicId
                                       : ErrorCode::kUnknownTopicOrPartition);
      r.error_message = "This server does not host this topic-partition.";
    } else if (!broker.config().delete_topic_enable) {
      r.error_code = ToWire(ErrorCode::kTopicDeletionDisabled);
      r.error_message = "Topic deletion is disabled.";
    }
    if (topic != nullptr && version >= 6) {
      r.name = *name;
      auto id = zkdata::ParseKafkaUuid(topic->topic_id);
      if (id.ok()) r.topic_id.bytes = *id;
    }
    state->resp.responses.push_back(std::move(r));
    if (state->resp.responses.back().error_code != 0) continue;

    ++state->pending;
    const std::string topic_name = *name;
    const std::string topic_id = topic->topic_id;
    Broker* b = &broker;
    auto finish = [state, i](ErrorCode code, std::string message) {
      auto& res = state->resp.responses[i];
      res.error_code = ToWire(code);
      if (code != ErrorCode::kNone) res.error_message = std::move(message);
      --state->pending;
      state->MaybeFinish();
    };
    broker.zk().MarkTopicForDeletion(
        topic_name, [b, topic_name, topic_id, deadline, finish](util::Status s) {
          if (!s.ok() && !s.IsAlreadyExists()) {
            finish(s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition
                                  : ErrorCode::kUnknownServerError,
                   s.message());
            return;
          }
          PollUntil(
              b->io(),
              [b, topic_name, topic_id] {
                const TopicInfo* t = b->cache().GetTopic(topic_name);
                return t == nullptr || t->topic_id != topic_id;
              },
              deadline,
              [b, topic_name, deadline, finish](bool deleted) {
                if (!deleted) {
                  finish(ErrorCode::kRequestTimedOut, "Topic deletion did not finish in time.");
                  return;
                }
                // The controller removes the marker last (as Kafka's does before it
                // tells the brokers), so a CreateTopics right after this answer is
                // not refused as "marked for deletion".
                WaitForMarkerGone(b, topic_name, deadline, finish);
              });
        });
  }
  state->sealed = true;
  state->MaybeFinish();
}

}  // namespace kafka::broker
