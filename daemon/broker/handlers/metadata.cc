// Metadata v0-9. Topic list semantics by version (PROTOCOL.md §5.3); auto-creation
// only when the request allows it (always before v4) and auto.create.topics.enable.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/zk/zk_data.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleMetadata(const RequestContext& ctx, MetadataRequest req,
                    Respond<MetadataResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  std::optional<std::vector<std::string>> names;
  if (req.topics) {
    names.emplace();
    std::set<std::string> seen;
    for (const auto& t : *req.topics) {
      if (seen.insert(t.name).second) names->push_back(t.name);  // Kafka answers each once
    }
  }
  if (version == 0 && names && names->empty()) names.reset();  // v0: empty = all
  const bool allow_auto =
      (version < 4 || req.allow_auto_topic_creation) && broker.config().auto_create_topics_enable;
  std::set<std::string> invalid;
  std::set<std::string> being_created;
  if (names) {
    for (const auto& name : *names) {
      if (!zkdata::ValidateTopicName(name).ok()) {
        invalid.insert(name);
      } else if (allow_auto && broker.cache().GetTopic(name) == nullptr) {
        if (broker.AutoCreateTopic(name)) being_created.insert(name);
      }
    }
  }
  MetadataResponse resp = BuildMetadataResponse(broker.cache(), names, invalid, being_created);
  if (names) {
    // Topics that could not be auto-created for lack of brokers.
    for (auto& t : resp.topics) {
      if (allow_auto && t.error_code == ToWire(ErrorCode::kUnknownTopicOrPartition) &&
          !invalid.count(t.name)) {
        t.error_code = ToWire(ErrorCode::kInvalidReplicationFactor);
      }
    }
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
