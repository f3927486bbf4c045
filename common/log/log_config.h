// Per-partition log settings, with Kafka's broker-level names and defaults.
//
// The broker builds one LogConfig from server.properties (FromLookup) and may
// override fields per topic (segment.bytes, retention.ms, ...). Durability is an
// explicit FlushPolicy: Kafka's default is to leave flushing to the OS (both
// intervals "infinite"); a deployment that wants fsync-before-ack sets
// every_messages = 1.
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/util/status.h"

namespace kafka::log {

// When PartitionLog fsyncs on its own (Flush() can always be called explicitly).
struct FlushPolicy {
  // log.flush.interval.messages: flush once this many records are unflushed.
  int64_t every_messages = std::numeric_limits<int64_t>::max();
  // log.flush.interval.ms: flush when the oldest unflushed append is this old
  // (checked on Append and on MaybeFlush(now)).
  int64_t every_ms = std::numeric_limits<int64_t>::max();

  static FlushPolicy EveryAppend() { return FlushPolicy{1, std::numeric_limits<int64_t>::max()}; }
};

// Broker-wide settings of the log cleaner (log.cleaner.*). They ride in the
// LogManager's default LogConfig; per-topic configs ignore them.
struct CleanerSettings {
  bool enable = true;                       // log.cleaner.enable
  int64_t backoff_ms = 15000;               // log.cleaner.backoff.ms: idle wait when nothing to clean
  int64_t dedupe_buffer_size = 134217728;   // log.cleaner.dedupe.buffer.size: offset map memory
  // Not a Kafka key: bytes read per cleaner step, so the broker's io thread is never
  // busy for long (Kafka's cleaner has its own threads; ours runs in slices).
  int64_t step_bytes = 4 << 20;
};

struct LogConfig {
  int64_t segment_bytes = 1024LL * 1024 * 1024;       // log.segment.bytes
  int64_t segment_ms = 168LL * 3600 * 1000;           // log.roll.ms / log.roll.hours
  int64_t retention_ms = 168LL * 3600 * 1000;         // log.retention.{ms,minutes,hours}; -1 = forever
  int64_t retention_bytes = -1;                       // log.retention.bytes; -1 = unlimited
  int64_t index_interval_bytes = 4096;                // log.index.interval.bytes
  int64_t max_message_bytes = 1048588;                // message.max.bytes (one batch)
  FlushPolicy flush;
  // cleanup.policy: "delete" (time/size retention), "compact" (log cleaner), or both.
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  int64_t delete_retention_ms = 86400000;              // delete.retention.ms (tombstones)
  double min_cleanable_dirty_ratio = 0.5;              // min.cleanable.dirty.ratio
  int64_t min_compaction_lag_ms = 0;                   // min.compaction.lag.ms
  int64_t max_compaction_lag_ms = std::numeric_limits<int64_t>::max();  // max.compaction.lag.ms
  CleanerSettings cleaner;                             // broker-wide, see above
  // Wall clock in milliseconds; tests inject a fake one.
  std::function<int64_t()> clock;

  int64_t NowMs() const;

  // Reads Kafka's broker keys through `get` (returns the raw value or nullopt):
  // log.segment.bytes, log.roll.ms|hours, log.retention.ms|minutes|hours (ms wins,
  // then minutes, then hours, as Kafka), log.retention.bytes, log.index.interval.bytes,
  // message.max.bytes, log.flush.interval.messages, log.flush.interval.ms,
  // log.cleanup.policy, log.cleaner.{enable,backoff.ms,dedupe.buffer.size,
  // delete.retention.ms,min.cleanable.ratio,min.compaction.lag.ms,max.compaction.lag.ms}.
  // InvalidArgument names the key and value on a malformed or out-of-range number.
  static util::Result<LogConfig> FromLookup(
      const std::function<std::optional<std::string>(std::string_view)>& get);
};

// Parses a cleanup.policy value ("delete", "compact", "compact,delete", spaces
// allowed); false when it names anything else.
bool ParseCleanupPolicy(std::string_view value, bool* delete_policy, bool* compact_policy);

}  // namespace kafka::log
