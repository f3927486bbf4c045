#include "common/protocol/messages/sync_group.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(SyncGroupRequest)
KAFKA_PROTOCOL_INSTANTIATE(SyncGroupResponse)
}  // namespace kafka::protocol
