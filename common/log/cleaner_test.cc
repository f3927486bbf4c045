#include "common/log/cleaner.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/log/batch_filter.h"
#include "common/log/file.h"
#include "common/log/log_manager.h"
#include "common/log/offset_map.h"
#include "common/log/testing/batch_builder.h"
#include "common/protocol/record_batch.h"

namespace kafka::log {
namespace {

using protocol::Compression;
using testing::FreshTestDir;
using testing::ReadFileOrDie;
using testing::WriteFileOrDie;

const TopicPartition kTp{"compacted", 0};
constexpr int64_t kNow = 1700000000000;

using KV = std::pair<std::string, std::optional<std::string>>;

std::string KeyedBatch(const std::vector<KV>& kvs, int64_t ts,
                       Compression codec = Compression::kNone) {
  std::vector<protocol::Record> records;
  for (size_t i = 0; i < kvs.size(); ++i) {
    protocol::Record r;
    r.key = kvs[i].first;
    r.value = kvs[i].second;
    r.timestamp_delta = static_cast<int64_t>(i);
    records.push_back(std::move(r));
  }
  protocol::BatchBuildOptions opts;
  opts.compression = codec;
  opts.base_timestamp = ts;
  auto b = protocol::BuildBatch(opts, records);
  REQUIRE(b.ok());
  return *b;
}

struct Rec {
  int64_t offset;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp;
  int16_t attributes;
};

std::vector<Rec> ReadAll(const PartitionLog& log) {
  std::vector<Rec> out;
  int64_t offset = log.log_start_offset();
  while (offset < log.log_end_offset()) {
    auto r = log.Read(offset, 1 << 20);
    REQUIRE(r.ok());
    REQUIRE(r->next_offset > offset);
    auto batches = protocol::SplitBatches(r->records);
    REQUIRE(batches.ok());
    for (std::string_view b : *batches) {
      auto d = protocol::DecodeBatch(b);
      INFO(d.status().ToString());
      REQUIRE(d.ok());
      for (const auto& rec : d->records) {
        out.push_back(Rec{d->header.base_offset + rec.offset_delta, rec.key, rec.value,
                          d->header.base_timestamp + rec.timestamp_delta,
                          d->header.attributes});
      }
    }
    offset = r->next_offset;
  }
  return out;
}

std::vector<std::string> Names(const std::string& dir) {
  auto names = ListDir(dir);
  REQUIRE(names.ok());
  return *names;
}

LogConfig CompactConfig(int64_t segment_bytes = 400) {
  LogConfig c;
  c.segment_bytes = segment_bytes;
  c.cleanup_compact = true;
  c.cleanup_delete = false;
  c.index_interval_bytes = 100;
  c.clock = [] { return kNow; };
  return c;
}

std::unique_ptr<PartitionLog> OpenLog(const std::string& dir, const LogConfig& config) {
  auto log = PartitionLog::Open(dir, kTp, config);
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return std::move(*log);
}

// Writes `rounds` rounds of values for keys k0..k{keys-1}: value "r<round>-k<i>".
void Fill(PartitionLog* log, int rounds, int keys, Compression codec = Compression::kNone) {
  for (int r = 0; r < rounds; ++r) {
    std::vector<KV> kvs;
    for (int k = 0; k < keys; ++k) {
      kvs.push_back({"k" + std::to_string(k), "r" + std::to_string(r) + "-k" + std::to_string(k)});
    }
    REQUIRE(log->Append(KeyedBatch(kvs, kNow - 100000 + r, codec), 0).ok());
  }
  log->SetHighWatermark(log->log_end_offset());
}

void RequireMonotonic(const std::vector<Rec>& recs) {
  for (size_t i = 1; i < recs.size(); ++i) REQUIRE(recs[i].offset > recs[i - 1].offset);
}

// Below `end`: at most one record per key, and it is that key's last record below end
// in `before`.
void RequireCompacted(const std::vector<Rec>& before, const std::vector<Rec>& after,
                      int64_t end) {
  std::map<std::string, int64_t> latest;
  for (const Rec& r : before) {
    if (r.offset < end) latest[*r.key] = r.offset;
  }
  std::map<std::string, int> seen;
  for (const Rec& r : after) {
    if (r.offset >= end) continue;
    REQUIRE(r.key);
    INFO("key " << *r.key << " offset " << r.offset);
    CHECK(++seen[*r.key] == 1);
    CHECK(latest[*r.key] == r.offset);
  }
}

TEST_CASE("offset map keeps the latest offset and refuses new keys when full", "[cleaner]") {
  KeyOffsetMap m(0);  // smallest table: 1024 slots, 921 keys
  CHECK(m.capacity() == 921);
  CHECK(m.Get("a") == -1);
  REQUIRE(m.Put("a", 1));
  REQUIRE(m.Put("a", 7));
  CHECK(m.Get("a") == 7);
  for (int i = 0; static_cast<size_t>(i) + 1 < m.capacity(); ++i) {
    REQUIRE(m.Put("key-" + std::to_string(i), 100 + i));
  }
  CHECK(m.size() == m.capacity());
  CHECK_FALSE(m.Put("one-too-many", 5000));
  CHECK(m.Put("a", 9000));  // existing keys still update
  CHECK(m.Get("key-17") == 117);
  CHECK(m.latest_offset() == 9000);
  KeyOffsetMap big(1 << 20);
  for (int i = 0; i < 20000; ++i) REQUIRE(big.Put("k" + std::to_string(i), i));
  for (int i = 0; i < 20000; ++i) REQUIRE(big.Get("k" + std::to_string(i)) == i);
}

TEST_CASE("dirty ratio: active segment and the HW bound what is cleanable", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_ratio");
  auto log = OpenLog(dir, CompactConfig());
  Fill(log.get(), 20, 4);
  auto bases = log->SegmentBaseOffsets();
  REQUIRE(bases.size() > 3);
  CleanableInfo all = ComputeCleanable(*log, -1, kNow);
  CHECK(all.first_dirty == 0);
  CHECK(all.first_uncleanable == bases.back());
  CHECK(all.clean_bytes == 0);
  CHECK(all.dirty_bytes == log->size_bytes() - log->active_segment().size());
  CHECK(all.DirtyRatio() == 1.0);

  CleanableInfo half = ComputeCleanable(*log, bases[2], kNow);
  CHECK(half.first_dirty == bases[2]);
  CHECK(half.clean_bytes == log->SegmentAt(bases[0])->size() + log->SegmentAt(bases[1])->size());
  CHECK(half.DirtyRatio() < 1.0);

  log->SetHighWatermark(bases[1] + 1);  // segment 1 holds uncommitted data
  CHECK(ComputeCleanable(*log, -1, kNow).first_uncleanable == bases[1]);
  log->SetHighWatermark(log->log_end_offset());

  LogConfig lagged = CompactConfig();
  lagged.min_compaction_lag_ms = 1000000;  // every segment is too young
  log->UpdateConfig(lagged);
  CHECK(ComputeCleanable(*log, -1, kNow).first_uncleanable == bases[0]);
}

TEST_CASE("cleaning keeps the latest value per key with offsets preserved", "[cleaner]") {
  auto codec = GENERATE(Compression::kNone, Compression::kGzip, Compression::kSnappy,
                        Compression::kLz4, Compression::kZstd);
  INFO("codec " << static_cast<int>(codec));
  std::string dir = FreshTestDir("cleaner_latest");
  auto log = OpenLog(dir, CompactConfig());
  Fill(log.get(), 30, 5, codec);
  const std::vector<Rec> before = ReadAll(*log);
  const int64_t leo = log->log_end_offset();
  const int64_t active_base = log->active_segment().base_offset();
  const size_t segments = log->SegmentBaseOffsets().size();

  int64_t end = -1;
  auto stats = CleanLogNow(log.get(), -1, kNow, 1 << 20, &end);
  INFO(stats.status().ToString());
  REQUIRE(stats.ok());
  CHECK(end == active_base);
  CHECK(stats->records_removed > 0);
  CHECK(log->log_end_offset() == leo);
  CHECK(log->log_start_offset() == 0);
  CHECK(log->SegmentBaseOffsets().front() == 0);
  // Segments left with nothing are dropped, except the first (the log start stays).
  auto cleaned_bases = log->SegmentBaseOffsets();
  for (size_t i = 1; i + 1 < cleaned_bases.size(); ++i) {
    CHECK_FALSE(log->SegmentAt(cleaned_bases[i])->empty());
  }
  // Groups are sized by the segments' sizes before cleaning (as Kafka), so full
  // segments shrink first and merge on the next cleaning.
  REQUIRE(CleanLogNow(log.get(), end, kNow, 1 << 20, &end).ok());
  CHECK(log->SegmentBaseOffsets().size() < segments);
  CHECK(log->SegmentBaseOffsets().front() == 0);

  std::vector<Rec> after = ReadAll(*log);
  RequireMonotonic(after);
  RequireCompacted(before, after, end);
  // The active segment is untouched; surviving records keep key, value, timestamp.
  std::map<int64_t, Rec> by_offset;
  for (const Rec& r : before) by_offset.emplace(r.offset, r);
  size_t active_records = 0;
  for (const Rec& r : after) {
    const Rec& orig = by_offset.at(r.offset);
    CHECK(r.key == orig.key);
    CHECK(r.value == orig.value);
    CHECK(r.timestamp == orig.timestamp);
    CHECK((r.attributes & kCompressionMask) == static_cast<int>(codec));
    if (r.offset >= active_base) ++active_records;
  }
  size_t expected_active = 0;
  for (const Rec& r : before) expected_active += r.offset >= active_base;
  CHECK(active_records == expected_active);

  // Cleaning again finds nothing dirty; reopening (indexes, recovery) sees the same.
  CHECK(ComputeCleanable(*log, end, kNow).dirty_bytes == 0);
  log.reset();
  log = OpenLog(dir, CompactConfig());
  std::vector<Rec> reopened = ReadAll(*log);
  REQUIRE(reopened.size() == after.size());
  for (size_t i = 0; i < after.size(); ++i) CHECK(reopened[i].offset == after[i].offset);
  // Reads from any offset land on the next surviving record (gaps are skipped).
  for (int64_t o = 0; o < leo; o += 7) {
    auto r = log->Read(o, 1 << 20);
    REQUIRE(r.ok());
    CHECK(r->next_offset > o);
  }
}

TEST_CASE("tombstones stay until their delete horizon, then go", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_tombstones");
  LogConfig config = CompactConfig();
  config.delete_retention_ms = 5000;
  auto log = OpenLog(dir, config);
  REQUIRE(log->Append(KeyedBatch({{"a", "a1"}, {"b", "b1"}, {"c", "c1"}}, kNow - 9000), 0).ok());
  REQUIRE(log->Append(KeyedBatch({{"a", std::nullopt}, {"c", "c2"}}, kNow - 8000), 0).ok());
  for (int i = 0; i < 40; ++i) {  // roll a few segments past the tombstone
    REQUIRE(log->Append(KeyedBatch({{"filler", "x" + std::to_string(i)}}, kNow - 7000 + i), 0)
                .ok());
  }
  log->SetHighWatermark(log->log_end_offset());
  REQUIRE(log->SegmentBaseOffsets().size() > 2);

  int64_t end = -1, horizon = -1;
  const size_t segments = log->SegmentBaseOffsets().size();
  REQUIRE(CleanLogNow(log.get(), -1, kNow, 1 << 20, &end, &horizon).ok());
  CHECK(horizon == kNow + 5000);
  CHECK(log->SegmentBaseOffsets().size() < segments);  // filler-only segments went
  auto recs = ReadAll(*log);
  RequireMonotonic(recs);
  std::map<std::string, std::optional<std::string>> latest;
  bool saw_tombstone = false;
  for (const Rec& r : recs) {
    if (r.offset >= end) continue;
    CHECK_FALSE(latest.count(*r.key));
    latest[*r.key] = r.value;
    if (*r.key == "a") {
      CHECK_FALSE(r.value);
      CHECK((r.attributes & kDeleteHorizonFlag) != 0);
      CHECK(r.timestamp == kNow - 8000);  // re-based on the horizon, same timestamp
      saw_tombstone = true;
    }
  }
  CHECK(saw_tombstone);
  CHECK(latest["b"] == "b1");
  CHECK(latest["c"] == "c2");

  // Before the horizon a second cleaning keeps it; after, it is gone.
  REQUIRE(CleanLogNow(log.get(), end, kNow + 4999, 1 << 20, &end, &horizon).ok());
  bool still = false;
  for (const Rec& r : ReadAll(*log)) still |= *r.key == "a";
  CHECK(still);
  REQUIRE(CleanLogNow(log.get(), end, kNow + 5000, 1 << 20, &end, &horizon).ok());
  CHECK(horizon == -1);
  recs = ReadAll(*log);
  RequireMonotonic(recs);
  for (const Rec& r : recs) {
    CHECK(*r.key != "a");
    CHECK((r.attributes & kDeleteHorizonFlag) == 0);
  }
}

TEST_CASE("filter: keyless records go, LogAppendTime and metadata stay", "[cleaner]") {
  std::vector<protocol::Record> records(3);
  records[0].key = "k";
  records[0].value = "v";
  records[1].value = "no key";
  records[1].timestamp_delta = 3;
  records[2].key = "k2";
  records[2].value = "v2";
  records[2].timestamp_delta = 5;
  protocol::BatchBuildOptions opts;
  opts.base_offset = 100;
  opts.partition_leader_epoch = 7;
  opts.base_timestamp = 1000;
  opts.log_append_time = true;
  opts.producer_id = 42;
  opts.producer_epoch = 3;
  opts.base_sequence = 9;
  opts.compression = Compression::kGzip;
  auto batch = protocol::BuildBatch(opts, records);
  REQUIRE(batch.ok());
  StoreBe64(batch->data() + 35, 2000);  // LogAppendTime max timestamp
  uint32_t crc = protocol::ComputeBatchCrc(*batch);
  StoreBe32(batch->data() + 17, static_cast<int32_t>(crc));
  REQUIRE(protocol::VerifyBatch(*batch).ok());

  KeyOffsetMap map(0);
  REQUIRE(map.Put("k2", 150));  // superseded later in the log
  FilterContext ctx{&map, kNow, 1000};
  auto f = FilterBatch(*batch, ctx);
  REQUIRE(f.ok());
  CHECK(f->rebuilt);
  CHECK(f->kept == 1);
  CHECK(f->removed == 2);
  REQUIRE(protocol::VerifyBatch(f->bytes).ok());
  auto d = protocol::DecodeBatch(f->bytes);
  REQUIRE(d.ok());
  CHECK(d->header.base_offset == 100);
  CHECK(d->header.partition_leader_epoch == 7);
  CHECK(d->header.producer_id == 42);
  CHECK(d->header.producer_epoch == 3);
  CHECK(d->header.base_sequence == 9);
  CHECK(d->header.compression() == Compression::kGzip);
  CHECK(d->header.log_append_time());
  CHECK(d->header.max_timestamp == 2000);
  CHECK(d->header.last_offset_delta == 0);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].key == "k");

