// StopReplica (key 5), version 3 only (flexible): the controller tells a broker to
// stop replicating partitions (and to delete them when the topic is deleted or the
// replica moved). Inter-broker only (Kafka 2.6-2.8's v3 layout with leader epochs).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct StopReplicaRequest {
  static constexpr ApiKey kApiKey = ApiKey::kStopReplica;
  static constexpr Versions kVersions = Only(3);
  static constexpr int16_t kFirstFlexible = 2;

  struct PartitionState {
    int32_t partition_index = 0;
    int32_t leader_epoch = -1;  // -1: no epoch check; -2: deleting the topic (Kafka's sentinels)
    bool delete_partition = false;
    TaggedFields unknown_tags;
    bool operator==(const PartitionState&) const = default;
    static constexpr auto Fields() {
      using S = PartitionState;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(3)),
                             Field(&S::leader_epoch, "LeaderEpoch", Since(3)),
                             Field(&S::delete_partition, "DeletePartition", Since(3)));
    }
  };
  struct TopicState {
    std::string topic_name;
    std::vector<PartitionState> partition_states;
    TaggedFields unknown_tags;
    bool operator==(const TopicState&) const = default;
    static constexpr auto Fields() {
      using S = TopicState;
      return std::make_tuple(Field(&S::topic_name, "TopicName", Since(3)),
                             Field(&S::partition_states, "PartitionStates", Since(3)));
    }
  };

  int32_t controller_id = 0;
  int32_t controller_epoch = 0;
  int64_t broker_epoch = -1;
  std::vector<TopicState> topic_states;
  TaggedFields unknown_tags;
  bool operator==(const StopReplicaRequest&) const = default;

  static constexpr auto Fields() {
    using S = StopReplicaRequest;
    return std::make_tuple(Field(&S::controller_id, "ControllerId", Since(0)),
                           Field(&S::controller_epoch, "ControllerEpoch", Since(0)),
                           Field(&S::broker_epoch, "BrokerEpoch", Since(1)),
                           Field(&S::topic_states, "TopicStates", Since(3)));
  }
};

struct StopReplicaResponse {
  static constexpr ApiKey kApiKey = ApiKey::kStopReplica;
  static constexpr Versions kVersions = Only(3);
  static constexpr int16_t kFirstFlexible = 2;

  struct PartitionError {
    std::string topic_name;
    int32_t partition_index = 0;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const PartitionError&) const = default;
    static constexpr auto Fields() {
      using S = PartitionError;
      return std::make_tuple(Field(&S::topic_name, "TopicName", Since(0)),
                             Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)));
    }
  };

  int16_t error_code = 0;
  std::vector<PartitionError> partition_errors;
  TaggedFields unknown_tags;
  bool operator==(const StopReplicaResponse&) const = default;

  static constexpr auto Fields() {
    using S = StopReplicaResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::partition_errors, "PartitionErrors", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(StopReplicaRequest)
KAFKA_PROTOCOL_EXTERN(StopReplicaResponse)

}  // namespace kafka::protocol
