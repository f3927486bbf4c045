// ListGroups (key 16), versions 0-4; flexible from 3. v4 adds a state filter.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct ListGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 3;

  std::vector<std::string> states_filter;
  TaggedFields unknown_tags;
  bool operator==(const ListGroupsRequest&) const = default;

  static constexpr auto Fields() {
    return std::make_tuple(Field(&ListGroupsRequest::states_filter, "StatesFilter", Since(4)));
  }
};

struct ListGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 3;

  struct ListedGroup {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;
    TaggedFields unknown_tags;
    bool operator==(const ListedGroup&) const = default;
    static constexpr auto Fields() {
      using S = ListedGroup;
      return std::make_tuple(Field(&S::group_id, "GroupId", Since(0)),
                             Field(&S::protocol_type, "ProtocolType", Since(0)),
                             Field(&S::group_state, "GroupState", Since(4)));
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<ListedGroup> groups;
  TaggedFields unknown_tags;
  bool operator==(const ListGroupsResponse&) const = default;

  static constexpr auto Fields() {
    using S = ListGroupsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::groups, "Groups", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(ListGroupsRequest)
KAFKA_PROTOCOL_EXTERN(ListGroupsResponse)

}  // namespace kafka::protocol
