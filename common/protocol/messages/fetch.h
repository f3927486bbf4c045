// Fetch (key 1), versions 4-12; flexible from 12 (Records become COMPACT_RECORDS,
// and the partition response gains tagged DivergingEpoch / CurrentLeader /
// SnapshotId). No topic ids (v13+). Records are raw batch bytes.
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

struct FetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr Versions kVersions = Range(4, 12);
  static constexpr int16_t kFirstFlexible = 12;

  struct FetchPartition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;
    int64_t fetch_offset = 0;
    int32_t last_fetched_epoch = -1;
    int64_t log_start_offset = -1;
    int32_t partition_max_bytes = 0;
    TaggedFields unknown_tags;
    bool operator==(const FetchPartition&) const = default;
    static constexpr auto Fields() {
      using S = FetchPartition;
      return std::make_tuple(Field(&S::partition, "Partition", Since(0)),
                             Field(&S::current_leader_epoch, "CurrentLeaderEpoch", Since(9)),
                             Field(&S::fetch_offset, "FetchOffset", Since(0)),
                             Field(&S::last_fetched_epoch, "LastFetchedEpoch", Since(12)),
                             Field(&S::log_start_offset, "LogStartOffset", Since(5)),
                             Field(&S::partition_max_bytes, "PartitionMaxBytes", Since(0)));
    }
  };
  struct FetchTopic {
    std::string topic;
    std::vector<FetchPartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const FetchTopic&) const = default;
    static constexpr auto Fields() {
      using S = FetchTopic;
      return std::make_tuple(Field(&S::topic, "Topic", Range(0, 12)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };
  struct ForgottenTopic {
    std::string topic;
    std::vector<int32_t> partitions;
    TaggedFields unknown_tags;
    bool operator==(const ForgottenTopic&) const = default;
    static constexpr auto Fields() {
      using S = ForgottenTopic;
      return std::make_tuple(Field(&S::topic, "Topic", Range(7, 12)),
                             Field(&S::partitions, "Partitions", Since(7)));
    }
  };

  std::optional<std::string> cluster_id;
  int32_t replica_id = -1;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;
  int8_t isolation_level = 0;
  int32_t session_id = 0;
  int32_t session_epoch = -1;
  std::vector<FetchTopic> topics;
  std::vector<ForgottenTopic> forgotten_topics_data;
  std::string rack_id;
  TaggedFields unknown_tags;
  bool operator==(const FetchRequest&) const = default;

  static constexpr auto Fields() {
    using S = FetchRequest;
    return std::make_tuple(
        Field(&S::cluster_id, "ClusterId", Since(12)).NullableSince(12).Tagged(0, Since(12)),
        Field(&S::replica_id, "ReplicaId", Range(0, 14)),
        Field(&S::max_wait_ms, "MaxWaitMs", Since(0)),
        Field(&S::min_bytes, "MinBytes", Since(0)), Field(&S::max_bytes, "MaxBytes", Since(3)),
        Field(&S::isolation_level, "IsolationLevel", Since(4)),
        Field(&S::session_id, "SessionId", Since(7)),
        Field(&S::session_epoch, "SessionEpoch", Since(7)),
        Field(&S::topics, "Topics", Since(0)),
        Field(&S::forgotten_topics_data, "ForgottenTopicsData", Since(7)),
        Field(&S::rack_id, "RackId", Since(11)));
  }
};

struct FetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr Versions kVersions = Range(4, 12);
  static constexpr int16_t kFirstFlexible = 12;

  struct EpochEndOffset {
    int32_t epoch = -1;
    int64_t end_offset = -1;
    TaggedFields unknown_tags;
    bool operator==(const EpochEndOffset&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&EpochEndOffset::epoch, "Epoch", Since(12)),
                             Field(&EpochEndOffset::end_offset, "EndOffset", Since(12)));
    }
  };
  struct LeaderIdAndEpoch {
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;
    TaggedFields unknown_tags;
    bool operator==(const LeaderIdAndEpoch&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&LeaderIdAndEpoch::leader_id, "LeaderId", Since(12)),
                             Field(&LeaderIdAndEpoch::leader_epoch, "LeaderEpoch", Since(12)));
    }
  };
  struct SnapshotId {
    int64_t end_offset = -1;
    int32_t epoch = -1;
    TaggedFields unknown_tags;
    bool operator==(const SnapshotId&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&SnapshotId::end_offset, "EndOffset", Since(0)),
                             Field(&SnapshotId::epoch, "Epoch", Since(0)));
    }
  };
  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    TaggedFields unknown_tags;
    bool operator==(const AbortedTransaction&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&AbortedTransaction::producer_id, "ProducerId", Since(4)),
                             Field(&AbortedTransaction::first_offset, "FirstOffset", Since(4)));
    }
  };
  struct PartitionData {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;
    EpochEndOffset diverging_epoch;
    LeaderIdAndEpoch current_leader;
    SnapshotId snapshot_id;
    std::optional<std::vector<AbortedTransaction>> aborted_transactions;
    int32_t preferred_read_replica = -1;
    std::optional<std::string> records;
    TaggedFields unknown_tags;
    bool operator==(const PartitionData&) const = default;
    static constexpr auto Fields() {
      using S = PartitionData;
      return std::make_tuple(
          Field(&S::partition_index, "PartitionIndex", Since(0)),
          Field(&S::error_code, "ErrorCode", Since(0)),
          Field(&S::high_watermark, "HighWatermark", Since(0)),
          Field(&S::last_stable_offset, "LastStableOffset", Since(4)),
          Field(&S::log_start_offset, "LogStartOffset", Since(5)),
          Field(&S::diverging_epoch, "DivergingEpoch", Since(12)).Tagged(0, Since(12)),
          Field(&S::current_leader, "CurrentLeader", Since(12)).Tagged(1, Since(12)),
          Field(&S::snapshot_id, "SnapshotId", Since(12)).Tagged(2, Since(12)),
          Field(&S::aborted_transactions, "AbortedTransactions", Since(4)).NullableSince(4),
          Field(&S::preferred_read_replica, "PreferredReadReplica", Since(11)),
          Field(&S::records, "Records", Since(0)).NullableSince(0).Bytes());
    }
  };
  struct FetchableTopicResponse {
    std::string topic;
    std::vector<PartitionData> partitions;
    TaggedFields unknown_tags;
    bool operator==(const FetchableTopicResponse&) const = default;
    static constexpr auto Fields() {
      using S = FetchableTopicResponse;
      return std::make_tuple(Field(&S::topic, "Topic", Range(0, 12)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int32_t session_id = 0;
  std::vector<FetchableTopicResponse> responses;
  TaggedFields unknown_tags;
  bool operator==(const FetchResponse&) const = default;

  static constexpr auto Fields() {
    using S = FetchResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Since(7)),
                           Field(&S::session_id, "SessionId", Since(7)),
                           Field(&S::responses, "Responses", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(FetchRequest)
KAFKA_PROTOCOL_EXTERN(FetchResponse)

}  // namespace kafka::protocol
