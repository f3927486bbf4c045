#include "common/protocol/messages/leader_and_isr.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(LeaderAndIsrRequest)
KAFKA_PROTOCOL_INSTANTIATE(LeaderAndIsrResponse)
}  // namespace kafka::protocol
