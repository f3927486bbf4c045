// ListOffsets v1-5, leader only (KIP-320 epoch check from v4): earliest (-2) = log
// start, latest (-1) = high watermark (consumers never see uncommitted offsets),
// otherwise the first offset below the HW whose timestamp is >= the one asked.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleListOffsets(const RequestContext& ctx, ListOffsetsRequest req,
                       Respond<ListOffsetsResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  ListOffsetsResponse resp;
  for (const auto& topic : req.topics) {
    ListOffsetsResponse::ListOffsetsTopicResponse tr;
    tr.name = topic.name;
    for (const auto& part : topic.partitions) {
      ListOffsetsResponse::ListOffsetsPartitionResponse pr;
      pr.partition_index = part.partition_index;
      const log::TopicPartition tp{topic.name, part.partition_index};
      const PartitionInfo* info = broker.cache().GetPartition(topic.name, part.partition_index);
      log::PartitionLog* plog = broker.replicas().Get(tp);
      const int32_t leader_epoch = broker.replicas().LeaderEpoch(tp);
      const ErrorCode check =
          broker.replicas().CheckLeader(tp, version >= 4 ? part.current_leader_epoch : -1);
      if (info == nullptr && plog == nullptr) {
        pr.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
      } else if (check != ErrorCode::kNone) {
        pr.error_code = ToWire(check);
      } else if (part.timestamp == ListOffsetsRequest::kEarliestTimestamp) {
        pr.offset = plog->log_start_offset();
        pr.leader_epoch = leader_epoch;
      } else if (part.timestamp == ListOffsetsRequest::kLatestTimestamp) {
        pr.offset = plog->high_watermark();
        pr.leader_epoch = leader_epoch;
      } else {
        auto found = plog->OffsetForTimestamp(part.timestamp);
        if (!found.ok()) {
          pr.error_code = ToWire(ErrorCode::kKafkaStorageError);
        } else if (found->has_value() && (*found)->offset < plog->high_watermark()) {
          pr.timestamp = (*found)->timestamp;
          pr.offset = (*found)->offset;
          pr.leader_epoch = leader_epoch;
        }
      }
      tr.partitions.push_back(pr);
    }
    resp.topics.push_back(std::move(tr));
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
