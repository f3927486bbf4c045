#include "common/log/log_config.h"

#include <catch2/catch.hpp>

#include <map>

namespace kafka::log {
namespace {

util::Result<LogConfig> FromMap(const std::map<std::string, std::string>& m) {
  return LogConfig::FromLookup([&](std::string_view key) -> std::optional<std::string> {
    auto it = m.find(std::string(key));
    if (it == m.end()) return std::nullopt;
    return it->second;
  });
}

TEST_CASE("log config defaults are Kafka's", "[log]") {
  auto c = FromMap({});
  REQUIRE(c.ok());
  CHECK(c->segment_bytes == 1073741824);
  CHECK(c->segment_ms == 604800000);
  CHECK(c->retention_ms == 604800000);
  CHECK(c->retention_bytes == -1);
  CHECK(c->index_interval_bytes == 4096);
  CHECK(c->flush.every_messages == INT64_MAX);
}

TEST_CASE("retention ms wins over minutes which wins over hours", "[log]") {
  CHECK(FromMap({{"log.retention.hours", "1"}})->retention_ms == 3600000);
  CHECK(FromMap({{"log.retention.hours", "1"}, {"log.retention.minutes", "2"}})->retention_ms ==
        120000);
  CHECK(FromMap({{"log.retention.minutes", "2"}, {"log.retention.ms", "5"}})->retention_ms == 5);
  CHECK(FromMap({{"log.retention.hours", "-1"}})->retention_ms == -1);
  CHECK(FromMap({{"log.roll.hours", "2"}})->segment_ms == 7200000);
  CHECK(FromMap({{"log.flush.interval.messages", "1"}})->flush.every_messages == 1);
}

TEST_CASE("a malformed log config value names the key", "[log]") {
  auto c = FromMap({{"log.segment.bytes", "lots"}});
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().IsInvalidArgument());
  CHECK(c.status().message().find("log.segment.bytes") != std::string::npos);
  CHECK_FALSE(FromMap({{"log.flush.interval.messages", "0"}}).ok());
}

TEST_CASE("cleanup policy and cleaner keys", "[log]") {
  auto d = FromMap({});
  REQUIRE(d.ok());
  CHECK(d->cleanup_delete);
  CHECK_FALSE(d->cleanup_compact);
  CHECK(d->delete_retention_ms == 86400000);
  CHECK(d->min_cleanable_dirty_ratio == 0.5);
  CHECK(d->min_compaction_lag_ms == 0);
  CHECK(d->cleaner.enable);
  CHECK(d->cleaner.backoff_ms == 15000);
  auto c = FromMap({{"log.cleanup.policy", "compact, delete"},
                    {"log.cleaner.enable", "false"},
                    {"log.cleaner.backoff.ms", "100"},
                    {"log.cleaner.delete.retention.ms", "10"},
                    {"log.cleaner.min.cleanable.ratio", "0.01"},
                    {"log.cleaner.min.compaction.lag.ms", "5"}});
  REQUIRE(c.ok());
  CHECK(c->cleanup_delete);
  CHECK(c->cleanup_compact);
  CHECK_FALSE(c->cleaner.enable);
  CHECK(c->cleaner.backoff_ms == 100);
  CHECK(c->delete_retention_ms == 10);
  CHECK(c->min_cleanable_dirty_ratio == 0.01);
  CHECK(c->min_compaction_lag_ms == 5);
  CHECK_FALSE(FromMap({{"log.cleanup.policy", "shred"}}).ok());
  CHECK_FALSE(FromMap({{"log.cleanup.policy", ""}}).ok());
  CHECK_FALSE(FromMap({{"log.cleaner.min.cleanable.ratio", "1.5"}}).ok());
  CHECK_FALSE(FromMap({{"log.cleaner.enable", "yes"}}).ok());
}

}  // namespace
}  // namespace kafka::log
