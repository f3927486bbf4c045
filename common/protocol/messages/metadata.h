// Metadata (key 3), versions 0-9; flexible from 9.
// Topics semantics differ by version: in v0 an empty array means "all topics";
// from v1 null means all and empty means none. The codec keeps the wire value
// (nullopt = null); encoding nullopt at v0 writes an empty array, which also
// means "all". Topic ids (v10+) are outside our range.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct MetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr Versions kVersions = Range(0, 9);
  static constexpr int16_t kFirstFlexible = 9;

  struct MetadataRequestTopic {
    Uuid topic_id;
    std::string name;
    TaggedFields unknown_tags;
    bool operator==(const MetadataRequestTopic&) const = default;
    static constexpr auto Fields() {
      using S = MetadataRequestTopic;
      return std::make_tuple(Field(&S::topic_id, "TopicId", Since(10)),
                             Field(&S::name, "Name", Since(0)));
    }
  };

  std::optional<std::vector<MetadataRequestTopic>> topics;
  bool allow_auto_topic_creation = true;
  bool include_cluster_authorized_operations = false;
  bool include_topic_authorized_operations = false;
  TaggedFields unknown_tags;
  bool operator==(const MetadataRequest&) const = default;

  static constexpr auto Fields() {
    using S = MetadataRequest;
    return std::make_tuple(
        Field(&S::topics, "Topics", Since(0)).NullableSince(1),
        Field(&S::allow_auto_topic_creation, "AllowAutoTopicCreation", Since(4)),
        Field(&S::include_cluster_authorized_operations, "IncludeClusterAuthorizedOperations",
              Range(8, 10)),
        Field(&S::include_topic_authorized_operations, "IncludeTopicAuthorizedOperations",
              Since(8)));
  }
};

struct MetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr Versions kVersions = Range(0, 9);
  static constexpr int16_t kFirstFlexible = 9;
  static constexpr int32_t kNoAuthorizedOperations = std::numeric_limits<int32_t>::min();

  struct MetadataResponseBroker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
    TaggedFields unknown_tags;
    bool operator==(const MetadataResponseBroker&) const = default;
    static constexpr auto Fields() {
      using S = MetadataResponseBroker;
      return std::make_tuple(Field(&S::node_id, "NodeId", Since(0)),
                             Field(&S::host, "Host", Since(0)),
                             Field(&S::port, "Port", Since(0)),
                             Field(&S::rack, "Rack", Since(1)).NullableSince(1));
    }
  };
  struct MetadataResponsePartition {
    int16_t error_code = 0;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;
    TaggedFields unknown_tags;
    bool operator==(const MetadataResponsePartition&) const = default;
    static constexpr auto Fields() {
      using S = MetadataResponsePartition;
      return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::leader_id, "LeaderId", Since(0)),
                             Field(&S::leader_epoch, "LeaderEpoch", Since(7)),
                             Field(&S::replica_nodes, "ReplicaNodes", Since(0)),
                             Field(&S::isr_nodes, "IsrNodes", Since(0)),
                             Field(&S::offline_replicas, "OfflineReplicas", Since(5)));
    }
  };
  struct MetadataResponseTopic {
    int16_t error_code = 0;
    std::string name;
    Uuid topic_id;
    bool is_internal = false;
    std::vector<MetadataResponsePartition> partitions;
    int32_t topic_authorized_operations = kNoAuthorizedOperations;
    TaggedFields unknown_tags;
    bool operator==(const MetadataResponseTopic&) const = default;
    static constexpr auto Fields() {
      using S = MetadataResponseTopic;
      return std::make_tuple(
          Field(&S::error_code, "ErrorCode", Since(0)), Field(&S::name, "Name", Since(0)),
          Field(&S::topic_id, "TopicId", Since(10)),
          Field(&S::is_internal, "IsInternal", Since(1)),
          Field(&S::partitions, "Partitions", Since(0)),
          Field(&S::topic_authorized_operations, "TopicAuthorizedOperations", Since(8)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<MetadataResponseBroker> brokers;
  std::optional<std::string> cluster_id;
  int32_t controller_id = -1;
  std::vector<MetadataResponseTopic> topics;
  int32_t cluster_authorized_operations = kNoAuthorizedOperations;
  TaggedFields unknown_tags;
  bool operator==(const MetadataResponse&) const = default;

  static constexpr auto Fields() {
    using S = MetadataResponse;
    return std::make_tuple(
        Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(3)),
        Field(&S::brokers, "Brokers", Since(0)),
        Field(&S::cluster_id, "ClusterId", Since(2)).NullableSince(2),
        Field(&S::controller_id, "ControllerId", Since(1)),
        Field(&S::topics, "Topics", Since(0)),
        Field(&S::cluster_authorized_operations, "ClusterAuthorizedOperations", Range(8, 10)));
  }
};

KAFKA_PROTOCOL_EXTERN(MetadataRequest)
KAFKA_PROTOCOL_EXTERN(MetadataResponse)

}  // namespace kafka::protocol
