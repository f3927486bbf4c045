// ListOffsets v1-5: earliest (-2) = log start, latest (-1) = high watermark,
// otherwise the first offset whose timestamp is >= the one asked (time index).
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
      const PartitionInfo* info = broker.cache().GetPartition(topic.name, part.partition_index);
      log::PartitionLog* plog = broker.replicas().Get({topic.name, part.partition_index});
      if (info == nullptr) {
        pr.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
      } else if (info->leader != broker.broker_id() || plog == nullptr) {
        pr.error_code = ToWire(ErrorCode::kNotLeaderOrFollower);
      } else if (version >= 4 && part.current_leader_epoch >= 0 &&
                 part.current_leader_epoch != info->leader_epoch) {
        pr.error_code = ToWire(part.current_leader_epoch < info->leader_epoch
                                   ? ErrorCode::kFencedLeaderEpoch
                                   : ErrorCode::kUnknownLeaderEpoch);
      } else if (part.timestamp == ListOffsetsRequest::kEarliestTimestamp) {
        pr.offset = plog->log_start_offset();
        pr.leader_epoch = info->leader_epoch;
      } else if (part.timestamp == ListOffsetsRequest::kLatestTimestamp) {
        pr.offset = plog->high_watermark();
        pr.leader_epoch = info->leader_epoch;
      } else {
        auto found = plog->OffsetForTimestamp(part.timestamp);
        if (!found.ok()) {
          pr.error_code = ToWire(ErrorCode::kKafkaStorageError);
        } else if (found->has_value() && (*found)->offset < plog->high_watermark()) {
          pr.timestamp = (*found)->timestamp;
          pr.offset = (*found)->offset;
          pr.leader_epoch = info->leader_epoch;
        }
      }
      tr.partitions.push_back(pr);
    }
    resp.topics.push_back(std::move(tr));
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