  // Nothing to drop: the very same bytes come back.
  KeyOffsetMap empty(0);
  records.erase(records.begin() + 1);
  auto plain = protocol::BuildBatch(protocol::BatchBuildOptions{}, records);
  REQUIRE(plain.ok());
  auto same = FilterBatch(*plain, FilterContext{&empty, kNow, 1000});
  REQUIRE(same.ok());
  CHECK_FALSE(same->rebuilt);
  CHECK(same->bytes == *plain);
}

TEST_CASE("keyless records are refused for compacted topics", "[cleaner]") {
  std::string keyed = KeyedBatch({{"a", "1"}, {"b", std::nullopt}}, kNow, Compression::kLz4);
  CHECK(CheckKeysForCompactedTopic(keyed).ok());
  std::vector<protocol::Record> records(2);
  records[0].key = "a";
  records[0].value = "1";
  records[1].value = "no key";
  protocol::BatchBuildOptions opts;
  opts.compression = Compression::kSnappy;
  auto keyless = protocol::BuildBatch(opts, records);
  REQUIRE(keyless.ok());
  CHECK(CheckKeysForCompactedTopic(keyed + *keyless).IsInvalidArgument());
  CHECK(CheckKeysForCompactedTopic(keyed.substr(0, 70)).IsCorruption());
}

