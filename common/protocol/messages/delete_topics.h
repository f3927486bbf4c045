// DeleteTopics (key 20), versions 1-6; flexible from 4. Up to v5 topics are a
// list of names; v6 sends DeleteTopicState (name or topic id) instead.
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

struct DeleteTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr Versions kVersions = Range(1, 6);
  static constexpr int16_t kFirstFlexible = 4;

  struct DeleteTopicState {
    std::optional<std::string> name;
    Uuid topic_id;
    TaggedFields unknown_tags;
    bool operator==(const DeleteTopicState&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&DeleteTopicState::name, "Name", Since(6)).NullableSince(6),
                             Field(&DeleteTopicState::topic_id, "TopicId", Since(6)));
    }
  };

  std::vector<DeleteTopicState> topics;  // v6+
  std::vector<std::string> topic_names;  // v0-5
  int32_t timeout_ms = 0;
  TaggedFields unknown_tags;
  bool operator==(const DeleteTopicsRequest&) const = default;

  static constexpr auto Fields() {
    using S = DeleteTopicsRequest;
    return std::make_tuple(Field(&S::topics, "Topics", Since(6)),
                           Field(&S::topic_names, "TopicNames", Range(0, 5)),
                           Field(&S::timeout_ms, "TimeoutMs", Since(0)));
  }
};

struct DeleteTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr Versions kVersions = Range(1, 6);
  static constexpr int16_t kFirstFlexible = 4;

  struct DeletableTopicResult {
    std::optional<std::string> name;
    Uuid topic_id;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    TaggedFields unknown_tags;
    bool operator==(const DeletableTopicResult&) const = default;
    static constexpr auto Fields() {
      using S = DeletableTopicResult;
      return std::make_tuple(Field(&S::name, "Name", Since(0)).NullableSince(6),
                             Field(&S::topic_id, "TopicId", Since(6)),
                             Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::error_message, "ErrorMessage", Since(5)).NullableSince(5));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeletableTopicResult> responses;
  TaggedFields unknown_tags;
  bool operator==(const DeleteTopicsResponse&) const = default;

  static constexpr auto Fields() {
    using S = DeleteTopicsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::responses, "Responses", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(DeleteTopicsRequest)
KAFKA_PROTOCOL_EXTERN(DeleteTopicsResponse)

}  // namespace kafka::protocol
