// MetadataCache: what this broker knows about the cluster, mirrored from ZooKeeper
// (live brokers, topics with their partition assignment and leader/ISR state,
// the controller) and used to answer Metadata and to route Produce/Fetch.
//
// Two sources fill it: at start-up (and for topic existence) the broker's own
// ZooKeeper watches (Broker), and, authoritative for leaders/ISRs and live
// brokers, the controller's UpdateMetadata requests (ApplyUpdateMetadata), as
// in Kafka. Pure data: no I/O.
// Thread safety: none; owned by the broker's io thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/protocol/messages/metadata.h"
#include "common/protocol/messages/update_metadata.h"

namespace kafka::broker {

struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

struct PartitionInfo {
  std::vector<int32_t> replicas;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  bool state_known = false;  // false: derived from the assignment, state znode not read yet
  int32_t zk_version = -1;   // of the state znode, when it came from the controller
};

struct TopicInfo {
  std::string topic_id;  // Kafka Uuid, base64url
  std::map<int32_t, PartitionInfo> partitions;
  std::map<std::string, std::string> configs;  // topic overrides (/config/topics/<t>)
  int32_t zk_version = -1;  // Stat.version of /brokers/topics/<t> this was read from
};

class MetadataCache {
 public:
  void SetBroker(BrokerInfo broker) { brokers_[broker.id] = std::move(broker); }
  void RemoveBroker(int32_t id) { brokers_.erase(id); }
  const BrokerInfo* GetBroker(int32_t id) const;
  bool IsLive(int32_t id) const { return brokers_.count(id) != 0; }
  std::vector<int32_t> LiveBrokerIds() const;
  const std::map<int32_t, BrokerInfo>& brokers() const { return brokers_; }

  void SetTopic(const std::string& name, TopicInfo topic) { topics_[name] = std::move(topic); }
  void RemoveTopic(const std::string& name) { topics_.erase(name); }
  const TopicInfo* GetTopic(const std::string& name) const;
  TopicInfo* MutableTopic(const std::string& name);
  const PartitionInfo* GetPartition(const std::string& topic, int32_t partition) const;
  const std::map<std::string, TopicInfo>& topics() const { return topics_; }
  // Name of the topic with this id, if any.
  std::optional<std::string> TopicNameById(const std::string& topic_id) const;

  // The controller's UpdateMetadata (the caller checked its controller epoch):
  // the live brokers are replaced by its list (endpoint of `listener`, else the
  // first); each partition state of a known topic is taken unless the cache
  // holds a newer one (higher leader epoch, or the same epoch and a higher
  // zk_version); leader -2 (topic being deleted) removes the partition. Unknown
  // topics are skipped (they come from ZooKeeper). Returns the topics touched.
  std::set<std::string> ApplyUpdateMetadata(const protocol::UpdateMetadataRequest& req,
                                            const std::string& listener);

  void set_controller_id(int32_t id) { controller_id_ = id; }
  int32_t controller_id() const { return controller_id_; }
  void set_cluster_id(std::string id) { cluster_id_ = std::move(id); }
  const std::string& cluster_id() const { return cluster_id_; }

 private:
  std::map<int32_t, BrokerInfo> brokers_;
  std::map<std::string, TopicInfo> topics_;
  int32_t controller_id_ = -1;
  std::string cluster_id_;
};

// Builds a Metadata answer. `topics` nullopt = every topic; otherwise the requested
// names in order, where names in `invalid` get INVALID_TOPIC_EXCEPTION, names in
// `being_created` LEADER_NOT_AVAILABLE, and other unknown ones
// UNKNOWN_TOPIC_OR_PARTITION. Usable partitions (live leader) never carry an error;
// a partition whose leader is not live gets LEADER_NOT_AVAILABLE with leader -1.
protocol::MetadataResponse BuildMetadataResponse(
    const MetadataCache& cache, const std::optional<std::vector<std::string>>& topics,
    const std::set<std::string>& invalid = {}, const std::set<std::string>& being_created = {});

}  // namespace kafka::broker
