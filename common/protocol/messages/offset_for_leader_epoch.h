// OffsetForLeaderEpoch (key 23), versions 0-4; flexible from 4. "Where does epoch E
// end on the leader?": followers truncate by it (KIP-101/279) and clients validate
// their position after a leader change (KIP-320, librdkafka sends v2+).
// replica_id is -2 (a consumer) before v3 and when a client sends it.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct OffsetForLeaderEpochRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // -1: no fencing check
    int32_t leader_epoch = 0;
    TaggedFields unknown_tags;
    bool operator==(const Partition&) const = default;
    static constexpr auto Fields() {
      using S = Partition;
      return std::make_tuple(Field(&S::partition, "Partition", Since(0)),
                             Field(&S::current_leader_epoch, "CurrentLeaderEpoch", Since(2)),
                             Field(&S::leader_epoch, "LeaderEpoch", Since(0)));
    }
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const Topic&) const = default;
    static constexpr auto Fields() {
      using S = Topic;
      return std::make_tuple(Field(&S::topic, "Topic", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int32_t replica_id = -2;
  std::vector<Topic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetForLeaderEpochRequest&) const = default;

  static constexpr auto Fields() {
    using S = OffsetForLeaderEpochRequest;
    return std::make_tuple(Field(&S::replica_id, "ReplicaId", Since(3)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

struct OffsetForLeaderEpochResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 4;

  struct Partition {
    int16_t error_code = 0;
    int32_t partition = 0;
    int32_t leader_epoch = -1;
    int64_t end_offset = -1;
    TaggedFields unknown_tags;
    bool operator==(const Partition&) const = default;
    static constexpr auto Fields() {
      using S = Partition;
      return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::partition, "Partition", Since(0)),
                             Field(&S::leader_epoch, "LeaderEpoch", Since(1)),
                             Field(&S::end_offset, "EndOffset", Since(0)));
    }
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const Topic&) const = default;
    static constexpr auto Fields() {
      using S = Topic;
      return std::make_tuple(Field(&S::topic, "Topic", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetForLeaderEpochResponse&) const = default;

  static constexpr auto Fields() {
    using S = OffsetForLeaderEpochResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(2)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(OffsetForLeaderEpochRequest)
KAFKA_PROTOCOL_EXTERN(OffsetForLeaderEpochResponse)

}  // namespace kafka::protocol
