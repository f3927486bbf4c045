// ListGroups v0-4 (v4 state filter): the groups this broker coordinates.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleListGroups(const RequestContext& ctx, ListGroupsRequest req,
                      Respond<ListGroupsResponse> respond) {
  ctx.broker->coordinator().ListGroups(req, ctx.header.api_version,
                                       [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
