// LeaderAndIsr v4 (controller -> broker, inter-broker connections only): a thin
// call of ReplicaManager::ApplyLeaderAndIsr per partition. Nothing is applied when
// the controller epoch is older than the newest seen (STALE_CONTROLLER_EPOCH) or
// the broker epoch is older than our registration's (STALE_BROKER_EPOCH, Kafka's
// isBrokerEpochStale); per partition an older leader epoch is FENCED_LEADER_EPOCH
// and the same one a no-op. Refused (CLUSTER_AUTHORIZATION_FAILED) from client
// connections.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/topic_config.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleLeaderAndIsr(const RequestContext& ctx, LeaderAndIsrRequest req,
                        Respond<LeaderAndIsrResponse> respond) {
  Broker& broker = *ctx.broker;
  LeaderAndIsrResponse resp;
  if (ErrorCode gate = CheckControllerRequest(ctx, req.controller_epoch, req.broker_epoch);
      gate != ErrorCode::kNone) {
    FailAllPartitions(resp, req.topic_states, gate);
    return respond(std::move(resp));
  }
  for (const auto& t : req.topic_states) {
    const TopicInfo* topic = broker.cache().GetTopic(t.topic_name);
    const log::LogConfig config =
        TopicLogConfig(broker.config(), topic ? topic->configs : std::map<std::string, std::string>{});
    for (const auto& p : t.partition_states) {
      PartitionRole role;
      role.controller_epoch = p.controller_epoch;
      role.leader = p.leader;
      role.leader_epoch = p.leader_epoch;
      role.isr = p.isr;
      role.zk_version = p.zk_version;
      role.replicas = p.replicas;
      const ErrorCode e =
          broker.replicas().ApplyLeaderAndIsr({t.topic_name, p.partition_index}, config, role);
      resp.partition_errors.push_back({t.topic_name, p.partition_index, ToWire(e), {}});
    }
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
