// SaslHandshake (key 17), versions 0-1, never flexible; SaslAuthenticate
// (key 36), versions 0-2, flexible from 2. v1 of SaslHandshake means the SASL
// tokens then travel inside SaslAuthenticate requests (Kafka framing) rather
// than as raw length-prefixed bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct SaslHandshakeRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr Versions kVersions = Range(0, 1);
  static constexpr int16_t kFirstFlexible = kNeverFlexible;

  std::string mechanism;
  TaggedFields unknown_tags;
  bool operator==(const SaslHandshakeRequest&) const = default;

  static constexpr auto Fields() {
    return std::make_tuple(Field(&SaslHandshakeRequest::mechanism, "Mechanism", Since(0)));
  }
};

struct SaslHandshakeResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr Versions kVersions = Range(0, 1);
  static constexpr int16_t kFirstFlexible = kNeverFlexible;

  int16_t error_code = 0;
  std::vector<std::string> mechanisms;
  TaggedFields unknown_tags;
  bool operator==(const SaslHandshakeResponse&) const = default;

  static constexpr auto Fields() {
    using S = SaslHandshakeResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::mechanisms, "Mechanisms", Since(0)));
  }
};

struct SaslAuthenticateRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;

  std::string auth_bytes;
  TaggedFields unknown_tags;
  bool operator==(const SaslAuthenticateRequest&) const = default;

  static constexpr auto Fields() {
    return std::make_tuple(
        Field(&SaslAuthenticateRequest::auth_bytes, "AuthBytes", Since(0)).Bytes());
  }
};

struct SaslAuthenticateResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;

  int16_t error_code = 0;
  std::optional<std::string> error_message;
  std::string auth_bytes;
  int64_t session_lifetime_ms = 0;
  TaggedFields unknown_tags;
  bool operator==(const SaslAuthenticateResponse&) const = default;

  static constexpr auto Fields() {
    using S = SaslAuthenticateResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::error_message, "ErrorMessage", Since(0)).NullableSince(0),
                           Field(&S::auth_bytes, "AuthBytes", Since(0)).Bytes(),
                           Field(&S::session_lifetime_ms, "SessionLifetimeMs", Since(1)));
  }
};

KAFKA_PROTOCOL_EXTERN(SaslHandshakeRequest)
KAFKA_PROTOCOL_EXTERN(SaslHandshakeResponse)
KAFKA_PROTOCOL_EXTERN(SaslAuthenticateRequest)
KAFKA_PROTOCOL_EXTERN(SaslAuthenticateResponse)

}  // namespace kafka::protocol
