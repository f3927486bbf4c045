// StopReplica v3 (controller -> broker, inter-broker connections only): stop
// fetching / leading each partition, deleting its log when delete_partition.
// Nothing is done for an older controller epoch (STALE_CONTROLLER_EPOCH) or
// an older registration's broker epoch (STALE_BROKER_EPOCH); per partition a leader
// epoch older than ours is FENCED_LEADER_EPOCH (-1 and -2, the "no epoch" and
// "topic deletion" sentinels, skip the check).
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleStopReplica(const RequestContext& ctx, StopReplicaRequest req,
                       Respond<StopReplicaResponse> respond) {
  Broker& broker = *ctx.broker;
  StopReplicaResponse resp;
  auto fail_all = [&](ErrorCode code) {
    resp.error_code = ToWire(code);
    for (const auto& t : req.topic_states) {
      for (const auto& p : t.partition_states) {
        resp.partition_errors.push_back({t.topic_name, p.partition_index, ToWire(code), {}});
      }
    }
    respond(std::move(resp));
  };
  if (!ctx.from_broker()) return fail_all(ErrorCode::kClusterAuthorizationFailed);
  if (req.broker_epoch >= 0 && req.broker_epoch < broker.broker_epoch()) {
    return fail_all(ErrorCode::kStaleBrokerEpoch);  // meant for an earlier incarnation
  }
  if (!broker.replicas().AcceptControllerEpoch(req.controller_epoch)) {
    return fail_all(ErrorCode::kStaleControllerEpoch);
  }
  for (const auto& t : req.topic_states) {
    for (const auto& p : t.partition_states) {
      const ErrorCode e = broker.replicas().StopReplica({t.topic_name, p.partition_index},
                                                        p.leader_epoch, p.delete_partition);
      resp.partition_errors.push_back({t.topic_name, p.partition_index, ToWire(e), {}});
    }
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
