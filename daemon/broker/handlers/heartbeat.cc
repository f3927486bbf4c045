// Heartbeat v0-4: answered at once by the group coordinator.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleHeartbeat(const RequestContext& ctx, HeartbeatRequest req,
                     Respond<HeartbeatResponse> respond) {
  ctx.broker->coordinator().Heartbeat(req, ctx.header.api_version,
                                      [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
