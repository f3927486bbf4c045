// UpdateMetadata v6 (controller -> every broker, inter-broker connections only):
// live brokers and partition leader/ISR states into the metadata cache, which
// Metadata answers from. Refused from client connections
// (CLUSTER_AUTHORIZATION_FAILED, nothing applied); an older controller epoch than
// the newest seen is STALE_CONTROLLER_EPOCH; a broker epoch older than this
// broker's registration is STALE_BROKER_EPOCH (a request meant for an earlier
// incarnation of this broker id).
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

}  // namespace

void HandleUpdateMetadata(const RequestContext& ctx, UpdateMetadataRequest req,
                          Respond<UpdateMetadataResponse> respond) {
  Broker& broker = *ctx.broker;
  UpdateMetadataResponse resp;
  if (!ctx.from_broker()) {
    Log().warn("[{}] UpdateMetadata from a client connection refused", ctx.peer);
    resp.error_code = ToWire(ErrorCode::kClusterAuthorizationFailed);
    return respond(std::move(resp));
  }
  // Only an older epoch is stale (Kafka's isBrokerEpochStale): the controller may
  // learn our new registration before our own create reply is processed.
  if (req.broker_epoch >= 0 && req.broker_epoch < broker.broker_epoch()) {
    resp.error_code = ToWire(ErrorCode::kStaleBrokerEpoch);
    return respond(std::move(resp));
  }
  if (!broker.AcceptControllerEpoch(req.controller_epoch)) {
    Log().info("[{}] UpdateMetadata from stale controller epoch {} ignored", ctx.peer,
               req.controller_epoch);
    resp.error_code = ToWire(ErrorCode::kStaleControllerEpoch);
    return respond(std::move(resp));
  }
  broker.ApplyUpdateMetadata(req);
  respond(std::move(resp));
}

}  // namespace kafka::broker
