// OffsetCommit v2-8: answered after the commit is appended to __consumer_offsets.
// The logic lives in daemon/broker/group (GroupCoordinator); this is the glue.
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleOffsetCommit(const RequestContext& ctx, OffsetCommitRequest req,
                        Respond<OffsetCommitResponse> respond) {
  ctx.broker->coordinator().OffsetCommit(req, ctx.header.api_version,
                                         [respond](auto resp) { respond(std::move(resp)); });
}

}  // namespace kafka::broker
