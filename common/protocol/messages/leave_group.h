// LeaveGroup (key 13), versions 0-4; flexible from 4. v0-2 name one member;
// v3+ send a batch of members (static membership).
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

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  struct MemberIdentity {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    TaggedFields unknown_tags;
    bool operator==(const MemberIdentity&) const = default;
    static constexpr auto Fields() {
      using S = MemberIdentity;
      return std::make_tuple(
          Field(&S::member_id, "MemberId", Since(3)),
          Field(&S::group_instance_id, "GroupInstanceId", Since(3)).NullableSince(3));
    }
  };

  std::string group_id;
  std::string member_id;  // v0-2
  std::vector<MemberIdentity> members;  // v3+
  TaggedFields unknown_tags;
  bool operator==(const LeaveGroupRequest&) const = default;

  static constexpr auto Fields() {
    using S = LeaveGroupRequest;
    return std::make_tuple(Field(&S::group_id, "GroupId", Since(0)),
                           Field(&S::member_id, "MemberId", Range(0, 2)),
                           Field(&S::members, "Members", Since(3)));
  }
};

struct LeaveGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  struct MemberResponse {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const MemberResponse&) const = default;
    static constexpr auto Fields() {
      using S = MemberResponse;
      return std::make_tuple(
          Field(&S::member_id, "MemberId", Since(3)),
          Field(&S::group_instance_id, "GroupInstanceId", Since(3)).NullableSince(3),
          Field(&S::error_code, "ErrorCode", Since(3)));
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<MemberResponse> members;
  TaggedFields unknown_tags;
  bool operator==(const LeaveGroupResponse&) const = default;

  static constexpr auto Fields() {
    using S = LeaveGroupResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::members, "Members", Since(3)));
  }
};

KAFKA_PROTOCOL_EXTERN(LeaveGroupRequest)
KAFKA_PROTOCOL_EXTERN(LeaveGroupResponse)

}  // namespace kafka::protocol
