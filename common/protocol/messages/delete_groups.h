// DeleteGroups (key 42), versions 0-2; flexible from 2. Deletes empty groups
// and their committed offsets; one error per group.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct DeleteGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;

  std::vector<std::string> groups_names;
  TaggedFields unknown_tags;
  bool operator==(const DeleteGroupsRequest&) const = default;

  static constexpr auto Fields() {
    return std::make_tuple(Field(&DeleteGroupsRequest::groups_names, "GroupsNames", Since(0)));
  }
};

struct DeleteGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;

  struct DeletableGroupResult {
    std::string group_id;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const DeletableGroupResult&) const = default;
    static constexpr auto Fields() {
      using S = DeletableGroupResult;
      return std::make_tuple(Field(&S::group_id, "GroupId", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeletableGroupResult> results;
  TaggedFields unknown_tags;
  bool operator==(const DeleteGroupsResponse&) const = default;

  static constexpr auto Fields() {
    using S = DeleteGroupsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::results, "Results", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(DeleteGroupsRequest)
KAFKA_PROTOCOL_EXTERN(DeleteGroupsResponse)

}  // namespace kafka::protocol
