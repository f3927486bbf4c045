// FindCoordinator (key 10), versions 0-4; flexible from 3. v4 batches keys
// (CoordinatorKeys in, Coordinators out) instead of one Key and one answer.
// KeyType: 0 = group, 1 = transaction.
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

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 3;

  std::string key;
  int8_t key_type = 0;
  std::vector<std::string> coordinator_keys;
  TaggedFields unknown_tags;
  bool operator==(const FindCoordinatorRequest&) const = default;

  static constexpr auto Fields() {
    using S = FindCoordinatorRequest;
    return std::make_tuple(Field(&S::key, "Key", Range(0, 3)),
                           Field(&S::key_type, "KeyType", Since(1)),
                           Field(&S::coordinator_keys, "CoordinatorKeys", Since(4)));
  }
};

struct FindCoordinatorResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr Versions kVersions = Range(0, 4);
  static constexpr int16_t kFirstFlexible = 3;

  struct Coordinator {
    std::string key;
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    TaggedFields unknown_tags;
    bool operator==(const Coordinator&) const = default;
    static constexpr auto Fields() {
      using S = Coordinator;
      return std::make_tuple(Field(&S::key, "Key", Since(4)), Field(&S::node_id, "NodeId", Since(4)),
                             Field(&S::host, "Host", Since(4)), Field(&S::port, "Port", Since(4)),
                             Field(&S::error_code, "ErrorCode", Since(4)),
                             Field(&S::error_message, "ErrorMessage", Since(4)).NullableSince(4));
    }
  };

  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::vector<Coordinator> coordinators;
  TaggedFields unknown_tags;
  bool operator==(const FindCoordinatorResponse&) const = default;

  static constexpr auto Fields() {
    using S = FindCoordinatorResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
                           Field(&S::error_code, "ErrorCode", Range(0, 3)),
                           Field(&S::error_message, "ErrorMessage", Range(1, 3)).Nullable(Range(1, 3)),
                           Field(&S::node_id, "NodeId", Range(0, 3)),
                           Field(&S::host, "Host", Range(0, 3)),
                           Field(&S::port, "Port", Range(0, 3)),
                           Field(&S::coordinators, "Coordinators", Since(4)));
  }
};

KAFKA_PROTOCOL_EXTERN(FindCoordinatorRequest)
KAFKA_PROTOCOL_EXTERN(FindCoordinatorResponse)

}  // namespace kafka::protocol