TEST_CASE("a swap interrupted by a crash is completed at start-up", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_swap_crash");
  auto log = OpenLog(dir, CompactConfig());
  Fill(log.get(), 20, 3);
  const std::vector<Rec> before = ReadAll(*log);
  auto bases = log->SegmentBaseOffsets();
  REQUIRE(bases.size() >= 4);
  // Hand-made cleaner output for segments 0 and 1: their batches filtered against
  // a map of the dirty section, then committed as ".swap" without the rest of the
  // swap (old segments still there), as after a crash right after the commit.
  KeyOffsetMap map(1 << 20);
  for (const Rec& r : before) {
    if (r.offset < bases[2]) map.Put(*r.key, r.offset);
  }
  auto out = LogSegment::CreateWithSuffix(dir, 0, 100, kNow, kCleanedSuffix);
  REQUIRE(out.ok());
  for (int64_t base : {bases[0], bases[1]}) {
    const LogSegment* seg = log->SegmentAt(base);
    BatchScanner scanner(*seg->log_file(), 0, seg->size(), true, UINT64_MAX);
    ScannedBatch b;
    while (scanner.Next(&b)) {
      auto f = FilterBatch(b.bytes, FilterContext{&map, kNow, 1000});
      REQUIRE(f.ok());
      if (f->bytes.empty()) continue;
      auto h = ParseBatchHeader(f->bytes);
      REQUIRE(h.ok());
      std::vector<BatchHeader> hs{*h};
      REQUIRE((*out)->Append(f->bytes, hs, kNow).ok());
    }
  }
  REQUIRE((*out)->Flush().ok());
  REQUIRE((*out)->ChangeSuffix(kSwapSuffix).ok());
  out->reset();
  // A second, uncommitted ".cleaned" leftover must simply vanish.
  WriteFileOrDie(SegmentFileStem(dir, bases[2]) + ".log.cleaned", "garbage");
  log.reset();  // crash: nothing flushed or checkpointed

  LoadHints hints;  // unclean: recovery from offset 0
  auto reopened = PartitionLog::Open(dir, kTp, CompactConfig(), hints);
  INFO(reopened.status().ToString());
  REQUIRE(reopened.ok());
  log = std::move(*reopened);
  auto now_bases = log->SegmentBaseOffsets();
  CHECK(now_bases.front() == 0);
  CHECK(std::find(now_bases.begin(), now_bases.end(), bases[1]) == now_bases.end());
  CHECK(now_bases.size() == bases.size() - 1);
  CHECK_FALSE(PathExists(SegmentFileStem(dir, bases[2]) + ".log.cleaned"));
  CHECK_FALSE(PathExists(SegmentFileStem(dir, 0) + ".log.swap"));
  auto after = ReadAll(*log);
  RequireMonotonic(after);
  RequireCompacted(before, after, bases[2]);
  CHECK(after.back().offset == before.back().offset);
}

