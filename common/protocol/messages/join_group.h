// JoinGroup (key 11), versions 0-6; flexible from 6. v4+ clients handle
// MEMBER_ID_REQUIRED; v5 adds static membership (GroupInstanceId).
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

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr Versions kVersions = Range(0, 6);
  static constexpr int16_t kFirstFlexible = 6;

  struct JoinGroupRequestProtocol {
    std::string name;
    std::string metadata;
    TaggedFields unknown_tags;
    bool operator==(const JoinGroupRequestProtocol&) const = default;
    static constexpr auto Fields() {
      using S = JoinGroupRequestProtocol;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::metadata, "Metadata", Since(0)).Bytes());
    }
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string protocol_type;
  std::vector<JoinGroupRequestProtocol> protocols;
  TaggedFields unknown_tags;
  bool operator==(const JoinGroupRequest&) const = default;

  static constexpr auto Fields() {
    using S = JoinGroupRequest;
    return std::make_tuple(
        Field(&S::group_id, "GroupId", Since(0)),
        Field(&S::session_timeout_ms, "SessionTimeoutMs", Since(0)),
        Field(&S::rebalance_timeout_ms, "RebalanceTimeoutMs", Since(1)),
        Field(&S::member_id, "MemberId", Since(0)),
        Field(&S::group_instance_id, "GroupInstanceId", Since(5)).NullableSince(5),
        Field(&S::protocol_type, "ProtocolType", Since(0)),
        Field(&S::protocols, "Protocols", Since(0)));
  }
};

struct JoinGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr Versions kVersions = Range(0, 6);
  static constexpr int16_t kFirstFlexible = 6;

  struct JoinGroupResponseMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string metadata;
    TaggedFields unknown_tags;
    bool operator==(const JoinGroupResponseMember&) const = default;
    static constexpr auto Fields() {
      using S = JoinGroupResponseMember;
      return std::make_tuple(
          Field(&S::member_id, "MemberId", Since(0)),
          Field(&S::group_instance_id, "GroupInstanceId", Since(5)).NullableSince(5),
          Field(&S::metadata, "Metadata", Since(0)).Bytes());
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::string protocol_name;  // nullable only from v7, outside our range
  std::string leader;
  std::string member_id;
  std::vector<JoinGroupResponseMember> members;
  TaggedFields unknown_tags;
  bool operator==(const JoinGroupResponse&) const = default;

  static constexpr auto Fields() {
    using S = JoinGroupResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(2)),
                           Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::generation_id, "GenerationId", Since(0)),
                           Field(&S::protocol_name, "ProtocolName", Since(0)),
                           Field(&S::leader, "Leader", Since(0)),
                           Field(&S::member_id, "MemberId", Since(0)),
                           Field(&S::members, "Members", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(JoinGroupRequest)
KAFKA_PROTOCOL_EXTERN(JoinGroupResponse)

}  // namespace kafka::protocol
