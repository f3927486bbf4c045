// DescribeGroups v0-5: the groups this broker coordinates (unknown = Dead).
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleDescribeGroups(const RequestContext& ctx, DescribeGroupsRequest req,
                          Respond<DescribeGroupsResponse> respond) {
  ctx.broker->coordinator().DescribeGroups(req, ctx.header.api_version,
                                           [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
