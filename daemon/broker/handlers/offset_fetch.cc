// OffsetFetch v1-8 (v8 batches groups): answered at once from the loaded groups.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleOffsetFetch(const RequestContext& ctx, OffsetFetchRequest req,
                       Respond<OffsetFetchResponse> respond) {
  ctx.broker->coordinator().OffsetFetch(req, ctx.header.api_version,
                                        [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
