// ActiveController: what the broker holding /controller does (Kafka's
// KafkaController in ZooKeeper mode), from election until resignation.
//
// Start() loads live brokers (with their epochs), topics, assignments and
// partition states, elects leaders for partitions whose leader is not live, then
// sends LeaderAndIsr to every replica and UpdateMetadata to every live broker.
// It then follows ZooKeeper:
//   * /brokers/ids: a dead (or re-registered) broker's partitions get new leaders
//     from the live ISR (unclean only when enabled), it leaves every ISR; a new
//     broker gets UpdateMetadata and LeaderAndIsr for its partitions, and
//     offline partitions it can lead come back;
//   * /brokers/topics and each topic znode: new topics/partitions get their
//     initial state (if the creating broker has not written it yet), then
//     LeaderAndIsr (is_new) and UpdateMetadata; removed topics are dropped;
//   * /admin/delete_topics: StopReplica(delete) to the replicas, then the znodes go;
//   * /isr_change_notification: the named states are re-read, UpdateMetadata to
//     every broker, the notifications deleted.
// Plus requests: ControlledShutdown (leadership moves off the broker, which
// leaves the ISRs), ElectLeaders (preferred/unclean) and, on a timer, the
// preferred-leader rebalance (auto.leader.rebalance.enable).
// Every state write is conditional on the znode version and fenced by the
// /controller_epoch version: a fence failure means another controller took over,
// and `on_fenced` is called (the owner then destroys this object).
// Events run one at a time (a queue, as Kafka's ControllerEventManager), each
// finishing its ZooKeeper round trips before the next starts.
// Lifetime: owned by Controller; destroy to resign (sends stop, timers cancel).
// Thread safety: io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/protocol/messages/elect_leaders.h"
#include "common/util/status.h"
#include "daemon/broker/controller/context.h"
#include "daemon/broker/controller/sender.h"
#include "daemon/broker/zk/kafka_zk.h"

namespace kafka::broker::controller {

struct ActiveOptions {
  int32_t broker_id = -1;
  int32_t epoch = 0;
  int32_t epoch_zk_version = 0;  // /controller_epoch's version: the write fence
  bool unclean_leader_election_enable = false;
  bool auto_leader_rebalance_enable = true;
  std::chrono::milliseconds imbalance_check_interval{300000};
  int32_t imbalance_percentage = 10;
  // The listener brokers talk to each other on (its endpoint in /brokers/ids).
  std::string listener = "PLAINTEXT";
  std::string secret;  // inter-broker secret for the channels
  std::chrono::milliseconds request_timeout{30000};
};

// Per partition of an ElectLeaders request: error code and message.
struct ElectionOutcome {
  int16_t error_code = 0;
  std::optional<std::string> message;
};

class ActiveController {
 public:
  ActiveController(boost::asio::io_context& io, KafkaZk& zk, ActiveOptions options,
                   std::function<void()> on_fenced);
  ~ActiveController();
  ActiveController(const ActiveController&) = delete;
  ActiveController& operator=(const ActiveController&) = delete;

  void Start();

  // ControlledShutdown from `broker_id`: an error code, or the partitions it still
  // leads (it retries until none).
  struct ShutdownResult {
    int16_t error_code = 0;
    std::vector<PartitionKey> remaining;
  };
  void ControlledShutdown(int32_t broker_id, int64_t broker_epoch,
                          std::function<void(ShutdownResult)> done);
  // ElectLeaders: `partitions` nullopt = every partition.
  void ElectLeaders(bool unclean, std::optional<std::vector<PartitionKey>> partitions,
                    std::function<void(std::map<PartitionKey, ElectionOutcome>)> done);

  const Context& context() const { return ctx_; }
  int32_t epoch() const { return options_.epoch; }

 private:
  using Done = std::function<void()>;
  using Event = std::function<void(Done)>;
  // A proposed new state for one partition given its current one; nullopt = no change.
  using Decide = std::function<std::optional<LeaderIsr>(const PartitionKey&, const LeaderIsr&)>;

  void Enqueue(std::string name, Event event);
  void RunNext();

  // Startup steps.
  void LoadBrokers(std::function<void(util::Status)> done);
  void LoadTopics(std::vector<std::string> topics, std::function<void(util::Status)> done);
  void ArmWatches();

  // Events.
  void OnBrokerIds(std::vector<int32_t> ids, Done done);
  void OnTopics(std::vector<std::string> topics, Done done);
  void OnTopicAssignment(std::string topic, std::optional<zkdata::TopicZNode> znode, Done done);
  void OnDeletions(std::vector<std::string> topics, Done done);
  void OnIsrChanges(std::vector<std::string> children, Done done);
  void Rebalance(Done done);
  void ScheduleRebalance();

  // Initial states for partitions without one (leader = first live replica,
  // ISR = live replicas), then LeaderAndIsr(is_new) + UpdateMetadata.
  void InitPartitions(std::vector<PartitionKey> partitions, Done done);
  // Elects (through `decide`) and writes the new states, retrying a lost
  // version race with a fresh read; `done` gets the partitions written.
  void WriteStates(std::vector<PartitionKey> partitions, Decide decide,
                   std::function<void(std::vector<PartitionKey>)> done);
  void WriteOne(PartitionKey key, Decide decide, int attempt,
                std::function<void(bool written)> done);
  // Dead replicas leave the ISR of partitions whose leader is alive (leader
  // epoch + 1, as Kafka's OfflineReplica transition); `done` gets those written.
  void RemoveDeadFromIsr(std::function<void(std::vector<PartitionKey>)> done);
  // Offline partitions (no live leader) whose leader can now be elected.
  std::vector<PartitionKey> OfflinePartitions() const;
  // `force`: elect even if the current leader id is live (it re-registered).
  Decide OfflineDecider(bool force) const;

  void AddBroker(const LiveBroker& b);
  void RemoveBroker(int32_t id);
  void SendLeaderAndIsr(const std::vector<PartitionKey>& partitions, bool is_new,
                        std::optional<int32_t> only_broker = std::nullopt);
  void SendUpdateMetadata(const std::vector<PartitionKey>& partitions,
                          std::optional<std::set<int32_t>> brokers = std::nullopt,
                          const std::set<std::string>& deleting = {});
  void SendStopReplica(int32_t broker, const std::vector<PartitionKey>& partitions,
                       bool delete_partition);
  void Fenced(const util::Status& s);

  boost::asio::io_context& io_;
  KafkaZk& zk_;
  ActiveOptions options_;
  std::function<void()> on_fenced_;
  Context ctx_;
  std::map<int32_t, std::unique_ptr<BrokerSender>> senders_;
  std::deque<std::pair<std::string, Event>> events_;
  bool running_ = false;
  bool started_ = false;
  bool fenced_ = false;
  std::vector<ZkWatch> watches_;
  std::map<std::string, ZkWatch> topic_watches_;
  std::set<std::string> deleting_;
  boost::asio::steady_timer rebalance_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kafka::broker::controller
