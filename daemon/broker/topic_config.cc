#include "daemon/broker/topic_config.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace kafka::broker {
namespace {

enum class Kind { kLong, kString, kBool, kDouble };

struct KeyDef {
  const char* name;
  const char* synonym;  // broker key, "" for none
  Kind kind;
};

// Kafka's LogConfig keys (topic level) and the broker keys they default from.
constexpr KeyDef kTopicKeys[] = {
    {"cleanup.policy", "log.cleanup.policy", Kind::kString},
    {"compression.type", "compression.type", Kind::kString},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms", Kind::kLong},
    {"file.delete.delay.ms", "log.segment.delete.delay.ms", Kind::kLong},
    {"flush.messages", "log.flush.interval.messages", Kind::kLong},
    {"flush.ms", "log.flush.interval.ms", Kind::kLong},
    {"follower.replication.throttled.replicas", "", Kind::kString},
    {"index.interval.bytes", "log.index.interval.bytes", Kind::kLong},
    {"leader.replication.throttled.replicas", "", Kind::kString},
    {"max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms", Kind::kLong},
    {"max.message.bytes", "message.max.bytes", Kind::kLong},
    {"message.downconversion.enable", "log.message.downconversion.enable", Kind::kBool},
    {"message.format.version", "log.message.format.version", Kind::kString},
    {"message.timestamp.difference.max.ms", "log.message.timestamp.difference.max.ms",
     Kind::kLong},
    {"message.timestamp.type", "log.message.timestamp.type", Kind::kString},
    {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio", Kind::kDouble},
    {"min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms", Kind::kLong},
    {"min.insync.replicas", "min.insync.replicas", Kind::kLong},
    {"preallocate", "log.preallocate", Kind::kBool},
    {"retention.bytes", "log.retention.bytes", Kind::kLong},
    {"retention.ms", "log.retention.ms", Kind::kLong},
    {"segment.bytes", "log.segment.bytes", Kind::kLong},
    {"segment.index.bytes", "log.index.size.max.bytes", Kind::kLong},
    {"segment.jitter.ms", "log.roll.jitter.ms", Kind::kLong},
    {"segment.ms", "log.roll.ms", Kind::kLong},
    {"unclean.leader.election.enable", "unclean.leader.election.enable", Kind::kBool},
};

std::string BoolStr(bool b) { return b ? "true" : "false"; }

// The broker-level value of a synonym key, as Kafka would print it.
std::string BrokerValue(const BrokerConfig& b, std::string_view key) {
  if (key == "log.cleanup.policy") return b.log_cleanup_policy;
  if (key == "compression.type") return b.compression_type;
  if (key == "log.cleaner.delete.retention.ms") {
    return std::to_string(b.log_cleaner_delete_retention_ms);
  }
  if (key == "log.segment.delete.delay.ms") return std::to_string(b.log_segment_delete_delay_ms);
  if (key == "log.flush.interval.messages") return std::to_string(b.log_flush_interval_messages);
  if (key == "log.flush.interval.ms") {
    return std::to_string(b.log_flush_interval_ms.value_or(b.log_flush_scheduler_interval_ms));
  }
  if (key == "log.index.interval.bytes") return std::to_string(b.log_index_interval_bytes);
  if (key == "log.cleaner.max.compaction.lag.ms") {
    return std::to_string(b.log_cleaner_max_compaction_lag_ms);
  }
  if (key == "message.max.bytes") return std::to_string(b.message_max_bytes);
  if (key == "log.message.downconversion.enable") return "true";
  if (key == "log.message.format.version") return "3.0-IV1";
  if (key == "log.message.timestamp.difference.max.ms") return "9223372036854775807";
  if (key == "log.message.timestamp.type") return "CreateTime";
  if (key == "log.cleaner.min.cleanable.ratio") {
    std::string v = std::to_string(b.log_cleaner_min_cleanable_ratio);  // "0.500000"
    while (v.size() > 1 && v.back() == '0' && v[v.size() - 2] != '.') v.pop_back();
    return v;
  }
  if (key == "log.cleaner.min.compaction.lag.ms") {
    return std::to_string(b.log_cleaner_min_compaction_lag_ms);
  }
  if (key == "min.insync.replicas") return std::to_string(b.min_insync_replicas);
  if (key == "log.preallocate") return "false";
  if (key == "log.retention.bytes") return std::to_string(b.log_retention_bytes);
  if (key == "log.retention.ms") return std::to_string(b.log_retention_ms);
  if (key == "log.segment.bytes") return std::to_string(b.log_segment_bytes);
  if (key == "log.index.size.max.bytes") return std::to_string(b.log_index_size_max_bytes);
  if (key == "log.roll.jitter.ms") return "0";
  if (key == "log.roll.ms") return std::to_string(b.log_roll_ms);
  if (key == "unclean.leader.election.enable") return BoolStr(b.unclean_leader_election_enable);
  return "";
}

std::optional<int64_t> ParseLong(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

const KeyDef* FindKey(std::string_view name) {
  for (const auto& k : kTopicKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

}  // namespace

std::vector<TopicConfigEntry> DescribeTopicConfigs(
    const BrokerConfig& broker, const std::map<std::string, std::string>& overrides) {
  std::vector<TopicConfigEntry> out;
  for (const auto& k : kTopicKeys) {
    TopicConfigEntry e;
    e.name = k.name;
    e.broker_synonym = k.synonym;
    if (*k.synonym) e.broker_value = BrokerValue(broker, k.synonym);
    auto it = overrides.find(k.name);
    if (it != overrides.end()) {
      e.value = it->second;
      e.source = kSourceDynamicTopic;
      e.is_default = false;
    } else {
      e.value = e.broker_value.value_or("");
      e.source = kSourceDefault;
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<TopicConfigEntry> DescribeBrokerConfigs(const BrokerConfig& b) {
  std::vector<TopicConfigEntry> out;
  auto add = [&](const char* name, std::string value) {
    TopicConfigEntry e;
    e.name = name;
    e.value = std::move(value);
    e.source = kSourceStaticBroker;
    e.is_default = false;
    out.push_back(std::move(e));
  };
  add("broker.id", std::to_string(b.broker_id));
  std::string listeners;
  for (const auto& l : b.listeners) listeners += (listeners.empty() ? "" : ",") + l.ToString();
  add("listeners", listeners);
  std::string dirs;
  for (const auto& d : b.log_dirs) dirs += (dirs.empty() ? "" : ",") + d;
  add("log.dirs", dirs);
  add("zookeeper.connect", b.zookeeper.ToString());
  add("num.partitions", std::to_string(b.num_partitions));
  add("default.replication.factor", std::to_string(b.default_replication_factor));
  add("auto.create.topics.enable", BoolStr(b.auto_create_topics_enable));
  add("delete.topic.enable", BoolStr(b.delete_topic_enable));
  add("min.insync.replicas", std::to_string(b.min_insync_replicas));
  add("message.max.bytes", std::to_string(b.message_max_bytes));
  add("log.retention.ms", std::to_string(b.log_retention_ms));
  add("log.retention.bytes", std::to_string(b.log_retention_bytes));
  add("log.segment.bytes", std::to_string(b.log_segment_bytes));
  add("log.roll.ms", std::to_string(b.log_roll_ms));
  add("log.cleanup.policy", b.log_cleanup_policy);
  add("log.cleaner.enable", BoolStr(b.log_cleaner_enable));
  add("offsets.topic.replication.factor", std::to_string(b.offsets_topic_replication_factor));
  add("fetch.max.bytes", std::to_string(b.fetch_max_bytes));
  add("socket.request.max.bytes", std::to_string(b.socket_request_max_bytes));
  return out;
}

util::Status ValidateTopicConfigs(const BrokerConfig& /*broker*/,
                                  const std::map<std::string, std::string>& configs) {
  for (const auto& [name, value] : configs) {
    const KeyDef* k = FindKey(name);
    if (k == nullptr) return util::Status::InvalidArgument("Unknown topic config name: " + name);
    bool ok = true;
    switch (k->kind) {
      case Kind::kLong:
        ok = ParseLong(value).has_value();
        break;
      case Kind::kBool:
        ok = value == "true" || value == "false";
        break;
      case Kind::kDouble: {
        char* end = nullptr;
        std::strtod(value.c_str(), &end);
        ok = !value.empty() && end == value.c_str() + value.size();
        break;
      }
      case Kind::kString:
        break;
    }
    if (name == "cleanup.policy") {
      bool del = false, compact = false;
      ok = log::ParseCleanupPolicy(value, &del, &compact);
    }
    if (name == "message.timestamp.type") ok = value == "CreateTime" || value == "LogAppendTime";
    if (name == "min.cleanable.dirty.ratio" && ok) {
      double v = std::strtod(value.c_str(), nullptr);
      ok = v >= 0 && v <= 1;
    }
    if ((name == "delete.retention.ms" || name == "min.compaction.lag.ms") && ok) {
      ok = *ParseLong(value) >= 0;
    }
    if (name == "max.compaction.lag.ms" && ok) ok = *ParseLong(value) >= 1;
    if (!ok) {
      return util::Status::InvalidArgument("Invalid value " + value + " for configuration " +
                                           name);
    }
  }
  return util::Status::OK();
}

log::LogConfig BrokerLogConfig(const BrokerConfig& b) {
  log::LogConfig c;
  c.segment_bytes = b.log_segment_bytes;
  c.segment_ms = b.log_roll_ms;
  c.retention_ms = b.log_retention_ms;
  c.retention_bytes = b.log_retention_bytes;
  c.index_interval_bytes = b.log_index_interval_bytes;
  c.max_message_bytes = b.message_max_bytes;
  c.flush.every_messages = b.log_flush_interval_messages;
  c.flush.every_ms = b.log_flush_interval_ms.value_or(b.log_flush_scheduler_interval_ms);
  log::ParseCleanupPolicy(b.log_cleanup_policy, &c.cleanup_delete, &c.cleanup_compact);
  c.delete_retention_ms = b.log_cleaner_delete_retention_ms;
  c.min_cleanable_dirty_ratio = b.log_cleaner_min_cleanable_ratio;
  c.min_compaction_lag_ms = b.log_cleaner_min_compaction_lag_ms;
  c.max_compaction_lag_ms = b.log_cleaner_max_compaction_lag_ms;
  c.cleaner.enable = b.log_cleaner_enable;
  c.cleaner.backoff_ms = b.log_cleaner_backoff_ms;
  c.cleaner.dedupe_buffer_size = b.log_cleaner_dedupe_buffer_size;
  return c;
}

log::LogConfig TopicLogConfig(const BrokerConfig& broker,
                              const std::map<std::string, std::string>& overrides) {
  log::LogConfig c = BrokerLogConfig(broker);
  auto apply = [&](const char* key, int64_t& field) {
    auto it = overrides.find(key);
    if (it == overrides.end()) return;
    if (auto v = ParseLong(it->second)) field = *v;
  };
  apply("segment.bytes", c.segment_bytes);
  apply("segment.ms", c.segment_ms);
  apply("retention.ms", c.retention_ms);
  apply("retention.bytes", c.retention_bytes);
  apply("index.interval.bytes", c.index_interval_bytes);
  apply("max.message.bytes", c.max_message_bytes);
  apply("flush.messages", c.flush.every_messages);
  apply("flush.ms", c.flush.every_ms);
  apply("delete.retention.ms", c.delete_retention_ms);
  apply("min.compaction.lag.ms", c.min_compaction_lag_ms);
  apply("max.compaction.lag.ms", c.max_compaction_lag_ms);
  if (auto it = overrides.find("cleanup.policy"); it != overrides.end()) {
    bool del = c.cleanup_delete, compact = c.cleanup_compact;
    if (log::ParseCleanupPolicy(it->second, &del, &compact)) {
      c.cleanup_delete = del;
      c.cleanup_compact = compact;
    }
  }
  if (auto it = overrides.find("min.cleanable.dirty.ratio"); it != overrides.end()) {
    char* end = nullptr;
    double v = std::strtod(it->second.c_str(), &end);
    if (!it->second.empty() && end == it->second.c_str() + it->second.size() && v >= 0 &&
        v <= 1) {
      c.min_cleanable_dirty_ratio = v;
    }
  }
  return c;
}

}  // namespace kafka::broker
