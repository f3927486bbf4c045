// InitProducerId (key 22), versions 0-4; flexible from 2. v3+ lets an
// idempotent producer bump its epoch by sending its current id and epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct InitProducerIdRequest {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 2;

  std::optional<std::string> transactional_id;
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  TaggedFields unknown_tags;
  bool operator==(const InitProducerIdRequest&) const = default;

  static constexpr auto Fields() {
    using S = InitProducerIdRequest;
    return std::make_tuple(
        Field(&S::transactional_id, "TransactionalId", Since(0)).NullableSince(0),
        Field(&S::transaction_timeout_ms, "TransactionTimeoutMs", Since(0)),
        Field(&S::producer_id, "ProducerId", Since(3)),
        Field(&S::producer_epoch, "ProducerEpoch", Since(3)));
  }
};

struct InitProducerIdResponse {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 2;

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;
  TaggedFields unknown_tags;
  bool operator==(const InitProducerIdResponse&) const = default;

  static constexpr auto Fields() {
    using S = InitProducerIdResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::producer_id, "ProducerId", Since(0)),
                           Field(&S::producer_epoch, "ProducerEpoch", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(InitProducerIdRequest)
KAFKA_PROTOCOL_EXTERN(InitProducerIdResponse)

}  // namespace kafka::protocol
