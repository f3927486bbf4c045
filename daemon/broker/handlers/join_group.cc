// JoinGroup v0-6: answered when the rebalance completes (or at once on errors
// and MEMBER_ID_REQUIRED).
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleJoinGroup(const RequestContext& ctx, JoinGroupRequest req,
                     Respond<JoinGroupResponse> respond) {
  ctx.broker->coordinator().JoinGroup(
      req, ctx.header.api_version,
      group::ClientInfo{ctx.header.client_id.value_or(""), ClientHost(ctx)},
      [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
