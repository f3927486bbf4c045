// ControlledShutdown v3 (a stopping broker -> the controller, inter-broker
// connections only): the active controller moves the broker's leaderships to
// other ISR members and takes it out of the ISRs, then answers with the
// partitions it still leads (the broker retries while any remain).
// NOT_CONTROLLER on a broker that is not the active controller;
// CLUSTER_AUTHORIZATION_FAILED from client connections.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleControlledShutdown(const RequestContext& ctx, ControlledShutdownRequest req,
                              Respond<ControlledShutdownResponse> respond) {
  ControlledShutdownResponse resp;
  if (!ctx.from_broker()) {
    resp.error_code = ToWire(ErrorCode::kClusterAuthorizationFailed);
    return respond(std::move(resp));
  }
  controller::ActiveController* active = ctx.broker->controller().active();
  if (active == nullptr) {
    resp.error_code = ToWire(ErrorCode::kNotController);
    return respond(std::move(resp));
  }
  active->ControlledShutdown(
      req.broker_id, req.broker_epoch,
      [respond](controller::ActiveController::ShutdownResult result) {
        ControlledShutdownResponse out;
        out.error_code = result.error_code;
        for (const auto& k : result.remaining) {
          ControlledShutdownResponse::RemainingPartition p;
          p.topic_name = k.topic;
          p.partition_index = k.partition;
          out.remaining_partitions.push_back(std::move(p));
        }
        respond(std::move(out));
      });
}

}  // namespace kafka::broker
