// DescribeConfigs (key 32), versions 1-2; never flexible in this range (4+ is).
// Resource types: 2 = topic, 4 = broker. Config sources: 1 dynamic topic,
// 4 static broker, 5 default.
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

struct DescribeConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  static constexpr Versions kVersions = Range(1, 2);
  static constexpr int16_t kFirstFlexible = 4;

  struct DescribeConfigsResource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  // null = all
    TaggedFields unknown_tags;
    bool operator==(const DescribeConfigsResource&) const = default;
    static constexpr auto Fields() {
      using S = DescribeConfigsResource;
      return std::make_tuple(
          Field(&S::resource_type, "ResourceType", Since(0)),
          Field(&S::resource_name, "ResourceName", Since(0)),
          Field(&S::configuration_keys, "ConfigurationKeys", Since(0)).NullableSince(0));
    }
  };

  std::vector<DescribeConfigsResource> resources;
  bool include_synonyms = false;
  bool include_documentation = false;
  TaggedFields unknown_tags;
  bool operator==(const DescribeConfigsRequest&) const = default;

  static constexpr auto Fields() {
    using S = DescribeConfigsRequest;
    return std::make_tuple(Field(&S::resources, "Resources", Since(0)),
                           Field(&S::include_synonyms, "IncludeSynonyms", Since(1)),
                           Field(&S::include_documentation, "IncludeDocumentation", Since(3)));
  }
};

struct DescribeConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  static constexpr Versions kVersions = Range(1, 2);
  static constexpr int16_t kFirstFlexible = 4;

  struct DescribeConfigsSynonym {
    std::string name;
    std::optional<std::string> value;
    int8_t source = 0;
    TaggedFields unknown_tags;
    bool operator==(const DescribeConfigsSynonym&) const = default;
    static constexpr auto Fields() {
      using S = DescribeConfigsSynonym;
      return std::make_tuple(Field(&S::name, "Name", Since(1)),
                             Field(&S::value, "Value", Since(1)).NullableSince(1),
                             Field(&S::source, "Source", Since(1)));
    }
  };
  struct DescribeConfigsResourceResult {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    std::vector<DescribeConfigsSynonym> synonyms;
    int8_t config_type = 0;
    std::optional<std::string> documentation;
    TaggedFields unknown_tags;
    bool operator==(const DescribeConfigsResourceResult&) const = default;
    static constexpr auto Fields() {
      using S = DescribeConfigsResourceResult;
      return std::make_tuple(Field(&S::name, "Name", Since(0)),
                             Field(&S::value, "Value", Since(0)).NullableSince(0),
                             Field(&S::read_only, "ReadOnly", Since(0)),
                             Field(&S::is_default, "IsDefault", Only(0)),
                             Field(&S::config_source, "ConfigSource", Since(1)),
                             Field(&S::is_sensitive, "IsSensitive", Since(0)),
                             Field(&S::synonyms, "Synonyms", Since(1)),
                             Field(&S::config_type, "ConfigType", Since(3)),
                             Field(&S::documentation, "Documentation", Since(3)).NullableSince(0));
    }
  };
  struct DescribeConfigsResult {
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<DescribeConfigsResourceResult> configs;
    TaggedFields unknown_tags;
    bool operator==(const DescribeConfigsResult&) const = default;
    static constexpr auto Fields() {
      using S = DescribeConfigsResult;
      return std::make_tuple(Field(&S::error_code, "ErrorCode", Since(0)),
                             Field(&S::error_message, "ErrorMessage", Since(0)).NullableSince(0),
                             Field(&S::resource_type, "ResourceType", Since(0)),
                             Field(&S::resource_name, "ResourceName", Since(0)),
                             Field(&S::configs, "Configs", Since(0)));
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<DescribeConfigsResult> results;
  TaggedFields unknown_tags;
  bool operator==(const DescribeConfigsResponse&) const = default;

  static constexpr auto Fields() {
    using S = DescribeConfigsResponse;
    return std::make_tuple(Field(&S::throttle_time_ms, "ThrottleTimeMs", Since(0)),
                           Field(&S::results, "Results", Since(0)));
  }
};

KAFKA_PROTOCOL_EXTERN(DescribeConfigsRequest)
KAFKA_PROTOCOL_EXTERN(DescribeConfigsResponse)

}  // namespace kafka::protocol
