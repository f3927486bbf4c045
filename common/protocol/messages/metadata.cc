#include "common/protocol/messages/metadata.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(MetadataRequest)
KAFKA_PROTOCOL_INSTANTIATE(MetadataResponse)
}  // namespace kafka::protocol
