// Broker: one Kafka broker process (ZooKeeper mode) on one io_context thread.
//
// Start() runs the blocking start-up (STYLE.md §6.5: network, request handling,
// log I/O and the ZooKeeper client share the thread): lock and recover log.dirs,
// bind the listeners, connect to ZooKeeper (chroot created if needed), create the
// persistent paths, read/create the cluster id, register /brokers/ids/<id>,
// take part in the controller election, then load the metadata cache through
// watches on /brokers/ids, /brokers/topics (and each topic's znode) and
// /controller. Requests arriving before that are queued and served once ready.
// Stop() (signal handler) stops accepting, drops waiting fetches, closes the
// ZooKeeper session (so our ephemeral registration vanishes at once), then stops
// the io_context; Finish() flushes the logs and writes the clean-shutdown markers.
// Lifecycle: construct, Start(), io.run(), Finish(). Thread safety: io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/net/framed_server.h"
#include "common/util/status.h"
#include "common/zk/client.h"
#include "daemon/broker/config/broker_config.h"
#include "daemon/broker/controller.h"
#include "daemon/broker/group/coordinator.h"
#include "daemon/broker/group/find_coordinator.h"
#include "daemon/broker/inter_broker/channel.h"
#include "daemon/broker/metadata_cache.h"
#include "daemon/broker/offsets_store.h"
#include "daemon/broker/replica_manager.h"
#include "daemon/broker/zk/kafka_zk.h"

namespace kafka::broker {

class Broker {
 public:
  Broker(boost::asio::io_context& io, BrokerConfig config);
  ~Broker();

  // Blocking start-up (runs the io_context while waiting). A failure is a clear,
  // operator-facing message; the process should exit 1.
  util::Status Start();
  // Begins a graceful stop; io.run() returns when it is done. exit_code is what
  // main should return (1 after a lost ZooKeeper session). With exit code 0 on a
  // serving broker and controlled.shutdown.enable, the controlled shutdown runs
  // first (leadership moves away while this broker still serves); a second
  // Stop() during it stops at once.
  void Stop(int exit_code = 0);
  // After io.run() returned: flush logs, checkpoints, clean-shutdown markers.
  util::Status Finish();
  int exit_code() const { return exit_code_; }

  const BrokerConfig& config() const { return config_; }
  int32_t broker_id() const { return config_.broker_id; }
  MetadataCache& cache() { return cache_; }
  ReplicaManager& replicas() { return *replicas_; }
  Controller& controller() { return *controller_; }
  KafkaZk& zk() { return *kafka_zk_; }
  group::GroupCoordinator& coordinator() { return *coordinator_; }
  // FindCoordinator: the leader of the group's __consumer_offsets partition;
  // creates that topic on first use (COORDINATOR_NOT_AVAILABLE until it has a
  // live leader). Transaction keys: COORDINATOR_NOT_AVAILABLE (no transactions).
  group::CoordinatorLookup ResolveCoordinator(int8_t key_type, const std::string& key);
  boost::asio::io_context& io() { return io_; }
  bool stopping() const { return stopping_; }
  const std::vector<uint16_t>& bound_ports() const { return server_->bound_ports(); }

  // This broker's epoch: the czxid of its current /brokers/ids registration.
  int64_t broker_epoch() const { return broker_epoch_; }
  // The newest controller epoch seen in controller requests (one counter with
  // LeaderAndIsr's, in the ReplicaManager): false (stale) when `epoch` is older.
  bool AcceptControllerEpoch(int32_t epoch) { return replicas_->AcceptControllerEpoch(epoch); }
  // The controller's UpdateMetadata (checked by the handler): into the cache.
  void ApplyUpdateMetadata(const protocol::UpdateMetadataRequest& req);

  // Inter-broker authentication (inter_broker/handshake.h): the cluster secret,
  // and per connection the SASL step reached / the broker it proved to be.
  const std::string& inter_broker_secret() const { return inter_broker_secret_; }
  void SetSaslHandshakeDone(uint64_t connection_id) { sasl_handshakes_.insert(connection_id); }
  bool SaslHandshakeDone(uint64_t connection_id) const {
    return sasl_handshakes_.count(connection_id) != 0;
  }
  void AuthenticateBroker(uint64_t connection_id, int32_t broker_id) {
    peer_brokers_[connection_id] = broker_id;
  }

