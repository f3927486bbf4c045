#include "daemon/broker/record_validation.h"

#include <catch2/catch.hpp>

#include "common/protocol/record_batch.h"

using namespace kafka::protocol;
using kafka::broker::ValidateProducedRecords;

namespace {

std::string Batch(Compression c = Compression::kNone, int n = 3) {
  BatchBuildOptions o;
  o.compression = c;
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.key = "k" + std::to_string(i);
    r.value = std::string(100, 'v');
    records.push_back(r);
  }
  auto b = BuildBatch(o, records);
  REQUIRE(b.ok());
  return *b;
}

}  // namespace

TEST_CASE("valid batches pass, several in a row too", "[broker]") {
  CHECK(ValidateProducedRecords(Batch(), 7, 1 << 20) == ErrorCode::kNone);
  CHECK(ValidateProducedRecords(Batch() + Batch(Compression::kGzip), 3, 1 << 20) ==
        ErrorCode::kNone);
}

TEST_CASE("a flipped byte fails the CRC", "[broker]") {
  std::string b = Batch();
  b[b.size() - 5] ^= 0x40;
  CHECK(ValidateProducedRecords(b, 7, 1 << 20) == ErrorCode::kCorruptMessage);
}

TEST_CASE("truncated, empty and oversized input", "[broker]") {
  std::string b = Batch();
  CHECK(ValidateProducedRecords(b.substr(0, b.size() - 1), 7, 1 << 20) ==
        ErrorCode::kCorruptMessage);
  CHECK(ValidateProducedRecords("", 7, 1 << 20) == ErrorCode::kCorruptMessage);
  CHECK(ValidateProducedRecords(b, 7, 50) == ErrorCode::kMessageTooLarge);
}

TEST_CASE("zstd needs Produce v7", "[broker]") {
  std::string b = Batch(Compression::kZstd);
  CHECK(ValidateProducedRecords(b, 7, 1 << 20) == ErrorCode::kNone);
  CHECK(ValidateProducedRecords(b, 6, 1 << 20) == ErrorCode::kUnsupportedCompressionType);
}

TEST_CASE("unknown codec and record count mismatch are refused", "[broker]") {
  std::string b = Batch();
  b[kBatchAttributesOffset + 1] |= 0x07;  // codec 7
  uint32_t crc = ComputeBatchCrc(b);
  for (int i = 0; i < 4; ++i) b[kBatchCrcOffset + i] = static_cast<char>(crc >> (24 - 8 * i));
  CHECK(ValidateProducedRecords(b, 7, 1 << 20) == ErrorCode::kCorruptMessage);

  std::string c = Batch();
  c[60] = 4;  // recordsCount 3 -> 4 (and lastOffsetDelta stays 2)
  crc = ComputeBatchCrc(c);
  for (int i = 0; i < 4; ++i) c[kBatchCrcOffset + i] = static_cast<char>(crc >> (24 - 8 * i));
  CHECK(ValidateProducedRecords(c, 7, 1 << 20) != ErrorCode::kNone);
}

TEST_CASE("uncompressed records must fill the batch exactly", "[broker]") {
  std::string c = Batch();
  // recordsCount 3 -> 4 and lastOffsetDelta 2 -> 3, CRC fixed: the framing walk fails.
  c[60] = 4;
  c[26] = 3;
  uint32_t crc = ComputeBatchCrc(c);
  for (int i = 0; i < 4; ++i) c[kBatchCrcOffset + i] = static_cast<char>(crc >> (24 - 8 * i));
  CHECK(ValidateProducedRecords(c, 7, 1 << 20) == ErrorCode::kCorruptMessage);
  // And a compressed batch still passes after its records are decoded.
  CHECK(ValidateProducedRecords(Batch(Compression::kSnappy), 7, 1 << 20) == ErrorCode::kNone);
}

TEST_CASE("LogAppendTime stamping keeps the batch valid", "[broker]") {
  std::string b = Batch() + Batch(Compression::kGzip);
  kafka::broker::StampLogAppendTime(std::span<char>(b.data(), b.size()), 1234567);
  CHECK(ValidateProducedRecords(b, 7, 1 << 20) == ErrorCode::kNone);
  auto batches = SplitBatches(b);
  REQUIRE(batches.ok());
  REQUIRE(batches->size() == 2);
  for (auto view : *batches) {
    auto h = ParseBatchHeader(view);
    REQUIRE(h.ok());
    CHECK(h->log_append_time());
    CHECK(h->max_timestamp == 1234567);
  }
}
