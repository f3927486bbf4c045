// FindCoordinator v0-4 (v4 batches keys): the leader of the group's
// __consumer_offsets partition, creating that topic on first use (see
// Broker::ResolveCoordinator). The response shape lives in daemon/broker/group.
#include "daemon/broker/group/find_coordinator.h"

#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleFindCoordinator(const RequestContext& ctx, FindCoordinatorRequest req,
                           Respond<FindCoordinatorResponse> respond) {
  Broker* broker = ctx.broker;
  respond(group::AnswerFindCoordinator(req, ctx.header.api_version,
                                       [broker](int8_t key_type, const std::string& key) {
                                         return broker->ResolveCoordinator(key_type, key);
                                       }));
}

}  // namespace kafka::broker
