#include "common/client/murmur2.h"

#include <catch2/catch.hpp>

#include <set>

#include "common/client/partitioner.h"

namespace kafka::client {

// Vectors from Kafka's UtilsTest.testMurmur2 (also what kafka-python's murmur2 gives).
TEST_CASE("murmur2 matches Kafka's Java implementation") {
  CHECK(Murmur2("21") == -973932308);
  CHECK(Murmur2("foobar") == -790332482);
  CHECK(Murmur2("a-little-bit-long-string") == -985981536);
  CHECK(Murmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(Murmur2("abc") == 479470107);
  CHECK(Murmur2("") == 275646681);
}

TEST_CASE("keyed partition uses the positive hash, not abs") {
  CHECK(ToPositive(-973932308) == (-973932308 & 0x7fffffff));
  CHECK(KeyPartition("21", 3) == ((-973932308 & 0x7fffffff) % 3));
  CHECK(KeyPartition("key1", 1) == 0);
}

TEST_CASE("keyless records stick to a partition until its batch is sent") {
  Partitioner p(7);
  const int32_t first = p.Partition(std::nullopt, 4);
  CHECK(p.Partition(std::nullopt, 4) == first);
  p.OnBatchSent(first);
  const int32_t second = p.Partition(std::nullopt, 4);
  CHECK(second != first);
  std::set<int32_t> seen{first, second};
  for (int i = 0; i < 4; ++i) {
    p.OnBatchSent(p.Partition(std::nullopt, 4));
    seen.insert(p.Partition(std::nullopt, 4));
  }
  CHECK(seen.size() == 4);
  CHECK(p.Partition(std::string("21"), 3) == KeyPartition("21", 3));
}

}  // namespace kafka::client
