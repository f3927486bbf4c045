// PartitionLog: the storage of one Kafka partition, `<log.dir>/<topic>-<partition>/`.
//
// A sequence of LogSegments (the last one is "active" and takes appends), a leader
// epoch cache, and the offsets the broker reasons about: log start offset, log end
// offset (LEO, the next offset to assign), high watermark (set by the owner; the log
// only clamps and persists it) and recovery point (everything below it is fsynced).
//
// Batches are stored exactly as received; Append stamps only base offset and
// partition leader epoch (both outside the CRC). Appends validate every batch
// (length, magic 2, CRC-32C) and reject the whole request on the first bad one.
//
// Durability follows LogConfig::flush (Kafka's default: the OS decides). An fsync
// or write failure is sticky: the log refuses further appends (fsyncgate: the data
// may be gone from the page cache), and the owner should treat the log dir as failed.
//
// Lifecycle: created by Open (or LogManager). Thread safety: NONE. The broker uses
// each PartitionLog from its single io thread only; callers must not share it.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log/checkpoint.h"
#include "common/log/leader_epoch_cache.h"
#include "common/log/log_config.h"
#include "common/log/segment.h"
#include "common/util/status.h"

namespace kafka::log {

// ListOffsets special timestamps.
inline constexpr int64_t kLatestTimestamp = -1;
inline constexpr int64_t kEarliestTimestamp = -2;
inline constexpr int64_t kMaxTimestamp = -3;

// What the owner knows from the log-dir checkpoints when opening a partition.
struct LoadHints {
  bool clean_shutdown = false;   // `.kafka_cleanshutdown` was present: skip recovery
  int64_t recovery_point = 0;    // segments wholly below it are trusted
  int64_t log_start_offset = 0;  // from log-start-offset-checkpoint
  int64_t high_watermark = 0;    // from replication-offset-checkpoint
};

struct AppendInfo {
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t max_timestamp = -1;
  int64_t offset_of_max_timestamp = -1;
  int32_t batch_count = 0;
  int64_t record_count = 0;
  uint64_t bytes = 0;
};

struct ReadInfo {
  std::string records;       // whole batches; may start before the requested offset
  int64_t next_offset = -1;  // offset after the last returned batch (= start if none)
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  int64_t high_watermark = 0;
};

class PartitionLog {
 public:
  // Closes every file without flushing (the owner flushes first on clean shutdown).
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Opens (creating if needed) the partition directory `dir`. Unless
  // hints.clean_shutdown, every segment from the one holding hints.recovery_point
  // on is validated batch by batch; the first bad or partial batch and everything
  // after it (later segments too) is removed, with a warning giving the bytes cut.
  static util::Result<std::unique_ptr<PartitionLog>> Open(const std::string& dir,
                                                          const TopicPartition& tp,
                                                          const LogConfig& config,
                                                          const LoadHints& hints = {});

  // Leader append: validates `records` (one or more v2 batches), assigns offsets from
  // LEO, stamps `leader_epoch`, rolls segments as needed and updates the indexes.
  // Nothing is written unless every batch is valid. Errors, with the Kafka code the
  // broker should answer:
  //   Corruption       empty input or a batch failing validation  CORRUPT_MESSAGE
  //   InvalidArgument  a batch above max_message_bytes            MESSAGE_TOO_LARGE
  //   Aborted          leader_epoch below the latest epoch        NOT_LEADER_OR_FOLLOWER
  //   IOError          disk failure (sticky, see failure())       KAFKA_STORAGE_ERROR
  util::Result<AppendInfo> Append(std::string_view records, int32_t leader_epoch);
  // The same without a copy: stamps offsets and epoch into the caller's buffer.
  util::Result<AppendInfo> AppendInPlace(std::span<char> records, int32_t leader_epoch);
  // Follower append: batches keep the leader's offsets and epochs; each base offset
  // must be >= LEO (InvalidArgument otherwise). Updates the epoch cache.
  util::Result<AppendInfo> AppendAsFollower(std::string_view records);

