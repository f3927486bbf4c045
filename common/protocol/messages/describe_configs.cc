#include "common/protocol/messages/describe_configs.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(DescribeConfigsRequest)
KAFKA_PROTOCOL_INSTANTIATE(DescribeConfigsResponse)
}  // namespace kafka::protocol
