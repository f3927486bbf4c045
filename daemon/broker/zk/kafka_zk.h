// The broker's metadata operations on ZooKeeper, after Kafka's KafkaZkClient and
// AdminZkClient: persistent paths, cluster id, broker registration, topics and
// their configs, partition state with conditional (zkVersion) updates, topic
// deletion, controller election through /controller + /controller_epoch, and
// watches. The znode layout and JSON come from zk_data.h.
//
// Threading: every method may be called from any thread; the work goes through
// the zk::Client, and every callback (including watch callbacks) runs on that
// client's strand, one at a time. Multi-step operations keep their state in the
// callbacks, so a KafkaZk may be destroyed while operations are in flight (their
// callbacks still run). Run the io_context on one thread (the broker's model) if
// callbacks touch state shared with other handlers.
//
// Sessions: ephemerals (/brokers/ids/<id>, /controller) live as long as the
// zk::Client's session. When it expires the client is finished (every call fails
// with Unavailable, watches report it once): make a new zk::Client and KafkaZk,
// then RegisterBroker() again and re-create the watches, as Kafka does.
//
// Errors are util::Status: NotFound (NoNode, or absent topic), AlreadyExists
// (NodeExists, TopicExists, already marked for deletion), InvalidArgument (bad
// topic name or assignment), Unavailable (connection loss, session expired),
// Timeout, Corruption (undecodable JSON) and Aborted for a failed condition:
// IsBadVersion() / IsControllerMoved() tell those apart.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/util/status.h"
#include "common/zk/client.h"
#include "daemon/broker/zk/zk_data.h"

namespace kafka::broker {

template <typename T>
using ZkCallback = std::function<void(util::Result<T>)>;
using ZkStatusCallback = std::function<void(util::Status)>;

// ZooKeeper's "any version" for conditional operations.
inline constexpr int32_t kMatchAnyVersion = -1;

// A conditional update lost: the znode's version was not the expected one.
bool IsBadVersion(const util::Status& s);
// The /controller_epoch fence failed: another controller took over.
bool IsControllerMoved(const util::Status& s);

struct PartitionState {
  zkdata::TopicPartitionStateZNode state;
  int32_t zk_version = 0;  // the znode's Stat.version, for UpdatePartitionState
};

struct ControllerElection {
  bool elected = false;
  int32_t controller_id = -1;     // the winner; -1 if nobody holds /controller now
  int32_t epoch = 0;              // our new epoch when elected
  int32_t epoch_zk_version = -1;  // /controller_epoch's version when elected (the fence)
};

struct RegisterBrokerOptions {
  // How long to wait for a stale /brokers/ids/<id> (left by an earlier session
  // that has not expired yet) to disappear before failing with AlreadyExists.
  std::chrono::milliseconds stale_wait{0};
  std::chrono::milliseconds retry_interval{250};
};

// A watch registered by Watch*(); Cancel() stops the callbacks (from any thread).
class ZkWatch {
 public:
  ZkWatch() = default;
  explicit ZkWatch(std::shared_ptr<std::atomic<bool>> cancelled)
      : cancelled_(std::move(cancelled)) {}
  void Cancel() {
    if (cancelled_) *cancelled_ = true;
  }
  bool cancelled() const { return !cancelled_ || *cancelled_; }

 private:
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

class KafkaZk {
 public:
  // `client` must have been Start()ed, or be started by the caller; `io` is the
  // io_context the client runs on (used for retry timers).
  KafkaZk(boost::asio::io_context& io, std::shared_ptr<zk::Client> client);

  // Creates each of zkdata::PersistentZkPaths() that is missing (with parents).
  void EnsurePersistentPaths(ZkStatusCallback done);
  // Creates `path` and any missing parents (null data, as Kafka's createRecursive
  // writes); an existing node is fine.
  void MakePath(std::string path, ZkStatusCallback done,
                std::optional<std::string> data = std::nullopt);
  // Deletes `path` and everything below it; an absent node is fine.
  void DeleteRecursive(std::string path, ZkStatusCallback done);

  // Returns /cluster/id's id, creating it with `proposed` (a fresh Kafka Uuid when
  // empty) if absent; whoever created it first wins.
  void GetOrCreateClusterId(std::string proposed, ZkCallback<std::string> done);

  // Returns the data of the persistent znode `path`, creating it (and parents)
  // with `proposed` if absent; whoever creates it first wins (every caller then
  // sees the same bytes). Used for the inter-broker secret.
  void GetOrCreateData(std::string path, std::string proposed, ZkCallback<std::string> done);

  // Creates the ephemeral /brokers/ids/<id> and returns its czxid (Kafka's broker
  // epoch). A node owned by this session counts as success; one owned by another
  // session is waited for up to options.stale_wait, then fails with AlreadyExists:
  // "Error while creating ephemeral at /brokers/ids/1, node already exists and owner
  // '<owner>' does not match current session '<session>'".
  void RegisterBroker(zkdata::BrokerIdZNode broker, RegisterBrokerOptions options,
                      ZkCallback<int64_t> done);
  // Rewrites our registration (e.g. new endpoints) keeping it ephemeral.
  void UpdateBrokerInfo(const zkdata::BrokerIdZNode& broker, ZkStatusCallback done);
  // All registered brokers, sorted by id (nodes vanishing meanwhile are skipped).
  void GetAllBrokers(ZkCallback<std::vector<zkdata::BrokerIdZNode>> done);
  void GetBroker(int32_t broker_id, ZkCallback<zkdata::BrokerIdZNode> done);
  // The registration and its broker epoch (the znode's czxid, KIP-380).
  void GetBrokerRegistration(int32_t broker_id,
                             ZkCallback<std::pair<zkdata::BrokerIdZNode, int64_t>> done);

