// DeleteGroups v0-2: deletes Empty groups and their offsets (tombstones).
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleDeleteGroups(const RequestContext& ctx, DeleteGroupsRequest req,
                        Respond<DeleteGroupsResponse> respond) {
  ctx.broker->coordinator().DeleteGroups(
      req.groups_names, [respond](group::GroupCoordinator::DeleteGroupsResult result) {
        DeleteGroupsResponse resp;
        for (auto& [group_id, error] : result) {
          DeleteGroupsResponse::DeletableGroupResult r;
          r.group_id = std::move(group_id);
          r.error_code = error;
          resp.results.push_back(std::move(r));
        }
        respond(std::move(resp));
      });
}

}  // namespace kafka::broker
