#include "common/protocol/messages/controlled_shutdown.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ControlledShutdownRequest)
KAFKA_PROTOCOL_INSTANTIATE(ControlledShutdownResponse)
}  // namespace kafka::protocol