TEST_CASE("the log manager cleans compacted logs in slices and checkpoints", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_manager");
  LogConfig defaults;
  defaults.clock = [] { return kNow; };
  defaults.cleaner.backoff_ms = 1000;
  defaults.cleaner.step_bytes = 300;  // a batch or two per tick
  LogConfig compact = CompactConfig();
  compact.cleaner = defaults.cleaner;
  compact.min_cleanable_dirty_ratio = 0.5;
  std::vector<Rec> before;
  int64_t active_base = 0;
  {
    auto m = LogManager::Open({dir}, defaults);
    REQUIRE(m.ok());
    PartitionLog* log = *(*m)->GetOrCreate(kTp, compact);
    PartitionLog* plain = *(*m)->GetOrCreate({"plain", 0}, CompactConfig());
    LogConfig not_compacted = CompactConfig();
    not_compacted.cleanup_compact = false;
    not_compacted.cleanup_delete = true;
    plain->UpdateConfig(not_compacted);
    Fill(log, 25, 4);
    Fill(plain, 25, 4);
    before = ReadAll(*log);
    active_base = log->active_segment().base_offset();
    const size_t plain_segments = plain->SegmentBaseOffsets().size();

    int ticks = 0;
    int64_t now = kNow;
    while ((*m)->cleaner().cleanings_completed() == 0 && ticks < 1000) {
      (*m)->RunCleaner(now);
      now += 10;
      ++ticks;
    }
    CHECK(ticks > 5);  // the work was spread over many ticks
    CHECK((*m)->cleaner().Checkpoint(kTp) == active_base);
    CHECK((*m)->cleaner().Checkpoint({"plain", 0}) == -1);
    CHECK(plain->SegmentBaseOffsets().size() == plain_segments);
    auto after = ReadAll(*log);
    RequireMonotonic(after);
    RequireCompacted(before, after, active_base);
    // Nothing dirty now: the cleaner backs off instead of rewriting again.
    for (int i = 0; i < 50; ++i) (*m)->RunCleaner(now += 10);
    CHECK((*m)->cleaner().cleanings_completed() == 1);
    REQUIRE((*m)->Shutdown().ok());
  }
  auto text = ReadFileOrDie(JoinPath(dir, kCleanerCheckpoint));
  CHECK(text.find("compacted 0 " + std::to_string(active_base)) != std::string::npos);
  for (const std::string& name : Names(JoinPath(dir, kTp.DirName()))) {
    CHECK(name.find(".cleaned") == std::string::npos);
    CHECK(name.find(".swap") == std::string::npos);
  }
}

