// CreatePartitions v0-3: raises a topic's partition count (count is the new
// total), with the new replicas assigned like Kafka's AdminZkClient.addPartitions
// (or as given), then the new partition states.
#include <memory>
#include <set>

#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/replica_assignment.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

using State = PendingResponse<CreatePartitionsResponse>;

}  // namespace

void HandleCreatePartitions(const RequestContext& ctx, CreatePartitionsRequest req,
                            Respond<CreatePartitionsResponse> respond) {
  Broker& broker = *ctx.broker;
  auto state = std::make_shared<State>();
  state->respond = std::move(respond);
  std::map<std::string, int> counts;
  for (const auto& t : req.topics) ++counts[t.name];

  for (size_t i = 0; i < req.topics.size(); ++i) {
    const auto& t = req.topics[i];
    CreatePartitionsResponse::CreatePartitionsTopicResult r;
    r.name = t.name;
    auto fail = [&](ErrorCode code, std::string message) {
      r.error_code = ToWire(code);
      r.error_message = std::move(message);
    };
    const TopicInfo* topic = broker.cache().GetTopic(t.name);
    std::map<int32_t, std::vector<int32_t>> added;
    if (counts[t.name] > 1) {
      fail(ErrorCode::kInvalidRequest, "Duplicate topic in request.");
    } else if (topic == nullptr) {
      fail(ErrorCode::kUnknownTopicOrPartition, "The topic '" + t.name + "' does not exist.");
    } else {
      const int32_t current = static_cast<int32_t>(topic->partitions.size());
      if (t.count < current) {
        fail(ErrorCode::kInvalidPartitions,
             "Topic currently has " + std::to_string(current) +
                 " partitions, which is higher than the requested " + std::to_string(t.count) +
                 ".");
      } else if (t.count > 100000) {
        fail(ErrorCode::kInvalidPartitions, "Number of partitions must not exceed 100000.");
      } else if (t.count == current) {
        fail(ErrorCode::kInvalidPartitions,
             "Topic already has " + std::to_string(current) + " partitions.");
      } else if (t.assignments) {
        if (static_cast<int32_t>(t.assignments->size()) != t.count - current) {
          fail(ErrorCode::kInvalidReplicaAssignment,
               "Increasing the number of partitions by " + std::to_string(t.count - current) +
                   " but " + std::to_string(t.assignments->size()) +
                   " assignments provided.");
        } else {
          int32_t p = current;
          for (const auto& a : *t.assignments) {
            std::set<int32_t> unique(a.broker_ids.begin(), a.broker_ids.end());
            bool ok = !a.broker_ids.empty() && unique.size() == a.broker_ids.size();
            for (int32_t b : a.broker_ids) ok = ok && broker.cache().IsLive(b);
            if (!ok) {
              fail(ErrorCode::kInvalidReplicaAssignment,
                   "Invalid replica assignment for partition " + std::to_string(p) + ".");
              break;
            }
            added[p++] = a.broker_ids;
          }
        }
      } else {
        const int32_t rf = topic->partitions.empty()
                               ? 1
                               : static_cast<int32_t>(topic->partitions.begin()->second.replicas.size());
        auto a = AssignReplicasToBrokers(broker.cache().LiveBrokerIds(), t.count - current, rf, -1,
                                         current);
        if (!a.ok()) {
          fail(ErrorCode::kInvalidReplicationFactor, a.status().message());
        } else {
          added = std::move(*a);
        }
      }
    }
    state->resp.results.push_back(std::move(r));
    if (state->resp.results.back().error_code != 0 || req.validate_only) continue;
    ++state->pending;
    broker.controller().AddPartitions(t.name, std::move(added), [state, i](util::Status s) {
      if (!s.ok()) {
        auto& res = state->resp.results[i];
        res.error_code = ToWire(s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition
                                               : ErrorCode::kUnknownServerError);
        res.error_message = s.message();
      }
      --state->pending;
      state->MaybeFinish();
    });
  }
  state->sealed = true;
  state->MaybeFinish();
}

}  // namespace kafka::broker
