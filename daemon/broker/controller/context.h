// The active controller's picture of the cluster (Kafka's ControllerContext):
// live brokers with their epochs, topic assignments and partition leader/ISR
// states, plus the pure decisions taken on it: leader elections (offline,
// preferred, controlled shutdown), ISR removal of a dead replica, preferred-leader
// imbalance, and the LeaderAndIsr / UpdateMetadata / StopReplica bodies sent to
// brokers. Pure code: no I/O (active.h does ZooKeeper and the network).
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/protocol/messages/leader_and_isr.h"
#include "common/protocol/messages/stop_replica.h"
#include "common/protocol/messages/update_metadata.h"

namespace kafka::broker::controller {

struct PartitionKey {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const PartitionKey&) const = default;
  std::string ToString() const { return topic + "-" + std::to_string(partition); }
};

struct LiveBroker {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
  std::string listener = "PLAINTEXT";
  std::optional<std::string> rack;
  int64_t epoch = -1;  // czxid of /brokers/ids/<id> (KIP-380)
};

// One partition's /brokers/topics/<t>/partitions/<p>/state and its znode version.
struct LeaderIsr {
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  int32_t controller_epoch = 0;
  int32_t zk_version = 0;
  bool operator==(const LeaderIsr&) const = default;
};

// The leader marking a partition of a topic being deleted in UpdateMetadata.
inline constexpr int32_t kLeaderDuringDelete = -2;

struct Context {
  std::map<int32_t, LiveBroker> live;
  std::set<int32_t> shutting_down;
  std::map<std::string, std::string> topic_ids;
  std::map<PartitionKey, std::vector<int32_t>> assignment;
  std::map<PartitionKey, LeaderIsr> states;  // partitions with a state znode

  bool IsLive(int32_t id) const { return live.count(id) != 0; }
  // Live and not shutting down: may lead.
  bool CanLead(int32_t id) const { return IsLive(id) && !shutting_down.count(id); }
  std::vector<PartitionKey> AllPartitions() const;
  std::vector<PartitionKey> PartitionsOfTopic(const std::string& topic) const;
  // Partitions with `broker` among their replicas.
  std::vector<PartitionKey> PartitionsOnBroker(int32_t broker) const;
  void RemoveTopic(const std::string& topic);
  const std::vector<int32_t>& Replicas(const PartitionKey& p) const;
};

// A new leader and ISR (the caller bumps the leader epoch and writes it).
struct Election {
  int32_t leader = -1;
  std::vector<int32_t> isr;
};

// The partition's leader is gone: the first replica (assignment order) that can
// lead and is in the ISR; new ISR = ISR ∩ live. Without one, and with `unclean`,
// the first replica that can lead, ISR = {it}. nullopt: stays offline.
std::optional<Election> ElectOffline(const Context& ctx, const std::vector<int32_t>& replicas,
                                     const std::vector<int32_t>& isr, bool unclean);
// The preferred (first) replica, if it can lead and is in the ISR.
std::optional<Election> ElectPreferred(const Context& ctx, const std::vector<int32_t>& replicas,
                                       const std::vector<int32_t>& isr);
// Moving leadership off shutting-down brokers: the first replica in the ISR that
// can lead; ISR minus the shutting-down brokers.
std::optional<Election> ElectForShutdown(const Context& ctx, const std::vector<int32_t>& replicas,
                                         const std::vector<int32_t>& isr);
// The state after `replica` left the ISR (leader epoch + 1, as Kafka's
// removeReplicasFromIsr); nullopt if it was not in it. A last ISR member stays
// (the ISR never becomes empty); a leaving leader makes the partition offline.
std::optional<LeaderIsr> RemoveFromIsr(const LeaderIsr& state, int32_t replica);
// `state` with a new leader/ISR, leader epoch + 1, under `controller_epoch`.
LeaderIsr Apply(const LeaderIsr& state, const Election& e, int32_t controller_epoch);

// Partitions whose preferred replica should take leadership back: for each
// broker whose share of "preferred here but led elsewhere" partitions exceeds
// `percentage`, those partitions whose preferred replica can lead and is in the ISR.
std::vector<PartitionKey> ImbalancedPartitions(const Context& ctx, int32_t percentage);

// Request bodies (broker_epoch is set by the caller per target broker).
protocol::UpdateMetadataRequest BuildUpdateMetadata(const Context& ctx, int32_t controller_id,
                                                    int32_t controller_epoch,
                                                    const std::vector<PartitionKey>& partitions,
                                                    const std::set<std::string>& deleting = {});
// LeaderAndIsr for `broker` with those of `partitions` it replicates (empty
// topic_states when none).
protocol::LeaderAndIsrRequest BuildLeaderAndIsr(const Context& ctx, int32_t controller_id,
                                                int32_t controller_epoch, int32_t broker,
                                                const std::vector<PartitionKey>& partitions,
                                                bool is_new);
protocol::StopReplicaRequest BuildStopReplica(int32_t controller_id, int32_t controller_epoch,
                                              const std::vector<PartitionKey>& partitions,
                                              bool delete_partition);

}  // namespace kafka::broker::controller
