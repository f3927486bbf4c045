// Controller: the cluster-level metadata operations, on ZooKeeper.
//
// In this issue the controller role is minimal (see README in the brief): any
// broker handling CreateTopics/CreatePartitions writes the assignment and the
// initial partition states itself (leader = first replica, ISR = all replicas,
// leader_epoch 0, the current controller epoch); DeleteTopics marks the topic under
// /admin/delete_topics, and the broker that holds /controller removes the topic's
// znodes (every broker deletes its logs when the topic leaves /brokers/topics).
// Producer ids come in blocks of 1000 from /latest_producer_id_block, as Kafka's
// ProducerIdManager (ZooKeeper mode).
// A later issue moves leader election and LeaderAndIsr here; the class is the seam.
// Lifecycle: one per broker; Thread safety: io thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/util/status.h"
#include "daemon/broker/config/broker_config.h"
#include "daemon/broker/metadata_cache.h"
#include "daemon/broker/zk/kafka_zk.h"

namespace kafka::broker {

// One topic to create, already validated by the handler.
struct NewTopic {
  std::string name;
  std::map<int32_t, std::vector<int32_t>> assignment;
  std::map<std::string, std::string> configs;
};

class Controller {
 public:
  // Applies a topic to this broker's cache and logs (what the watch would do).
  using ApplyTopic = std::function<void(const std::string& name, const zkdata::TopicZNode& znode,
                                        const std::map<std::string, std::string>& configs,
                                        int32_t zk_version)>;

  Controller(int32_t broker_id, KafkaZk& zk, MetadataCache& cache, ApplyTopic apply);

  // Writes config, assignment and partition states; returns the topic id.
  void CreateTopic(NewTopic topic, ZkCallback<std::string> done);
  // Writes the extended assignment and the states of the new partitions.
  void AddPartitions(std::string topic, std::map<int32_t, std::vector<int32_t>> new_partitions,
                     ZkStatusCallback done);

  // Controller election; called when /controller changes.
  void OnControllerChange(std::optional<int32_t> controller);
  bool is_active() const { return active_; }
  int32_t controller_epoch() const { return controller_epoch_; }
  void set_controller_epoch(int32_t epoch) { controller_epoch_ = epoch; }

  // Producer ids (InitProducerId).
  void AllocateProducerId(ZkCallback<int64_t> done);

  void Stop() { stopped_ = true; }
  // A new ZooKeeper session (the old one expired): we are no longer controller
  // until elected again through the new session.
  void ResetSession(KafkaZk& zk) {
    zk_ = &zk;
    active_ = false;
    electing_ = false;
    ++deletion_watch_generation_;
    deleting_.clear();
  }

 private:
  void Elect();
  void WatchDeletions();
  void WriteStates(const std::string& topic, std::map<int32_t, std::vector<int32_t>> partitions,
                   ZkStatusCallback done);
  void FetchProducerIdBlock(int attempt);

  int32_t broker_id_;
  KafkaZk* zk_;
  MetadataCache& cache_;
  ApplyTopic apply_;
  bool active_ = false;
  bool stopped_ = false;
  bool electing_ = false;
  int32_t controller_epoch_ = 0;
  uint64_t deletion_watch_generation_ = 0;
  std::set<std::string> deleting_;

  int64_t next_producer_id_ = 0;
  int64_t block_end_ = -1;  // inclusive; next_producer_id_ > block_end_ means empty
  bool fetching_block_ = false;
  std::vector<ZkCallback<int64_t>> producer_id_waiters_;
};

}  // namespace kafka::broker
