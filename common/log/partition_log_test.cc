#include "common/log/partition_log.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <unistd.h>

#include "common/log/file.h"
#include "common/log/testing/batch_builder.h"

namespace kafka::log {
namespace {

using testing::BuildSimpleBatch;
using testing::DecodeRecords;
using testing::FreshTestDir;
using testing::ReadFileOrDie;
using testing::WriteFileOrDie;

const TopicPartition kTp{"t", 0};

std::unique_ptr<PartitionLog> OpenOrDie(const std::string& dir, const LogConfig& config,
                                        const LoadHints& hints = {}) {
  auto log = PartitionLog::Open(dir, kTp, config, hints);
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return std::move(*log);
}

LoadHints Clean() {
  LoadHints h;
  h.clean_shutdown = true;
  return h;
}

std::vector<int64_t> Offsets(const std::string& records) {
  std::vector<int64_t> out;
  for (const auto& r : DecodeRecords(records)) out.push_back(r.offset);
  return out;
}

// Every batch from `from` to LEO (Read returns one segment at a time, as Kafka's).
std::string ReadAll(const PartitionLog& log, int64_t from = 0) {
  std::string out;
  for (int64_t off = from; off < log.log_end_offset();) {
    auto r = log.Read(off, 1 << 20);
    REQUIRE(r.ok());
    REQUIRE(r->next_offset > off);
    out += r->records;
    off = r->next_offset;
  }
  return out;
}

std::string LogFile(const std::string& dir, int64_t base) {
  return SegmentFileStem(dir, base) + kLogSuffix;
}

// Appends `n` batches of `per` records each (timestamps ts0, ts0+1, ...).
void AppendBatches(PartitionLog& log, int n, int per, int64_t ts0 = 1000, int32_t epoch = 0,
                   size_t value_size = 0) {
  for (int i = 0; i < n; ++i) {
    auto r = log.Append(BuildSimpleBatch(per, ts0 + i, "v", value_size), epoch);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
}

TEST_CASE("append assigns offsets from the log end and reads them back", "[log]") {
  std::string dir = FreshTestDir("pl_roundtrip");
  auto log = OpenOrDie(dir, LogConfig{});
  CHECK(log->log_end_offset() == 0);
  auto a = log->Append(BuildSimpleBatch(2, 100, "a"), 0);
  REQUIRE(a.ok());
  CHECK(a->first_offset == 0);
  CHECK(a->last_offset == 1);
  auto b = log->Append(BuildSimpleBatch(3, 200, "b") + BuildSimpleBatch(1, 300, "c"), 0);
  REQUIRE(b.ok());
  CHECK(b->first_offset == 2);
  CHECK(b->last_offset == 5);
  CHECK(b->batch_count == 2);
  CHECK(b->record_count == 4);
  CHECK(b->max_timestamp == 300);
  CHECK(log->log_end_offset() == 6);

  auto all = log->Read(0, 1 << 20);
  REQUIRE(all.ok());
  auto recs = DecodeRecords(all->records);
  REQUIRE(recs.size() == 6);
  CHECK(recs[0].value == "a-0");
  CHECK(recs[2].value == "b-0");
  CHECK(recs[5].value == "c-0");
  CHECK(Offsets(all->records) == std::vector<int64_t>{0, 1, 2, 3, 4, 5});
  CHECK(all->next_offset == 6);

  // Reading from the middle of a batch starts at that batch, as Kafka does.
  auto mid = log->Read(3, 1 << 20);
  REQUIRE(mid.ok());
  CHECK(Offsets(mid->records).front() == 2);

  CHECK(log->Read(6, 100)->records.empty());
  CHECK(log->Read(7, 100).status().IsNotFound());
  CHECK(log->Read(-1, 100).status().IsNotFound());
}

TEST_CASE("reads return whole batches within max bytes and below max offset", "[log]") {
  std::string dir = FreshTestDir("pl_readlimits");
  auto log = OpenOrDie(dir, LogConfig{});
  AppendBatches(*log, 5, 2);  // batches at 0,2,4,6,8
  size_t batch_size = BuildSimpleBatch(2, 1000).size();
  auto two = log->Read(0, batch_size * 2 + batch_size / 2);
  REQUIRE(two.ok());
  CHECK(two->records.size() == batch_size * 2);
  CHECK(two->next_offset == 4);
  // The first batch comes whole even when max_bytes is smaller...
  auto one = log->Read(0, 10);
  CHECK(one->records.size() == batch_size);
  // ...unless the caller asks otherwise.
  CHECK(log->Read(0, 10, INT64_MAX, false)->records.empty());
  // High watermark bound: nothing whose last offset is at or above it.
  auto hw = log->Read(0, 1 << 20, 5);
  CHECK(Offsets(hw->records) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(log->Read(4, 1 << 20, 5)->records.empty());
}

TEST_CASE("append rejects a corrupt batch and leaves the log unchanged", "[log]") {
  std::string dir = FreshTestDir("pl_reject");
  auto log = OpenOrDie(dir, LogConfig{});
  AppendBatches(*log, 1, 1);
  std::string bad = BuildSimpleBatch(2, 5);
  bad[bad.size() - 2] ^= 1;
  CHECK(log->Append(bad, 0).status().IsCorruption());
  CHECK(log->Append(BuildSimpleBatch(1, 5) + bad, 0).status().IsCorruption());
  std::string torn = BuildSimpleBatch(2, 5);
  torn.resize(torn.size() - 1);
  CHECK(log->Append(torn, 0).status().IsCorruption());
  std::string magic = BuildSimpleBatch(2, 5);
  magic[16] = 1;
  CHECK(log->Append(magic, 0).status().IsCorruption());
  CHECK(log->Append("", 0).status().IsCorruption());
  CHECK(log->log_end_offset() == 1);
  CHECK(log->failure().ok());

  LogConfig small;
  small.max_message_bytes = 100;
  auto log2 = OpenOrDie(FreshTestDir("pl_reject_big"), small);
  CHECK(log2->Append(BuildSimpleBatch(1, 5, "v", 200), 0).status().IsInvalidArgument());
}

TEST_CASE("sparse offset index entries are written and used for lookups", "[log]") {
  std::string dir = FreshTestDir("pl_index");
  LogConfig config;
  config.index_interval_bytes = 200;
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 50, 3, 1000, 0, 40);
  const LogSegment& seg = log->active_segment();
  REQUIRE(seg.offset_index().size() > 5);
  REQUIRE(seg.time_index().size() > 5);
  CHECK(std::filesystem::file_size(SegmentFileStem(dir, 0) + kIndexSuffix) ==
        seg.offset_index().size() * 8);
  CHECK(std::filesystem::file_size(SegmentFileStem(dir, 0) + kTimeIndexSuffix) ==
        seg.time_index().size() * 12);
  for (int64_t off = 0; off < 150; off += 7) {
    auto r = log->Read(off, 1);
    REQUIRE(r.ok());
    auto offsets = Offsets(r->records);
    REQUIRE(offsets.size() == 3);
    CHECK(offsets.front() == off / 3 * 3);
  }
  // Timestamps: batch i has timestamp 1000 + i and offsets 3i..3i+2.
  for (int i : {0, 1, 17, 33, 49}) {
    auto t = log->OffsetForTimestamp(1000 + i);
    REQUIRE(t.ok());
    REQUIRE(t->has_value());
    CHECK((*t)->offset == 3 * i);
    CHECK((*t)->timestamp == 1000 + i);
  }
  CHECK_FALSE(log->OffsetForTimestamp(2000)->has_value());
  CHECK((*log->OffsetForTimestamp(kEarliestTimestamp))->offset == 0);
  CHECK((*log->OffsetForTimestamp(kLatestTimestamp))->offset == 150);
  CHECK((*log->OffsetForTimestamp(kMaxTimestamp))->timestamp == 1049);
  CHECK((*log->OffsetForTimestamp(kMaxTimestamp))->offset == 149);

  // Indexes reload as written after a clean shutdown.
  auto index_before = seg.offset_index().size();
  log.reset();
  auto reopened = OpenOrDie(dir, config, Clean());
  CHECK(reopened->active_segment().offset_index().size() == index_before);
  CHECK(reopened->log_end_offset() == 150);
  CHECK(Offsets(reopened->Read(100, 1)->records).front() == 99);
}

TEST_CASE("a garbage index is rebuilt from the log", "[log]") {
  std::string dir = FreshTestDir("pl_bad_index");
  LogConfig config;
  config.index_interval_bytes = 100;
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 20, 2);
  auto entries = log->active_segment().offset_index().size();
  REQUIRE(entries > 0);
  log.reset();
  std::string index = SegmentFileStem(dir, 0) + kIndexSuffix;
  WriteFileOrDie(index, ReadFileOrDie(index) + "garbage!");
  WriteFileOrDie(SegmentFileStem(dir, 0) + kTimeIndexSuffix, std::string(24, '\xff'));
  auto reopened = OpenOrDie(dir, config, Clean());
  CHECK(reopened->active_segment().offset_index().size() == entries);
  CHECK(reopened->log_end_offset() == 40);
  CHECK((*reopened->OffsetForTimestamp(1010))->offset == 20);
}

TEST_CASE("deleted index files are rebuilt on a clean open", "[log]") {
  std::string dir = FreshTestDir("pl_deleted_index");
  LogConfig config;
  config.index_interval_bytes = 100;
  config.segment_bytes = 2000;
  std::vector<size_t> entries;
  {
    auto log = OpenOrDie(dir, config);
    AppendBatches(*log, 40, 2);
    REQUIRE(log->SegmentBaseOffsets().size() > 1);
    entries.push_back(log->active_segment().offset_index().size());
  }
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".index" || e.path().extension() == ".timeindex") {
      std::filesystem::remove(e.path());
    }
  }
  auto log = OpenOrDie(dir, config, Clean());
  CHECK(log->active_segment().offset_index().size() == entries[0]);
  CHECK(std::filesystem::file_size(SegmentFileStem(dir, 0) + kIndexSuffix) > 0);
  CHECK(log->log_end_offset() == 80);
  CHECK((*log->OffsetForTimestamp(1030))->offset == 60);
}

