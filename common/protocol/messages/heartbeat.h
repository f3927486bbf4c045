// Heartbeat (key 12), versions 0-4; flexible from 4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct HeartbeatRequest {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  TaggedFields unknown_tags;
  bool operator==(const HeartbeatRequest&) const = default;

  static constexpr auto Fields() {
    using S = HeartbeatRequest;
    return std::make_tuple(
        Field(&S::group_id, "GroupId", Since(0)),
        Field(&S::generation_id, "GenerationId", Since(0)),
        Field(&S::member_id, "MemberId", Since(0)),
        Field(&S::group_instance_id, "GroupInstanceId", Since(3)).NullableSince(3));
  }
};

struct HeartbeatResponse {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  TaggedFields unknown_tags;
  bool operator==(const HeartbeatResponse&) const = default;

  static constexpr auto Fields() {
    using S = HeartbeatResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(HeartbeatRequest)
KAFKA_PROTOCOL_EXTERN(HeartbeatResponse)

}  // namespace kafka::protocol
