#include "common/protocol/messages/list_offsets.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ListOffsetsRequest)
KAFKA_PROTOCOL_INSTANTIATE(ListOffsetsResponse)
}  // namespace kafka::protocol