  // Auto-creation (Metadata): starts creating `topic` with the broker defaults
  // unless a creation is already under way. Returns false if it cannot start
  // (for example too few brokers for default.replication.factor).
  bool AutoCreateTopic(const std::string& topic);

  // Applies a topic's assignment to the cache and the local logs (idempotent;
  // a different topic id means the topic was deleted and re-created).
  // Reads older than what the cache holds (zk_version) are ignored.
  void ApplyTopic(const std::string& name, const zkdata::TopicZNode& znode,
                  const std::map<std::string, std::string>& configs, int32_t zk_version);

 private:
  void HandleFrame(net::ConnectionContext& ctx, std::string frame, net::Responder responder);
  void Dispatch(uint64_t connection_id, const std::string& peer, const std::string& listener,
                const std::string& frame, net::Responder responder);
  // Runs the io_context until `done()` or the deadline.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

  void WatchMetadata();
  void OnBrokerIds(std::vector<int32_t> ids);
  void OnTopics(std::vector<std::string> topics);
  void ReadTopic(const std::string& name);
  void RemoveTopic(const std::string& name);
  void ReadPartitionStates(const std::string& name, const std::string& topic_id);
  void ReadPartitionState(const std::string& name, const std::string& topic_id,
                          int32_t partition, int attempt);
  // Wires the ReplicaManager: fetcher transports, ZooKeeper ISR writes, cache updates.
  void ConfigureReplication();
  void ScheduleHousekeeping();
  // inter.broker.listener.name if it names a listener, else the first listener.
  std::string InterBrokerListener() const;
  // Becomes / stops being coordinator for the __consumer_offsets partitions
  // this broker leads / no longer leads (after every metadata change).
  void UpdateCoordination();
  void ScheduleOffsetExpiry();
  void CreateOffsetsTopic();
  // ZooKeeper session handling: the first connect, and after an expiry a new
  // session, a new registration and fresh watches (as Kafka's KafkaZkClient
  // re-registers on session re-establishment).
  util::Status ConnectZooKeeper();
  void OnSessionExpired();
  void RegisterAgain(int attempt);

  boost::asio::io_context& io_;
  BrokerConfig config_;
  MetadataCache cache_;
  std::unique_ptr<ReplicaManager> replicas_;
  std::unique_ptr<net::FramedServer> server_;
  std::shared_ptr<zk::Client> zk_client_;
  std::unique_ptr<KafkaZk> kafka_zk_;
  std::unique_ptr<Controller> controller_;
  std::vector<ZkWatch> watches_;
  zkdata::BrokerIdZNode registration_;
  uint64_t zk_generation_ = 0;  // bumps with every new session
  boost::asio::steady_timer housekeeping_timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer expiry_timer_;
  std::unique_ptr<OffsetsStore> offsets_store_;
  std::unique_ptr<group::GroupCoordinator> coordinator_;

  int64_t last_retention_ms_ = 0;
  int64_t last_checkpoint_ms_ = 0;
  bool ready_ = false;
  bool stopping_ = false;
  int exit_code_ = 0;
  bool zk_connected_ = false;
  bool brokers_loaded_ = false;
  bool topics_loaded_ = false;
  int pending_topic_reads_ = 0;
  std::set<std::string> watched_topics_;  // topics with a data watch armed
  std::set<std::string> auto_creating_;
  std::string inter_broker_secret_;
  int64_t broker_epoch_ = -1;
  // Controlled shutdown (SIGTERM): attempts left, the channel to the controller.
  void ControlledShutdown(int attempt);
  bool controlled_shutdown_started_ = false;
  std::shared_ptr<inter_broker::Channel> shutdown_channel_;
  boost::asio::steady_timer shutdown_timer_{io_};
  std::set<uint64_t> sasl_handshakes_;
  std::map<uint64_t, int32_t> peer_brokers_;  // connection id -> authenticated broker id
  struct Queued {
    uint64_t connection_id;
    std::string peer;
    std::string listener;
    std::string frame;
    net::Responder responder;
  };
  std::vector<Queued> queued_;
};

}  // namespace kafka::broker
