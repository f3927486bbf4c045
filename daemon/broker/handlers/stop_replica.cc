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
  if (ErrorCode gate = CheckControllerRequest(ctx, req.controller_epoch, req.broker_epoch);
      gate != ErrorCode::kNone) {
    FailAllPartitions(resp, req.topic_states, gate);
    return respond(std::move(resp));
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
