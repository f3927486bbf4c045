// One log segment: `<base>.log` (record batches exactly as stored), `<base>.index`
// (sparse offset index) and `<base>.timeindex` (sparse time index), named by the
// 20-digit zero-padded base offset so `ls` sorts them numerically.
//
// Index entries (big-endian, no preallocation, see FORMAT.md):
//   .index      relativeOffset int32 (batch last offset - base), position int32
//   .timeindex  timestamp int64 (max timestamp so far), relativeOffset int32
// One entry per `index_interval_bytes` of log. Indexes are derived data: they are
// kept in memory, appended to on disk, and rebuilt from the .log whenever they fail
// validation or the segment is recovered.
//
// BatchScanner walks a segment's batches sequentially with a read-ahead buffer; it
// is what recovery and index rebuilds use.
// Lifecycle: owned by PartitionLog. Thread safety: none (the log's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/log/batch_header.h"
#include "common/log/file.h"
#include "common/util/status.h"

namespace kafka::log {

// "<dir>/00000000000000000042" (no extension).
std::string SegmentFileStem(const std::string& dir, int64_t base_offset);
inline constexpr char kLogSuffix[] = ".log";
inline constexpr char kIndexSuffix[] = ".index";
inline constexpr char kTimeIndexSuffix[] = ".timeindex";
// The log cleaner's file suffixes (after the extension, as Kafka): a segment being
// written is "<base>.log.cleaned"; renaming it to "<base>.log.swap" commits it.
inline constexpr char kCleanedSuffix[] = ".cleaned";
inline constexpr char kSwapSuffix[] = ".swap";

// Start-up half of the cleaner's swap protocol, run on a partition dir before its
// segments are listed: every "<base>.log.swap" was committed, so the segments it
// replaces (base offsets within [base, its next offset)) are removed and the swap
// files are renamed to their final names. ".cleaned" files are never committed and
// are removed by the caller. Returns the number of swaps completed.
util::Result<int> CompleteInterruptedSwaps(const std::string& dir);

struct ScannedBatch {
  uint64_t position = 0;
  BatchHeader header;
  std::string_view bytes;  // valid until the next Next()
};

class BatchScanner {
 public:
  // Scans [start, end) of `file`. With verify_crc every batch is fully validated;
  // without, only the header checks and the length bound are applied.
  BatchScanner(const File& file, uint64_t start, uint64_t end, bool verify_crc,
               uint64_t max_batch_size, uint64_t read_ahead = 1 << 20);

  // True with *out filled; false when scanning stopped: status() is OK at a clean
  // end, Corruption at a bad or partial batch (position() is where it starts), or
  // IOError.
  bool Next(ScannedBatch* out);
  const util::Status& status() const { return status_; }
  uint64_t position() const { return pos_; }

 private:
  bool Ensure(uint64_t n);  // makes [pos_, pos_ + n) available in buf_

  const File& file_;
  uint64_t pos_;
  uint64_t end_;
  bool verify_crc_;
  uint64_t max_batch_size_;
  uint64_t read_ahead_;
  std::string buf_;
  uint64_t buf_start_ = 0;
  util::Status status_;
};

struct TimestampOffset {
  int64_t timestamp = -1;
  int64_t offset = -1;
  friend bool operator==(const TimestampOffset&, const TimestampOffset&) = default;
};

struct OffsetIndexEntry {
  int32_t relative_offset;
  uint32_t position;
};

struct TimeIndexEntry {
  int64_t timestamp;
  int32_t relative_offset;
};

class LogSegment {
 public:
  ~LogSegment() = default;
  LogSegment(const LogSegment&) = delete;
  LogSegment& operator=(const LogSegment&) = delete;

  // Creates empty files (truncating leftovers) for a new segment.
  static util::Result<std::unique_ptr<LogSegment>> Create(const std::string& dir,
                                                          int64_t base_offset,
                                                          int64_t index_interval_bytes,
                                                          int64_t now_ms);
  // The same with `suffix` after each file's extension ("<base>.log.cleaned"): the
  // cleaner's output, invisible to a PartitionLog loading the dir.
  static util::Result<std::unique_ptr<LogSegment>> CreateWithSuffix(
      const std::string& dir, int64_t base_offset, int64_t index_interval_bytes, int64_t now_ms,
      const std::string& suffix);
  // Renames the three files to carry `suffix` ("" for the final names). The .log goes
  // last, so an interrupted rename to kSwapSuffix leaves no committed swap.
  util::Status ChangeSuffix(const std::string& suffix);
  // A cleaned segment keeps the newest modification time of those it replaces, so
  // time-based retention and segment age do not restart.
  void set_last_modified_ms(int64_t ms) { last_modified_ms_ = ms; }
  int64_t last_modified_ms() const { return last_modified_ms_; }
  // Opens an existing segment. With `recover`, runs Recover (validating every batch).
  // Without, trusts the contents (after a clean shutdown or below the recovery
  // point): loads the indexes, rebuilding them if they fail validation, and scans the
  // batches after the last index entry; if that tail scan hits a bad batch the
  // segment is recovered after all. `*truncated` reports the bytes cut.
  static util::Result<std::unique_ptr<LogSegment>> Open(
      const std::string& dir, int64_t base_offset, int64_t index_interval_bytes,
      uint64_t max_batch_size, bool recover,
      const std::function<void(const BatchHeader&)>& visit, uint64_t* truncated);

