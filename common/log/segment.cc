#include "common/log/segment.h"

#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <climits>
#include <cstdio>

namespace kafka::log {
namespace {

// Recovery reads big sequential chunks; lookups scan a few KiB after an index entry.
constexpr uint64_t kLookupReadAhead = 8 << 10;
constexpr size_t kOffsetEntrySize = 8;
constexpr size_t kTimeEntrySize = 12;

void EncodeOffsetEntry(std::string* out, const OffsetIndexEntry& e) {
  AppendBe32(out, e.relative_offset);
  AppendBe32(out, static_cast<int32_t>(e.position));
}

void EncodeTimeEntry(std::string* out, const TimeIndexEntry& e) {
  AppendBe64(out, e.timestamp);
  AppendBe32(out, e.relative_offset);
}

int64_t MtimeMs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

std::string SegmentFileStem(const std::string& dir, int64_t base_offset) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020" PRId64, base_offset);
  return JoinPath(dir, name);
}

// ---------------------------------------------------------------------------
// BatchScanner

BatchScanner::BatchScanner(const File& file, uint64_t start, uint64_t end, bool verify_crc,
                           uint64_t max_batch_size, uint64_t read_ahead)
    : file_(file),
      pos_(start),
      end_(end),
      verify_crc_(verify_crc),
      max_batch_size_(max_batch_size),
      read_ahead_(read_ahead) {}

bool BatchScanner::Ensure(uint64_t n) {
  if (pos_ >= buf_start_ && pos_ + n <= buf_start_ + buf_.size()) return true;
  uint64_t want = std::min(std::max(n, read_ahead_), end_ - pos_);
  util::Status s = file_.ReadAt(pos_, want, &buf_);
  buf_start_ = pos_;
  if (!s.ok()) {
    status_ = s;
    buf_.clear();
    return false;
  }
  return buf_.size() >= n;
}

bool BatchScanner::Next(ScannedBatch* out) {
  if (!status_.ok() || pos_ >= end_) return false;
  uint64_t left = end_ - pos_;
  if (left < kBatchHeaderSize) {
    status_ = util::Status::Corruption("partial record batch header: " + std::to_string(left) +
                                       " bytes at position " + std::to_string(pos_));
    return false;
  }
  if (!Ensure(kBatchHeaderSize)) {
    if (status_.ok()) status_ = util::Status::Corruption("short read at " + std::to_string(pos_));
    return false;
  }
  std::string_view view(buf_.data() + (pos_ - buf_start_), kBatchHeaderSize);
  auto h = ParseBatchHeader(view);
  if (!h.ok()) {
    status_ = h.status();
    return false;
  }
  util::Status s = CheckBatchHeader(*h, std::min(max_batch_size_, left));
  if (!s.ok()) {
    status_ = s.WithContext("position " + std::to_string(pos_));
    return false;
  }
  uint64_t total = h->TotalSize();
  if (verify_crc_) {
    if (!Ensure(total)) {
      if (status_.ok()) status_ = util::Status::Corruption("short read at " + std::to_string(pos_));
      return false;
    }
    view = std::string_view(buf_.data() + (pos_ - buf_start_), total);
    s = ValidateBatch(view, *h);
    if (!s.ok()) {
      status_ = s.WithContext("position " + std::to_string(pos_));
      return false;
    }
  }
  out->position = pos_;
  out->header = *h;
  out->bytes = view;
  pos_ += total;
  return true;
}

// ---------------------------------------------------------------------------
// LogSegment

LogSegment::LogSegment(const std::string& dir, int64_t base_offset, int64_t index_interval_bytes)
    : stem_(SegmentFileStem(dir, base_offset)),
      base_offset_(base_offset),
      index_interval_bytes_(index_interval_bytes),
      next_offset_(base_offset) {}

util::Status LogSegment::OpenFiles() {
  auto log = File::OpenOrCreate(stem_ + kLogSuffix + suffix_);
  if (!log.ok()) return log.status();
  auto index = File::OpenOrCreate(stem_ + kIndexSuffix + suffix_);
  if (!index.ok()) return index.status();
  auto time = File::OpenOrCreate(stem_ + kTimeIndexSuffix + suffix_);
  if (!time.ok()) return time.status();
  log_ = std::make_shared<File>(std::move(*log));
  index_ = std::move(*index);
  time_index_file_ = std::move(*time);
  return util::Status::OK();
}

util::Result<std::unique_ptr<LogSegment>> LogSegment::Create(const std::string& dir,
                                                             int64_t base_offset,
                                                             int64_t index_interval_bytes,
                                                             int64_t now_ms) {
  return CreateWithSuffix(dir, base_offset, index_interval_bytes, now_ms, "");
}

util::Result<std::unique_ptr<LogSegment>> LogSegment::CreateWithSuffix(
    const std::string& dir, int64_t base_offset, int64_t index_interval_bytes, int64_t now_ms,
    const std::string& suffix) {
  std::unique_ptr<LogSegment> seg(new LogSegment(dir, base_offset, index_interval_bytes));
  seg->suffix_ = suffix;
  UTIL_RETURN_IF_ERROR(seg->OpenFiles());
  UTIL_RETURN_IF_ERROR(seg->log_->Truncate(0));
  UTIL_RETURN_IF_ERROR(seg->index_.Truncate(0));
  UTIL_RETURN_IF_ERROR(seg->time_index_file_.Truncate(0));
  seg->created_ms_ = now_ms;
  seg->last_modified_ms_ = now_ms;
  seg->dirty_ = true;
  return seg;
}

util::Result<std::unique_ptr<LogSegment>> LogSegment::Open(
    const std::string& dir, int64_t base_offset, int64_t index_interval_bytes,
    uint64_t max_batch_size, bool recover, const std::function<void(const BatchHeader&)>& visit,
    uint64_t* truncated) {
  *truncated = 0;
  std::unique_ptr<LogSegment> seg(new LogSegment(dir, base_offset, index_interval_bytes));
  UTIL_RETURN_IF_ERROR(seg->OpenFiles());
  auto size = seg->log_->Size();
  if (!size.ok()) return size.status();
  seg->size_ = *size;
  seg->created_ms_ = seg->last_modified_ms_ = MtimeMs(seg->stem_ + kLogSuffix);
  bool trusted = false;
  if (!recover) {
    auto indexes_ok = seg->LoadIndexes();
    if (!indexes_ok.ok()) return indexes_ok.status();
    util::Status tail;
    if (*indexes_ok) tail = seg->LoadTail(max_batch_size);
    if (!tail.ok() && !tail.IsCorruption()) return tail;
    trusted = *indexes_ok && tail.ok();
  }
  if (!trusted) {
    auto cut = seg->Recover(max_batch_size, visit);
    if (!cut.ok()) return cut.status();
    *truncated = *cut;
  }
  return seg;
}

void LogSegment::ResetState() {
  next_offset_ = base_offset_;
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = -1;
  first_batch_timestamp_ = -1;
  bytes_since_last_index_entry_ = 0;
}

util::Result<bool> LogSegment::LoadIndexes() {
  offset_index_.clear();
  time_index_.clear();
  auto isize = index_.Size();
  if (!isize.ok()) return isize.status();
  auto tsize = time_index_file_.Size();
  if (!tsize.ok()) return tsize.status();
  if (*isize % kOffsetEntrySize != 0 || *tsize % kTimeEntrySize != 0) return false;
  // Each entry names a distinct batch of at least 61 bytes: anything larger is garbage
  // (and must not drive a big allocation).
  const uint64_t max_entries = size_ / kBatchHeaderSize + 1;
  if (*isize / kOffsetEntrySize > max_entries || *tsize / kTimeEntrySize > max_entries) {
    return false;
  }
  std::string data;
  UTIL_RETURN_IF_ERROR(index_.ReadAt(0, *isize, &data));
  if (data.size() != *isize) return false;
  for (size_t p = 0; p < data.size(); p += kOffsetEntrySize) {
    OffsetIndexEntry e{LoadBe32(&data[p]), static_cast<uint32_t>(LoadBe32(&data[p + 4]))};
    if (e.relative_offset < 0 || e.position >= size_) return false;
    if (!offset_index_.empty() && (e.relative_offset <= offset_index_.back().relative_offset ||
                                   e.position <= offset_index_.back().position)) {
      return false;
    }
    offset_index_.push_back(e);
  }
  UTIL_RETURN_IF_ERROR(time_index_file_.ReadAt(0, *tsize, &data));
  if (data.size() != *tsize) return false;
  for (size_t p = 0; p < data.size(); p += kTimeEntrySize) {
    TimeIndexEntry e{LoadBe64(&data[p]), LoadBe32(&data[p + 8])};
    if (e.relative_offset < 0 || offset_index_.empty() ||
        e.relative_offset > offset_index_.back().relative_offset) {
      return false;
    }
    if (!time_index_.empty() && (e.timestamp <= time_index_.back().timestamp ||
                                 e.relative_offset < time_index_.back().relative_offset)) {
      return false;
    }
    time_index_.push_back(e);
  }
  // The last offset entry must point at a batch ending at that offset: this catches
  // an index left over from different log contents.
  if (!offset_index_.empty()) {
    std::string header;
    UTIL_RETURN_IF_ERROR(log_->ReadAt(offset_index_.back().position, kBatchHeaderSize, &header));
    auto h = ParseBatchHeader(header);
    if (!h.ok() || h->LastOffset() - base_offset_ != offset_index_.back().relative_offset) {
      return false;
    }
  }
  return true;
}

util::Status LogSegment::LoadTail(uint64_t max_batch_size) {
  ResetState();
  uint64_t start = 0;
  if (!offset_index_.empty()) start = offset_index_.back().position;
  if (!time_index_.empty()) {
    max_timestamp_ = time_index_.back().timestamp;
    offset_of_max_timestamp_ = base_offset_ + time_index_.back().relative_offset;
  }
  BatchScanner scanner(*log_, start, size_, /*verify_crc=*/false, max_batch_size,
                       kLookupReadAhead);
  ScannedBatch b;
  while (scanner.Next(&b)) {
    const BatchHeader& h = b.header;
    if (h.base_offset < next_offset_ || h.LastOffset() - base_offset_ > INT32_MAX) {
      return util::Status::Corruption("offsets out of order at position " +
                                      std::to_string(b.position));
    }
    // Append would have indexed this batch: the index is missing entries (deleted or
    // stale index files), so lookups would crawl; have the caller rebuild it.
    if (bytes_since_last_index_entry_ > index_interval_bytes_ && b.position != start) {
      return util::Status::Corruption("index is missing entries after position " +
                                      std::to_string(start));
    }
    next_offset_ = h.NextOffset();
    if (h.max_timestamp > max_timestamp_) {
      max_timestamp_ = h.max_timestamp;
      offset_of_max_timestamp_ = h.LastOffset();
    }
    if (b.position == 0) first_batch_timestamp_ = h.max_timestamp;
    bytes_since_last_index_entry_ += static_cast<int64_t>(h.TotalSize());
  }
  UTIL_RETURN_IF_ERROR(scanner.status());
  if (start > 0) {
    std::string header;
    UTIL_RETURN_IF_ERROR(log_->ReadAt(0, kBatchHeaderSize, &header));
    auto h = ParseBatchHeader(header);
    if (!h.ok()) return h.status();
    first_batch_timestamp_ = h->max_timestamp;
  }
  return util::Status::OK();
}

void LogSegment::TrackBatch(const BatchHeader& h, uint64_t position, std::string* index_out,
                            std::string* time_out) {
  if (h.max_timestamp > max_timestamp_) {
    max_timestamp_ = h.max_timestamp;
    offset_of_max_timestamp_ = h.LastOffset();
  }
  if (position == 0) first_batch_timestamp_ = h.max_timestamp;
  if (bytes_since_last_index_entry_ > index_interval_bytes_) {
    OffsetIndexEntry e{static_cast<int32_t>(h.LastOffset() - base_offset_),
                       static_cast<uint32_t>(position)};
    offset_index_.push_back(e);
    EncodeOffsetEntry(index_out, e);
    if (max_timestamp_ >= 0 &&
        (time_index_.empty() || max_timestamp_ > time_index_.back().timestamp)) {
      TimeIndexEntry t{max_timestamp_,
                       static_cast<int32_t>(offset_of_max_timestamp_ - base_offset_)};
      time_index_.push_back(t);
      EncodeTimeEntry(time_out, t);
    }
    bytes_since_last_index_entry_ = 0;
  }
  bytes_since_last_index_entry_ += static_cast<int64_t>(h.TotalSize());
  next_offset_ = h.NextOffset();
  size_ = position + h.TotalSize();
}

util::Status LogSegment::RewriteIndexFiles() {
  std::string index, time;
  for (const auto& e : offset_index_) EncodeOffsetEntry(&index, e);
  for (const auto& e : time_index_) EncodeTimeEntry(&time, e);
  UTIL_RETURN_IF_ERROR(index_.Truncate(0));
  UTIL_RETURN_IF_ERROR(index_.WriteAt(0, index));
  UTIL_RETURN_IF_ERROR(time_index_file_.Truncate(0));
  UTIL_RETURN_IF_ERROR(time_index_file_.WriteAt(0, time));
  dirty_ = true;
  return util::Status::OK();
}

util::Result<uint64_t> LogSegment::Recover(
    uint64_t max_batch_size, const std::function<void(const BatchHeader&)>& visit) {
  auto file_size = log_->Size();
  if (!file_size.ok()) return file_size.status();
  ResetState();
  offset_index_.clear();
  time_index_.clear();
  size_ = 0;
  std::string unused_index, unused_time;
  BatchScanner scanner(*log_, 0, *file_size, /*verify_crc=*/true, max_batch_size);
  ScannedBatch b;
  util::Status stop;
  while (scanner.Next(&b)) {
    const BatchHeader& h = b.header;
    if (h.base_offset < next_offset_ || h.LastOffset() - base_offset_ > INT32_MAX) {
      stop = util::Status::Corruption("batch offsets " + std::to_string(h.base_offset) + ".." +
                                      std::to_string(h.LastOffset()) + " out of order at position " +
                                      std::to_string(b.position));
      break;
    }
    TrackBatch(h, b.position, &unused_index, &unused_time);
    if (visit) visit(h);
  }
  if (stop.ok()) stop = scanner.status();
  if (!stop.ok() && !stop.IsCorruption()) return stop;
  recovery_stop_ = stop;
  uint64_t cut = *file_size - size_;
  if (cut > 0) UTIL_RETURN_IF_ERROR(log_->Truncate(size_));
  UTIL_RETURN_IF_ERROR(RewriteIndexFiles());
  return cut;
}

util::Status LogSegment::Append(std::string_view bytes, std::span<const BatchHeader> headers,
                                int64_t now_ms) {
  uint64_t position = size_;
  size_t index_count = offset_index_.size();
  size_t time_count = time_index_.size();
  UTIL_RETURN_IF_ERROR(log_->WriteAt(position, bytes));
  std::string index, time;
  for (const BatchHeader& h : headers) {
    TrackBatch(h, position, &index, &time);
    position += h.TotalSize();
  }
  if (!index.empty()) UTIL_RETURN_IF_ERROR(index_.WriteAt(index_count * kOffsetEntrySize, index));
  if (!time.empty()) {
    UTIL_RETURN_IF_ERROR(time_index_file_.WriteAt(time_count * kTimeEntrySize, time));
  }
  dirty_ = true;
  last_modified_ms_ = now_ms;
  return util::Status::OK();
}

util::Result<LogSegment::RunEnd> LogSegment::WholeBatchesEnd(uint64_t start, uint64_t limit,
                                                             int64_t max_offset) const {
  const uint64_t hard_end = limit >= size_ - start ? size_ : start + limit;
  // Jump to the last indexed batch that starts within the limit and whose offsets are
  // all below max_offset: every batch before it qualifies too.
  uint64_t scan_from = start;
  auto by_pos = std::upper_bound(
      offset_index_.begin(), offset_index_.end(), hard_end,
      [](uint64_t p, const OffsetIndexEntry& e) { return p < e.position; });
  auto by_off = std::lower_bound(
      offset_index_.begin(), offset_index_.end(), max_offset,
      [this](const OffsetIndexEntry& e, int64_t m) { return base_offset_ + e.relative_offset < m; });
  auto bound = std::min(by_pos, by_off);
  if (bound != offset_index_.begin() && std::prev(bound)->position > start) {
    scan_from = std::prev(bound)->position;
  }
  RunEnd run{scan_from, -1};
  BatchScanner scanner(*log_, scan_from, size_, /*verify_crc=*/false, UINT64_MAX,
                       kBatchHeaderSize);
  ScannedBatch b;
  while (scanner.Next(&b)) {
    if (run.next_offset < 0) run.next_offset = b.header.base_offset;
    if (b.header.TotalSize() > hard_end - b.position || b.header.LastOffset() >= max_offset) {
      break;
    }
    run.end = b.position + b.header.TotalSize();
    run.next_offset = b.header.NextOffset();
  }
  if (!scanner.status().ok()) return scanner.status();
  if (run.next_offset < 0) run.next_offset = next_offset_;
  return run;
}

util::Result<std::optional<ScannedBatch>> LogSegment::FindBatch(int64_t offset) const {
  if (offset >= next_offset_) return std::optional<ScannedBatch>();
  uint64_t start = 0;
  if (offset > base_offset_) {
    int64_t rel = offset - base_offset_;
    auto it = std::upper_bound(
        offset_index_.begin(), offset_index_.end(), rel,
        [](int64_t r, const OffsetIndexEntry& e) { return r < e.relative_offset; });
    if (it != offset_index_.begin()) start = std::prev(it)->position;
  }
  BatchScanner scanner(*log_, start, size_, /*verify_crc=*/false, UINT64_MAX,
                       kLookupReadAhead);
  ScannedBatch b;
  while (scanner.Next(&b)) {
    if (b.header.LastOffset() >= offset) return std::optional<ScannedBatch>(b);
  }
  if (!scanner.status().ok()) return scanner.status();
  return std::optional<ScannedBatch>();
}

util::Status LogSegment::ReadAt(uint64_t position, size_t n, std::string* out) const {
  return log_->ReadAt(position, n, out);
}

util::Result<std::optional<TimestampOffset>> LogSegment::FindOffsetByTimestamp(
    int64_t timestamp, int64_t min_offset) const {
  using Out = std::optional<TimestampOffset>;
  if (max_timestamp_ < timestamp) return Out();
  // Every batch before the one holding the largest indexed timestamp <= target has a
  // smaller max timestamp, so the scan can start at that batch's index position.
  uint64_t start = 0;
  auto t = std::upper_bound(time_index_.begin(), time_index_.end(), timestamp,
                            [](int64_t ts, const TimeIndexEntry& e) { return ts < e.timestamp; });
  if (t != time_index_.begin()) {
    int32_t rel = std::prev(t)->relative_offset;
    auto it = std::upper_bound(
        offset_index_.begin(), offset_index_.end(), rel,
        [](int32_t r, const OffsetIndexEntry& e) { return r < e.relative_offset; });
    if (it != offset_index_.begin()) start = std::prev(it)->position;
  }
  BatchScanner scanner(*log_, start, size_, /*verify_crc=*/false, UINT64_MAX,
                       kLookupReadAhead);
  ScannedBatch b;
  while (scanner.Next(&b)) {
    const BatchHeader& h = b.header;
    if (h.max_timestamp < timestamp || h.LastOffset() < min_offset) continue;
    std::string batch;
    UTIL_RETURN_IF_ERROR(log_->ReadAt(b.position, h.TotalSize(), &batch));
    int64_t ts = h.max_timestamp;
    int64_t offset = FirstOffsetWithTimestamp(batch, h, timestamp, &ts);
    return Out(TimestampOffset{ts, std::max(offset, min_offset)});
  }
  if (!scanner.status().ok()) return scanner.status();
  return Out();
}

util::Result<uint64_t> LogSegment::TruncateTo(int64_t offset) {
  auto found = FindBatch(offset);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return uint64_t{0};
  uint64_t cut = (*found)->position;
  uint64_t removed = size_ - cut;
  UTIL_RETURN_IF_ERROR(log_->Truncate(cut));
  size_ = cut;
  std::erase_if(offset_index_, [&](const OffsetIndexEntry& e) { return e.position >= cut; });
  // Time entries are written alongside offset entries; keep none past the last
  // surviving offset entry so the pair stays consistent for LoadIndexes.
  const int64_t last_indexed =
      offset_index_.empty() ? -1 : offset_index_.back().relative_offset;
  std::erase_if(time_index_, [&](const TimeIndexEntry& e) {
    return base_offset_ + e.relative_offset >= offset || e.relative_offset > last_indexed;
  });
  UTIL_RETURN_IF_ERROR(RewriteIndexFiles());
  UTIL_RETURN_IF_ERROR(LoadTail(UINT64_MAX));
  return removed;
}

util::Status LogSegment::Flush() {
  if (!dirty_) return util::Status::OK();
  UTIL_RETURN_IF_ERROR(log_->Sync());
  UTIL_RETURN_IF_ERROR(index_.Sync());
  UTIL_RETURN_IF_ERROR(time_index_file_.Sync());
  dirty_ = false;
  return util::Status::OK();
}

util::Status LogSegment::DeleteFiles() {
  // Outstanding FileSlices keep the descriptor (and so the unlinked data) alive.
  log_.reset();
  index_.Close();
  time_index_file_.Close();
  UTIL_RETURN_IF_ERROR(RemoveFile(stem_ + kLogSuffix + suffix_));
  UTIL_RETURN_IF_ERROR(RemoveFile(stem_ + kIndexSuffix + suffix_));
  return RemoveFile(stem_ + kTimeIndexSuffix + suffix_);
}

util::Status LogSegment::ChangeSuffix(const std::string& suffix) {
  if (suffix == suffix_) return util::Status::OK();
  // Towards a suffix the .log goes last, towards the final names first: either way
  // a crash in between leaves the indexes as the orphans, and indexes are rebuilt.
  const bool log_first = suffix.empty();
  const char* order[3] = {kLogSuffix, kIndexSuffix, kTimeIndexSuffix};
  if (!log_first) {
    order[0] = kIndexSuffix;
    order[1] = kTimeIndexSuffix;
    order[2] = kLogSuffix;
  }
  for (const char* ext : order) {
    UTIL_RETURN_IF_ERROR(RenamePath(stem_ + ext + suffix_, stem_ + ext + suffix));
  }
  suffix_ = suffix;
  return util::Status::OK();
}

util::Result<int> CompleteInterruptedSwaps(const std::string& dir) {
  auto names = ListDir(dir);
  if (!names.ok()) return names.status();
  const std::string log_swap = std::string(kLogSuffix) + kSwapSuffix;
  std::vector<int64_t> swaps, bases;
  auto parse = [](std::string_view stem) -> int64_t {
    if (stem.size() != 20) return -1;
    int64_t v = 0;
    for (char c : stem) {
      if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  for (const std::string& name : *names) {
    std::string_view n = name;
    if (n.size() > log_swap.size() && n.substr(n.size() - log_swap.size()) == log_swap) {
      int64_t base = parse(n.substr(0, n.size() - log_swap.size()));
      if (base >= 0) swaps.push_back(base);
    } else if (n.size() == 24 && n.substr(20) == kLogSuffix) {
      int64_t base = parse(n.substr(0, 20));
      if (base >= 0) bases.push_back(base);
    }
  }
  for (int64_t base : swaps) {
    const std::string stem = SegmentFileStem(dir, base);
    // The swap was fsynced before it was renamed into place; its last batch says
    // which old segments it replaces. A torn tail is left for recovery to cut.
    auto file = File::OpenReadOnly(stem + log_swap);
    if (!file.ok()) return file.status();
    auto size = file->Size();
    if (!size.ok()) return size.status();
    int64_t next = base;
    BatchScanner scanner(*file, 0, *size, /*verify_crc=*/false, UINT64_MAX);
    ScannedBatch b;
    while (scanner.Next(&b)) next = std::max(next, b.header.NextOffset());
    file->Close();
    for (int64_t old : bases) {
      if (old < base || (old >= next && old != base)) continue;
      const std::string old_stem = SegmentFileStem(dir, old);
      UTIL_RETURN_IF_ERROR(RemoveFile(old_stem + kLogSuffix));
      UTIL_RETURN_IF_ERROR(RemoveFile(old_stem + kIndexSuffix));
      UTIL_RETURN_IF_ERROR(RemoveFile(old_stem + kTimeIndexSuffix));
    }
    UTIL_RETURN_IF_ERROR(RenamePath(stem + log_swap, stem + kLogSuffix));
    for (const char* ext : {kIndexSuffix, kTimeIndexSuffix}) {
      if (PathExists(stem + ext + kSwapSuffix)) {
        UTIL_RETURN_IF_ERROR(RenamePath(stem + ext + kSwapSuffix, stem + ext));
      }
    }
  }
  if (!swaps.empty()) UTIL_RETURN_IF_ERROR(SyncDir(dir));
  return static_cast<int>(swaps.size());
}

}  // namespace kafka::log
