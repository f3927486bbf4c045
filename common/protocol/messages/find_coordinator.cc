#include "common/protocol/messages/find_coordinator.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(FindCoordinatorRequest)
KAFKA_PROTOCOL_INSTANTIATE(FindCoordinatorResponse)
}  // namespace kafka::protocol
