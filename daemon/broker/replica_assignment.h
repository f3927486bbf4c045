// Rack-unaware replica assignment, as Kafka's AdminUtils.assignReplicasToBrokers.
//
// Partition p's first replica is broker[(start + p) % n]; the followers are placed
// at a shift that grows by one every n partitions (next_replica_shift), so the
// replicas of consecutive partitions spread over the brokers. Pure function.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "common/util/status.h"

namespace kafka::broker {

// `brokers` are the live broker ids (any order; sorted here). start_index and
// next_replica_shift < 0 pick Kafka's random values. start_partition is the first
// partition id to assign (CreatePartitions adds partitions after existing ones).
// InvalidArgument when replication_factor > brokers or partitions/replication <= 0.
util::Result<std::map<int32_t, std::vector<int32_t>>> AssignReplicasToBrokers(
    std::vector<int32_t> brokers, int32_t partitions, int32_t replication_factor,
    int32_t start_index = -1, int32_t start_partition = 0, int32_t next_replica_shift = -1);

}  // namespace kafka::broker
