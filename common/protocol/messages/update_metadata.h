// UpdateMetadata (key 6), version 6 only (flexible): the controller pushes live
// brokers and every partition's leader/ISR to a broker's metadata cache.
// Inter-broker only (Kafka 2.4-2.8's v6 layout: topics grouped, offline replicas).
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

struct UpdateMetadataPartitionState {
  int32_t partition_index = 0;
  int32_t controller_epoch = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  int32_t zk_version = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> offline_replicas;
  TaggedFields unknown_tags;
  bool operator==(const UpdateMetadataPartitionState&) const = default;
  static constexpr auto Fields() {
    using S = UpdateMetadataPartitionState;
    return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                           Field(&S::controller_epoch, "ControllerEpoch", Since(0)),
                           Field(&S::leader, "Leader", Since(0)),
                           Field(&S::leader_epoch, "LeaderEpoch", Since(0)),
                           Field(&S::isr, "Isr", Since(0)),
                           Field(&S::zk_version, "ZkVersion", Since(0)),
                           Field(&S::replicas, "Replicas", Since(0)),
                           Field(&S::offline_replicas, "OfflineReplicas", Since(4)));
  }
};

struct UpdateMetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kUpdateMetadata;
  static constexpr Versions kVersions = Only(6);
  static constexpr int16_t kFirstFlexible = 6;

  struct TopicState {
    std::string topic_name;
    std::vector<UpdateMetadataPartitionState> partition_states;
    TaggedFields unknown_tags;
    bool operator==(const TopicState&) const = default;
    static constexpr auto Fields() {
      using S = TopicState;
      return std::make_tuple(Field(&S::topic_name, "TopicName", Since(5)),
                             Field(&S::partition_states, "PartitionStates", Since(5)));
    }
  };
  struct Endpoint {
    int32_t port = 0;
    std::string host;
    std::string listener;
    int16_t security_protocol = 0;  // 0 PLAINTEXT
    TaggedFields unknown_tags;
    bool operator==(const Endpoint&) const = default;
    static constexpr auto Fields() {
      using S = Endpoint;
      return std::make_tuple(Field(&S::port, "Port", Since(1)), Field(&S::host, "Host", Since(1)),
                             Field(&S::listener, "Listener", Since(3)),
                             Field(&S::security_protocol, "SecurityProtocol", Since(1)));
    }
  };
  struct Broker {
    int32_t id = 0;
    std::vector<Endpoint> endpoints;
    std::optional<std::string> rack;
    TaggedFields unknown_tags;
    bool operator==(const Broker&) const = default;
    static constexpr auto Fields() {
      using S = Broker;
      return std::make_tuple(Field(&S::id, "Id", Since(0)),
                             Field(&S::endpoints, "Endpoints", Since(1)),
                             Field(&S::rack, "Rack", Since(2)).NullableSince(0));
    }
  };

  int32_t controller_id = 0;
  int32_t controller_epoch = 0;
  int64_t broker_epoch = -1;
  std::vector<TopicState> topic_states;
  std::vector<Broker> live_brokers;
  TaggedFields unknown_tags;
  bool operator==(const UpdateMetadataRequest&) const = default;

  static constexpr auto Fields() {
    using S = UpdateMetadataRequest;
    return std::make_tuple(Field(&S::controller_id, "ControllerId", Since(0)),
                           Field(&S::controller_epoch, "ControllerEpoch", Since(0)),
                           Field(&S::broker_epoch, "BrokerEpoch", Since(5)),
                           Field(&S::topic_states, "TopicStates", Since(5)),
                           Field(&S::live_brokers, "LiveBrokers", Since(0)));
  }
};

struct UpdateMetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kUpdateMetadata;
  static constexpr Versions kVersions = Only(6);
  static constexpr int16_t kFirstFlexible = 6;

  int16_t error_code = 0;
  TaggedFields unknown_tags;
  bool operator==(const UpdateMetadataResponse&) const = default;

  static constexpr auto Fields() {
    return std::make_tuple(Field(&UpdateMetadataResponse::error_code, "ErrorCode", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(UpdateMetadataRequest)
KAFKA_PROTOCOL_EXTERN(UpdateMetadataResponse)

}  // namespace kafka::protocol
