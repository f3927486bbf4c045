#include "common/client/partitioner.h"

#include "common/client/murmur2.h"

namespace kafka::client {

int32_t Partitioner::Partition(const std::optional<std::string>& key, int32_t num_partitions) {
  if (key) return KeyPartition(*key, num_partitions);
  if (sticky_ < 0 || sticky_ >= num_partitions) {
    sticky_ = static_cast<int32_t>(next_++ % static_cast<uint32_t>(num_partitions));
  }
  return sticky_;
}

void Partitioner::OnBatchSent(int32_t partition) {
  if (partition == sticky_) sticky_ = -1;
}

}  // namespace kafka::client
