#include "common/protocol/messages/leave_group.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(LeaveGroupRequest)
KAFKA_PROTOCOL_INSTANTIATE(LeaveGroupResponse)
}  // namespace kafka::protocol
