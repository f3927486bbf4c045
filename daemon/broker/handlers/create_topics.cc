// CreateTopics v2-7. Accepted on any broker (Kafka routes to the controller; here
// every broker may write the topic to ZooKeeper). Each topic is validated on its
// own and answered in request order: name, duplicates in the request, existing
// topic, partitions and replication factor (vs live brokers), manual assignment,
// configs; validate_only stops before writing.
#include <map>
#include <memory>

#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/replica_assignment.h"
#include "daemon/broker/topic_config.h"
#include "daemon/broker/zk/zk_data.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

// Bounds the work one request can cause (Kafka has no limit, but a billion
// partitions would only exhaust memory).
constexpr int32_t kMaxPartitionsPerRequest = 100000;

Uuid ToUuid(const std::string& kafka_uuid) {
  Uuid u;
  auto bytes = zkdata::ParseKafkaUuid(kafka_uuid);
  if (bytes.ok()) u.bytes = *bytes;
  return u;
}

using CreateState = PendingResponse<CreateTopicsResponse>;

}  // namespace

void HandleCreateTopics(const RequestContext& ctx, CreateTopicsRequest req,
                        Respond<CreateTopicsResponse> respond) {
  Broker& broker = *ctx.broker;
  const BrokerConfig& config = broker.config();
  const int16_t version = ctx.header.api_version;
  auto state = std::make_shared<CreateState>();
  state->respond = std::move(respond);
  std::map<std::string, int> counts;
  for (const auto& t : req.topics) ++counts[t.name];
  const std::vector<int32_t> live = broker.cache().LiveBrokerIds();

  for (size_t i = 0; i < req.topics.size(); ++i) {
    const auto& t = req.topics[i];
    CreateTopicsResponse::CreatableTopicResult result;
    result.name = t.name;
    auto fail = [&](ErrorCode code, std::string message) {
      result.error_code = ToWire(code);
      result.error_message = std::move(message);
    };
    std::map<std::string, std::string> configs;
    std::map<int32_t, std::vector<int32_t>> assignment;
    auto name_ok = zkdata::ValidateTopicName(t.name);
    bool collides = false;
    for (const auto& [existing, info] : broker.cache().topics()) {
      if (existing != t.name && zkdata::TopicNamesCollide(existing, t.name)) collides = true;
    }
    if (counts[t.name] > 1) {
      fail(ErrorCode::kInvalidRequest, "Create topics request from client `" +
                                           ctx.header.client_id.value_or("") +
                                           "` contains multiple entries for the following "
                                           "topics: " + t.name);
    } else if (!name_ok.ok()) {
      fail(ErrorCode::kInvalidTopicException, name_ok.message());
    } else if (broker.cache().GetTopic(t.name) != nullptr) {
      fail(ErrorCode::kTopicAlreadyExists, "Topic '" + t.name + "' already exists.");
    } else if (collides) {
      fail(ErrorCode::kInvalidTopicException,
           "Topic '" + t.name + "' collides with an existing topic.");
    } else {
      bool configs_ok = true;
      for (const auto& c : t.configs) {
        if (!c.value) {
          fail(ErrorCode::kInvalidRequest, "Null value not supported for topic configs: " + c.name);
          configs_ok = false;
          break;
        }
        configs[c.name] = *c.value;
      }
      if (configs_ok) {
        if (auto s = ValidateTopicConfigs(config, configs); !s.ok()) {
          fail(ErrorCode::kInvalidConfig, s.message());
          configs_ok = false;
        }
      }
      if (configs_ok && !t.assignments.empty()) {
        if (t.num_partitions != -1 || t.replication_factor != -1) {
          fail(ErrorCode::kInvalidRequest,
               "Both numPartitions or replicationFactor and replicasAssignments were set. Both "
               "cannot be used at the same time.");
        } else {
          for (const auto& a : t.assignments) assignment[a.partition_index] = a.broker_ids;
          int32_t expected = 0;
          for (const auto& [p, replicas] : assignment) {
            std::set<int32_t> unique(replicas.begin(), replicas.end());
            bool all_live = true;
            for (int32_t r : replicas) all_live = all_live && broker.cache().IsLive(r);
            if (p != expected++ || replicas.empty() || unique.size() != replicas.size() ||
                !all_live || replicas.size() != assignment.begin()->second.size()) {
              fail(ErrorCode::kInvalidReplicaAssignment,
                   "Invalid replica assignment for partition " + std::to_string(p) + ".");
              break;
            }
          }
        }
      } else if (configs_ok) {
        const int32_t partitions = t.num_partitions == -1 ? config.num_partitions
                                                          : t.num_partitions;
        const int32_t rf = t.replication_factor == -1 ? config.default_replication_factor
                                                      : t.replication_factor;
        if (partitions <= 0) {
          fail(ErrorCode::kInvalidPartitions, "Number of partitions must be larger than 0.");
        } else if (partitions > kMaxPartitionsPerRequest) {
          fail(ErrorCode::kInvalidPartitions,
               "Number of partitions must not exceed " +
                   std::to_string(kMaxPartitionsPerRequest) + ".");
        } else if (rf <= 0) {
          fail(ErrorCode::kInvalidReplicationFactor, "Replication factor must be larger than 0.");
        } else {
          auto a = AssignReplicasToBrokers(live, partitions, rf);
          if (!a.ok()) {
            fail(ErrorCode::kInvalidReplicationFactor, a.status().message());
          } else {
            assignment = std::move(*a);
          }
        }
      }
    }
    if (result.error_code == 0 && version >= 5) {
      result.num_partitions = static_cast<int32_t>(assignment.size());
      result.replication_factor =
          assignment.empty() ? -1 : static_cast<int16_t>(assignment.begin()->second.size());
      result.configs.emplace();
      for (const auto& e : DescribeTopicConfigs(config, configs)) {
        CreateTopicsResponse::CreatableTopicConfigs c;
        c.name = e.name;
        c.value = e.value;
        c.config_source = e.source;
        result.configs->push_back(std::move(c));
      }
    }
    state->resp.topics.push_back(std::move(result));
    if (state->resp.topics.back().error_code != 0 || req.validate_only) continue;

    ++state->pending;
    NewTopic topic;
    topic.name = t.name;
    topic.assignment = std::move(assignment);
    topic.configs = std::move(configs);
    broker.controller().CreateTopic(
        std::move(topic), [state, i, version](util::Result<std::string> id) {
          auto& r = state->resp.topics[i];
          if (id.ok()) {
            if (version >= 7) r.topic_id = ToUuid(*id);
          } else {
            const auto& s = id.status();
            r.error_code = ToWire(s.IsAlreadyExists() ? ErrorCode::kTopicAlreadyExists
                                  : s.IsInvalidArgument() ? ErrorCode::kInvalidTopicException
                                  : s.IsTimeout()         ? ErrorCode::kRequestTimedOut
                                                          : ErrorCode::kUnknownServerError);
            r.error_message = s.message();
            r.num_partitions = -1;
            r.replication_factor = -1;
            r.configs.reset();
          }
          --state->pending;
          state->MaybeFinish();
        });
  }
  state->sealed = true;
  state->MaybeFinish();
}

}  // namespace kafka::broker
