#include "common/protocol/messages/fetch.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(FetchRequest)
KAFKA_PROTOCOL_INSTANTIATE(FetchResponse)
}  // namespace kafka::protocol