TEST_CASE("segments roll by size and keep 20-digit names", "[log]") {
  std::string dir = FreshTestDir("pl_roll_size");
  LogConfig config;
  size_t batch = BuildSimpleBatch(2, 0).size();
  config.segment_bytes = static_cast<int64_t>(batch * 3);
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 10, 2);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 6, 12, 18});
  CHECK(PathExists(dir + "/00000000000000000006.log"));
  CHECK(PathExists(dir + "/00000000000000000018.index"));
  // A rolled segment is flushed, so the recovery point moves past it.
  CHECK(log->recovery_point() == 18);
  auto r = log->Read(7, 1 << 20);
  CHECK(Offsets(r->records) == std::vector<int64_t>{6, 7, 8, 9, 10, 11});
  CHECK(r->next_offset == 12);
  log.reset();
  auto reopened = OpenOrDie(dir, config, Clean());
  CHECK(reopened->SegmentBaseOffsets() == std::vector<int64_t>{0, 6, 12, 18});
  CHECK(reopened->log_end_offset() == 20);
}

TEST_CASE("segments roll by time measured from the first batch's timestamp", "[log]") {
  std::string dir = FreshTestDir("pl_roll_time");
  LogConfig config;
  config.segment_ms = 1000;
  auto log = OpenOrDie(dir, config);
  REQUIRE(log->Append(BuildSimpleBatch(1, 10'000), 0).ok());
  REQUIRE(log->Append(BuildSimpleBatch(1, 10'900), 0).ok());
  CHECK(log->SegmentBaseOffsets().size() == 1);
  REQUIRE(log->Append(BuildSimpleBatch(1, 11'001), 0).ok());
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 2});

  // Without timestamps, the segment's creation time on the log's clock counts.
  int64_t now = 50'000;
  LogConfig wall;
  wall.segment_ms = 1000;
  wall.clock = [&now] { return now; };
  auto log2 = OpenOrDie(FreshTestDir("pl_roll_wall"), wall);
  REQUIRE(log2->Append(BuildSimpleBatch(1, -1), 0).ok());
  now += 500;
  REQUIRE(log2->Append(BuildSimpleBatch(1, -1), 0).ok());
  CHECK(log2->SegmentBaseOffsets().size() == 1);
  now += 600;
  REQUIRE(log2->Append(BuildSimpleBatch(1, -1), 0).ok());
  CHECK(log2->SegmentBaseOffsets() == std::vector<int64_t>{0, 2});
}

TEST_CASE("retention by size deletes old segments, never the active one", "[log]") {
  std::string dir = FreshTestDir("pl_retention_size");
  LogConfig config;
  size_t batch = BuildSimpleBatch(2, 0).size();
  config.segment_bytes = static_cast<int64_t>(batch * 2);
  config.retention_ms = -1;
  config.retention_bytes = static_cast<int64_t>(batch * 3);
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 9, 2);  // segments 0,4,8,12 full; 16 holds one batch
  REQUIRE(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 4, 8, 12, 16});
  // Nothing above the high watermark is deleted.
  CHECK(*log->DeleteOldSegments(0) == 0);
  log->SetHighWatermark(log->log_end_offset());
  CHECK(*log->DeleteOldSegments(0) == 3);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{12, 16});
  CHECK(log->log_start_offset() == 12);
  CHECK_FALSE(PathExists(LogFile(dir, 0)));
  CHECK(log->Read(0, 100).status().IsNotFound());
  CHECK(*log->DeleteOldSegments(0) == 0);
}

TEST_CASE("retention by time deletes segments whose newest record is too old", "[log]") {
  std::string dir = FreshTestDir("pl_retention_time");
  LogConfig config;
  size_t batch = BuildSimpleBatch(1, 0).size();
  config.segment_bytes = static_cast<int64_t>(batch * 2);
  config.retention_ms = 10'000;
  auto log = OpenOrDie(dir, config);
  for (int64_t ts : {1000, 2000, 30'000, 31'000, 50'000, 51'000}) {
    REQUIRE(log->Append(BuildSimpleBatch(1, ts), 0).ok());
  }
  REQUIRE(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 2, 4});
  log->SetHighWatermark(6);
  CHECK(*log->DeleteOldSegments(35'000) == 1);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{2, 4});
  // The active segment stays even when everything is expired.
  CHECK(*log->DeleteOldSegments(1'000'000) == 1);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{4});
  CHECK(log->log_start_offset() == 4);
}

TEST_CASE("log start offset advance deletes wholly covered segments", "[log]") {
  std::string dir = FreshTestDir("pl_delete_records");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(2, 0).size() * 2);
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 6, 2);
  REQUIRE(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 4, 8});
  CHECK(log->AdvanceLogStartOffset(5).IsInvalidArgument());  // above HW
  log->SetHighWatermark(12);
  REQUIRE(log->AdvanceLogStartOffset(5).ok());
  CHECK(log->log_start_offset() == 5);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{4, 8});
  CHECK(log->Read(4, 100).status().IsNotFound());
  CHECK(log->Read(5, 100).ok());
}

