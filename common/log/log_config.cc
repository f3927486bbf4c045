#include "common/log/log_config.h"

#include <charconv>
#include <chrono>
#include <climits>

namespace kafka::log {

int64_t LogConfig::NowMs() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

util::Result<LogConfig> LogConfig::FromLookup(
    const std::function<std::optional<std::string>(std::string_view)>& get) {
  LogConfig c;
  util::Status err;
  // Returns the parsed value, or nullopt when absent; records the first error.
  auto num = [&](std::string_view key, int64_t min) -> std::optional<int64_t> {
    auto raw = get(key);
    if (!raw) return std::nullopt;
    std::string_view s = *raw;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < min) {
      if (err.ok()) {
        err = util::Status::InvalidArgument("invalid value '" + *raw + "' for " +
                                            std::string(key));
      }
      return std::nullopt;
    }
    return v;
  };
  if (auto v = num("log.segment.bytes", 14)) {
    if (*v > INT32_MAX) {
      if (err.ok()) err = util::Status::InvalidArgument("log.segment.bytes above 2147483647");
    } else {
      c.segment_bytes = *v;
    }
  }
  if (auto v = num("log.roll.ms", 1)) {
    c.segment_ms = *v;
  } else if (auto h = num("log.roll.hours", 1)) {
    c.segment_ms = *h * 3600 * 1000;
  }
  if (auto v = num("log.retention.ms", -1)) {
    c.retention_ms = *v;
  } else if (auto m = num("log.retention.minutes", -1)) {
    c.retention_ms = *m < 0 ? -1 : *m * 60 * 1000;
  } else if (auto h = num("log.retention.hours", -1)) {
    c.retention_ms = *h < 0 ? -1 : *h * 3600 * 1000;
  }
  if (auto v = num("log.retention.bytes", -1)) c.retention_bytes = *v;
  if (auto v = num("log.index.interval.bytes", 0)) c.index_interval_bytes = *v;
  if (auto v = num("message.max.bytes", 0)) c.max_message_bytes = *v;
  if (auto v = num("log.flush.interval.messages", 1)) c.flush.every_messages = *v;
  if (auto v = num("log.flush.interval.ms", 0)) c.flush.every_ms = *v;
  if (!err.ok()) return err;
  return c;
}

}  // namespace kafka::log