  // Topic names under /brokers/topics, sorted (empty if the path is absent).
  void GetAllTopics(ZkCallback<std::vector<std::string>> done);
  // NotFound when the topic does not exist.
  void GetTopicAssignment(std::string topic, ZkCallback<zkdata::TopicZNode> done);
  // Assignments of the existing topics among `topics` (absent ones are left out).
  void GetTopicAssignments(std::vector<std::string> topics,
                           ZkCallback<std::map<std::string, zkdata::TopicZNode>> done);
  // AdminZkClient.createTopicWithAssignment: validates the name and assignment,
  // rejects a topic that exists, is marked for deletion or collides ('.' vs '_'),
  // writes /config/topics/<t> first, then /brokers/topics/<t> with a new topic id,
  // which it returns. AlreadyExists ("Topic 'x' already exists.") if it exists.
  void CreateTopic(std::string topic, std::map<int32_t, std::vector<int32_t>> assignment,
                   std::map<std::string, std::string> configs, ZkCallback<std::string> done);
  // Topic config (empty when /config/topics/<t> is absent).
  void GetTopicConfig(std::string topic, ZkCallback<std::map<std::string, std::string>> done);
  // Writes /config/topics/<t> and the change notification, as kafka-configs does.
  void ChangeTopicConfig(std::string topic, std::map<std::string, std::string> configs,
                         ZkStatusCallback done);

  void GetPartitionState(std::string topic, int32_t partition, ZkCallback<PartitionState> done);
  // Every partition of `topic` that has a state znode (none: an empty map).
  void GetTopicPartitionStates(std::string topic,
                               ZkCallback<std::map<int32_t, PartitionState>> done);
  // Creates .../partitions/<p>/state (and its parents); returns its zk version (0).
  // With controller_epoch_zk_version != kMatchAnyVersion the write is fenced by a
  // check on /controller_epoch (IsControllerMoved on failure), as Kafka's controller does.
  void CreatePartitionState(std::string topic, int32_t partition,
                            zkdata::TopicPartitionStateZNode state,
                            int32_t controller_epoch_zk_version, ZkCallback<int32_t> done);
  // Sets the state if its znode is at `expected_zk_version`; returns the new
  // version, or a status with IsBadVersion() when someone else changed it.
  void UpdatePartitionState(std::string topic, int32_t partition,
                            zkdata::TopicPartitionStateZNode state, int32_t expected_zk_version,
                            int32_t controller_epoch_zk_version, ZkCallback<int32_t> done);

  // Creates /admin/delete_topics/<t>. NotFound if the topic does not exist,
  // AlreadyExists if it is already marked.
  void MarkTopicForDeletion(std::string topic, ZkStatusCallback done);
  void GetTopicsMarkedForDeletion(ZkCallback<std::vector<std::string>> done);
  // After the logs are gone: removes /brokers/topics/<t> (recursively),
  // /config/topics/<t> and /admin/delete_topics/<t>, in Kafka's order.
  void DeleteTopicZNodes(std::string topic, ZkStatusCallback done);

  // Kafka's controller election: if /controller exists, reports its owner;
  // otherwise creates /controller_epoch (0) if needed, then atomically creates the
  // ephemeral /controller and bumps /controller_epoch conditionally on its version.
  void TryElectController(int32_t broker_id, ZkCallback<ControllerElection> done);
  // The current controller id, or nullopt when there is none.
  void GetController(ZkCallback<std::optional<int32_t>> done);
  // (epoch, zk version) of /controller_epoch; NotFound when absent.
  void GetControllerEpoch(ZkCallback<std::pair<int32_t, int32_t>> done);
  // Deletes /controller if we (by broker id) hold it.
  void ResignController(int32_t broker_id, ZkStatusCallback done);

  // Level-triggered watches: `cb` gets the current value right away and again
  // after every change, until cancelled or the session ends (then once with an
  // Unavailable status). The ZooKeeper watch is re-armed by each read.
  ZkWatch WatchBrokerIds(ZkCallback<std::vector<int32_t>> cb);
  ZkWatch WatchTopics(ZkCallback<std::vector<std::string>> cb);
  ZkWatch WatchController(ZkCallback<std::optional<int32_t>> cb);
  ZkWatch WatchTopicsMarkedForDeletion(ZkCallback<std::vector<std::string>> cb);
  // The topic's assignment (nullopt while the topic does not exist).
  ZkWatch WatchTopicAssignment(std::string topic,
                               ZkCallback<std::optional<zkdata::TopicZNode>> cb);
  // The generic forms: sorted children (empty while `path` is absent), and data
  // (nullopt while absent).
  ZkWatch WatchChildren(std::string path, ZkCallback<std::vector<std::string>> cb);
  ZkWatch WatchData(std::string path, ZkCallback<std::optional<std::string>> cb);

  zk::Client& client() { return *zk_; }

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<zk::Client> zk_;
};

// Broker startup helper (blocking, via zk::SyncClient): when the connect string
// has a chroot ("h:2181/kafka"), creates that path (and parents) on the server
// first, as Kafka does, since a chrooted session cannot create its own root.
util::Status CreateChrootIfNecessary(const std::string& connect_string,
                                     std::chrono::milliseconds timeout);

}  // namespace kafka::broker