  // Whole batches starting with the one that contains `offset`, up to `max_bytes`
  // (the first batch is returned whole even if larger, when min_one_batch), stopping
  // before any batch whose last offset is >= max_offset (pass the high watermark for
  // consumers). NotFound: `offset` outside [log start, LEO] (OFFSET_OUT_OF_RANGE).
  // Allocates up to max(max_bytes, first batch size): the caller caps max_bytes
  // (Kafka's fetch.max.bytes / max.partition.fetch.bytes).
  util::Result<ReadInfo> Read(int64_t offset, size_t max_bytes,
                              int64_t max_offset = std::numeric_limits<int64_t>::max(),
                              bool min_one_batch = true) const;

  // Read() without copying: the same batches as a range of the segment file, for
  // sendfile(2). The slice keeps the file open even if retention deletes the segment;
  // a truncation racing with the send makes sendfile return short, which the sender
  // must treat like a closed connection (Kafka has the same caveat).
  struct SliceInfo {
    std::shared_ptr<const File> file;  // null when there is nothing to send
    uint64_t position = 0;
    uint64_t size = 0;
    int64_t next_offset = -1;
    int64_t log_start_offset = 0;
    int64_t log_end_offset = 0;
    int64_t high_watermark = 0;
  };
  util::Result<SliceInfo> ReadSlice(int64_t offset, size_t max_bytes,
                                    int64_t max_offset = std::numeric_limits<int64_t>::max(),
                                    bool min_one_batch = true) const;

  // ListOffsets: kEarliestTimestamp -> {-1, log start}, kLatestTimestamp -> {-1, LEO},
  // kMaxTimestamp -> the record with the largest timestamp, otherwise the first record
  // whose timestamp >= `timestamp` (nullopt when none: Kafka answers offset -1).
  // Compressed batches answer with their base offset.
  util::Result<std::optional<TimestampOffset>> OffsetForTimestamp(int64_t timestamp) const;

  // fsyncs every dirty segment; the recovery point becomes LEO.
  util::Status Flush();
  // Applies the time half of the flush policy; call on a timer.
  util::Status MaybeFlush(int64_t now_ms);

  // Replication: keep offsets < `offset` (a batch straddling it is removed whole).
  // Removes later segments, cuts the containing one, fixes indexes, the epoch cache,
  // HW and recovery point. No-op when offset >= LEO.
  util::Status TruncateTo(int64_t offset);
  // Deletes everything and restarts the log empty at `offset` (log start = LEO = offset).
  util::Status TruncateFullyAndStartAt(int64_t offset);

  // Retention: deletes whole segments, oldest first, never the active one and only
  // those entirely below the high watermark, while one of: all their offsets are below
  // the log start offset; now - LargestTimestamp() > retention_ms; the log is larger
  // than retention_bytes by at least the segment's size. Returns segments deleted.
  util::Result<int> DeleteOldSegments(int64_t now_ms);
  // DeleteRecords: moves the log start offset up to `offset` (<= HW, else
  // InvalidArgument) and deletes segments that fall wholly below it.
  util::Status AdvanceLogStartOffset(int64_t offset);

  // Leader epochs.
  util::Status AssignEpoch(int32_t epoch, int64_t start_offset) {
    return epoch_cache_.Assign(epoch, start_offset);
  }
  EpochEntry EndOffsetForEpoch(int32_t epoch) const {
    return epoch_cache_.EndOffsetFor(epoch, log_end_offset());
  }
  int32_t LatestEpoch() const { return epoch_cache_.LatestEpoch(); }
  const LeaderEpochCache& epoch_cache() const { return epoch_cache_; }

  // Owner-managed high watermark, clamped to [log start, LEO].
  void SetHighWatermark(int64_t hw);
  void UpdateConfig(const LogConfig& config) { config_ = config; }

