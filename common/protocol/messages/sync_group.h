// SyncGroup (key 14), versions 0-4; flexible from 4. The leader sends every
// member's assignment; everyone gets their own back.
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

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  struct SyncGroupRequestAssignment {
    std::string member_id;
    std::string assignment;
    TaggedFields unknown_tags;
    bool operator==(const SyncGroupRequestAssignment&) const = default;
    static constexpr auto Fields() {
      using S = SyncGroupRequestAssignment;
      return std::make_tuple(Field(&S::member_id, "MemberId", Since(0)),
                             Field(&S::assignment, "Assignment", Since(0)).Bytes());
    }
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<SyncGroupRequestAssignment> assignments;
  TaggedFields unknown_tags;
  bool operator==(const SyncGroupRequest&) const = default;

  static constexpr auto Fields() {
    using S = SyncGroupRequest;
    return std::make_tuple(
        Field(&S::group_id, "GroupId", Since(0)),
        Field(&S::generation_id, "GenerationId", Since(0)),
        Field(&S::member_id, "MemberId", Since(0)),
        Field(&S::group_instance_id, "GroupInstanceId", Since(3)).NullableSince(3),
        Field(&S::assignments, "Assignments", Since(0)));
  }
};

struct SyncGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::string assignment;
  TaggedFields unknown_tags;
  bool operator==(const SyncGroupResponse&) const = default;

  static constexpr auto Fields() {
    using S = SyncGroupResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::assignment, "Assignment", Since(0)).Bytes());
  }
};

KAFKA_PROTOCOL_EXTERN(SyncGroupRequest)
KAFKA_PROTOCOL_EXTERN(SyncGroupResponse)

}  // namespace kafka::protocol