TEST_CASE("reopen after a clean shutdown keeps everything", "[log]") {
  std::string dir = FreshTestDir("pl_reopen_clean");
  LogConfig config;
  config.segment_bytes = 500;
  {
    auto log = OpenOrDie(dir, config);
    AppendBatches(*log, 30, 2, 1000, 3);
    REQUIRE(log->Flush().ok());
  }
  LoadHints hints = Clean();
  hints.high_watermark = 40;
  hints.log_start_offset = 0;
  auto log = OpenOrDie(dir, config, hints);
  CHECK(log->log_end_offset() == 60);
  CHECK(log->high_watermark() == 40);
  CHECK(log->LatestEpoch() == 3);
  auto recs = DecodeRecords(log->Read(58, 1000)->records);
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].offset == 59);
  CHECK(recs[1].leader_epoch == 3);
  REQUIRE(log->Append(BuildSimpleBatch(1, 9), 3).ok());
  CHECK(log->log_end_offset() == 61);
}

TEST_CASE("reads stop at the longest run of whole batches that fits", "[log]") {
  std::string dir = FreshTestDir("pl_read_runs");
  LogConfig config;
  config.index_interval_bytes = 64;  // many index entries to jump over
  auto log = OpenOrDie(dir, config);
  std::vector<uint64_t> sizes;
  std::mt19937 rng(3);
  for (int i = 0; i < 60; ++i) {
    std::string b = BuildSimpleBatch(1 + static_cast<int>(rng() % 3), 1000 + i, "v", rng() % 90);
    sizes.push_back(b.size());
    REQUIRE(log->Append(b, 0).ok());
  }
  std::string everything = ReadAll(*log);
  std::vector<std::pair<int64_t, int64_t>> ranges;  // [base, last] per batch
  std::vector<uint64_t> total;
  for (size_t p = 0; p < everything.size();) {
    auto h = ParseBatchHeader(std::string_view(everything).substr(p));
    REQUIRE(h.ok());
    ranges.push_back({h->base_offset, h->LastOffset()});
    total.push_back(h->TotalSize());
    p += h->TotalSize();
  }
  REQUIRE(ranges.size() == 60);
  for (int trial = 0; trial < 200; ++trial) {
    int64_t from = static_cast<int64_t>(rng() % log->log_end_offset());
    size_t max_bytes = rng() % 3000;
    int64_t max_offset = rng() % 4 == 0 ? static_cast<int64_t>(rng() % 200) : INT64_MAX;
    auto r = log->Read(from, max_bytes, max_offset);
    REQUIRE(r.ok());
    // Brute force: walk batch by batch from the one containing `from`.
    size_t bi = 0;
    while (ranges[bi].second < from) ++bi;
    const int64_t base = ranges[bi].first;
    uint64_t want = 0;
    int64_t next = from;
    for (size_t i = bi; i < ranges.size(); ++i) {
      if (ranges[i].second >= max_offset) break;
      if (i == bi && total[i] > max_bytes) {
        want = total[i];
        next = ranges[i].second + 1;
        break;
      }
      if (want + total[i] > max_bytes) break;
      want += total[i];
      next = ranges[i].second + 1;
    }
    INFO("from " << from << " max_bytes " << max_bytes << " max_offset " << max_offset);
    CHECK(r->records.size() == want);
    CHECK(r->next_offset == next);
    if (want > 0) CHECK(Offsets(r->records).front() == base);
    // The zero-copy slice names exactly the same bytes.
    auto slice = log->ReadSlice(from, max_bytes, max_offset);
    REQUIRE(slice.ok());
    CHECK(slice->size == want);
    CHECK(slice->next_offset == next);
    if (want > 0) {
      std::string bytes(slice->size, '\0');
      REQUIRE(::pread(slice->file->fd(), bytes.data(), bytes.size(),
                      static_cast<off_t>(slice->position)) == static_cast<ssize_t>(bytes.size()));
      CHECK(bytes == r->records);
    }
  }
}

