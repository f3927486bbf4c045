#include "common/protocol/messages/update_metadata.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(UpdateMetadataRequest)
KAFKA_PROTOCOL_INSTANTIATE(UpdateMetadataResponse)
}  // namespace kafka::protocol
