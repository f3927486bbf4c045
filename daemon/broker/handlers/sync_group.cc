// SyncGroup v0-4: followers are answered once the leader's assignment is stored.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleSyncGroup(const RequestContext& ctx, SyncGroupRequest req,
                     Respond<SyncGroupResponse> respond) {
  ctx.broker->coordinator().SyncGroup(req, ctx.header.api_version,
                                      [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
