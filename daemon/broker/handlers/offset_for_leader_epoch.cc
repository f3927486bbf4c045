// OffsetForLeaderEpoch v0-4: "where does epoch E end in your log?" for followers
// truncating after a leader change (KIP-101/279; replica_id >= 0, only from a
// connection that proved it is that broker) and for consumers validating their
// position (KIP-320). Answered by the leader only: the largest epoch <= E in its
// epoch cache and the start of the next one (its LEO for the latest epoch);
// {-1, -1} when every epoch it knows is above E. current_leader_epoch (v2+) is
// checked like Fetch: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleOffsetForLeaderEpoch(const RequestContext& ctx, OffsetForLeaderEpochRequest req,
                                Respond<OffsetForLeaderEpochResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  const bool from_follower = version >= 3 && req.replica_id >= 0;
  OffsetForLeaderEpochResponse resp;
  for (const auto& topic : req.topics) {
    OffsetForLeaderEpochResponse::Topic tr;
    tr.topic = topic.topic;
    for (const auto& part : topic.partitions) {
      OffsetForLeaderEpochResponse::Partition pr;
      pr.partition = part.partition;
      const log::TopicPartition tp{topic.topic, part.partition};
      const log::PartitionLog* plog = broker.replicas().Get(tp);
      ErrorCode check = ErrorCode::kNone;
      if (from_follower && ctx.peer_broker_id != req.replica_id) {
        pr.error_code = ToWire(ErrorCode::kClusterAuthorizationFailed);
      } else if (plog == nullptr && broker.cache().GetPartition(topic.topic, part.partition) ==
                                        nullptr) {
        pr.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
      } else if ((check = broker.replicas().CheckLeader(
                      tp, version >= 2 ? part.current_leader_epoch : -1)) != ErrorCode::kNone) {
        pr.error_code = ToWire(check);
      } else {
        const log::EpochEntry e = plog->EndOffsetForEpoch(part.leader_epoch);
        pr.leader_epoch = e.epoch;
        pr.end_offset = e.start_offset;
      }
      tr.partitions.push_back(pr);
    }
    resp.topics.push_back(std::move(tr));
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