TEST_CASE("a slice stays readable after retention deletes its segment", "[log]") {
  std::string dir = FreshTestDir("pl_slice_retention");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(2, 0).size() * 2);
  config.retention_bytes = 0;
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 4, 2);
  auto expected = log->Read(0, 1 << 20);
  auto slice = log->ReadSlice(0, 1 << 20);
  REQUIRE(slice.ok());
  REQUIRE(slice->file != nullptr);
  log->SetHighWatermark(8);
  REQUIRE(*log->DeleteOldSegments(0) == 1);
  CHECK_FALSE(PathExists(LogFile(dir, 0)));
  std::string bytes(slice->size, '\0');
  REQUIRE(::pread(slice->file->fd(), bytes.data(), bytes.size(),
                  static_cast<off_t>(slice->position)) == static_cast<ssize_t>(bytes.size()));
  CHECK(bytes == expected->records);
}

TEST_CASE("one append of many batches rolls mid-request and stays readable", "[log]") {
  std::string dir = FreshTestDir("pl_multi_roll");
  LogConfig config;
  size_t batch = BuildSimpleBatch(2, 0, "m0").size();
  config.segment_bytes = static_cast<int64_t>(batch * 2);
  auto log = OpenOrDie(dir, config);
  std::string request;
  for (int i = 0; i < 5; ++i) request += BuildSimpleBatch(2, 100 + i, "m" + std::to_string(i));
  auto r = log->AppendInPlace(std::span<char>(request.data(), request.size()), 0);
  REQUIRE(r.ok());
  CHECK(r->first_offset == 0);
  CHECK(r->last_offset == 9);
  CHECK(r->batch_count == 5);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 4, 8});
  // Offsets were stamped into the caller's buffer.
  CHECK(ParseBatchHeader(std::string_view(request).substr(batch * 3))->base_offset == 6);
  CHECK(ReadAll(*log) == request);
  log.reset();
  auto reopened = OpenOrDie(dir, config);
  CHECK(ReadAll(*reopened) == request);
}

