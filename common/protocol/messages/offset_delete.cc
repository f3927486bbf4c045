#include "common/protocol/messages/offset_delete.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(OffsetDeleteRequest)
KAFKA_PROTOCOL_INSTANTIATE(OffsetDeleteResponse)
}  // namespace kafka::protocol
