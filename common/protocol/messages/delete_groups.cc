#include "common/protocol/messages/delete_groups.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(DeleteGroupsRequest)
KAFKA_PROTOCOL_INSTANTIATE(DeleteGroupsResponse)
}  // namespace kafka::protocol
