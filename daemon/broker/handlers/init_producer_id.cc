// InitProducerId v0-4 for idempotent producers: a new producer id (from the
// ZooKeeper-allocated block) with epoch 0, or, from v3, the same id with the next
// epoch when the producer sends its current id/epoch. Transactions are not
// supported yet (no transaction coordinator): a transactional id is refused.
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleInitProducerId(const RequestContext& ctx, InitProducerIdRequest req,
                          Respond<InitProducerIdResponse> respond) {
  InitProducerIdResponse resp;
  if (req.transactional_id && !req.transactional_id->empty()) {
    resp.error_code = ToWire(ErrorCode::kNotCoordinator);
    respond(std::move(resp));
    return;
  }
  if (req.producer_id >= 0 && req.producer_epoch >= 0 && req.producer_epoch < 32766) {
    resp.producer_id = req.producer_id;
    resp.producer_epoch = static_cast<int16_t>(req.producer_epoch + 1);
    respond(std::move(resp));
    return;
  }
  ctx.broker->controller().AllocateProducerId(
      [respond = std::move(respond)](util::Result<int64_t> id) {
        InitProducerIdResponse r;
        if (id.ok()) {
          r.producer_id = *id;
          r.producer_epoch = 0;
        } else {
          r.error_code = ToWire(ErrorCode::kCoordinatorNotAvailable);
        }
        respond(std::move(r));
      });
}

}  // namespace kafka::broker