TEST_CASE("a job aborts when segments change under it and leaves no output", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_abort");
  auto log = OpenLog(dir, CompactConfig());
  Fill(log.get(), 25, 4);
  CleanJob job(log.get(), ComputeCleanable(*log, -1, kNow), 1 << 20, kNow);
  // Map everything, then start writing the first group.
  bool done = false;
  for (int i = 0; i < 100 && !done; ++i) {
    auto r = job.Step(200);
    REQUIRE(r.ok());
    done = *r;
    bool writing = false;
    for (const std::string& name : Names(dir)) writing |= name.find(".cleaned") != std::string::npos;
    if (writing) break;
  }
  REQUIRE_FALSE(done);
  REQUIRE(log->TruncateTo(log->log_end_offset() - 30).ok());
  auto r = job.Step(200);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == util::Status::Code::kAborted);
  CHECK(log->TakeTruncationPoint() == log->log_end_offset());
  CHECK(log->TakeTruncationPoint() == INT64_MAX);
}

TEST_CASE("compact-only logs are not deleted by time or size retention", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_no_retention");
  LogConfig config = CompactConfig();
  config.retention_ms = 1;
  config.retention_bytes = 1;
  auto log = OpenLog(dir, config);
  Fill(log.get(), 10, 4);
  const size_t segments = log->SegmentBaseOffsets().size();
  REQUIRE(*log->DeleteOldSegments(kNow) == 0);
  CHECK(log->SegmentBaseOffsets().size() == segments);
  config.cleanup_delete = true;  // compact,delete: both apply
  log->UpdateConfig(config);
  CHECK(*log->DeleteOldSegments(kNow) > 0);
}

