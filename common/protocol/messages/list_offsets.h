// ListOffsets (key 2), versions 1-5; never flexible in this range (6+ is).
// Timestamp -1 asks for the latest offset, -2 for the earliest.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct ListOffsetsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr Versions kVersions = Range(1, 5);
  static constexpr int16_t kFirstFlexible = 6;
  static constexpr int64_t kLatestTimestamp = -1;
  static constexpr int64_t kEarliestTimestamp = -2;

  struct ListOffsetsPartition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;
    int64_t timestamp = 0;
    TaggedFields unknown_tags;
    bool operator==(const ListOffsetsPartition&) const = default;
    static constexpr auto Fields() {
      using S = ListOffsetsPartition;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::current_leader_epoch, "CurrentLeaderEpoch", Since(4)),
                             Field(&S::timestamp, "Timestamp", Since(0)));
    }
  };
  struct ListOffsetsTopic {
    std::string name;
    std::vector<ListOffsetsPartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const ListOffsetsTopic&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&ListOffsetsTopic::name, "Name", Since(0)),
                             Field(&ListOffsetsTopic::partitions, "Partitions", Since(0)));
    }
  };

  int32_t replica_id = -1;
  int8_t isolation_level = 0;
  std::vector<ListOffsetsTopic> topics;
  TaggedFields unknown_tags;
  bool operator==(const ListOffsetsRequest&) const = default;

  static constexpr auto Fields() {
    using S = ListOffsetsRequest;
    return std::make_tuple(Field(&S::replica_id, "ReplicaId", Since(0)),
                           Field(&S::isolation_level, "IsolationLevel", Since(2)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

struct ListOffsetsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr Versions kVersions = Range(1, 5);
  static constexpr int16_t kFirstFlexible = 6;

  struct ListOffsetsPartitionResponse {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    int64_t timestamp = -1;
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    TaggedFields unknown_tags;
    bool operator==(const ListOffsetsPartitionResponse&) const = default;
    static constexpr auto Fields() {
      using S = ListOffsetsPartitionResponse;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::timestamp, "Timestamp", Since(1)),
                             Field(&S::offset, "Offset", Since(1)),
                             Field(&S::leader_epoch, "LeaderEpoch", Since(4)));
    }
  };
  struct ListOffsetsTopicResponse {
    std::string name;
    std::vector<ListOffsetsPartitionResponse> partitions;
    TaggedFields unknown_tags;
    bool operator==(const ListOffsetsTopicResponse&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&ListOffsetsTopicResponse::name, "Name", Since(0)),
                             Field(&ListOffsetsTopicResponse::partitions, "Partitions", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<ListOffsetsTopicResponse> topics;
  TaggedFields unknown_tags;
  bool operator==(const ListOffsetsResponse&) const = default;

  static constexpr auto Fields() {
    using S = ListOffsetsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(2)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(ListOffsetsRequest)
KAFKA_PROTOCOL_EXTERN(ListOffsetsResponse)

}  // namespace kafka::protocol
