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
  if (ErrorCode gate = CheckControllerRequest(ctx, req.controller_epoch, req.broker_epoch);
      gate != ErrorCode::kNone) {
    Log().info("[{}] UpdateMetadata refused: {}", ctx.peer, ErrorName(gate));
    resp.error_code = ToWire(gate);
    return respond(std::move(resp));
  }
  broker.ApplyUpdateMetadata(req);
  respond(std::move(resp));
}

}  // namespace kafka::broker
