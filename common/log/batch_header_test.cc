#include "common/log/batch_header.h"

#include <catch2/catch.hpp>

#include "common/log/testing/batch_builder.h"

namespace kafka::log {
namespace {

using testing::BuildSimpleBatch;

TEST_CASE("a built batch parses and validates", "[log]") {
  std::string b = BuildSimpleBatch(3, 1000);
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  CHECK(h->magic == 2);
  CHECK(h->record_count == 3);
  CHECK(h->last_offset_delta == 2);
  CHECK(h->max_timestamp == 1000);
  CHECK(h->TotalSize() == b.size());
  CHECK(ValidateBatch(b, *h).ok());
}

TEST_CASE("stamping offset and epoch keeps the CRC valid", "[log]") {
  std::string b = BuildSimpleBatch(2, 5);
  StampBatch(b.data(), 12345, 7);
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  CHECK(h->base_offset == 12345);
  CHECK(h->partition_leader_epoch == 7);
  CHECK(ValidateBatch(b, *h).ok());
}

TEST_CASE("a flipped body byte fails the CRC", "[log]") {
  std::string b = BuildSimpleBatch(2, 5);
  b[b.size() - 3] ^= 0x40;
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  auto s = ValidateBatch(b, *h);
  CHECK(s.IsCorruption());
  CHECK(s.message().find("CRC") != std::string::npos);
}

TEST_CASE("a wrong magic is rejected", "[log]") {
  std::string b = BuildSimpleBatch(1, 5);
  b[16] = 1;
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  CHECK(ValidateBatch(b, *h).IsCorruption());
}

TEST_CASE("a batch length below the header size is rejected", "[log]") {
  std::string b = BuildSimpleBatch(1, 5);
  StoreBe32(b.data() + 8, 10);
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  CHECK(CheckBatchHeader(*h, b.size()).IsCorruption());
}

TEST_CASE("a truncated header is corruption", "[log]") {
  std::string b = BuildSimpleBatch(1, 5);
  CHECK(ParseBatchHeader(std::string_view(b).substr(0, 60)).status().IsCorruption());
}

TEST_CASE("first offset with timestamp walks uncompressed records", "[log]") {
  std::string b = testing::BuildBatch({{std::nullopt, "a", 100}, {std::nullopt, "b", 200},
                                       {std::nullopt, "c", 300}});
  StampBatch(b.data(), 50, 0);
  auto h = ParseBatchHeader(b);
  REQUIRE(h.ok());
  int64_t ts = 0;
  CHECK(FirstOffsetWithTimestamp(b, *h, 150, &ts) == 51);
  CHECK(ts == 200);
  CHECK(FirstOffsetWithTimestamp(b, *h, 300, &ts) == 52);
  CHECK(FirstOffsetWithTimestamp(b, *h, 0, &ts) == 50);
}

std::string Hex(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// The worked example of FORMAT.md, computed independently (Python, bitwise CRC-32C).
TEST_CASE("the FORMAT.md example batches are byte-exact", "[log]") {
  std::string b1 = testing::BuildBatch({{std::nullopt, "hello", 1700000000000}});
  StampBatch(b1.data(), 0, 0);
  CHECK(Hex(b1) ==
        "00000000000000000000003d0000000002e641a44b0000000000000000018bcfe568000000018bcfe568"
        "00ffffffffffffffffffffffffffff0000000116000000010a68656c6c6f00");
  std::string b2 = testing::BuildBatch(
      {{std::string("k"), "a", 1700000000005}, {std::nullopt, "b", 1700000000009}});
  StampBatch(b2.data(), 1, 0);
  CHECK(Hex(b2) ==
        "0000000000000001000000420000000002fe79ed970000000000010000018bcfe568050000018bcfe568"
        "09ffffffffffffffffffffffffffff0000000210000000026b0261000e00080201026200");
}

}  // namespace
}  // namespace kafka::log
