// CreatePartitions (key 37), versions 0-3; flexible from 2. Count is the new
// total number of partitions, not the number to add.
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

struct CreatePartitionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  static constexpr Versions kVersions = Range(0, 3);
  static constexpr int16_t kFirstFlexible = 2;

  struct CreatePartitionsAssignment {
    std::vector<int32_t> broker_ids;
    TaggedFields unknown_tags;
    bool operator==(const CreatePartitionsAssignment&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&CreatePartitionsAssignment::broker_ids, "BrokerIds", Since(0)));
    }
  };
  struct CreatePartitionsTopic {
    std::string name;
    int32_t count = 0;
    std::optional<std::vector<CreatePartitionsAssignment>> assignments;
    TaggedFields unknown_tags;
    bool operator==(const CreatePartitionsTopic&) const = default;
    static constexpr auto Fields() {
      using S = CreatePartitionsTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)), Field(&S::count, "Count", Since(0)),
                             Field(&S::assignments, "Assignments", Since(0)).NullableSince(0));
    }
  };

  std::vector<CreatePartitionsTopic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;
  TaggedFields unknown_tags;
  bool operator==(const CreatePartitionsRequest&) const = default;

  static constexpr auto Fields() {
    using S = CreatePartitionsRequest;
    return std::make_tuple(Field(&S::topics, "Topics", Since(0)),
                           Field(&S::timeout_ms, "TimeoutMs", Since(0)),
                           Field(&S::validate_only, "ValidateOnly", Since(0)));
  }
};

struct CreatePartitionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  static constexpr Versions kVersions = Range(0, 3);
  static constexpr int16_t kFirstFlexible = 2;

  struct CreatePartitionsTopicResult {
    std::string name;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    TaggedFields unknown_tags;
    bool operator==(const CreatePartitionsTopicResult&) const = default;
    static constexpr auto Fields() {
      using S = CreatePartitionsTopicResult;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::error_message, "ErrorMessage", Since(0)).NullableSince(0));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<CreatePartitionsTopicResult> results;
  TaggedFields unknown_tags;
  bool operator==(const CreatePartitionsResponse&) const = default;

  static constexpr auto Fields() {
    using S = CreatePartitionsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::results, "Results", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(CreatePartitionsRequest)
KAFKA_PROTOCOL_EXTERN(CreatePartitionsResponse)

}  // namespace kafka::protocol
