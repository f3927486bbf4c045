// LeaveGroup v0-4 (v3+ batches members): answered at once.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleLeaveGroup(const RequestContext& ctx, LeaveGroupRequest req,
                      Respond<LeaveGroupResponse> respond) {
  ctx.broker->coordinator().LeaveGroup(req, ctx.header.api_version,
                                       [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
