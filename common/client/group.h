// Group-coordinator requests shared by the group consumer (GroupMember) and
// kafka-consumer-groups: find a group's coordinator, fetch and commit offsets.
// All blocking and bounded in time; retriable coordinator errors
// (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS) are retried until
// the deadline.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/client/client.h"
#include "common/client/connection.h"
#include "common/client/consumer_protocol.h"
#include "common/util/status.h"

namespace kafka::client {

// topic -> partition -> offset.
using TopicOffsets = std::map<std::string, std::map<int32_t, int64_t>>;

struct CoordinatorInfo {
  int32_t node_id = -1;
  BrokerAddress address;
};

// FindCoordinator for a group (key type 0), any broker asked.
util::Result<CoordinatorInfo> FindGroupCoordinator(Client& client, const std::string& group,
                                                   Ms timeout);

// A connection to the group's coordinator, opened within `timeout`.
util::Result<std::unique_ptr<Connection>> ConnectCoordinator(Client& client,
                                                             const std::string& group, Ms timeout);

// Committed offsets of `group` for `which` (nullopt: every topic the group has
// offsets for; librdkafka's mock answers that with a null list, read as none).
// Partitions without a committed offset are left out. A group-level error code
// comes back as a failure naming it.
util::Result<TopicOffsets> FetchCommittedOffsets(Connection& coordinator, const std::string& group,
                                                 const std::optional<TopicPartitions>& which,
                                                 Ms timeout);

// Commits `offsets` (next offsets to read). generation -1 and an empty member id
// commit as a non-member (group must be empty). Returns the error code per
// partition (0 = committed).
util::Result<std::map<std::pair<std::string, int32_t>, int16_t>> CommitOffsets(
    Connection& coordinator, const std::string& group, int32_t generation,
    const std::string& member_id, const TopicOffsets& offsets, Ms timeout);

}  // namespace kafka::client