// ---- Recovery: one test per way a tail can be damaged ----------------------------

struct DamagedLog {
  std::string dir;
  LogConfig config;
  std::vector<uint64_t> batch_ends;  // file positions after each batch of segment 0
};

DamagedLog WriteTenBatches(const std::string& name) {
  DamagedLog d{FreshTestDir(name), LogConfig{}, {}};
  d.config.index_interval_bytes = 150;
  auto log = OpenOrDie(d.dir, d.config);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(log->Append(BuildSimpleBatch(2, 1000 + i, "r", 20), 0).ok());
    d.batch_ends.push_back(log->active_segment().size());
  }
  return d;
}

TEST_CASE("recovery truncates a torn tail cut mid-batch", "[log]") {
  auto d = WriteTenBatches("rec_torn");
  std::string path = LogFile(d.dir, 0);
  std::string data = ReadFileOrDie(path);
  WriteFileOrDie(path, data.substr(0, d.batch_ends[6] + 30));  // inside batch 7
  auto log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 14);
  CHECK(log->active_segment().size() == d.batch_ends[6]);
  CHECK(std::filesystem::file_size(path) == d.batch_ends[6]);
  CHECK(Offsets(log->Read(12, 1 << 20)->records) == std::vector<int64_t>{12, 13});
  // Appends continue at the recovered end.
  CHECK(log->Append(BuildSimpleBatch(1, 5), 0)->first_offset == 14);
}

