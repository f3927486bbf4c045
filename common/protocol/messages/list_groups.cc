#include "common/protocol/messages/list_groups.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ListGroupsRequest)
KAFKA_PROTOCOL_INSTANTIATE(ListGroupsResponse)
}  // namespace kafka::protocol
