#include "common/protocol/messages/describe_groups.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(DescribeGroupsRequest)
KAFKA_PROTOCOL_INSTANTIATE(DescribeGroupsResponse)
}  // namespace kafka::protocol
