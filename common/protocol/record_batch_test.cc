#include "common/protocol/record_batch.h"

#include <catch2/catch.hpp>
#include <snappy.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "common/util/crc32c.h"

namespace kafka::protocol {
namespace {

constexpr int64_t kBaseTs = 1700000000000;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Record> SampleRecords() {
  std::vector<Record> recs(3);
  recs[0].key = "k0";
  recs[0].value = "hello";
  recs[1].timestamp_delta = 5;
  recs[1].value = std::string(300, 'x');
  recs[1].headers = {{"h1", std::string("v1")}, {"h2", std::nullopt}};
  recs[2].timestamp_delta = 2;
  recs[2].key = "k2";
  return recs;
}

void CheckSample(const RecordBatch& b) {
  CHECK(b.header.records_count == 3);
  CHECK(b.header.last_offset_delta == 2);
  CHECK(b.header.base_timestamp == kBaseTs);
  CHECK(b.header.max_timestamp == kBaseTs + 5);
  CHECK(b.header.producer_id == -1);
  REQUIRE(b.records.size() == 3);
  CHECK(b.records[0].key == "k0");
  CHECK(b.records[0].value == "hello");
  CHECK(b.records[0].offset_delta == 0);
  CHECK_FALSE(b.records[1].key.has_value());
  CHECK(b.records[1].value == std::string(300, 'x'));
  CHECK(b.records[1].timestamp_delta == 5);
  CHECK(b.records[1].offset_delta == 1);
  REQUIRE(b.records[1].headers.size() == 2);
  CHECK(b.records[1].headers[0].key == "h1");
  CHECK(b.records[1].headers[0].value == "v1");
  CHECK_FALSE(b.records[1].headers[1].value.has_value());
  CHECK_FALSE(b.records[2].value.has_value());
  CHECK(b.records[2].offset_delta == 2);
}

TEST_CASE("batches built by kafka-python decode, for every codec", "[protocol][record_batch]") {
  auto codec = GENERATE(as<std::string>(), "none", "gzip", "snappy", "lz4", "zstd");
  INFO(codec);
  std::string bytes = ReadFile("common/protocol/testdata/kafka_python_" + codec + ".bin");
  REQUIRE(bytes.size() > kBatchHeaderSize);
  CHECK(VerifyBatch(bytes).ok());
  auto b = DecodeBatch(bytes);
  REQUIRE(b.ok());
  Compression want;
  REQUIRE(ParseCompression(codec, &want));
  CHECK(b->header.compression() == want);
  CheckSample(*b);
}

TEST_CASE("built batches round-trip for every codec", "[protocol][record_batch]") {
  auto c = GENERATE(Compression::kNone, Compression::kGzip, Compression::kSnappy,
                    Compression::kLz4, Compression::kZstd);
  BatchBuildOptions opts;
  opts.compression = c;
  opts.base_timestamp = kBaseTs;
  auto batch = BuildBatch(opts, SampleRecords());
  REQUIRE(batch.ok());
  CHECK(VerifyBatch(*batch).ok());
  auto b = DecodeBatch(*batch);
  REQUIRE(b.ok());
  CHECK(b->header.compression() == c);
  CheckSample(*b);
}

TEST_CASE("an uncompressed batch is byte-identical to kafka-python's", "[protocol][record_batch]") {
  std::string theirs = ReadFile("common/protocol/testdata/kafka_python_none.bin");
  BatchBuildOptions opts;
  opts.base_timestamp = kBaseTs;
  opts.partition_leader_epoch = 0;  // kafka-python writes 0 here
  auto ours = BuildBatch(opts, SampleRecords());
  REQUIRE(ours.ok());
  CHECK(*ours == theirs);
}

TEST_CASE("any flipped byte under the CRC is detected", "[protocol][record_batch]") {
  auto batch = BuildBatch({}, SampleRecords());
  REQUIRE(batch.ok());
  for (size_t i = kBatchAttributesOffset; i < batch->size(); ++i) {
    std::string bad = *batch;
    bad[i] ^= 0x01;
    CHECK_FALSE(VerifyBatch(bad).ok());
    CHECK_FALSE(DecodeBatch(bad).ok());
  }
  std::string bad_crc = *batch;
  bad_crc[kBatchCrcOffset] ^= 0x10;
  CHECK_FALSE(VerifyBatch(bad_crc).ok());
}

TEST_CASE("stamping base offset and leader epoch keeps the CRC valid", "[protocol][record_batch]") {
  auto batch = BuildBatch({}, SampleRecords());
  REQUIRE(batch.ok());
  std::string crc_before = batch->substr(kBatchCrcOffset, 4);
  REQUIRE(StampBatch(*batch, 123456789012, 7).ok());
  CHECK(batch->substr(kBatchCrcOffset, 4) == crc_before);
  CHECK(VerifyBatch(*batch).ok());
  auto h = ParseBatchHeader(*batch);
  REQUIRE(h.ok());
  CHECK(h->base_offset == 123456789012);
  CHECK(h->partition_leader_epoch == 7);
  CHECK(h->last_offset() == 123456789014);
  std::string tiny(10, '\0');
  CHECK_FALSE(StampBatch(tiny, 1, 1).ok());
}

TEST_CASE("truncated batches fail and split reports the partial tail", "[protocol][record_batch]") {
  auto a = BuildBatch({}, SampleRecords());
  auto b = BuildBatch({.compression = Compression::kGzip}, SampleRecords());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (size_t n = 0; n < a->size(); ++n) {
    CHECK_FALSE(DecodeBatch(std::string_view(*a).substr(0, n)).ok());
  }
  std::string both = *a + *b;
  size_t tail = 99;
  auto all = SplitBatches(both, &tail);
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  CHECK(tail == 0);
  auto part = SplitBatches(std::string_view(both).substr(0, both.size() - 3), &tail);
  REQUIRE(part.ok());
  CHECK(part->size() == 1);
  CHECK(tail == b->size() - 3);
  std::string bad_magic = *a;
  bad_magic[16] = 1;
  CHECK_FALSE(SplitBatches(bad_magic).ok());
  CHECK_FALSE(ParseBatchHeader(bad_magic).ok());
}

// Rewrites the records count and fixes the CRC, so only the count check can fail.
std::string WithCount(std::string batch, int32_t count) {
  uint32_t u = static_cast<uint32_t>(count);
  for (int i = 0; i < 4; ++i) batch[57 + i] = static_cast<char>(u >> (24 - 8 * i));
  uint32_t crc = ComputeBatchCrc(batch);
  for (int i = 0; i < 4; ++i) batch[kBatchCrcOffset + i] = static_cast<char>(crc >> (24 - 8 * i));
  return batch;
}

TEST_CASE("record count must match the records", "[protocol][record_batch]") {
  auto batch = BuildBatch({}, SampleRecords());
  REQUIRE(batch.ok());
  CHECK_FALSE(DecodeBatch(WithCount(*batch, 2)).ok());
  CHECK_FALSE(DecodeBatch(WithCount(*batch, 4)).ok());
  CHECK_FALSE(DecodeBatch(WithCount(*batch, 0x7fffffff)).ok());
  CHECK_FALSE(DecodeBatch(WithCount(*batch, -1)).ok());
  BatchDecodeOptions lax;
  lax.check_record_count = false;
  CHECK(DecodeBatch(WithCount(*batch, 2), lax).ok());
}

TEST_CASE("decompression is bounded", "[protocol][record_batch]") {
  std::string big(8 << 20, '\0');
  for (auto c : {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    INFO(CompressionName(c));
    auto packed = Compress(c, big);
    REQUIRE(packed.ok());
    CHECK(packed->size() < big.size() / 10);
    CHECK_FALSE(Decompress(c, *packed, 1 << 20).ok());
    auto full = Decompress(c, *packed, 16 << 20);
    REQUIRE(full.ok());
    CHECK(*full == big);
    // Truncated compressed data fails cleanly.
    CHECK_FALSE(Decompress(c, std::string_view(*packed).substr(0, packed->size() / 2)).ok());
  }
  std::vector<Record> recs(1);
  recs[0].value = std::string(2 << 20, 'a');
  auto batch = BuildBatch({.compression = Compression::kZstd}, recs);
  REQUIRE(batch.ok());
  BatchDecodeOptions small;
  small.max_decompressed_bytes = 1 << 20;
  CHECK_FALSE(DecodeBatch(*batch, small).ok());
  CHECK(DecodeBatch(*batch).ok());
}

TEST_CASE("raw (unframed) snappy is accepted", "[protocol][record_batch]") {
  std::string raw;
  snappy::Compress("some payload some payload", 25, &raw);
  auto out = Decompress(Compression::kSnappy, raw);
  REQUIRE(out.ok());
  CHECK(*out == "some payload some payload");
}

TEST_CASE("random bytes never crash the batch decoder", "[protocol][record_batch]") {
  auto good = BuildBatch({}, SampleRecords());
  REQUIRE(good.ok());
  std::mt19937 rng(7);
  BatchDecodeOptions no_crc;
  no_crc.verify_crc = false;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = *good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      size_t pos = kBatchHeaderSize + rng() % (bad.size() - kBatchHeaderSize);
      bad[pos] = static_cast<char>(rng());
    }
    (void)DecodeBatch(bad, no_crc);
  }
  for (int i = 0; i < 500; ++i) {
    std::string junk(rng() % 200, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    (void)DecodeBatch(junk, no_crc);
    (void)SplitBatches(junk);
    for (auto c : {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd})
      (void)Decompress(c, junk, 1 << 20);
  }
}

}  // namespace
}  // namespace kafka::protocol
