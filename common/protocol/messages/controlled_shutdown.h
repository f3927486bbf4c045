// ControlledShutdown (key 7), version 3 only (flexible): a stopping broker asks the
// controller to move its leaderships away first; the answer lists the partitions
// it still leads. Inter-broker only.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct ControlledShutdownRequest {
  static constexpr ApiKey kApiKey = ApiKey::kControlledShutdown;
  static constexpr Versions kVersions = Only(3);
  static constexpr int16_t kFirstFlexible = 3;

  int32_t broker_id = 0;
  int64_t broker_epoch = -1;
  TaggedFields unknown_tags;
  bool operator==(const ControlledShutdownRequest&) const = default;

  static constexpr auto Fields() {
    using S = ControlledShutdownRequest;
    return std::make_tuple(Field(&S::broker_id, "BrokerId", Since(0)),
                           Field(&S::broker_epoch, "BrokerEpoch", Since(2)));
  }
};

struct ControlledShutdownResponse {
  static constexpr ApiKey kApiKey = ApiKey::kControlledShutdown;
  static constexpr Versions kVersions = Only(3);
  static constexpr int16_t kFirstFlexible = 3;

  struct RemainingPartition {
    std::string topic_name;
    int32_t partition_index = 0;
    TaggedFields unknown_tags;
    bool operator==(const RemainingPartition&) const = default;
    static constexpr auto Fields() {
      using S = RemainingPartition;
      return std::make_tuple(Field(&S::topic_name, "TopicName", Since(0)),
                             Field(&S::partition_index, "PartitionIndex", Since(0)));
    }
  };

  int16_t error_code = 0;
  std::vector<RemainingPartition> remaining_partitions;
  TaggedFields unknown_tags;
  bool operator==(const ControlledShutdownResponse&) const = default;

  static constexpr auto Fields() {
    using S = ControlledShutdownResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::remaining_partitions, "RemainingPartitions", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(ControlledShutdownRequest)
KAFKA_PROTOCOL_EXTERN(ControlledShutdownResponse)

}  // namespace kafka::protocol
