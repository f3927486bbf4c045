// Kafka's default partitioning: keyed records go to
// positive(murmur2(key)) % partitions; records without a key stick to one
// partition until its batch is sent, then move on round-robin (the sticky
// partitioner of KIP-480, with a random start so concurrent producers spread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kafka::client {

class Partitioner {
 public:
  explicit Partitioner(uint32_t seed) : next_(seed) {}

  // Partition for a record among `num_partitions` (> 0).
  int32_t Partition(const std::optional<std::string>& key, int32_t num_partitions);
  // The sticky partition's batch went out: the next keyless record moves on.
  void OnBatchSent(int32_t partition);

 private:
  uint32_t next_;
  int32_t sticky_ = -1;
};

}  // namespace kafka::client
