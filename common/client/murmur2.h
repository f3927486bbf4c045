// Kafka's partitioning hash: the Java client's murmur2 (Utils.murmur2, seed
// 0x9747b28c) and the default partitioner's choice for keyed records,
// positive(murmur2(key)) % partitions, so our tools put a key on the same
// partition as Kafka's own producer does.
#pragma once

#include <cstdint>
#include <string_view>

namespace kafka::client {

// Same bits as org.apache.kafka.common.utils.Utils.murmur2 (a signed int there).
int32_t Murmur2(std::string_view data);

// Utils.toPositive: clears the sign bit (not abs()).
inline int32_t ToPositive(int32_t n) { return n & 0x7fffffff; }

// Partition of a keyed record among `num_partitions` (> 0).
inline int32_t KeyPartition(std::string_view key, int32_t num_partitions) {
  return ToPositive(Murmur2(key)) % num_partitions;
}

}  // namespace kafka::client
