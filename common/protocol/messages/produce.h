// Produce (key 0), versions 3-7 (record batch v2 only; 7 allows zstd). Never
// flexible in this range (Kafka's first flexible version is 9). Records are the
// raw batch bytes as sent; see record_batch.h to validate and read them.
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

struct ProduceRequest {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr Versions kVersions = Range(3, 7);
  static constexpr int16_t kFirstFlexible = 9;

  struct PartitionProduceData {
    int32_t index = 0;
    std::optional<std::string> records;
    TaggedFields unknown_tags;
    bool operator==(const PartitionProduceData&) const = default;
    static constexpr auto Fields() {
      using S = PartitionProduceData;
      return std::make_tuple(Field(&S::index, "Index", Since(0)),
                             Field(&S::records, "Records", Since(0)).NullableSince(0).Bytes());
    }
  };
  struct TopicProduceData {
    std::string name;
    std::vector<PartitionProduceData> partition_data;
    TaggedFields unknown_tags;
    bool operator==(const TopicProduceData&) const = default;
    static constexpr auto Fields() {
      using S = TopicProduceData;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partition_data, "PartitionData", Since(0)));
    }
  };

  std::optional<std::string> transactional_id;
  int16_t acks = 0;
  int32_t timeout_ms = 0;
  std::vector<TopicProduceData> topic_data;
  TaggedFields unknown_tags;
  bool operator==(const ProduceRequest&) const = default;

  static constexpr auto Fields() {
    using S = ProduceRequest;
    return std::make_tuple(
        Field(&S::transactional_id, "TransactionalId", Since(3)).NullableSince(0),
        Field(&S::acks, "Acks", Since(0)), Field(&S::timeout_ms, "TimeoutMs", Since(0)),
        Field(&S::topic_data, "TopicData", Since(0)));
  }
};

struct ProduceResponse {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr Versions kVersions = Range(3, 7);
  static constexpr int16_t kFirstFlexible = 9;

  struct PartitionProduceResponse {
    int32_t index = 0;
    int16_t error_code = 0;
    int64_t base_offset = 0;
    int64_t log_append_time_ms = -1;
    int64_t log_start_offset = -1;
    TaggedFields unknown_tags;
    bool operator==(const PartitionProduceResponse&) const = default;
    static constexpr auto Fields() {
      using S = PartitionProduceResponse;
      return std::make_tuple(Field(&S::index, "Index", Since(0)),
                             Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::base_offset, "BaseOffset", Since(0)),
                             Field(&S::log_append_time_ms, "LogAppendTimeMs", Since(2)),
                             Field(&S::log_start_offset, "LogStartOffset", Since(5)));
    }
  };
  struct TopicProduceResponse {
    std::string name;
    std::vector<PartitionProduceResponse> partition_responses;
    TaggedFields unknown_tags;
    bool operator==(const TopicProduceResponse&) const = default;
    static constexpr auto Fields() {
      using S = TopicProduceResponse;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::partition_responses, "PartitionResponses", Since(0)));
    }
  };

  std::vector<TopicProduceResponse> responses;
  int32_t throttle_time_ms = 0;
  TaggedFields unknown_tags;
  bool operator==(const ProduceResponse&) const = default;

  static constexpr auto Fields() {
    using S = ProduceResponse;
    return std::make_tuple(Field(&S::responses, "Responses", Since(0)),
                           Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)));
  }
};

KAFKA_PROTOCOL_EXTERN(ProduceRequest)
KAFKA_PROTOCOL_EXTERN(ProduceResponse)

}  // namespace kafka::protocol
