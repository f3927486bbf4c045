#include "common/protocol/messages/create_partitions.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(CreatePartitionsRequest)
KAFKA_PROTOCOL_INSTANTIATE(CreatePartitionsResponse)
}  // namespace kafka::protocol
