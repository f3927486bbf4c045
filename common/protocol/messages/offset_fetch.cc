#include "common/protocol/messages/offset_fetch.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(OffsetFetchRequest)
KAFKA_PROTOCOL_INSTANTIATE(OffsetFetchResponse)
}  // namespace kafka::protocol
