// Leader epoch cache (KIP-101): the start offset of every leader epoch seen in this
// partition's log, persisted in `<partition dir>/leader-epoch-checkpoint`.
//
// Followers ask the leader "where does my epoch E end?" (OffsetsForLeaderEpoch) and
// truncate to the answer instead of to their high watermark. Every mutation rewrites
// the checkpoint atomically before returning, so the file always matches memory.
// Lifecycle: owned by one PartitionLog. Thread safety: none (the log's thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/log/checkpoint.h"
#include "common/util/status.h"

namespace kafka::log {

inline constexpr int32_t kUndefinedEpoch = -1;
inline constexpr int64_t kUndefinedEpochOffset = -1;

class LeaderEpochCache {
 public:
  // Loads `path` (missing = empty). Entries that are not strictly increasing in both
  // epoch and start offset are Corruption.
  static util::Result<LeaderEpochCache> Load(const std::string& path);

  // Records that `epoch` starts at `start_offset`. A no-op when the latest entry
  // already covers it; otherwise removes entries with epoch >= `epoch` or start
  // offset >= `start_offset` (they were never committed) and appends. Negative
  // epochs are ignored (pre-KIP-101 batches).
  util::Status Assign(int32_t epoch, int64_t start_offset);

  // Kafka's endOffsetFor: the largest epoch <= `requested` and the offset where it
  // ended (the start of the next higher epoch, or `log_end_offset` for the latest).
  // {kUndefinedEpoch, kUndefinedEpochOffset} when `requested` is above every known epoch.
  EpochEntry EndOffsetFor(int32_t requested, int64_t log_end_offset) const;

  // Log truncated to `end_offset`: drop entries starting at or after it.
  util::Status TruncateFromEnd(int64_t end_offset);
  // Log start advanced to `start_offset`: drop entries wholly below it and move the
  // last such entry's start up to `start_offset`.
  util::Status TruncateFromStart(int64_t start_offset);
  // Removes everything (log truncated fully).
  util::Status Clear();

  std::optional<EpochEntry> Latest() const;
  int32_t LatestEpoch() const { return entries_.empty() ? kUndefinedEpoch : entries_.back().epoch; }
  const std::vector<EpochEntry>& entries() const { return entries_; }

 private:
  util::Status Persist();

  std::string path_;
  std::vector<EpochEntry> entries_;
};

}  // namespace kafka::log
