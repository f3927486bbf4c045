#include "common/protocol/messages/sasl.h"

#include "common/protocol/codec_impl.h"

namespace kafka::protocol {
KAFKA_PROTOCOL_INSTANTIATE(SaslHandshakeRequest)
KAFKA_PROTOCOL_INSTANTIATE(SaslHandshakeResponse)
KAFKA_PROTOCOL_INSTANTIATE(SaslAuthenticateRequest)
KAFKA_PROTOCOL_INSTANTIATE(SaslAuthenticateResponse)
}  // namespace kafka::protocol
