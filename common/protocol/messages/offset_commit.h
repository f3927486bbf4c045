// OffsetCommit (key 8), versions 2-8; flexible from 8. RetentionTimeMs exists
// only in v2-4; v6 adds the committed leader epoch, v7 GroupInstanceId.
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

struct OffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr Versions kVersions = Range(2, 8);
  static constexpr int16_t kFirstFlexible = 8;

  struct OffsetCommitRequestPartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> committed_metadata;
    TaggedFields unknown_tags;
    bool operator==(const OffsetCommitRequestPartition&) const = default;
    static constexpr auto Fields() {
      using S = OffsetCommitRequestPartition;
      return std::make_tuple(
          Field(&S::partition_index, "PartitionIndex", Since(0)),
          Field(&S::committed_offset, "CommittedOffset", Since(0)),
          Field(&S::committed_leader_epoch, "CommittedLeaderEpoch", Since(6)),
          Field(&S::committed_metadata, "CommittedMetadata", Since(0)).NullableSince(0));
    }
  };
  struct OffsetCommitRequestTopic {
    std::string name;
    std::vector<OffsetCommitRequestPartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const OffsetCommitRequestTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetCommitRequestTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int64_t retention_time_ms = -1;
  std::vector<OffsetCommitRequestTopic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetCommitRequest&) const = default;

  static constexpr auto Fields() {
    using S = OffsetCommitRequest;
    return std::make_tuple(
        Field(&S::group_id, "GroupId", Since(0)),
        Field(&S::generation_id, "GenerationId", Since(1)),
        Field(&S::member_id, "MemberId", Since(1)),
        Field(&S::group_instance_id, "GroupInstanceId", Since(7)).NullableSince(7),
        Field(&S::retention_time_ms, "RetentionTimeMs", Range(2, 4)),
        Field(&S::topics, "Topics", Since(0)));
  }
};

struct OffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr Versions kVersions = Range(2, 8);
  static constexpr int16_t kFirstFlexible = 8;

  struct OffsetCommitResponsePartition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const OffsetCommitResponsePartition&) const = default;
    static constexpr auto Fields() {
      using S = OffsetCommitResponsePartition;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)));
    }
  };
  struct OffsetCommitResponseTopic {
    std::string name;
    std::vector<OffsetCommitResponsePartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const OffsetCommitResponseTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetCommitResponseTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<OffsetCommitResponseTopic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetCommitResponse&) const = default;

  static constexpr auto Fields() {
    using S = OffsetCommitResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(3)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(OffsetCommitRequest)
KAFKA_PROTOCOL_EXTERN(OffsetCommitResponse)

}  // namespace kafka::protocol
