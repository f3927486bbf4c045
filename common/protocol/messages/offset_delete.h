// OffsetDelete (key 47), version 0; never flexible. Deletes committed offsets
// of partitions the group no longer subscribes to.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct OffsetDeleteRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  static constexpr Versions kVersions = Range(0, 0);
  static constexpr int16_t kFirstFlexible = kNeverFlexible;

  struct OffsetDeleteRequestPartition {
    int32_t partition_index = 0;
    TaggedFields unknown_tags;
    bool operator==(const OffsetDeleteRequestPartition&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(
          Field(&OffsetDeleteRequestPartition::partition_index, "PartitionIndex", Since(0)));
    }
  };
  struct OffsetDeleteRequestTopic {
    std::string name;
    std::vector<OffsetDeleteRequestPartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const OffsetDeleteRequestTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetDeleteRequestTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  std::string group_id;
  std::vector<OffsetDeleteRequestTopic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetDeleteRequest&) const = default;

  static constexpr auto Fields() {
    using S = OffsetDeleteRequest;
    return std::make_tuple(Field(&S::group_id, "GroupId", Since(0)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

struct OffsetDeleteResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  static constexpr Versions kVersions = Range(0, 0);
  static constexpr int16_t kFirstFlexible = kNeverFlexible;

  struct OffsetDeleteResponsePartition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    TaggedFields unknown_tags;
    bool operator==(const OffsetDeleteResponsePartition&) const = default;
    static constexpr auto Fields() {
      using S = OffsetDeleteResponsePartition;
      return std::make_tuple(Field(&S::partition_index, "PartitionIndex", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)));
    }
  };
  struct OffsetDeleteResponseTopic {
    std::string name;
    std::vector<OffsetDeleteResponsePartition> partitions;
    TaggedFields unknown_tags;
    bool operator==(const OffsetDeleteResponseTopic&) const = default;
    static constexpr auto Fields() {
      using S = OffsetDeleteResponseTopic;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partitions, "Partitions", Since(0)));
    }
  };

  int16_t error_code = 0;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetDeleteResponseTopic> topics;
  TaggedFields unknown_tags;
  bool operator==(const OffsetDeleteResponse&) const = default;

  static constexpr auto Fields() {
    using S = OffsetDeleteResponse;
    return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                           Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::topics, "Topics", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(OffsetDeleteRequest)
KAFKA_PROTOCOL_EXTERN(OffsetDeleteResponse)

}  // namespace kafka::protocol
