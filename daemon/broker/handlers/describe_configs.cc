// DescribeConfigs v1-2 for topics (broker defaults + /config/topics overrides,
// with sources and synonyms) and for this broker.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/topic_config.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;

}  // namespace

void HandleDescribeConfigs(const RequestContext& ctx, DescribeConfigsRequest req,
                           Respond<DescribeConfigsResponse> respond) {
  Broker& broker = *ctx.broker;
  DescribeConfigsResponse resp;
  for (const auto& res : req.resources) {
    DescribeConfigsResponse::DescribeConfigsResult result;
    result.resource_type = res.resource_type;
    result.resource_name = res.resource_name;
    std::vector<TopicConfigEntry> entries;
    bool read_only = false;
    if (res.resource_type == kTopicResource) {
      const TopicInfo* topic = broker.cache().GetTopic(res.resource_name);
      if (topic == nullptr) {
        result.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
        result.error_message = "Topic '" + res.resource_name + "' does not exist.";
      } else {
        entries = DescribeTopicConfigs(broker.config(), topic->configs);
      }
    } else if (res.resource_type == kBrokerResource) {
      if (!res.resource_name.empty() &&
          res.resource_name != std::to_string(broker.broker_id())) {
        result.error_code = ToWire(ErrorCode::kInvalidRequest);
        result.error_message = "Unexpected broker id, expected " +
                               std::to_string(broker.broker_id()) + " or empty string, but received " +
                               res.resource_name;
      } else {
        entries = DescribeBrokerConfigs(broker.config());
        read_only = true;
      }
    } else {
      result.error_code = ToWire(ErrorCode::kInvalidRequest);
      result.error_message = "Unsupported resource type " + std::to_string(res.resource_type);
    }
    for (const auto& e : entries) {
      if (res.configuration_keys) {
        bool wanted = false;
        for (const auto& k : *res.configuration_keys) wanted = wanted || k == e.name;
        if (!wanted) continue;
      }
      DescribeConfigsResponse::DescribeConfigsResourceResult c;
      c.name = e.name;
      c.value = e.value;
      c.read_only = read_only;
      c.is_default = e.is_default;
      c.config_source = e.source;
      if (req.include_synonyms) {
        if (e.source == kSourceDynamicTopic) {
          c.synonyms.push_back({e.name, e.value, kSourceDynamicTopic, {}});
        }
        if (!e.broker_synonym.empty()) {
          c.synonyms.push_back({e.broker_synonym, e.broker_value, kSourceDefault, {}});
        }
      }
      result.configs.push_back(std::move(c));
    }
    resp.results.push_back(std::move(result));
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
