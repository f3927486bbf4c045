// ElectLeaders (key 43), versions 0-2; flexible from 2. Preferred or unclean leader
// election for the listed partitions, or for every partition when the list is null
// (kafka-leader-election --all-topic-partitions). Answered by the controller.
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

struct ElectLeadersRequest {
  static constexpr ApiKey kApiKey = ApiKey::kElectLeaders;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;
  static constexpr int8_t kPreferred = 0;
  static constexpr int8_t kUnclean = 1;

  struct TopicPartitions {
    std::string topic;
    std::vector<int32_t> partitions;
    TaggedFields unknown_tags;
    bool operator==(const TopicPartitions&) const = default;
    static constexpr auto Fields() {
      using S = TopicPartitions;
      return std::make_tuple(Field(&S::topic, "Topic", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int8_t election_type = kPreferred;  // v0 is always preferred
  std::optional<std::vector<TopicPartitions>> topic_partitions;  // null = every partition
  int32_t timeout_ms = 60000;
  TaggedFields unknown_tags;
  bool operator==(const ElectLeadersRequest&) const = default;

  static constexpr auto Fields() {
    using S = ElectLeadersRequest;
    return std::make_tuple(
        Field(&S::election_type, "ElectionType", Since(1)),
        Field(&S::topic_partitions, "TopicPartitions", Since(0)).NullableSince(0),
        Field(&S::timeout_ms, "TimeoutMs", Since(0)));
  }
};

struct ElectLeadersResponse {
  static constexpr ApiKey kApiKey = ApiKey::kElectLeaders;
  static constexpr Versions kVersions = Range(0, 2);
  static constexpr int16_t kFirstFlexible = 2;

  struct PartitionResult {
    int32_t partition_id = 0;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    TaggedFields unknown_tags;
    bool operator==(const PartitionResult&) const = default;
    static constexpr auto Fields() {
      using S = PartitionResult;
      return std::make_tuple(Field(&S::partition_id, "PartitionId", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::error_message, "ErrorMessage", Since(0)).NullableSince(0));
    }
  };
  struct ReplicaElectionResult {
    std::string topic;
    std::vector<PartitionResult> partition_result;
    TaggedFields unknown_tags;
    bool operator==(const ReplicaElectionResult&) const = default;
    static constexpr auto Fields() {
      using S = ReplicaElectionResult;
      return std::make_tuple(Field(&S::topic, "Topic", Since(0)),
                             Field(&S::partition_result, "PartitionResult", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<ReplicaElectionResult> replica_election_results;
  TaggedFields unknown_tags;
  bool operator==(const ElectLeadersResponse&) const = default;

  static constexpr auto Fields() {
    using S = ElectLeadersResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::error_code, "ErrorCode", Since(1)),
                           Field(&S::replica_election_results, "ReplicaElectionResults", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(ElectLeadersRequest)
KAFKA_PROTOCOL_EXTERN(ElectLeadersResponse)

}  // namespace kafka::protocol