TEST_CASE("recovery truncates at a batch whose CRC does not match", "[log]") {
  auto d = WriteTenBatches("rec_crc");
  std::string path = LogFile(d.dir, 0);
  std::string data = ReadFileOrDie(path);
  data[d.batch_ends[3] + 70] ^= 0x01;  // a record byte of batch 4
  WriteFileOrDie(path, data);
  auto log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 8);
  CHECK(std::filesystem::file_size(path) == d.batch_ends[3]);
}

TEST_CASE("recovery truncates at a batch with a bad length", "[log]") {
  auto d = WriteTenBatches("rec_len");
  std::string path = LogFile(d.dir, 0);
  std::string data = ReadFileOrDie(path);
  StoreBe32(data.data() + d.batch_ends[4] + 8, 0x7ffffff0);  // batch 5 claims ~2 GiB
  WriteFileOrDie(path, data);
  auto log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 10);
  StoreBe32(data.data() + d.batch_ends[1] + 8, 3);  // batch 2 claims 3 bytes
  log.reset();
  WriteFileOrDie(path, data);
  log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 4);
}

TEST_CASE("recovery drops garbage and zeros appended after the last batch", "[log]") {
  auto d = WriteTenBatches("rec_garbage");
  std::string path = LogFile(d.dir, 0);
  std::string data = ReadFileOrDie(path);
  WriteFileOrDie(path, data + "this is not a record batch, just noise appended by a crash");
  auto log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 20);
  CHECK(std::filesystem::file_size(path) == data.size());
  log.reset();
  WriteFileOrDie(path, data + std::string(4096, '\0'));  // preallocated/zero-filled tail
  log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 20);
  CHECK(std::filesystem::file_size(path) == data.size());
  // Garbage in the index files too: rebuilt.
  log.reset();
  std::string index = SegmentFileStem(d.dir, 0) + kIndexSuffix;
  WriteFileOrDie(index, ReadFileOrDie(index) + "\x01\x02\x03");
  log = OpenOrDie(d.dir, d.config);
  CHECK(log->log_end_offset() == 20);
  CHECK(Offsets(log->Read(15, 1)->records) == std::vector<int64_t>{14, 15});
}

TEST_CASE("recovery removes segments after the first bad batch", "[log]") {
  std::string dir = FreshTestDir("rec_later_segments");
  LogConfig config;
  size_t batch = BuildSimpleBatch(2, 0).size();
  config.segment_bytes = static_cast<int64_t>(batch * 2);
  {
    auto log = OpenOrDie(dir, config);
    AppendBatches(*log, 8, 2);
  }
  // Corrupt the second batch of segment 4 (offsets 6..7).
  std::string path = LogFile(dir, 4);
  std::string data = ReadFileOrDie(path);
  data[batch + 40] ^= 0x10;
  WriteFileOrDie(path, data);
  auto log = OpenOrDie(dir, config);  // unclean: recovery point 0
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 4});
  CHECK(log->log_end_offset() == 6);
  CHECK_FALSE(PathExists(LogFile(dir, 8)));
  CHECK_FALSE(PathExists(SegmentFileStem(dir, 12) + kIndexSuffix));
}

TEST_CASE("a segment overlapping the previous one is removed with its successors", "[log]") {
  std::string dir = FreshTestDir("rec_overlap");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(2, 0).size() * 2);
  {
    auto log = OpenOrDie(dir, config);
    AppendBatches(*log, 4, 2);  // segments 0 (0..3) and 4 (4..7)
  }
  // A stray copy claiming base offset 2, inside segment 0's range.
  WriteFileOrDie(LogFile(dir, 2), ReadFileOrDie(LogFile(dir, 4)));
  auto log = OpenOrDie(dir, config);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0});
  CHECK(log->log_end_offset() == 4);
  CHECK_FALSE(PathExists(LogFile(dir, 4)));
}

TEST_CASE("segments below the recovery point are not rescanned", "[log]") {
  std::string dir = FreshTestDir("rec_recovery_point");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(2, 0).size() * 2);
  {
    auto log = OpenOrDie(dir, config);
    AppendBatches(*log, 6, 2);
  }
  // A bit flip in a trusted segment's record body is not seen without a scan.
  std::string path = LogFile(dir, 0);
  std::string data = ReadFileOrDie(path);
  data[100] ^= 0x10;
  WriteFileOrDie(path, data);
  LoadHints hints;
  hints.recovery_point = 8;
  auto log = OpenOrDie(dir, config, hints);
  CHECK(log->log_end_offset() == 12);
  CHECK(log->recovery_point() == 12);
}

