// ApiVersions (key 18), versions 0-3; flexible from 3. The response header is
// always v0 (header.h). On an unsupported ApiVersions version the broker answers
// with a v0 body holding UNSUPPORTED_VERSION and at least its ApiVersions range.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol {

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr Versions kVersions = Range(0, 3);
  static constexpr int16_t kFirstFlexible = 3;

  std::string client_software_name;
  std::string client_software_version;
  TaggedFields unknown_tags;
  bool operator==(const ApiVersionsRequest&) const = default;

  static constexpr auto Fields() {
    using S = ApiVersionsRequest;
    return std::make_tuple(
        Field(&S::client_software_name, "ClientSoftwareName", Since(3)),
        Field(&S::client_software_version, "ClientSoftwareVersion", Since(3)));
  }
};

struct ApiVersionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr Versions kVersions = Range(0, 3);
  static constexpr int16_t kFirstFlexible = 3;

  struct ApiVersion {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
    TaggedFields unknown_tags;
    bool operator==(const ApiVersion&) const = default;
    static constexpr auto Fields() {
      return std::make_tuple(Field(&ApiVersion::api_key, "ApiKey", Since(0)),
                             Field(&ApiVersion::min_version, "MinVersion", Since(0)),
                             Field(&ApiVersion::max_version, "MaxVersion", Since(0)));
    }
  };
  struct SupportedFeatureKey {
    std::string name;
    int16_t min_version = 0;
    int16_t max_version = 0;
    TaggedFields unknown_tags;
    bool operator==(const SupportedFeatureKey&) const = default;
    static constexpr auto Fields() {
      using S = SupportedFeatureKey;
      return std::make_tuple(Field(&S::name, "Name", Since(3)),
                             Field(&S::min_version, "MinVersion", Since(3)),
                             Field(&S::max_version, "MaxVersion", Since(3)));
    }
  };
  struct FinalizedFeatureKey {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;
    TaggedFields unknown_tags;
    bool operator==(const FinalizedFeatureKey&) const = default;
    static constexpr auto Fields() {
      using S = FinalizedFeatureKey;
      return std::make_tuple(Field(&S::name, "Name", Since(3)),
                             Field(&S::max_version_level, "MaxVersionLevel", Since(3)),
                             Field(&S::min_version_level, "MinVersionLevel", Since(3)));
    }
  };

  int16_t error_code = 0;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;
  std::vector<SupportedFeatureKey> supported_features;
  int64_t finalized_features_epoch = -1;
  std::vector<FinalizedFeatureKey> finalized_features;
  bool zk_migration_ready = false;
  TaggedFields unknown_tags;
  bool operator==(const ApiVersionsResponse&) const = default;

  static constexpr auto Fields() {
    using S = ApiVersionsResponse;
    return std::make_tuple(
        Field(&S::error_code, "ErrorCode", Since(0)),
        Field(&S::api_keys, "ApiKeys", Since(0)),
        Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(1)),
        Field(&S::supported_features, "SupportedFeatures", Since(3)).Tagged(0, Since(3)),
        Field(&S::finalized_features_epoch, "FinalizedFeaturesEpoch", Since(3)).Tagged(1, Since(3)),
        Field(&S::finalized_features, "FinalizedFeatures", Since(3)).Tagged(2, Since(3)),
        Field(&S::zk_migration_ready, "ZkMigrationReady", Since(3)).Tagged(3, Since(3)));
  }
};

KAFKA_PROTOCOL_EXTERN(ApiVersionsRequest)
KAFKA_PROTOCOL_EXTERN(ApiVersionsResponse)

}  // namespace kafka::protocol
