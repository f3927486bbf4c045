// OffsetFetch (key 9), versions 1-8; flexible from 6. Up to v7 one group per
// request (null topics = all, from v2); v8 batches groups (Groups / Groups in
// the response) and drops the top-level fields.
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

struct OffsetFetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr Versions kVersions = Range(1, 8);
  static constexpr int16_t kFirstFlexible = 6;

  struct OffsetFetchRequestTopic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    TaggedFields unknown_tags;
    bool operator==(const OffsetFetchRequestTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetFetchRequestTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partition_indexes, "PartitionIndexes", Since(0)));
    }
  };
  struct OffsetFetchRequestGroup {
    std::string group_id;
    std::optional<std::vector<OffsetFetchRequestTopic>> topics;
    TaggedFields unknown_tags;
    bool operator==(const OffsetFetchRequestGroup&) const = default;
    static constexpr auto Fields() {
      using S = OffsetFetchRequestGroup;
      return std::make_tuple(Field(&S::group_id, "groupId", Since(8)),
                             Field(&S::topics, "Topics", Since(8)).NullableSince(8));
    }
  };

  std::string group_id;
  std::optional<std::vector<OffsetFetchRequestTopic>> topics;
  std::vector<OffsetFetchRequestGroup> groups;
  bool require_stable = false;
  TaggedFields unknown_tags;
  bool operator==(const OffsetFetchRequest&) const = default;

  static constexpr auto Fields() {
    using S = OffsetFetchRequest;
    return std::make_tuple(Field(&S::group_id, "GroupId", Range(0, 7)),
                           Field(&S::topics, "Topics", Range(0, 7)).Nullable(Range(2, 7)),
                           Field(&S::groups, "Groups", Since(8)),
                           Field(&S::require_stable, "RequireStable", Since(7)));
  }
};

struct OffsetFetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr Versions kVersions = Range(1, 8);
  static constexpr int16_t kFirstFlexible = 6;

  struct OffsetFetchResponsePartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> metadata;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const OffsetFetchResponsePartition&) const = default;
    static constexpr auto Fields() {
      using S = OffsetFetchResponsePartition;
      // CommittedLeaderEpoch is "5-7" at top level and "8+" inside groups: 5+.
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::committed_offset, "CommittedOffset", Since(0)),
                             Field(&S::committed_leader_epoch, "CommittedLeaderEpoch", Since(5)),
                             Field(&S::metadata, "Metadata", Since(0)).NullableSince(0),
                             Field(&S::error_code, "ErrorCode", Since(0)));
    }
  };
  struct OffsetFetchResponseTopic {
    std::string name;
    std::vector<OffsetFetchResponsePartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const OffsetFetchResponseTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetFetchResponseTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };
  struct OffsetFetchResponseGroup {
    std::string group_id;
    std::vector<OffsetFetchResponseTopic> topics;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const OffsetFetchResponseGroup&) const = default;
    static constexpr auto Fields() {
      using S = OffsetFetchResponseGroup;
      return std::make_tuple(Field(&S::group_id, "groupId", Since(8)),
                             Field(&S::topics, "Topics", Since(8)),
                             Field(&S::error_code, "ErrorCode", Since(8)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<OffsetFetchResponseTopic> topics;
  int16_t error_code = 0;
  std::vector<OffsetFetchResponseGroup> groups;
  TaggedFields unknown_tags;
  bool operator==(const OffsetFetchResponse&) const = default;

  static constexpr auto Fields() {
    using S = OffsetFetchResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(3)),
                           Field(&S::topics, "Topics", Range(0, 7)),
                           Field(&S::error_code, "ErrorCode", Range(2, 7)),
                           Field(&S::groups, "Groups", Since(8)));
  }
};

KAFKA_PROTOCOL_EXTERN(OffsetFetchRequest)
KAFKA_PROTOCOL_EXTERN(OffsetFetchResponse)

}  // namespace kafka::protocol