TEST_CASE("recovery rebuilds the leader epoch cache from batches", "[log]") {
  std::string dir = FreshTestDir("rec_epochs");
  {
    auto log = OpenOrDie(dir, LogConfig{});
    AppendBatches(*log, 2, 1, 1000, 1);
    AppendBatches(*log, 2, 1, 1000, 4);
  }
  REQUIRE(RemoveFile(dir + "/" + kLeaderEpochCheckpoint).ok());
  auto log = OpenOrDie(dir, LogConfig{});
  CHECK(log->epoch_cache().entries() == std::vector<EpochEntry>{{1, 0}, {4, 2}});
  CHECK(log->EndOffsetForEpoch(1) == EpochEntry{1, 2});
  CHECK(log->EndOffsetForEpoch(4) == EpochEntry{4, 4});
}

// Kafka's LogSegmentTest.testRecoveryWithCorruptMessage: overwrite from a random
// spot in a random batch's first 15 bytes to the end with random bytes; exactly the
// batches before it survive.
TEST_CASE("recovery keeps exactly the batches before a randomly corrupted one", "[log]") {
  std::mt19937 rng(20261124);
  for (int iter = 0; iter < 10; ++iter) {
    auto d = WriteTenBatches("rec_random_" + std::to_string(iter));
    std::string path = LogFile(d.dir, 0);
    std::string data = ReadFileOrDie(path);
    int victim = static_cast<int>(rng() % 10);
    uint64_t start = victim == 0 ? 0 : d.batch_ends[victim - 1];
    uint64_t pos = start + rng() % 15;
    for (uint64_t i = pos; i < data.size(); ++i) data[i] = static_cast<char>(rng());
    WriteFileOrDie(path, data);
    auto log = OpenOrDie(d.dir, d.config);
    INFO("iteration " << iter << " victim batch " << victim);
    CHECK(log->log_end_offset() == 2 * victim);
    CHECK(std::filesystem::file_size(path) == start);
    if (victim > 0) {
      CHECK(Offsets(log->Read(0, 1 << 20)->records).size() == static_cast<size_t>(2 * victim));
    }
  }
}

// Kafka's LogLoaderTest.testCorruptLog: random bytes after the active segment and
// its index change nothing that was written.
TEST_CASE("random bytes appended to a segment and its index lose nothing", "[log]") {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 10; ++iter) {
    std::string dir = FreshTestDir("rec_append_random_" + std::to_string(iter));
    LogConfig config;
    config.segment_bytes = 700;
    config.index_interval_bytes = 100;
    int batches = 50 + static_cast<int>(rng() % 50);
    std::string before;
    int64_t leo = 0;
    int64_t last_base = 0;
    {
      auto log = OpenOrDie(dir, config);
      AppendBatches(*log, batches, 1, 1000);
      leo = log->log_end_offset();
      before = ReadAll(*log);
      last_base = log->SegmentBaseOffsets().back();
    }
    auto junk = [&] {
      std::string s(1 + rng() % 1024, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      return s;
    };
    for (const char* suffix : {kLogSuffix, kIndexSuffix}) {
      std::string path = SegmentFileStem(dir, last_base) + suffix;
      WriteFileOrDie(path, ReadFileOrDie(path) + junk());
    }
    auto log = OpenOrDie(dir, config);
    CHECK(log->log_end_offset() == leo);
    std::string after = ReadAll(*log);
    CHECK(after == before);
    CHECK(DecodeRecords(after).size() == static_cast<size_t>(batches));
  }
}

// ---- Replication ------------------------------------------------------------------

TEST_CASE("truncate to an offset cuts at a batch boundary across segments", "[log]") {
  std::string dir = FreshTestDir("pl_truncate");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(2, 0).size() * 3);
  config.index_interval_bytes = 50;
  auto log = OpenOrDie(dir, config);
  AppendBatches(*log, 3, 2, 1000, 1);  // 0..5 epoch 1
  AppendBatches(*log, 6, 2, 2000, 2);  // 6..17 epoch 2, segments 0,6,12
  REQUIRE(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 6, 12});
  log->SetHighWatermark(18);

  REQUIRE(log->TruncateTo(9).ok());  // batch 8..9 straddles: it goes whole
  CHECK(log->log_end_offset() == 8);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{0, 6});
  CHECK_FALSE(PathExists(LogFile(dir, 12)));
  CHECK(log->high_watermark() == 8);
  CHECK(Offsets(log->Read(6, 1 << 20)->records) == std::vector<int64_t>{6, 7});
  CHECK(log->OffsetForTimestamp(2003)->has_value() == false);

  REQUIRE(log->TruncateTo(6).ok());
  CHECK(log->log_end_offset() == 6);
  CHECK(log->epoch_cache().entries() == std::vector<EpochEntry>{{1, 0}});
  CHECK(log->TruncateTo(100).ok());  // beyond LEO: no-op
  CHECK(log->log_end_offset() == 6);

  REQUIRE(log->Append(BuildSimpleBatch(2, 3000), 5).ok());
  CHECK(log->log_end_offset() == 8);
  log.reset();
  auto reopened = OpenOrDie(dir, config);  // full recovery agrees
  CHECK(reopened->log_end_offset() == 8);
  CHECK(reopened->epoch_cache().entries() == std::vector<EpochEntry>{{1, 0}, {5, 6}});
}

