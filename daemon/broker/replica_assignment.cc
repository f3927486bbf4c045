#include "daemon/broker/replica_assignment.h"

#include <algorithm>
#include <random>
#include <string>

namespace kafka::broker {
namespace {

int32_t RandomBelow(int32_t n) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_int_distribution<int32_t>(0, n - 1)(rng);
}

}  // namespace

util::Result<std::map<int32_t, std::vector<int32_t>>> AssignReplicasToBrokers(
    std::vector<int32_t> brokers, int32_t partitions, int32_t replication_factor,
    int32_t start_index, int32_t start_partition, int32_t next_replica_shift) {
  if (partitions <= 0) return util::Status::InvalidArgument("Number of partitions must be larger than 0.");
  if (replication_factor <= 0) {
    return util::Status::InvalidArgument("Replication factor must be larger than 0.");
  }
  const int32_t n = static_cast<int32_t>(brokers.size());
  if (replication_factor > n) {
    return util::Status::InvalidArgument("Replication factor: " +
                                         std::to_string(replication_factor) +
                                         " larger than available brokers: " + std::to_string(n) +
                                         ".");
  }
  std::sort(brokers.begin(), brokers.end());
  if (start_index < 0) start_index = RandomBelow(n);
  if (next_replica_shift < 0) next_replica_shift = RandomBelow(n);
  std::map<int32_t, std::vector<int32_t>> out;
  int32_t current = start_partition > 0 ? start_partition : 0;
  for (int32_t i = 0; i < partitions; ++i) {
    if (current > 0 && current % n == 0) ++next_replica_shift;
    const int32_t first = (current + start_index) % n;
    std::vector<int32_t> replicas{brokers[first]};
    for (int32_t j = 0; j < replication_factor - 1; ++j) {
      // Kafka's replicaIndex: shift in [1, n-1] so a follower never equals the leader.
      const int32_t shift = 1 + (next_replica_shift + j) % (n - 1);
      replicas.push_back(brokers[(first + shift) % n]);
    }
    out[current] = std::move(replicas);
    ++current;
  }
  return out;
}

}  // namespace kafka::broker
