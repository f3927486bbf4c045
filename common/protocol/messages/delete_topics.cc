#include "common/protocol/messages/delete_topics.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(DeleteTopicsRequest)
KAFKA_PROTOCOL_INSTANTIATE(DeleteTopicsResponse)
}  // namespace kafka::protocol
