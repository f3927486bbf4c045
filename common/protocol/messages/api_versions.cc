#include "common/protocol/messages/api_versions.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ApiVersionsRequest)
KAFKA_PROTOCOL_INSTANTIATE(ApiVersionsResponse)
}  // namespace kafka::protocol
