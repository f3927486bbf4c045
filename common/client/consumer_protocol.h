// Kafka's "consumer" embedded protocol: the bytes a consumer puts in JoinGroup
// metadata (Subscription) and the leader hands out in SyncGroup (Assignment),
// plus the two classic assignors ("range", "roundrobin") the group leader runs.
//
// Subscription v0: INT16 version, ARRAY(STRING) topics, BYTES user_data;
// v1 appends owned partitions ARRAY(STRING topic, ARRAY(INT32)). Assignment
// v0/v1: INT16 version, ARRAY(STRING topic, ARRAY(INT32)), BYTES user_data.
// Decoders accept newer versions by reading the prefix they know.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace kafka::client {

inline constexpr char kConsumerProtocolType[] = "consumer";

// topic -> sorted partitions.
using TopicPartitions = std::map<std::string, std::vector<int32_t>>;

struct Subscription {
  int16_t version = 1;
  std::vector<std::string> topics;
  std::optional<std::string> user_data;
  TopicPartitions owned_partitions;  // v1+
};

struct Assignment {
  int16_t version = 1;
  TopicPartitions partitions;
  std::optional<std::string> user_data;
};

std::string EncodeSubscription(const Subscription& s);
util::Result<Subscription> DecodeSubscription(std::string_view bytes);
std::string EncodeAssignment(const Assignment& a);
// Empty bytes (a member the leader gave nothing) decode to an empty assignment.
util::Result<Assignment> DecodeAssignment(std::string_view bytes);

// member id -> subscribed topics; topic -> partition count.
using MemberTopics = std::map<std::string, std::vector<std::string>>;
using PartitionCounts = std::map<std::string, int32_t>;

// RangeAssignor: per topic, consecutive ranges to members sorted by id, the
// first (partitions % members) members taking one extra.
std::map<std::string, TopicPartitions> RangeAssign(const MemberTopics& members,
                                                   const PartitionCounts& counts);
// RoundRobinAssignor: all topic-partitions sorted, dealt to members sorted by
// id in turn, skipping members not subscribed to the topic.
std::map<std::string, TopicPartitions> RoundRobinAssign(const MemberTopics& members,
                                                        const PartitionCounts& counts);
// By assignor name; nullopt for an unknown name.
std::optional<std::map<std::string, TopicPartitions>> Assign(const std::string& assignor,
                                                             const MemberTopics& members,
                                                             const PartitionCounts& counts);

}  // namespace kafka::client