TEST_CASE("truncate fully restarts the log at a new offset", "[log]") {
  std::string dir = FreshTestDir("pl_truncate_fully");
  auto log = OpenOrDie(dir, LogConfig{});
  AppendBatches(*log, 3, 2);
  REQUIRE(log->TruncateFullyAndStartAt(100).ok());
  CHECK(log->log_start_offset() == 100);
  CHECK(log->log_end_offset() == 100);
  CHECK(log->SegmentBaseOffsets() == std::vector<int64_t>{100});
  CHECK(log->Append(BuildSimpleBatch(1, 1), 0)->first_offset == 100);
}

TEST_CASE("follower appends keep the leader's offsets and epochs", "[log]") {
  auto leader = OpenOrDie(FreshTestDir("pl_leader"), LogConfig{});
  AppendBatches(*leader, 2, 2, 1000, 3);
  AppendBatches(*leader, 1, 2, 1000, 7);
  auto follower = OpenOrDie(FreshTestDir("pl_follower"), LogConfig{});
  auto fetched = leader->Read(0, 1 << 20);
  REQUIRE(fetched.ok());
  auto r = follower->AppendAsFollower(fetched->records);
  REQUIRE(r.ok());
  CHECK(r->last_offset == 5);
  CHECK(follower->epoch_cache().entries() == leader->epoch_cache().entries());
  CHECK(follower->Read(0, 1 << 20)->records == fetched->records);
  CHECK(follower->AppendAsFollower(fetched->records).status().IsInvalidArgument());
}

TEST_CASE("a leader append with a stale epoch is refused", "[log]") {
  auto log = OpenOrDie(FreshTestDir("pl_stale_epoch"), LogConfig{});
  AppendBatches(*log, 1, 1, 1000, 5);
  CHECK(log->Append(BuildSimpleBatch(1, 1), 4).status().code() == util::Status::Code::kAborted);
}

TEST_CASE("flush policy every N messages moves the recovery point", "[log]") {
  LogConfig config;
  config.flush.every_messages = 4;
  auto log = OpenOrDie(FreshTestDir("pl_flush_n"), config);
  AppendBatches(*log, 1, 3);
  CHECK(log->recovery_point() == 0);
  AppendBatches(*log, 1, 1);
  CHECK(log->recovery_point() == 4);

  int64_t now = 0;
  LogConfig timed;
  timed.flush.every_ms = 100;
  timed.clock = [&now] { return now; };
  auto log2 = OpenOrDie(FreshTestDir("pl_flush_ms"), timed);
  AppendBatches(*log2, 1, 1);
  REQUIRE(log2->MaybeFlush(50).ok());
  CHECK(log2->recovery_point() == 0);
  REQUIRE(log2->MaybeFlush(100).ok());
  CHECK(log2->recovery_point() == 1);

  LogConfig every;
  every.flush = FlushPolicy::EveryAppend();
  auto log3 = OpenOrDie(FreshTestDir("pl_flush_each"), every);
  AppendBatches(*log3, 1, 1);
  CHECK(log3->recovery_point() == 1);
}

TEST_CASE("leftover temp and orphan index files are cleaned on open", "[log]") {
  std::string dir = FreshTestDir("pl_leftovers");
  {
    auto log = OpenOrDie(dir, LogConfig{});
    AppendBatches(*log, 1, 1);
  }
  WriteFileOrDie(dir + "/00000000000000000042.index", "x");
  WriteFileOrDie(dir + "/00000000000000000007.log.deleted", "x");
  WriteFileOrDie(dir + "/leader-epoch-checkpoint.tmp", "0\n1\n9 9\n");
  auto log = OpenOrDie(dir, LogConfig{});
  CHECK_FALSE(PathExists(dir + "/00000000000000000042.index"));
  CHECK_FALSE(PathExists(dir + "/00000000000000000007.log.deleted"));
  CHECK_FALSE(PathExists(dir + "/leader-epoch-checkpoint.tmp"));
  CHECK(log->LatestEpoch() == 0);
}

}  // namespace
}  // namespace kafka::log
