// Controller: the cluster-level metadata operations, on ZooKeeper, and the
// controller election.
//
// Any broker handling CreateTopics/CreatePartitions writes the assignment and the
// initial partition states itself (leader = first replica, ISR = all replicas,
// leader_epoch 0, the current controller epoch); the active controller then tells
// the replicas (LeaderAndIsr) and every broker (UpdateMetadata). DeleteTopics
// marks the topic under /admin/delete_topics; the active controller stops the
// replicas and removes the znodes.
// Election: when /controller is empty every broker tries to create it
// (KafkaZk::TryElectController bumps /controller_epoch); the winner runs a
// controller::ActiveController (controller/active.h) until /controller names
// someone else, its session ends, or a fenced write shows a newer controller.
// A /controller naming this broker id that we did not create in this session
// (a previous process's ephemeral) is treated as someone else's.
// Producer ids come in blocks of 1000 from /latest_producer_id_block, as Kafka's
// ProducerIdManager (ZooKeeper mode).
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

#include <boost/asio/io_context.hpp>

#include "common/util/status.h"
#include "daemon/broker/config/broker_config.h"
#include "daemon/broker/controller/active.h"
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

  // What an elected controller needs (call once before the first election).
  void Configure(boost::asio::io_context& io, controller::ActiveOptions options) {
    io_ = &io;
    active_options_ = std::move(options);
  }
  // Controller election; called when /controller changes.
  void OnControllerChange(std::optional<int32_t> controller);
  bool is_active() const { return active_; }
  // The running controller (nullptr unless is_active()).
  controller::ActiveController* active() { return active_controller_.get(); }
  int32_t controller_epoch() const { return controller_epoch_; }
  void set_controller_epoch(int32_t epoch) { controller_epoch_ = epoch; }

  // Producer ids (InitProducerId).
  void AllocateProducerId(ZkCallback<int64_t> done);

  void Stop() {
    stopped_ = true;
    Resign("stopping");
  }
  // A new ZooKeeper session (the old one expired): we are no longer controller
  // until elected again through the new session.
  void ResetSession(KafkaZk& zk) {
    Resign("zookeeper session expired");
    zk_ = &zk;
    electing_ = false;
  }

 private:
  void Elect();
  void Activate();
  void Resign(const std::string& why);
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
  int32_t controller_epoch_zk_version_ = -1;
  boost::asio::io_context* io_ = nullptr;
  controller::ActiveOptions active_options_;
  std::unique_ptr<controller::ActiveController> active_controller_;

  int64_t next_producer_id_ = 0;
  int64_t block_end_ = -1;  // inclusive; next_producer_id_ > block_end_ means empty
  bool fetching_block_ = false;
  std::vector<ZkCallback<int64_t>> producer_id_waiters_;
};

}  // namespace kafka::broker
