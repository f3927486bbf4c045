#include "common/protocol/messages/create_topics.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(CreateTopicsRequest)
KAFKA_PROTOCOL_INSTANTIATE(CreateTopicsResponse)
}  // namespace kafka::protocol