  // Validates every batch from the start (length bounds, magic, CRC, offsets
  // increasing and within this segment's int32 range), truncates the file at the
  // first bad or partial one, and rewrites both indexes. `visit` sees every valid
  // batch (the log uses it to rebuild the leader epoch cache). Returns bytes cut.
  util::Result<uint64_t> Recover(uint64_t max_batch_size,
                                 const std::function<void(const BatchHeader&)>& visit);

  // Appends validated, stamped, contiguous batches (`bytes` holds exactly the batches
  // described by `headers`) with one write; updates the indexes.
  util::Status Append(std::string_view bytes, std::span<const BatchHeader> headers,
                      int64_t now_ms);

  // The first batch whose last offset is >= `offset`, or nullopt if none here.
  util::Result<std::optional<ScannedBatch>> FindBatch(int64_t offset) const;
  util::Status ReadAt(uint64_t position, size_t n, std::string* out) const;

  // From `start` (a batch boundary), the end position of the longest run of whole
  // batches that fits in `limit` bytes and whose last offsets are < `max_offset`, and
  // the offset after the run. Uses the index to skip ahead, then reads headers only.
  struct RunEnd {
    uint64_t end = 0;
    int64_t next_offset = 0;
  };
  util::Result<RunEnd> WholeBatchesEnd(uint64_t start, uint64_t limit, int64_t max_offset) const;

  // The .log file, shared so a slice being sent outlives a segment deleted meanwhile.
  std::shared_ptr<const File> log_file() const { return log_; }

  // Earliest record with timestamp >= `timestamp` (offset >= `min_offset`), or nullopt.
  util::Result<std::optional<TimestampOffset>> FindOffsetByTimestamp(int64_t timestamp,
                                                                     int64_t min_offset) const;

  // Drops every batch whose last offset is >= `offset` (a batch straddling it goes
  // whole). Returns bytes removed.
  util::Result<uint64_t> TruncateTo(int64_t offset);

  util::Status Flush();
  // Closes and unlinks the three files (.log first: an orphan index is harmless).
  util::Status DeleteFiles();

  int64_t base_offset() const { return base_offset_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Last offset + 1, or base_offset when empty.
  int64_t next_offset() const { return next_offset_; }
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  // Max timestamp of the first batch (Kafka's rollingBasedTimestamp), -1 if none.
  int64_t first_batch_timestamp() const { return first_batch_timestamp_; }
  int64_t created_ms() const { return created_ms_; }
  // Max timestamp, or the last append/modification time when no batch has one.
  int64_t LargestTimestamp() const {
    return max_timestamp_ >= 0 ? max_timestamp_ : last_modified_ms_;
  }
  bool dirty() const { return dirty_; }
  // Why the last Recover stopped early (OK when it reached a clean end).
  const util::Status& recovery_stop() const { return recovery_stop_; }
  const std::vector<OffsetIndexEntry>& offset_index() const { return offset_index_; }
  const std::vector<TimeIndexEntry>& time_index() const { return time_index_; }

 private:
  LogSegment(const std::string& dir, int64_t base_offset, int64_t index_interval_bytes);
  util::Status OpenFiles();
  // Reads .index and .timeindex; false when they are inconsistent with the log.
  util::Result<bool> LoadIndexes();
  // Recomputes next offset, max timestamp and first batch timestamp by scanning from
  // the last offset index entry to the end. Corruption if the tail is not clean.
  util::Status LoadTail(uint64_t max_batch_size);
  void ResetState();
  // Index bookkeeping for one batch at `position`, shared by Append and rebuilds.
  void TrackBatch(const BatchHeader& h, uint64_t position, std::string* index_out,
                  std::string* time_out);
  util::Status RewriteIndexFiles();

  std::string stem_;
  std::string suffix_;  // "" or a cleaner suffix, after each extension
  int64_t base_offset_;
  int64_t index_interval_bytes_;
  std::shared_ptr<File> log_;  // shared with FileSlices handed out for sendfile
  File index_;
  File time_index_file_;
  uint64_t size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = -1;
  int64_t offset_of_max_timestamp_ = -1;
  int64_t first_batch_timestamp_ = -1;
  int64_t created_ms_ = 0;
  int64_t last_modified_ms_ = 0;
  int64_t bytes_since_last_index_entry_ = 0;
  bool dirty_ = false;
  util::Status recovery_stop_;
  std::vector<OffsetIndexEntry> offset_index_;
  std::vector<TimeIndexEntry> time_index_;
};

}  // namespace kafka::log
