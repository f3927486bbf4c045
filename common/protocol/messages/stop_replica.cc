#include "common/protocol/messages/stop_replica.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(StopReplicaRequest)
KAFKA_PROTOCOL_INSTANTIATE(StopReplicaResponse)
}  // namespace kafka::protocol
