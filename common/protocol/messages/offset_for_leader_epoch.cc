#include "common/protocol/messages/offset_for_leader_epoch.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(OffsetForLeaderEpochRequest)
KAFKA_PROTOCOL_INSTANTIATE(OffsetForLeaderEpochResponse)
}  // namespace kafka::protocol
