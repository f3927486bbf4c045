// OffsetDelete v0: deletes committed offsets of an Empty group, or of topics an
// active consumer group does not subscribe to.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleOffsetDelete(const RequestContext& ctx, OffsetDeleteRequest req,
                        Respond<OffsetDeleteResponse> respond) {
  std::vector<std::pair<std::string, int32_t>> partitions;
  for (const auto& t : req.topics) {
    for (const auto& p : t.partitions) partitions.emplace_back(t.name, p.partition_index);
  }
  ctx.broker->coordinator().DeleteOffsets(
      req.group_id, partitions, [respond](group::GroupCoordinator::OffsetDeleteResult result) {
        OffsetDeleteResponse resp;
        resp.error_code = result.error_code;
        for (const auto& [tp, error] : result.partitions) {
          if (resp.topics.empty() || resp.topics.back().name != tp.first) {
            OffsetDeleteResponse::OffsetDeleteResponseTopic topic;
            topic.name = tp.first;
            resp.topics.push_back(std::move(topic));
          }
          OffsetDeleteResponse::OffsetDeleteResponsePartition p;
          p.partition_index = tp.second;
          p.error_code = error;
          resp.topics.back().partitions.push_back(p);
        }
        respond(std::move(resp));
      });
}

}  // namespace kafka::broker