TEST_CASE("a full offset map cleans part of the dirty section, the next run the rest",
          "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_map_full");
  auto log = OpenLog(dir, CompactConfig(4096));
  // 2 rounds of 1500 distinct keys: more keys than the smallest map holds (921).
  for (int r = 0; r < 2; ++r) {
    for (int b = 0; b < 150; ++b) {
      std::vector<KV> kvs;
      for (int i = 0; i < 10; ++i) {
        kvs.push_back({"key" + std::to_string(b * 10 + i), "r" + std::to_string(r)});
      }
      REQUIRE(log->Append(KeyedBatch(kvs, kNow - 1000), 0).ok());
    }
  }
  log->SetHighWatermark(log->log_end_offset());
  const auto before = ReadAll(*log);
  const int64_t active_base = log->active_segment().base_offset();
  int64_t end = -1;
  REQUIRE(CleanLogNow(log.get(), -1, kNow, 0, &end).ok());
  CHECK(end > 0);
  CHECK(end < active_base);
  RequireMonotonic(ReadAll(*log));
  int64_t end2 = -1;
  REQUIRE(CleanLogNow(log.get(), end, kNow, 0, &end2).ok());
  CHECK(end2 > end);
  int64_t e = end2;
  while (e < active_base) REQUIRE(CleanLogNow(log.get(), e, kNow, 0, &e).ok());
  REQUIRE(CleanLogNow(log.get(), -1, kNow, 1 << 20, &e).ok());  // one full pass merges all
  auto after = ReadAll(*log);
  RequireMonotonic(after);
  RequireCompacted(before, after, active_base);
}

