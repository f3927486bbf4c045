#include "common/log/partition_log.h"

#include <algorithm>
#include <climits>

#include "common/log/file.h"
#include "common/util/logging.h"

namespace kafka::log {
namespace {

spdlog::logger& StorageLog() {
  static auto logger = util::logging::Get("storage");
  return *logger;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(),
                                                suffix) == 0;
}

// Base offset from a 20-digit segment file stem; -1 when not a segment name.
int64_t ParseBaseOffset(std::string_view stem) {
  if (stem.size() != 20) return -1;
  int64_t v = 0;
  for (char c : stem) {
    if (c < '0' || c > '9') return -1;
    if (v > (INT64_MAX - (c - '0')) / 10) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Recovery never trusts a batch length beyond what the file holds; this is only
// the upper bound on a single batch (Kafka's batchLength is an int32).
constexpr uint64_t kMaxStoredBatch = uint64_t{INT32_MAX} + kBatchLogOverhead;

}  // namespace

PartitionLog::PartitionLog(const std::string& dir, const TopicPartition& tp,
                           const LogConfig& config)
    : dir_(dir), tp_(tp), config_(config) {}

PartitionLog::~PartitionLog() = default;

util::Result<std::unique_ptr<PartitionLog>> PartitionLog::Open(const std::string& dir,
                                                               const TopicPartition& tp,
                                                               const LogConfig& config,
                                                               const LoadHints& hints) {
  std::unique_ptr<PartitionLog> log(new PartitionLog(dir, tp, config));
  util::Status s = log->Load(hints);
  if (!s.ok()) return s.WithContext("opening log " + dir);
  return log;
}

util::Status PartitionLog::Load(const LoadHints& hints) {
  UTIL_RETURN_IF_ERROR(CreateDirs(dir_));
  const std::string epoch_path = JoinPath(dir_, kLeaderEpochCheckpoint);
  auto cache = LeaderEpochCache::Load(epoch_path);
  bool force_recover = false;
  if (!cache.ok() && cache.status().IsCorruption()) {
    // Derived data: rebuild it from the batches' epochs by scanning everything.
    StorageLog().warn("[{}] {}; rebuilding it from the log", tp_.DirName(),
                      cache.status().ToString());
    UTIL_RETURN_IF_ERROR(RemoveFile(epoch_path));
    cache = LeaderEpochCache::Load(epoch_path);
    force_recover = true;
  }
  if (!cache.ok()) return cache.status();
  epoch_cache_ = std::move(*cache);

  auto swaps = CompleteInterruptedSwaps(dir_);
  if (!swaps.ok()) return swaps.status();
  if (*swaps > 0) {
    StorageLog().warn("[{}] completed {} interrupted cleaner swap(s)", tp_.DirName(), *swaps);
  }
  auto names = ListDir(dir_);
  if (!names.ok()) return names.status();
  std::vector<int64_t> bases;
  std::vector<std::string> index_files;
  for (const std::string& name : *names) {
    if (EndsWith(name, kLogSuffix)) {
      int64_t base = ParseBaseOffset(std::string_view(name).substr(0, name.size() - 4));
      if (base >= 0) bases.push_back(base);
    } else if (EndsWith(name, kIndexSuffix) || EndsWith(name, kTimeIndexSuffix)) {
      index_files.push_back(name);
    } else if (EndsWith(name, ".deleted") || EndsWith(name, ".cleaned") ||
               EndsWith(name, ".swap") || EndsWith(name, ".tmp")) {
      // Leftovers of an interrupted delete or checkpoint write: never committed.
      UTIL_RETURN_IF_ERROR(RemoveFile(JoinPath(dir_, name)));
    }
  }
  std::sort(bases.begin(), bases.end());
  for (const std::string& name : index_files) {
    std::string stem = name.substr(0, name.find('.'));
    int64_t base = ParseBaseOffset(stem);
    if (base < 0 || !std::binary_search(bases.begin(), bases.end(), base)) {
      UTIL_RETURN_IF_ERROR(RemoveFile(JoinPath(dir_, name)));
    }
  }

  util::Status epoch_status;
  auto visit = [this, &epoch_status](const BatchHeader& h) {
    if (h.partition_leader_epoch > epoch_cache_.LatestEpoch() && epoch_status.ok()) {
      epoch_status = epoch_cache_.Assign(h.partition_leader_epoch, h.base_offset);
    }
  };
  // Removes the files of segments bases[from..] (they follow a cut, so they are
  // not contiguous with the log any more).
  auto drop_from = [&](size_t from) -> util::Status {
    for (size_t j = from; j < bases.size(); ++j) {
      UTIL_RETURN_IF_ERROR(RemoveFile(SegmentFileStem(dir_, bases[j]) + kLogSuffix));
      UTIL_RETURN_IF_ERROR(RemoveFile(SegmentFileStem(dir_, bases[j]) + kIndexSuffix));
      UTIL_RETURN_IF_ERROR(RemoveFile(SegmentFileStem(dir_, bases[j]) + kTimeIndexSuffix));
    }
    return SyncDir(dir_);
  };
  for (size_t i = 0; i < bases.size(); ++i) {
    if (!segments_.empty() && bases[i] < log_end_offset()) {
      StorageLog().warn("[{}] segment base_offset={} overlaps the previous one (ends at {}); "
                        "removing it and {} later segment(s)",
                        tp_.DirName(), bases[i], log_end_offset(), bases.size() - i - 1);
      UTIL_RETURN_IF_ERROR(drop_from(i));
      break;
    }
    bool trusted = !force_recover && (hints.clean_shutdown || (i + 1 < bases.size() &&
                                                               bases[i + 1] <= hints.recovery_point));
    uint64_t truncated = 0;
    auto seg = LogSegment::Open(dir_, bases[i], config_.index_interval_bytes, kMaxStoredBatch,
                                /*recover=*/!trusted, visit, &truncated);
    if (!seg.ok()) return seg.status();
    segments_[bases[i]] = std::move(*seg);
    UTIL_RETURN_IF_ERROR(epoch_status);
    if (truncated > 0) {
      StorageLog().warn(
          "[{}] recovery truncated {} bytes from segment base_offset={} ({}); removing {} later "
          "segment(s)",
          tp_.DirName(), truncated, bases[i], segments_[bases[i]]->recovery_stop().ToString(),
          bases.size() - i - 1);
      UTIL_RETURN_IF_ERROR(drop_from(i + 1));
      break;
    }
  }
  if (segments_.empty()) UTIL_RETURN_IF_ERROR(Roll(std::max<int64_t>(hints.log_start_offset, 0),
                                                   config_.NowMs()));

  const int64_t leo = log_end_offset();
  log_start_offset_ = std::clamp(hints.log_start_offset, segments_.begin()->first, leo);
  high_watermark_ = std::clamp(hints.high_watermark, log_start_offset_, leo);
  UTIL_RETURN_IF_ERROR(epoch_cache_.TruncateFromEnd(leo));
  UTIL_RETURN_IF_ERROR(epoch_cache_.TruncateFromStart(log_start_offset_));
  // Recovered segments were rewritten from what survived in the page cache; make
  // that durable before the recovery point moves past it.
  UTIL_RETURN_IF_ERROR(Flush());
  StorageLog().debug("[{}] loaded {} segment(s) log_start={} leo={} hw={}", tp_.DirName(),
                     segments_.size(), log_start_offset_, leo, high_watermark_);
  return util::Status::OK();
}

util::Status PartitionLog::Fail(util::Status s) {
  if (failed_.ok()) {
    failed_ = s;
    StorageLog().error("[{}] disk failure, log is now read-only: {}", tp_.DirName(),
                       s.ToString());
  }
  return s;
}

util::Result<std::vector<BatchHeader>> PartitionLog::ValidateRecords(
    std::string_view records) const {
  if (records.empty()) return util::Status::Corruption("no record batches to append");
  std::vector<BatchHeader> headers;
  size_t pos = 0;
  while (pos < records.size()) {
    size_t left = records.size() - pos;
    auto h = ParseBatchHeader(records.substr(pos));
    if (!h.ok()) return h.status();
    UTIL_RETURN_IF_ERROR(CheckBatchHeader(*h, UINT64_MAX));
    if (h->TotalSize() > static_cast<uint64_t>(config_.max_message_bytes)) {
      return util::Status::InvalidArgument(
          "record batch of " + std::to_string(h->TotalSize()) +
          " bytes exceeds max.message.bytes " + std::to_string(config_.max_message_bytes));
    }
    if (h->TotalSize() > left) {
      return util::Status::Corruption("record batch claims " + std::to_string(h->TotalSize()) +
                                      " bytes but only " + std::to_string(left) + " remain");
    }
    UTIL_RETURN_IF_ERROR(ValidateBatch(records.substr(pos, h->TotalSize()), *h));
    headers.push_back(*h);
    pos += h->TotalSize();
  }
  return headers;
}

util::Result<AppendInfo> PartitionLog::Append(std::string_view records, int32_t leader_epoch) {
  std::string buf(records);
  return AppendInPlace(std::span<char>(buf.data(), buf.size()), leader_epoch);
}

util::Result<AppendInfo> PartitionLog::AppendInPlace(std::span<char> records,
                                                     int32_t leader_epoch) {
  if (!failed_.ok()) return failed_;
  if (leader_epoch < epoch_cache_.LatestEpoch()) {
    return util::Status::Aborted("append with leader epoch " + std::to_string(leader_epoch) +
                                 " below latest epoch " +
                                 std::to_string(epoch_cache_.LatestEpoch()));
  }
  std::string_view view(records.data(), records.size());
  auto headers = ValidateRecords(view);
  if (!headers.ok()) return headers.status();
  int64_t next = log_end_offset();
  size_t pos = 0;
  for (BatchHeader& h : *headers) {
    if (next > INT64_MAX - h.last_offset_delta - 1) {
      return util::Status::InvalidArgument("offset overflow");
    }
    StampBatch(records.data() + pos, next, leader_epoch);
    h.base_offset = next;
    h.partition_leader_epoch = leader_epoch;
    next = h.NextOffset();
    pos += h.TotalSize();
  }
  util::Status s = epoch_cache_.Assign(leader_epoch, log_end_offset());
  if (!s.ok()) return Fail(s);
  return AppendValidated(view, *headers);
}

util::Result<AppendInfo> PartitionLog::AppendAsFollower(std::string_view records) {
  if (!failed_.ok()) return failed_;
  auto headers = ValidateRecords(records);
  if (!headers.ok()) return headers.status();
  int64_t next = log_end_offset();
  for (const BatchHeader& h : *headers) {
    if (h.base_offset < next) {
      return util::Status::InvalidArgument("follower append base offset " +
                                           std::to_string(h.base_offset) + " below " +
                                           std::to_string(next));
    }
    next = h.NextOffset();
  }
  for (const BatchHeader& h : *headers) {
    if (h.partition_leader_epoch > epoch_cache_.LatestEpoch()) {
      util::Status s = epoch_cache_.Assign(h.partition_leader_epoch, h.base_offset);
      if (!s.ok()) return Fail(s);
    }
  }
  return AppendValidated(records, *headers);
}

util::Result<AppendInfo> PartitionLog::AppendValidated(std::string_view records,
                                                       const std::vector<BatchHeader>& headers) {
  const int64_t now = config_.NowMs();
  AppendInfo info;
  info.first_offset = headers.front().base_offset;
  // Consecutive batches bound for the same segment go out in one write.
  size_t run_begin = 0;  // index into headers
  size_t run_pos = 0;    // byte position of headers[run_begin] in records
  size_t pos = 0;
  auto write_run = [&](size_t run_end) -> util::Status {
    if (run_end == run_begin) return util::Status::OK();
    return segments_.rbegin()->second->Append(
        records.substr(run_pos, pos - run_pos),
        std::span<const BatchHeader>(headers.data() + run_begin, run_end - run_begin), now);
  };
  for (size_t i = 0; i < headers.size(); ++i) {
    const BatchHeader& h = headers[i];
    if (NeedsRoll(h, now, pos - run_pos, i > run_begin ? &headers[run_begin] : nullptr)) {
      util::Status s = write_run(i);
      if (s.ok()) s = Roll(h.base_offset, now);
      if (!s.ok()) return Fail(s);
      run_begin = i;
      run_pos = pos;
    }
    pos += h.TotalSize();
    info.last_offset = h.LastOffset();
    if (h.max_timestamp > info.max_timestamp) {
      info.max_timestamp = h.max_timestamp;
      info.offset_of_max_timestamp = h.LastOffset();
    }
    info.batch_count++;
    info.record_count += h.record_count;
  }
  util::Status s = write_run(headers.size());
  if (!s.ok()) return Fail(s);
  info.bytes = pos;
  UTIL_RETURN_IF_ERROR(AfterWrite(info.record_count, now));
  return info;
}

bool PartitionLog::NeedsRoll(const BatchHeader& h, int64_t now_ms, uint64_t pending,
                             const BatchHeader* first_pending) const {
  const LogSegment& seg = active_segment();
  const uint64_t size = seg.size() + pending;  // bytes already queued for this segment
  if (size == 0) return false;
  // Index positions are int32, as Kafka's segment.bytes is.
  bool by_size = size + h.TotalSize() > static_cast<uint64_t>(config_.segment_bytes) ||
                 size + h.TotalSize() > static_cast<uint64_t>(INT32_MAX);
  bool by_offset = h.LastOffset() - seg.base_offset() > INT32_MAX;
  // Kafka measures segment age in message time when the first batch has a
  // timestamp, else in wall time since the segment was created.
  int64_t first_ts = seg.first_batch_timestamp();
  if (seg.empty() && first_pending != nullptr) first_ts = first_pending->max_timestamp;
  __int128 waited = first_ts >= 0 ? static_cast<__int128>(h.max_timestamp) - first_ts
                                  : static_cast<__int128>(now_ms) - seg.created_ms();
  bool by_time = waited > config_.segment_ms;
  return by_size || by_offset || by_time;
}

util::Status PartitionLog::Roll(int64_t base_offset, int64_t now_ms) {
  if (!segments_.empty()) {
    // As Kafka, a rolled segment is flushed so the recovery point can move past it
    // and recovery after a crash only scans the active segment.
    LogSegment& old = *segments_.rbegin()->second;
    UTIL_RETURN_IF_ERROR(old.Flush());
    bool all_flushed = std::all_of(segments_.begin(), segments_.end(),
                                   [](const auto& kv) { return !kv.second->dirty(); });
    if (all_flushed) recovery_point_ = std::max(recovery_point_, old.next_offset());
  }
  auto seg = LogSegment::Create(dir_, base_offset, config_.index_interval_bytes, now_ms);
  if (!seg.ok()) return seg.status();
  UTIL_RETURN_IF_ERROR(SyncDir(dir_));
  const bool first = segments_.empty();
  segments_[base_offset] = std::move(*seg);
  StorageLog().info("[{}] {} segment base_offset={}", tp_.DirName(), first ? "created" : "rolled",
                    base_offset);
  return util::Status::OK();
}

util::Status PartitionLog::AfterWrite(int64_t records, int64_t now_ms) {
  unflushed_records_ += records;
  if (first_unflushed_ms_ < 0) first_unflushed_ms_ = now_ms;
  if (unflushed_records_ >= config_.flush.every_messages) return Flush();
  return MaybeFlush(now_ms);
}

util::Status PartitionLog::MaybeFlush(int64_t now_ms) {
  if (first_unflushed_ms_ < 0) return util::Status::OK();
  if (static_cast<__int128>(now_ms) - first_unflushed_ms_ >= config_.flush.every_ms) {
    return Flush();
  }
  return util::Status::OK();
}

util::Status PartitionLog::Flush() {
  if (!failed_.ok()) return failed_;
  for (auto& [base, seg] : segments_) {
    util::Status s = seg->Flush();
    if (!s.ok()) return Fail(s);
  }
  recovery_point_ = log_end_offset();
  unflushed_records_ = 0;
  first_unflushed_ms_ = -1;
  return util::Status::OK();
}

util::Result<PartitionLog::Located> PartitionLog::Locate(int64_t offset, size_t max_bytes,
                                                         int64_t max_offset,
                                                         bool min_one_batch) const {
  Located loc;
  loc.next_offset = offset;
  const int64_t leo = log_end_offset();
  if (offset < log_start_offset_ || offset > leo) {
    return util::Status::NotFound("offset " + std::to_string(offset) + " out of range [" +
                                  std::to_string(log_start_offset_) + ", " + std::to_string(leo) +
                                  "] for " + tp_.DirName());
  }
  if (offset == leo) return loc;
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const LogSegment& seg = *it->second;
    auto found = seg.FindBatch(offset);
    if (!found.ok()) return found.status();
    if (!found->has_value()) continue;  // offset fell in a gap: try the next segment
    const BatchHeader& first = (*found)->header;
    const uint64_t position = (*found)->position;
    if (first.LastOffset() >= max_offset) return loc;
    loc.segment = &seg;
    loc.position = position;
    if (first.TotalSize() > max_bytes) {
      if (min_one_batch) {
        loc.size = first.TotalSize();
        loc.next_offset = first.NextOffset();
      }
      return loc;
    }
    auto run = seg.WholeBatchesEnd(position, max_bytes, max_offset);
    if (!run.ok()) return run.status();
    loc.size = run->end - position;
    loc.next_offset = run->next_offset;
    return loc;
  }
  return loc;
}

util::Result<ReadInfo> PartitionLog::Read(int64_t offset, size_t max_bytes, int64_t max_offset,
                                          bool min_one_batch) const {
  auto loc = Locate(offset, max_bytes, max_offset, min_one_batch);
  if (!loc.ok()) return loc.status();
  ReadInfo info;
  info.log_start_offset = log_start_offset_;
  info.log_end_offset = log_end_offset();
  info.high_watermark = high_watermark_;
  info.next_offset = loc->next_offset;
  if (loc->size > 0) {
    UTIL_RETURN_IF_ERROR(loc->segment->ReadAt(loc->position, loc->size, &info.records));
    if (info.records.size() != loc->size) {
      return util::Status::IOError("short read from " + tp_.DirName() + " segment " +
                                   std::to_string(loc->segment->base_offset()));
    }
  }
  return info;
}

util::Result<PartitionLog::SliceInfo> PartitionLog::ReadSlice(int64_t offset, size_t max_bytes,
                                                              int64_t max_offset,
                                                              bool min_one_batch) const {
  auto loc = Locate(offset, max_bytes, max_offset, min_one_batch);
  if (!loc.ok()) return loc.status();
  SliceInfo info;
  info.log_start_offset = log_start_offset_;
  info.log_end_offset = log_end_offset();
  info.high_watermark = high_watermark_;
  info.next_offset = loc->next_offset;
  if (loc->size > 0) {
    info.file = loc->segment->log_file();
    info.position = loc->position;
    info.size = loc->size;
  }
  return info;
}

util::Result<std::optional<TimestampOffset>> PartitionLog::OffsetForTimestamp(
    int64_t timestamp) const {
  using Out = std::optional<TimestampOffset>;
  if (timestamp == kEarliestTimestamp) return Out(TimestampOffset{-1, log_start_offset_});
  if (timestamp == kLatestTimestamp) return Out(TimestampOffset{-1, log_end_offset()});
  if (timestamp == kMaxTimestamp) {
    Out best;
    for (const auto& [base, seg] : segments_) {
      if (seg->max_timestamp() >= 0 && (!best || seg->max_timestamp() > best->timestamp)) {
        best = TimestampOffset{seg->max_timestamp(), seg->offset_of_max_timestamp()};
      }
    }
    return best;
  }
  if (timestamp < 0) {
    return util::Status::InvalidArgument("invalid ListOffsets timestamp " +
                                         std::to_string(timestamp));
  }
  for (const auto& [base, seg] : segments_) {
    if (seg->next_offset() <= log_start_offset_ || seg->max_timestamp() < timestamp) continue;
    auto r = seg->FindOffsetByTimestamp(timestamp, log_start_offset_);
    if (!r.ok()) return r.status();
    if (r->has_value()) return r;
  }
  return Out();
}

util::Status PartitionLog::DeleteSegment(int64_t base_offset) {
  auto it = segments_.find(base_offset);
  if (it == segments_.end()) return util::Status::OK();
  ++segments_generation_;
  util::Status s = it->second->DeleteFiles();
  segments_.erase(it);
  return s;
}

util::Status PartitionLog::TruncateTo(int64_t offset) {
  if (!failed_.ok()) return failed_;
  if (offset < 0) return util::Status::InvalidArgument("negative truncation offset");
  const int64_t old_leo = log_end_offset();
  if (offset >= old_leo) return util::Status::OK();
  if (segments_.begin()->first > offset) return TruncateFullyAndStartAt(offset);
  ++segments_generation_;
  while (segments_.rbegin()->first > offset) {
    util::Status s = DeleteSegment(segments_.rbegin()->first);
    if (!s.ok()) return Fail(s);
  }
  auto cut = segments_.rbegin()->second->TruncateTo(offset);
  if (!cut.ok()) return Fail(cut.status());
  util::Status s = SyncDir(dir_);
  if (!s.ok()) return Fail(s);
  const int64_t leo = log_end_offset();
  truncated_to_ = std::min(truncated_to_, leo);
  high_watermark_ = std::min(high_watermark_, leo);
  recovery_point_ = std::min(recovery_point_, leo);
  log_start_offset_ = std::min(log_start_offset_, leo);
  s = epoch_cache_.TruncateFromEnd(leo);
  if (!s.ok()) return Fail(s);
  StorageLog().info("[{}] truncated to offset {} (leo {} -> {})", tp_.DirName(), offset, old_leo,
                    leo);
  return util::Status::OK();
}

util::Status PartitionLog::TruncateFullyAndStartAt(int64_t offset) {
  if (!failed_.ok()) return failed_;
  if (offset < 0) return util::Status::InvalidArgument("negative start offset");
  ++segments_generation_;
  truncated_to_ = std::min(truncated_to_, offset);
  while (!segments_.empty()) {
    util::Status s = DeleteSegment(segments_.begin()->first);
    if (!s.ok()) return Fail(s);
  }
  util::Status s = Roll(offset, config_.NowMs());
  if (!s.ok()) return Fail(s);
  log_start_offset_ = high_watermark_ = recovery_point_ = offset;
  s = epoch_cache_.Clear();
  if (!s.ok()) return Fail(s);
  StorageLog().info("[{}] truncated fully, log restarts at offset {}", tp_.DirName(), offset);
  return util::Status::OK();
}

util::Result<int> PartitionLog::DeleteOldSegments(int64_t now_ms) {
  if (!failed_.ok()) return failed_;
  int64_t excess = config_.retention_bytes >= 0
                       ? static_cast<int64_t>(size_bytes()) - config_.retention_bytes
                       : -1;
  std::vector<int64_t> victims;
  for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
    const int64_t next_base = std::next(it)->first;
    if (next_base > high_watermark_) break;  // never delete what is not committed
    const LogSegment& seg = *it->second;
    const int64_t size = static_cast<int64_t>(seg.size());
    bool below_start = next_base <= log_start_offset_;
    // cleanup.policy=compact alone keeps data until the cleaner removes it.
    bool too_old = config_.cleanup_delete && config_.retention_ms >= 0 &&
                   static_cast<__int128>(now_ms) - seg.LargestTimestamp() > config_.retention_ms;
    bool too_big = config_.cleanup_delete && config_.retention_bytes >= 0 && excess - size >= 0;
    if (!below_start && !too_old && !too_big) break;
    if (config_.retention_bytes >= 0) excess -= size;
    victims.push_back(it->first);
  }
  for (int64_t base : victims) {
    util::Status s = DeleteSegment(base);
    if (!s.ok()) return Fail(s);
  }
  if (victims.empty()) return 0;
  util::Status s = SyncDir(dir_);
  if (!s.ok()) return Fail(s);
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  s = epoch_cache_.TruncateFromStart(log_start_offset_);
  if (!s.ok()) return Fail(s);
  StorageLog().info("[{}] retention deleted {} segment(s), log_start_offset={}", tp_.DirName(),
                    victims.size(), log_start_offset_);
  return static_cast<int>(victims.size());
}

