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

}  // namespace
}  // namespace kafka::log
