#include "common/log/cleaner.h"

#include <algorithm>
#include <climits>
#include <limits>

#include "common/log/batch_filter.h"
#include "common/log/file.h"
#include "common/protocol/record_batch.h"
#include "common/util/logging.h"

namespace kafka::log {
namespace {

spdlog::logger& CleanerLog() {
  static auto logger = util::logging::Get("cleaner");
  return *logger;
}

// Output is appended to the cleaned segment in writes of about this size.
constexpr size_t kWriteChunk = 1 << 20;
// ...and fsynced every this many bytes, so the fsync before the swap stays short.
constexpr uint64_t kSyncEvery = 8 << 20;
constexpr uint64_t kMaxStoredBatch = uint64_t{INT32_MAX} + kBatchLogOverhead;

}  // namespace

CleanableInfo ComputeCleanable(const PartitionLog& log, int64_t checkpoint, int64_t now_ms) {
  CleanableInfo info;
  const LogConfig& config = log.config();
  const std::vector<int64_t> bases = log.SegmentBaseOffsets();
  // First uncleanable: active segment, first segment not wholly below the HW, first
  // segment younger than the compaction lag.
  info.first_uncleanable = bases.back();
  for (size_t i = 0; i + 1 < bases.size(); ++i) {
    const LogSegment* seg = log.SegmentAt(bases[i]);
    const bool committed = bases[i + 1] <= log.high_watermark();
    const bool old_enough =
        config.min_compaction_lag_ms <= 0 ||
        static_cast<__int128>(now_ms) - seg->LargestTimestamp() >= config.min_compaction_lag_ms;
    if (!committed || !old_enough) {
      info.first_uncleanable = bases[i];
      break;
    }
  }
  int64_t first_dirty = checkpoint;
  if (first_dirty < log.log_start_offset() || first_dirty > log.log_end_offset()) {
    first_dirty = log.log_start_offset();
  }
  info.first_dirty = std::min(first_dirty, info.first_uncleanable);
  const LogSegment* first_dirty_segment = nullptr;
  for (size_t i = 0; i + 1 < bases.size() && bases[i] < info.first_uncleanable; ++i) {
    const LogSegment* seg = log.SegmentAt(bases[i]);
    if (seg->next_offset() <= info.first_dirty) {
      info.clean_bytes += seg->size();
    } else {
      info.dirty_bytes += seg->size();
      if (first_dirty_segment == nullptr) first_dirty_segment = seg;
    }
  }
  if (first_dirty_segment != nullptr && info.dirty_bytes > 0 &&
      config.max_compaction_lag_ms < std::numeric_limits<int64_t>::max()) {
    int64_t born = first_dirty_segment->first_batch_timestamp();
    if (born < 0) born = first_dirty_segment->created_ms();
    info.overdue = static_cast<__int128>(now_ms) - born > config.max_compaction_lag_ms;
  }
  return info;
}

// ---------------------------------------------------------------------------
// CleanJob

CleanJob::CleanJob(PartitionLog* log, const CleanableInfo& info, int64_t dedupe_buffer_bytes,
                   int64_t now_ms)
    : log_(log),
      info_(info),
      now_ms_(now_ms),
      generation_(log->segments_generation()),
      map_(dedupe_buffer_bytes) {
  for (int64_t base : log->SegmentBaseOffsets()) {
    if (base >= info.first_uncleanable) break;
    if (log->SegmentAt(base)->next_offset() > info.first_dirty) dirty_bases_.push_back(base);
  }
  end_offset_ = info.first_uncleanable;
}

CleanJob::~CleanJob() {
  if (out_) {
    util::Status s = out_->DeleteFiles();
    if (!s.ok()) CleanerLog().warn("removing cleaner output: {}", s.ToString());
  }
}

util::Result<bool> CleanJob::Step(uint64_t budget) {
  if (!log_->failure().ok()) return log_->failure();
  if (log_->segments_generation() != generation_) {
    return util::Status::Aborted("segments of " + log_->topic_partition().DirName() +
                                 " changed during cleaning");
  }
  uint64_t used = 0;
  while (used < budget) {
    if (mapping_) {
      auto done = StepMap(budget, &used);
      if (!done.ok()) return done.status();
      if (*done) {
        mapping_ = false;
        seg_index_ = 0;
        position_ = 0;
        PlanGroups();
      }
    } else {
      auto done = StepClean(budget, &used);
      if (!done.ok()) return done.status();
      if (*done) return true;
    }
  }
  return false;
}

util::Result<bool> CleanJob::StepMap(uint64_t budget, uint64_t* used) {
  while (seg_index_ < dirty_bases_.size()) {
    const LogSegment* seg = log_->SegmentAt(dirty_bases_[seg_index_]);
    if (seg == nullptr) return util::Status::Aborted("segment vanished");
    BatchScanner scanner(*seg->log_file(), position_, seg->size(), /*verify_crc=*/true,
                         kMaxStoredBatch, std::min<uint64_t>(budget, 1 << 20));
    ScannedBatch b;
    while (*used < budget && scanner.Next(&b)) {
      const BatchHeader& h = b.header;
      *used += h.TotalSize();
      stats_.bytes_read += h.TotalSize();
      if (h.LastOffset() >= info_.first_dirty &&
          !(h.attributes & (kControlFlag | kTransactionalFlag))) {
        if (map_.size() + static_cast<uint64_t>(std::max(h.record_count, 0)) > map_.capacity()) {
          if (map_.size() == 0) {
            return util::Status::InvalidArgument(
                "log.cleaner.dedupe.buffer.size too small for one batch of " +
                log_->topic_partition().DirName());
          }
          end_offset_ = h.base_offset;  // map full: clean up to here this time
          return true;
        }
        protocol::BatchDecodeOptions opts;
        opts.verify_crc = false;
        opts.max_decompressed_bytes = 512u << 20;
        auto decoded = protocol::DecodeBatch(b.bytes, opts);
        if (!decoded.ok()) {
          return decoded.status().WithContext(log_->topic_partition().DirName() +
                                              " batch at offset " +
                                              std::to_string(h.base_offset));
        }
        uint64_t decoded_bytes = 0;
        for (const protocol::Record& r : decoded->records) {
          const int64_t offset = h.base_offset + r.offset_delta;
          if (r.key && offset >= info_.first_dirty) map_.Put(*r.key, offset);
          decoded_bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
        }
        // Compressed batches cost what they expand to.
        if (decoded_bytes > h.TotalSize()) *used += decoded_bytes - h.TotalSize();
      }
      position_ = scanner.position();
    }
    if (!scanner.status().ok()) return scanner.status();
    if (*used >= budget && position_ < seg->size()) return false;
    ++seg_index_;
    position_ = 0;
  }
  return true;
}

void CleanJob::PlanGroups() {
  const int64_t max_size = std::min<int64_t>(log_->config().segment_bytes, INT32_MAX);
  std::vector<int64_t> group;
  uint64_t group_size = 0;
  for (int64_t base : log_->SegmentBaseOffsets()) {
    if (base >= end_offset_ || base >= info_.first_uncleanable) break;
    const LogSegment* seg = log_->SegmentAt(base);
    const bool fits = !group.empty() &&
                      group_size + seg->size() <= static_cast<uint64_t>(max_size) &&
                      seg->next_offset() - group.front() - 1 <= INT32_MAX;
    if (!group.empty() && !fits) {
      groups_.push_back(std::move(group));
      group.clear();
      group_size = 0;
    }
    group.push_back(base);
    group_size += seg->size();
    stats_.segments_before++;
  }
  if (!group.empty()) groups_.push_back(std::move(group));
}

util::Status CleanJob::FlushPending() {
  if (pending_.empty()) return util::Status::OK();
  UTIL_RETURN_IF_ERROR(out_->Append(pending_, pending_headers_, now_ms_));
  stats_.bytes_written += pending_.size();
  unsynced_ += pending_.size();
  if (unsynced_ >= kSyncEvery) {
    UTIL_RETURN_IF_ERROR(out_->Flush());
    unsynced_ = 0;
  }
  pending_.clear();
  pending_headers_.clear();
  return util::Status::OK();
}

util::Status CleanJob::FinishGroup() {
  const std::vector<int64_t>& group = groups_[group_index_];
  UTIL_RETURN_IF_ERROR(FlushPending());
  if (group.size() == 1 && !group_changed_) {
    // Nothing to gain from rewriting a lone unchanged segment.
    UTIL_RETURN_IF_ERROR(out_->DeleteFiles());
    out_.reset();
    stats_.segments_after++;
    return util::Status::OK();
  }
  int64_t modified = 0;
  for (int64_t base : group) {
    modified = std::max(modified, log_->SegmentAt(base)->last_modified_ms());
  }
  out_->set_last_modified_ms(modified);
  UTIL_RETURN_IF_ERROR(out_->Flush());
  const bool kept_any = !out_->empty() || group.front() == log_->SegmentBaseOffsets().front();
  UTIL_RETURN_IF_ERROR(log_->ReplaceSegments(group, std::move(out_)));
  generation_ = log_->segments_generation();
  if (kept_any) stats_.segments_after++;
  return util::Status::OK();
}

util::Result<bool> CleanJob::StepClean(uint64_t budget, uint64_t* used) {
  FilterContext ctx;
  ctx.map = &map_;
  ctx.now_ms = now_ms_;
  ctx.delete_retention_ms = log_->config().delete_retention_ms;
  while (group_index_ < groups_.size()) {
    const std::vector<int64_t>& group = groups_[group_index_];
    if (!out_) {
      auto seg = LogSegment::CreateWithSuffix(log_->dir(), group.front(),
                                              log_->config().index_interval_bytes, now_ms_,
                                              kCleanedSuffix);
      if (!seg.ok()) return seg.status();
      out_ = std::move(*seg);
      group_changed_ = false;
      seg_index_ = 0;
      position_ = 0;
    }
    while (seg_index_ < group.size()) {
      const LogSegment* seg = log_->SegmentAt(group[seg_index_]);
      if (seg == nullptr) return util::Status::Aborted("segment vanished");
      BatchScanner scanner(*seg->log_file(), position_, seg->size(), /*verify_crc=*/true,
                           kMaxStoredBatch, std::min<uint64_t>(budget, 1 << 20));
      ScannedBatch b;
      while (*used < budget && scanner.Next(&b)) {
        *used += b.header.TotalSize();
        stats_.bytes_read += b.header.TotalSize();
        auto filtered = FilterBatch(b.bytes, ctx);
        if (!filtered.ok()) {
          return filtered.status().WithContext(log_->topic_partition().DirName());
        }
        stats_.records_removed += filtered->removed;
        if (filtered->decoded_bytes > b.header.TotalSize()) {
          *used += filtered->decoded_bytes - b.header.TotalSize();
        }
        if (filtered->rebuilt) group_changed_ = true;
        if (filtered->delete_horizon_ms >= 0 &&
            (min_horizon_ < 0 || filtered->delete_horizon_ms < min_horizon_)) {
          min_horizon_ = filtered->delete_horizon_ms;
        }
        if (!filtered->bytes.empty()) {
          auto h = ParseBatchHeader(filtered->bytes);
          if (!h.ok()) return h.status();
          pending_headers_.push_back(*h);
          pending_ += filtered->bytes;
          if (pending_.size() >= kWriteChunk) UTIL_RETURN_IF_ERROR(FlushPending());
        }
        position_ = scanner.position();
      }
      if (!scanner.status().ok()) return scanner.status();
      if (*used >= budget && position_ < seg->size()) return false;
      ++seg_index_;
      position_ = 0;
    }
    if (group.size() > 1) group_changed_ = true;
    UTIL_RETURN_IF_ERROR(FinishGroup());
    ++group_index_;
    if (*used >= budget) return group_index_ >= groups_.size();
  }
  return true;
}

util::Result<CleanStats> CleanLogNow(PartitionLog* log, int64_t checkpoint, int64_t now_ms,
                                     int64_t dedupe_buffer_bytes, int64_t* end_offset,
                                     int64_t* min_delete_horizon_ms) {
  CleanJob job(log, ComputeCleanable(*log, checkpoint, now_ms), dedupe_buffer_bytes, now_ms);
  while (true) {
    auto done = job.Step(std::numeric_limits<uint64_t>::max());
    if (!done.ok()) return done.status();
    if (*done) break;
  }
  if (end_offset != nullptr) *end_offset = job.end_offset();
  if (min_delete_horizon_ms != nullptr) *min_delete_horizon_ms = job.min_delete_horizon_ms();
  return job.stats();
}

// ---------------------------------------------------------------------------
// LogCleaner

LogCleaner::LogCleaner(const std::vector<std::string>& dirs, const CleanerSettings& settings)
    : dirs_(dirs), settings_(settings), checkpoints_(dirs.size()) {
  for (size_t i = 0; i < dirs.size(); ++i) {
    auto m = ReadOffsetCheckpoint(JoinPath(dirs[i], kCleanerCheckpoint));
    if (m.ok()) {
      checkpoints_[i] = std::move(*m);
    } else {
      CleanerLog().warn("ignoring cleaner checkpoint: {}", m.status().ToString());
    }
  }
}

LogCleaner::~LogCleaner() = default;

int64_t LogCleaner::Checkpoint(const TopicPartition& tp) const {
  for (const auto& m : checkpoints_) {
    auto it = m.find(tp);
    if (it != m.end()) return it->second;
  }
  return -1;
}

void LogCleaner::WriteCheckpoint(size_t dir_index) {
  util::Status s =
      WriteOffsetCheckpoint(JoinPath(dirs_[dir_index], kCleanerCheckpoint), checkpoints_[dir_index]);
  if (!s.ok()) CleanerLog().error("writing cleaner checkpoint: {}", s.ToString());
}

void LogCleaner::Remove(const TopicPartition& tp) {
  if (job_ && job_tp_ == tp) job_.reset();
  horizons_.erase(tp);
  uncleanable_.erase(tp);
  for (size_t i = 0; i < checkpoints_.size(); ++i) {
    if (checkpoints_[i].erase(tp) > 0) WriteCheckpoint(i);
  }
}

void LogCleaner::Stop() { job_.reset(); }

void LogCleaner::Tick(int64_t now_ms, const std::map<TopicPartition, LogRef>& logs) {
  if (!settings_.enable) return;
  // Truncated logs move their checkpoint back: offsets above the cut are new data.
  for (const auto& [tp, ref] : logs) {
    const int64_t cut = ref.log->TakeTruncationPoint();
    if (cut == std::numeric_limits<int64_t>::max()) continue;
    auto& m = checkpoints_[ref.dir_index];
    auto it = m.find(tp);
    if (it != m.end() && it->second > cut) {
      it->second = cut;
      WriteCheckpoint(ref.dir_index);
    }
  }
  if (job_) {
    auto it = logs.find(job_tp_);
    if (it == logs.end() || it->second.log != job_->log()) job_.reset();
  }
  if (!job_) Pick(now_ms, logs);
  if (!job_) return;
  auto done = job_->Step(static_cast<uint64_t>(std::max<int64_t>(settings_.step_bytes, 1)));
  if (!done.ok()) {
    if (done.status().code() == util::Status::Code::kAborted) {
      CleanerLog().info("[{}] cleaning restarts: {}", job_tp_.DirName(), done.status().ToString());
    } else {
      CleanerLog().error("[{}] cleaning failed, partition left uncleaned until restart: {}",
                         job_tp_.DirName(), done.status().ToString());
      uncleanable_.insert(job_tp_);
    }
    job_.reset();
    return;
  }
  if (*done) Finish(now_ms);
}

void LogCleaner::Pick(int64_t now_ms, const std::map<TopicPartition, LogRef>& logs) {
  if (now_ms < next_scan_ms_) return;
  const TopicPartition* best = nullptr;
  CleanableInfo best_info;
  double best_score = -1;
  for (const auto& [tp, ref] : logs) {
    const LogConfig& config = ref.log->config();
    if (!config.cleanup_compact || uncleanable_.count(tp) || !ref.log->failure().ok()) continue;
    auto cp = checkpoints_[ref.dir_index].find(tp);
    CleanableInfo info =
        ComputeCleanable(*ref.log, cp == checkpoints_[ref.dir_index].end() ? -1 : cp->second,
                         now_ms);
    double score = -1;
    if (info.dirty_bytes > 0 && info.DirtyRatio() > config.min_cleanable_dirty_ratio) {
      score = info.DirtyRatio();
    }
    if (info.overdue) score = 2;  // max.compaction.lag.ms: before any ratio
    auto h = horizons_.find(tp);
    if (score < 0 && h != horizons_.end() && h->second <= now_ms) score = 0;
    if (score > best_score) {
      best_score = score;
      best = &tp;
      best_info = info;
    }
  }
  if (best == nullptr) {
    next_scan_ms_ = now_ms + settings_.backoff_ms;
    return;
  }
  const LogRef& ref = logs.at(*best);
  job_tp_ = *best;
  job_dir_ = ref.dir_index;
  job_ = std::make_unique<CleanJob>(ref.log, best_info, settings_.dedupe_buffer_size, now_ms);
  CleanerLog().debug("[{}] cleaning: dirty ratio {:.3f}, dirty [{}, {})", job_tp_.DirName(),
                     best_info.DirtyRatio(), best_info.first_dirty, best_info.first_uncleanable);
}

void LogCleaner::Finish(int64_t now_ms) {
  (void)now_ms;
  const CleanStats& st = job_->stats();
  checkpoints_[job_dir_][job_tp_] = job_->end_offset();
  WriteCheckpoint(job_dir_);
  if (job_->min_delete_horizon_ms() >= 0) {
    horizons_[job_tp_] = job_->min_delete_horizon_ms();
  } else {
    horizons_.erase(job_tp_);
  }
  CleanerLog().info("[{}] cleaned up to offset {}: {} -> {} segment(s), {} bytes read, {} written, "
                    "{} record(s) removed",
                    job_tp_.DirName(), job_->end_offset(), st.segments_before, st.segments_after,
                    st.bytes_read, st.bytes_written, st.records_removed);
  ++completed_;
  job_.reset();
}

}  // namespace kafka::log
