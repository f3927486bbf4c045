#include "common/protocol/messages/offset_commit.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(OffsetCommitRequest)
KAFKA_PROTOCOL_INSTANTIATE(OffsetCommitResponse)
}  // namespace kafka::protocol
