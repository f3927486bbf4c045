// Topic-level configuration: Kafka's topic config keys, their broker-level
// synonyms and defaults (taken from this broker's BrokerConfig), validation of
// CreateTopics configs, and the LogConfig a partition gets from broker defaults
// plus the topic's overrides (/config/topics/<t>).
// Pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/log/log_config.h"
#include "common/util/status.h"
#include "daemon/broker/config/broker_config.h"

namespace kafka::broker {

// Kafka's ConfigSource values (DescribeConfigs v1+).
inline constexpr int8_t kSourceDynamicTopic = 1;
inline constexpr int8_t kSourceStaticBroker = 4;
inline constexpr int8_t kSourceDefault = 5;

struct TopicConfigEntry {
  std::string name;
  std::optional<std::string> value;
  int8_t source = kSourceDefault;
  bool is_default = true;
  std::string broker_synonym;  // empty when none
  std::optional<std::string> broker_value;
};

// Every topic config key with its effective value for a topic with `overrides`.
std::vector<TopicConfigEntry> DescribeTopicConfigs(
    const BrokerConfig& broker, const std::map<std::string, std::string>& overrides);

// Broker-level settings shown by DescribeConfigs for a broker resource.
std::vector<TopicConfigEntry> DescribeBrokerConfigs(const BrokerConfig& broker);

// InvalidArgument (-> INVALID_CONFIG) for an unknown key or a malformed value.
util::Status ValidateTopicConfigs(const BrokerConfig& broker,
                                  const std::map<std::string, std::string>& configs);

// The broker-wide LogConfig (log.* keys).
log::LogConfig BrokerLogConfig(const BrokerConfig& broker);
// Broker defaults with the topic's overrides applied (malformed values ignored).
log::LogConfig TopicLogConfig(const BrokerConfig& broker,
                              const std::map<std::string, std::string>& overrides);

}  // namespace kafka::broker
