// CheckControllerRequest: the gate shared by LeaderAndIsr, StopReplica and
// UpdateMetadata (declared in handlers.h).
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using protocol::ErrorCode;

ErrorCode CheckControllerRequest(const RequestContext& ctx, int32_t controller_epoch,
                                 int64_t broker_epoch) {
  if (!ctx.from_broker()) return ErrorCode::kClusterAuthorizationFailed;
  Broker& broker = *ctx.broker;
  if (broker_epoch >= 0 && broker_epoch < broker.broker_epoch()) {
    return ErrorCode::kStaleBrokerEpoch;  // meant for an earlier incarnation
  }
  if (!broker.AcceptControllerEpoch(controller_epoch)) return ErrorCode::kStaleControllerEpoch;
  return ErrorCode::kNone;
}

}  // namespace kafka::broker
