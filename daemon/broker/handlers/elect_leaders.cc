// ElectLeaders v0-2 (kafka-leader-election, AdminClient.electLeaders): preferred
// (v0, or election_type 0) or unclean (1) elections run by the active controller.
// Per partition: none (elected), ELECTION_NOT_NEEDED (already led by the
// preferred replica / has a live leader), PREFERRED_LEADER_NOT_AVAILABLE,
// ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION. A broker that is not
// the active controller answers NOT_CONTROLLER (top level from v1, per partition
// in v0) so the client re-resolves the controller.
#include <map>

#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleElectLeaders(const RequestContext& ctx, ElectLeadersRequest req,
                        Respond<ElectLeadersResponse> respond) {
  const int16_t version = ctx.header.api_version;
  controller::ActiveController* active = ctx.broker->controller().active();
  if (active == nullptr) {
    ElectLeadersResponse resp;
    resp.error_code = ToWire(ErrorCode::kNotController);
    if (version == 0 && req.topic_partitions) {
      for (const auto& t : *req.topic_partitions) {
        ElectLeadersResponse::ReplicaElectionResult r;
        r.topic = t.topic;
        for (int32_t p : t.partitions) {
          r.partition_result.push_back({p, ToWire(ErrorCode::kNotController), std::nullopt, {}});
        }
        resp.replica_election_results.push_back(std::move(r));
      }
    }
    return respond(std::move(resp));
  }
  const bool unclean = version >= 1 && req.election_type == ElectLeadersRequest::kUnclean;
  std::optional<std::vector<controller::PartitionKey>> partitions;
  if (req.topic_partitions) {
    partitions.emplace();
    for (const auto& t : *req.topic_partitions) {
      for (int32_t p : t.partitions) partitions->push_back({t.topic, p});
    }
  }
  active->ElectLeaders(
      unclean, partitions,
      [respond](std::map<controller::PartitionKey, controller::ElectionOutcome> results) {
        ElectLeadersResponse resp;
        for (const auto& [k, outcome] : results) {
          if (resp.replica_election_results.empty() ||
              resp.replica_election_results.back().topic != k.topic) {
            resp.replica_election_results.emplace_back();
            resp.replica_election_results.back().topic = k.topic;
          }
          resp.replica_election_results.back().partition_result.push_back(
              {k.partition, outcome.error_code, outcome.message, {}});
        }
        respond(std::move(resp));
      });
}

}  // namespace kafka::broker
