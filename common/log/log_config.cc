#include "common/log/log_config.h"

#include <charconv>
#include <chrono>
#include <climits>
#include <cstdlib>

namespace kafka::log {

int64_t LogConfig::NowMs() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ParseCleanupPolicy(std::string_view value, bool* delete_policy, bool* compact_policy) {
  bool del = false, compact = false, any = false;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "delete") {
      del = true;
    } else if (item == "compact") {
      compact = true;
    } else {
      return false;
    }
    any = true;
  }
  if (!any) return false;
  *delete_policy = del;
  *compact_policy = compact;
  return true;
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
  if (auto raw = get("log.cleanup.policy")) {
    if (!ParseCleanupPolicy(*raw, &c.cleanup_delete, &c.cleanup_compact) && err.ok()) {
      err = util::Status::InvalidArgument("invalid value '" + *raw + "' for log.cleanup.policy");
    }
  }
  if (auto raw = get("log.cleaner.enable")) {
    if (*raw == "true" || *raw == "false") {
      c.cleaner.enable = *raw == "true";
    } else if (err.ok()) {
      err = util::Status::InvalidArgument("invalid value '" + *raw + "' for log.cleaner.enable");
    }
  }
  if (auto v = num("log.cleaner.backoff.ms", 0)) c.cleaner.backoff_ms = *v;
  if (auto v = num("log.cleaner.dedupe.buffer.size", 0)) c.cleaner.dedupe_buffer_size = *v;
  if (auto v = num("log.cleaner.delete.retention.ms", 0)) c.delete_retention_ms = *v;
  if (auto v = num("log.cleaner.min.compaction.lag.ms", 0)) c.min_compaction_lag_ms = *v;
  if (auto v = num("log.cleaner.max.compaction.lag.ms", 1)) c.max_compaction_lag_ms = *v;
  if (auto raw = get("log.cleaner.min.cleanable.ratio")) {
    char* end = nullptr;
    double v = std::strtod(raw->c_str(), &end);
    if (raw->empty() || end != raw->c_str() + raw->size() || !(v >= 0 && v <= 1)) {
      if (err.ok()) {
        err = util::Status::InvalidArgument("invalid value '" + *raw +
                                            "' for log.cleaner.min.cleanable.ratio");
      }
    } else {
      c.min_cleanable_dirty_ratio = v;
    }
  }
  if (!err.ok()) return err;
  return c;
}

}  // namespace kafka::log
