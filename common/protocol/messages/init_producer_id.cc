#include "common/protocol/messages/init_producer_id.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(InitProducerIdRequest)
KAFKA_PROTOCOL_INSTANTIATE(InitProducerIdResponse)
}  // namespace kafka::protocol
