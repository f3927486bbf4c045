// The log cleaner: compaction of partitions with cleanup.policy=compact, as Kafka's
// LogCleaner (user topics and __consumer_offsets).
//
// Each log dir has a `cleaner-offset-checkpoint` ("topic partition offset" lines, the
// checkpoint format): everything below a partition's offset is "clean" (compacted),
// the rest up to the first uncleanable offset is "dirty". The first uncleanable
// offset is the lowest of: the active segment's base (it is never cleaned), the
// base of the first segment holding offsets at or above the high watermark, and the
// base of the first segment newer than min.compaction.lag.ms. A log is cleaned when
// dirty bytes / (clean + dirty bytes) > min.cleanable.dirty.ratio, when its dirty
// section is older than max.compaction.lag.ms, or when a tombstone's delete horizon
// has passed; the filthiest goes first.
//
// A cleaning (CleanJob) first maps every key of the dirty section to its latest
// offset (KeyOffsetMap, bounded by log.cleaner.dedupe.buffer.size; when it fills, the
// cleaning stops at that batch), then rewrites the segments from the log start up to
// the mapped end in groups that fit segment.bytes, keeping what FilterBatch keeps
// (batch_filter.h: latest value per key, offsets and batch metadata preserved,
// tombstones until their delete horizon). Each group is written to
// "<base>.log.cleaned", fsynced and swapped in by PartitionLog::ReplaceSegments;
// then the checkpoint moves to the mapped end.
//
// The broker has one io thread, so the cleaner works in slices: each Tick reads at
// most CleanerSettings::step_bytes and keeps its place (segment, byte position)
// between ticks. Appends only touch the active segment, which is never cleaned;
// anything else that changes segments (retention, truncation, DeleteRecords, delete)
// bumps PartitionLog::segments_generation(), and a job that sees it change throws
// its partial output away and starts over on a later tick.
// Thread safety: none; the LogManager's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/log/checkpoint.h"
#include "common/log/log_config.h"
#include "common/log/offset_map.h"
#include "common/log/partition_log.h"
#include "common/util/status.h"

namespace kafka::log {

inline constexpr char kCleanerCheckpoint[] = "cleaner-offset-checkpoint";

// Where a log's clean and dirty sections are, from its cleaner checkpoint.
struct CleanableInfo {
  int64_t first_dirty = 0;        // checkpoint, clamped into [log start, uncleanable]
  int64_t first_uncleanable = 0;  // nothing at or above is cleaned
  uint64_t clean_bytes = 0;       // segments wholly below first_dirty
  uint64_t dirty_bytes = 0;       // the other segments below first_uncleanable
  bool overdue = false;           // dirty data older than max.compaction.lag.ms

  double DirtyRatio() const {
    uint64_t total = clean_bytes + dirty_bytes;
    return total == 0 ? 0.0 : static_cast<double>(dirty_bytes) / static_cast<double>(total);
  }
};

// `checkpoint` < 0: none (the whole log is dirty).
CleanableInfo ComputeCleanable(const PartitionLog& log, int64_t checkpoint, int64_t now_ms);

struct CleanStats {
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  int64_t records_removed = 0;
  int segments_before = 0;
  int segments_after = 0;
};

// One cleaning of one log, in slices. Destroying an unfinished job removes its
// ".cleaned" output; segments already swapped in stay (they are complete).
class CleanJob {
 public:
  CleanJob(PartitionLog* log, const CleanableInfo& info, int64_t dedupe_buffer_bytes,
           int64_t now_ms);
  ~CleanJob();
  CleanJob(const CleanJob&) = delete;
  CleanJob& operator=(const CleanJob&) = delete;

  // Works until about `budget` bytes were read. True when finished. Aborted when the
  // log's segments changed under the job (start a new one later); other errors
  // (Corruption, IOError) mean the log should be left alone.
  util::Result<bool> Step(uint64_t budget);

  PartitionLog* log() const { return log_; }
  // The new checkpoint once finished: everything below it is clean.
  int64_t end_offset() const { return end_offset_; }
  // Earliest delete horizon of a kept tombstone, -1 if none.
  int64_t min_delete_horizon_ms() const { return min_horizon_; }
  const CleanStats& stats() const { return stats_; }

 private:
  util::Result<bool> StepMap(uint64_t budget, uint64_t* used);
  util::Result<bool> StepClean(uint64_t budget, uint64_t* used);
  void PlanGroups();
  util::Status FlushPending();
  util::Status FinishGroup();

  PartitionLog* log_;
  CleanableInfo info_;
  int64_t now_ms_;
  uint64_t generation_;
  KeyOffsetMap map_;
  bool mapping_ = true;
  std::vector<int64_t> dirty_bases_;  // segments the map phase reads
  std::vector<std::vector<int64_t>> groups_;
  size_t seg_index_ = 0;  // map phase: into dirty_bases_; clean phase: into the group
  size_t group_index_ = 0;
  uint64_t position_ = 0;  // byte position in the current segment
  int64_t end_offset_ = -1;
  std::unique_ptr<LogSegment> out_;  // the current group's ".cleaned" segment
  bool group_changed_ = false;
  std::string pending_;  // batches not yet appended to out_
  uint64_t unsynced_ = 0;  // bytes appended to out_ since its last fsync
  std::vector<BatchHeader> pending_headers_;
  int64_t min_horizon_ = -1;
  CleanStats stats_;
};

// Runs a whole cleaning at once (tests and tools). `*end_offset` gets the new
// checkpoint.
util::Result<CleanStats> CleanLogNow(PartitionLog* log, int64_t checkpoint, int64_t now_ms,
                                     int64_t dedupe_buffer_bytes, int64_t* end_offset,
                                     int64_t* min_delete_horizon_ms = nullptr);

// Chooses logs, runs jobs in slices, keeps the checkpoints. Owned by LogManager.
class LogCleaner {
 public:
  struct LogRef {
    PartitionLog* log = nullptr;
    size_t dir_index = 0;
  };
  // Reads each dir's cleaner-offset-checkpoint (a damaged one reads as empty).
  LogCleaner(const std::vector<std::string>& dirs, const CleanerSettings& settings);
  ~LogCleaner();

  // One slice of work: picks a log if idle (at most once per backoff_ms when nothing
  // needs cleaning) and runs the current job for up to step_bytes.
  void Tick(int64_t now_ms, const std::map<TopicPartition, LogRef>& logs);
  // The partition is going away: drop its job and its checkpoint entry.
  void Remove(const TopicPartition& tp);
  // Abandons the current job (clean shutdown).
  void Stop();

  // For tests and tools.
  int64_t Checkpoint(const TopicPartition& tp) const;
  bool busy() const { return job_ != nullptr; }
  int64_t cleanings_completed() const { return completed_; }

 private:
  void Pick(int64_t now_ms, const std::map<TopicPartition, LogRef>& logs);
  void Finish(int64_t now_ms);
  void WriteCheckpoint(size_t dir_index);

  std::vector<std::string> dirs_;
  CleanerSettings settings_;
  std::vector<std::map<TopicPartition, int64_t>> checkpoints_;  // per dir
  std::map<TopicPartition, int64_t> horizons_;  // earliest tombstone horizon per log
  std::set<TopicPartition> uncleanable_;         // failed once: left alone until restart
  std::unique_ptr<CleanJob> job_;
  TopicPartition job_tp_;
  size_t job_dir_ = 0;
  int64_t next_scan_ms_ = 0;
  int64_t completed_ = 0;
};

}  // namespace kafka::log
