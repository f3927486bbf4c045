#include "common/protocol/messages/elect_leaders.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(ElectLeadersRequest)
KAFKA_PROTOCOL_INSTANTIATE(ElectLeadersResponse)
}  // namespace kafka::protocol