util::Status PartitionLog::AdvanceLogStartOffset(int64_t offset) {
  if (!failed_.ok()) return failed_;
  if (offset > high_watermark_) {
    return util::Status::InvalidArgument("log start offset " + std::to_string(offset) +
                                         " above high watermark " +
                                         std::to_string(high_watermark_));
  }
  if (offset <= log_start_offset_) return util::Status::OK();
  log_start_offset_ = offset;
  bool deleted = false;
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= log_start_offset_) {
    util::Status s = DeleteSegment(segments_.begin()->first);
    if (!s.ok()) return Fail(s);
    deleted = true;
  }
  if (deleted) {
    util::Status s = SyncDir(dir_);
    if (!s.ok()) return Fail(s);
  }
  util::Status s = epoch_cache_.TruncateFromStart(log_start_offset_);
  if (!s.ok()) return Fail(s);
  return util::Status::OK();
}

util::Status PartitionLog::ReplaceSegments(const std::vector<int64_t>& old_bases,
                                           std::unique_ptr<LogSegment> cleaned) {
  if (!failed_.ok()) return failed_;
  if (old_bases.empty() || old_bases.front() != cleaned->base_offset()) {
    return util::Status::InvalidArgument("cleaned segment does not start the replaced group");
  }
  for (int64_t base : old_bases) {
    if (!segments_.count(base) || base == segments_.rbegin()->first) {
      return util::Status::InvalidArgument("segment " + std::to_string(base) +
                                           " cannot be replaced");
    }
  }
  ++segments_generation_;
  if (cleaned->empty() && old_bases.front() != segments_.begin()->first) {
    // Nothing survived: every record of these segments is superseded or expired, so
    // deleting them one by one is safe even if a crash stops it halfway. (The first
    // segment stays, empty, so the log start offset does not move.)
    util::Status s = cleaned->DeleteFiles();
    for (int64_t base : old_bases) {
      util::Status d = DeleteSegment(base);
      if (s.ok()) s = d;
    }
    if (s.ok()) s = SyncDir(dir_);
    if (!s.ok()) return Fail(s);
    return util::Status::OK();
  }
  util::Status s = cleaned->ChangeSuffix(kSwapSuffix);
  if (s.ok()) s = SyncDir(dir_);
  if (!s.ok()) return Fail(s);
  // Committed: from here the cleaned segment is the data, whatever fails next.
  for (int64_t base : old_bases) {
    util::Status d = DeleteSegment(base);
    if (s.ok()) s = d;
  }
  LogSegment* seg = cleaned.get();
  segments_[seg->base_offset()] = std::move(cleaned);
  if (s.ok()) s = seg->ChangeSuffix("");
  if (s.ok()) s = SyncDir(dir_);
  if (!s.ok()) return Fail(s);
  return util::Status::OK();
}

void PartitionLog::SetHighWatermark(int64_t hw) {
  high_watermark_ = std::clamp(hw, log_start_offset_, log_end_offset());
}

uint64_t PartitionLog::size_bytes() const {
  uint64_t total = 0;
  for (const auto& [base, seg] : segments_) total += seg->size();
  return total;
}

std::vector<int64_t> PartitionLog::SegmentBaseOffsets() const {
  std::vector<int64_t> out;
  for (const auto& [base, seg] : segments_) out.push_back(base);
  return out;
}

}  // namespace kafka::log
