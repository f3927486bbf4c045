// DescribeGroups (key 15), versions 0-5; flexible from 5.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct DescribeGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr Versions kVersions = Range(0, 5);
  static constexpr int16_t kFirstFlexible = 5;

  std::vector<std::string> groups;
  bool include_authorized_operations = false;
  TaggedFields unknown_tags;
  bool operator==(const DescribeGroupsRequest&) const = default;

  static constexpr auto Fields() {
    using S = DescribeGroupsRequest;
    return std::make_tuple(
        Field(&S::groups, "Groups", Since(0)),
        Field(&S::include_authorized_operations, "IncludeAuthorizedOperations", Since(3)));
  }
};

struct DescribeGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr Versions kVersions = Range(0, 5);
  static constexpr int16_t kFirstFlexible = 5;

  struct DescribedGroupMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::string member_metadata;
    std::string member_assignment;
    TaggedFields unknown_tags;
    bool operator==(const DescribedGroupMember&) const = default;
    static constexpr auto Fields() {
      using S = DescribedGroupMember;
      return std::make_tuple(
          Field(&S::member_id, "MemberId", Since(0)),
          Field(&S::group_instance_id, "GroupInstanceId", Since(4)).NullableSince(4),
          Field(&S::client_id, "ClientId", Since(0)),
          Field(&S::client_host, "ClientHost", Since(0)),
          Field(&S::member_metadata, "MemberMetadata", Since(0)).Bytes(),
          Field(&S::member_assignment, "MemberAssignment", Since(0)).Bytes());
    }
  };
  struct DescribedGroup {
    int16_t error_code = 0;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<DescribedGroupMember> members;
    int32_t authorized_operations = std::numeric_limits<int32_t>::min();
    TaggedFields unknown_tags;
    bool operator==(const DescribedGroup&) const = default;
    static constexpr auto Fields() {
      using S = DescribedGroup;
      return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::group_id, "GroupId", Since(0)),
                             Field(&S::group_state, "GroupState", Since(0)),
                             Field(&S::protocol_type, "ProtocolType", Since(0)),
                             Field(&S::protocol_data, "ProtocolData", Since(0)),
                             Field(&S::members, "Members", Since(0)),
                             Field(&S::authorized_operations, "AuthorizedOperations", Since(3)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<DescribedGroup> groups;
  TaggedFields unknown_tags;
  bool operator==(const DescribeGroupsResponse&) const = default;

  static constexpr auto Fields() {
    using S = DescribeGroupsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::groups, "Groups", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(DescribeGroupsRequest)
KAFKA_PROTOCOL_EXTERN(DescribeGroupsResponse)

}  // namespace kafka::protocol