TEST_CASE("the cleaner checkpoint follows truncation and partition deletion", "[cleaner]") {
  std::string dir = FreshTestDir("cleaner_truncate");
  LogConfig defaults;
  defaults.clock = [] { return kNow; };
  defaults.cleaner.backoff_ms = 0;
  auto m = LogManager::Open({dir}, defaults);
  REQUIRE(m.ok());
  LogConfig compact = CompactConfig();
  compact.cleaner = defaults.cleaner;
  PartitionLog* log = *(*m)->GetOrCreate(kTp, compact);
  Fill(log, 20, 4);
  for (int i = 0; i < 20 && (*m)->cleaner().cleanings_completed() == 0; ++i) {
    (*m)->RunCleaner(kNow);
  }
  const int64_t cp = (*m)->cleaner().Checkpoint(kTp);
  REQUIRE(cp > 10);
  REQUIRE(log->TruncateTo(cp - 5).ok());
  (*m)->RunCleaner(kNow);
  CHECK((*m)->cleaner().Checkpoint(kTp) <= cp - 5);
  CHECK((*m)->cleaner().Checkpoint(kTp) == log->log_end_offset());
  REQUIRE((*m)->Delete(kTp).ok());
  CHECK((*m)->cleaner().Checkpoint(kTp) == -1);
  (*m)->RunCleaner(kNow);
  CHECK(ReadFileOrDie(JoinPath(dir, kCleanerCheckpoint)).find("compacted") == std::string::npos);
}

// Hidden (run with --test_arg='[.timing]'): how long one 4 MiB slice keeps the io
// thread, for uncompressed and gzip logs.
TEST_CASE("timing of cleaner slices", "[.timing]") {
  for (auto codec : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    std::string dir = FreshTestDir("cleaner_timing");
    auto log = OpenLog(dir, CompactConfig(64 << 20));
    std::string value(100, 'v');
    for (int b = 0; b < 3000; ++b) {
      std::vector<KV> kvs;
      for (int i = 0; i < 50; ++i) kvs.push_back({"key" + std::to_string((b * 50 + i) % 20000), value});
      REQUIRE(log->Append(KeyedBatch(kvs, kNow, codec), 0).ok());
    }
    REQUIRE(log->Append(KeyedBatch({{"roll", "x"}}, kNow + 1000000000), 0).ok());
    log->SetHighWatermark(log->log_end_offset());
    CleanJob job(log.get(), ComputeCleanable(*log, -1, kNow), 128 << 20, kNow);
    double worst = 0;
    int steps = 0;
    for (bool done = false; !done; ++steps) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = job.Step(4 << 20);
      REQUIRE(r.ok());
      done = *r;
      worst = std::max(worst, std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - t0).count());
    }
    WARN("codec " << static_cast<int>(codec) << ": " << log->size_bytes() << " bytes after, "
                  << steps << " slices, worst " << worst << " ms");
  }
}

}  // namespace
}  // namespace kafka::log
