#include "common/protocol/messages/produce.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ProduceRequest)
KAFKA_PROTOCOL_INSTANTIATE(ProduceResponse)
}  // namespace kafka::protocol
