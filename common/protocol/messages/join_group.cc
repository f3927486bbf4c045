#include "common/protocol/messages/join_group.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(JoinGroupRequest)
KAFKA_PROTOCOL_INSTANTIATE(JoinGroupResponse)
}  // namespace kafka::protocol
