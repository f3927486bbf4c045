// LeaderAndIsr (key 4), version 4 only (flexible): the controller tells a broker
// which partitions it leads or follows. Inter-broker only: both ends are ours, so
// one version (Kafka 2.4-2.8's v4 layout, topics grouped, broker epoch of KIP-380).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct LeaderAndIsrPartitionState {
  int32_t partition_index = 0;
  int32_t controller_epoch = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  int32_t zk_version = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> adding_replicas;
  std::vector<int32_t> removing_replicas;
  bool is_new = false;
  TaggedFields unknown_tags;
  bool operator==(const LeaderAndIsrPartitionState&) const = default;
  static constexpr auto Fields() {
    using S = LeaderAndIsrPartitionState;
    return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                           Field(&S::controller_epoch, "ControllerEpoch", Since(0)),
                           Field(&S::leader, "Leader", Since(0)),
                           Field(&S::leader_epoch, "LeaderEpoch", Since(0)),
                           Field(&S::isr, "Isr", Since(0)),
                           Field(&S::zk_version, "ZkVersion", Since(0)),
                           Field(&S::replicas, "Replicas", Since(0)),
                           Field(&S::adding_replicas, "AddingReplicas", Since(3)),
                           Field(&S::removing_replicas, "RemovingReplicas", Since(3)),
                           Field(&S::is_new, "IsNew", Since(1)));
  }
};

struct LeaderAndIsrRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaderAndIsr;
  static constexpr Versions kVersions = Only(4);
  static constexpr int16_t kFirstFlexible = 4;

  struct TopicState {
    std::string topic_name;
    std::vector<LeaderAndIsrPartitionState> partition_states;
    TaggedFields unknown_tags;
    bool operator==(const TopicState&) const = default;
    static constexpr auto Fields() {
      using S = TopicState;
      return std::make_tuple(Field(&S::topic_name, "TopicName", Since(2)),
                             Field(&S::partition_states, "PartitionStates", Since(2)));
    }
  };
  struct LiveLeader {
    int32_t broker_id = 0;
    std::string host_name;
    int32_t port = 0;
    TaggedFields unknown_tags;
    bool operator==(const LiveLeader&) const = default;
    static constexpr auto Fields() {
      using S = LiveLeader;
      return std::make_tuple(Field(&S::broker_id, "BrokerId", Since(0)),
                             Field(&S::host_name, "HostName", Since(0)),
                             Field(&S::port, "Port", Since(0)));
    }
  };

  int32_t controller_id = 0;
  int32_t controller_epoch = 0;
  int64_t broker_epoch = -1;
  std::vector<TopicState> topic_states;
  std::vector<LiveLeader> live_leaders;
  TaggedFields unknown_tags;
  bool operator==(const LeaderAndIsrRequest&) const = default;

  static constexpr auto Fields() {
    using S = LeaderAndIsrRequest;
    return std::make_tuple(Field(&S::controller_id, "ControllerId", Since(0)),
                           Field(&S::controller_epoch, "ControllerEpoch", Since(0)),
                           Field(&S::broker_epoch, "BrokerEpoch", Since(2)),
                           Field(&S::topic_states, "TopicStates", Since(2)),
                           Field(&S::live_leaders, "LiveLeaders", Since(0)));
  }
};

struct LeaderAndIsrResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaderAndIsr;
  static constexpr Versions kVersions = Only(4);
  static constexpr int16_t kFirstFlexible = 4;

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
  bool operator==(const LeaderAndIsrResponse&) const = default;

  static constexpr auto Fields() {
    using S = LeaderAndIsrResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::partition_errors, "PartitionErrors", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(LeaderAndIsrRequest)
KAFKA_PROTOCOL_EXTERN(LeaderAndIsrResponse)

}  // namespace kafka::protocol
