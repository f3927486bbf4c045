#include "common/protocol/messages/heartbeat.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(HeartbeatRequest)
KAFKA_PROTOCOL_INSTANTIATE(HeartbeatResponse)
}  // namespace kafka::protocol
