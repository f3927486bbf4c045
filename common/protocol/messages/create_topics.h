// CreateTopics (key 19), versions 2-7; flexible from 5. v5+ responses echo the
// topic's partitions, replication factor and configs; v7 adds the topic id.
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

struct CreateTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr Versions kVersions = Range(2, 7);
  static constexpr int16_t kFirstFlexible = 5;

  struct CreatableReplicaAssignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;
    TaggedFields unknown_tags;
    bool operator==(const CreatableReplicaAssignment&) const = default;
    static constexpr auto Fields() {
      using S = CreatableReplicaAssignment;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::broker_ids, "BrokerIds", Since(0)));
    }
  };
  struct CreatableTopicConfig {
    std::string name;
    std::optional<std::string> value;
    TaggedFields unknown_tags;
    bool operator==(const CreatableTopicConfig&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&CreatableTopicConfig::name, "Name", Since(0)),
                             Field(&CreatableTopicConfig::value, "Value", Since(0)).NullableSince(0));
    }
  };
  struct CreatableTopic {
    std::string name;
    int32_t num_partitions = 0;  // -1: broker default (v4+)
    int16_t replication_factor = 0;
    std::vector<CreatableReplicaAssignment> assignments;
    std::vector<CreatableTopicConfig> configs;
    TaggedFields unknown_tags;
    bool operator==(const CreatableTopic&) const = default;
    static constexpr auto Fields() {
      using S = CreatableTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::num_partitions, "NumPartitions", Since(0)),
                             Field(&S::replication_factor, "ReplicationFactor", Since(0)),
                             Field(&S::assignments, "Assignments", Since(0)),
                             Field(&S::configs, "Configs", Since(0)));
    }
  };

  std::vector<CreatableTopic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;
  TaggedFields unknown_tags;
  bool operator==(const CreateTopicsRequest&) const = default;

  static constexpr auto Fields() {
    using S = CreateTopicsRequest;
    return std::make_tuple(Field(&S::topics, "Topics", Since(0)),
                           Field(&S::timeout_ms, "timeoutMs", Since(0)),
                           Field(&S::validate_only, "validateOnly", Since(1)));
  }
};

struct CreateTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr Versions kVersions = Range(2, 7);
  static constexpr int16_t kFirstFlexible = 5;

  struct CreatableTopicConfigs {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    TaggedFields unknown_tags;
    bool operator==(const CreatableTopicConfigs&) const = default;
    static constexpr auto Fields() {
      using S = CreatableTopicConfigs;
      return std::make_tuple(Field(&S::name, "Name", Since(5)),
                             Field(&S::value, "Value", Since(5)).NullableSince(5),
                             Field(&S::read_only, "ReadOnly", Since(5)),
                             Field(&S::config_source, "ConfigSource", Since(5)),
                             Field(&S::is_sensitive, "IsSensitive", Since(5)));
    }
  };
  struct CreatableTopicResult {
    std::string name;
    Uuid topic_id;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    int16_t topic_config_error_code = 0;
    int32_t num_partitions = -1;
    int16_t replication_factor = -1;
    std::optional<std::vector<CreatableTopicConfigs>> configs;
    TaggedFields unknown_tags;
    bool operator==(const CreatableTopicResult&) const = default;
    static constexpr auto Fields() {
      using S = CreatableTopicResult;
      return std::make_tuple(
          Field(&S::name, "Name", Since(0)), Field(&S::topic_id, "TopicId", Since(7)),
          Field(&S::error_code, "ErrorCode", Since(0)),
          Field(&S::error_message, "ErrorMessage", Since(1)).NullableSince(0),
          Field(&S::topic_config_error_code, "TopicConfigErrorCode", Since(5)).Tagged(0, Since(5)),
          Field(&S::num_partitions, "NumPartitions", Since(5)),
          Field(&S::replication_factor, "ReplicationFactor", Since(5)),
          Field(&S::configs, "Configs", Since(5)).NullableSince(5));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<CreatableTopicResult> topics;
  TaggedFields unknown_tags;
  bool operator==(const CreateTopicsResponse&) const = default;

  static constexpr auto Fields() {
    using S = CreateTopicsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(2)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(CreateTopicsRequest)
KAFKA_PROTOCOL_EXTERN(CreateTopicsResponse)

}  // namespace kafka::protocol