  const TopicPartition& topic_partition() const { return tp_; }
  const std::string& dir() const { return dir_; }
  const LogConfig& config() const { return config_; }
  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return segments_.rbegin()->second->next_offset(); }
  int64_t high_watermark() const { return high_watermark_; }
  int64_t recovery_point() const { return recovery_point_; }
  uint64_t size_bytes() const;
  std::vector<int64_t> SegmentBaseOffsets() const;
  const LogSegment& active_segment() const { return *segments_.rbegin()->second; }
  // The segment with this base offset, or nullptr.
  const LogSegment* SegmentAt(int64_t base_offset) const {
    auto it = segments_.find(base_offset);
    return it == segments_.end() ? nullptr : it->second.get();
  }

  // Log cleaner support (cleaner.h).
  // Bumped whenever segments are deleted, cut or replaced (not on append or roll):
  // a cleaner holding positions into segments must start over when it changes.
  uint64_t segments_generation() const { return segments_generation_; }
  // The lowest offset TruncateTo / TruncateFullyAndStartAt cut to since the last
  // call (INT64_MAX if none), so the cleaner can move its checkpoint back.
  int64_t TakeTruncationPoint() {
    return std::exchange(truncated_to_, std::numeric_limits<int64_t>::max());
  }
  // Swaps in `cleaned` (a flushed segment with kCleanedSuffix, based at
  // old_bases.front()) for the consecutive non-active segments `old_bases`: renames
  // it to kSwapSuffix (the commit point; CompleteInterruptedSwaps finishes the job
  // after a crash), deletes the old segments, renames it to its final names. An
  // empty `cleaned` just deletes them (unless they start the log).
  util::Status ReplaceSegments(const std::vector<int64_t>& old_bases,
                               std::unique_ptr<LogSegment> cleaned);
  // Non-OK once a disk error made the log unusable.
  const util::Status& failure() const { return failed_; }

 private:
  PartitionLog(const std::string& dir, const TopicPartition& tp, const LogConfig& config);

  util::Status Load(const LoadHints& hints);
  // Parses and validates every batch of `records`.
  util::Result<std::vector<BatchHeader>> ValidateRecords(std::string_view records) const;
  util::Result<AppendInfo> AppendValidated(std::string_view records,
                                           const std::vector<BatchHeader>& headers);
  // Finds the batches Read/ReadSlice return: segment, [position, position + size).
  struct Located {
    const LogSegment* segment = nullptr;
    uint64_t position = 0;
    uint64_t size = 0;
    int64_t next_offset = -1;
  };
  util::Result<Located> Locate(int64_t offset, size_t max_bytes, int64_t max_offset,
                               bool min_one_batch) const;
  // Whether `h` must go to a new segment, given `pending` bytes (starting with
  // *first_pending) already bound for the active segment in this append.
  bool NeedsRoll(const BatchHeader& h, int64_t now_ms, uint64_t pending,
                 const BatchHeader* first_pending) const;
  util::Status Roll(int64_t base_offset, int64_t now_ms);
  util::Status DeleteSegment(int64_t base_offset);
  util::Status AfterWrite(int64_t records, int64_t now_ms);
  // Records a disk failure; returns it for convenience.
  util::Status Fail(util::Status s);

  std::string dir_;
  TopicPartition tp_;
  LogConfig config_;
  std::map<int64_t, std::unique_ptr<LogSegment>> segments_;
  LeaderEpochCache epoch_cache_;
  int64_t log_start_offset_ = 0;
  int64_t high_watermark_ = 0;
  int64_t recovery_point_ = 0;
  int64_t unflushed_records_ = 0;
  int64_t first_unflushed_ms_ = -1;
  uint64_t segments_generation_ = 0;
  int64_t truncated_to_ = std::numeric_limits<int64_t>::max();
  util::Status failed_;
};

}  // namespace kafka::log
