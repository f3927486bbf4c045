// Kafka's ZooKeeper contract: one struct per znode, each with its path and its
// JSON encoding, after apache/kafka core/src/main/scala/kafka/zk/ZkData.scala.
//
// A broker that keeps its metadata in ZooKeeper is only recognisable to Kafka's
// tools (kafka-topics --zookeeper, zookeeper-shell, Burrow, ...) if it writes the
// same paths and the same JSON. Encoders therefore reproduce the bytes Kafka 2.8/3.x
// writes, including the key order its Scala/Java maps happen to produce (see
// zk_data.cc). Decoders accept every version Kafka has written and never throw:
// malformed data comes back as util::Status::Corruption naming the path.
//
// Pure code: no I/O. The ZooKeeper calls live in kafka_zk.h.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/util/status.h"

namespace kafka::broker::zkdata {

// ---------------------------------------------------------------------------
// Plain paths (no data, or data we never read).

struct ConfigZNode { static std::string Path() { return "/config"; } };
struct BrokersZNode { static std::string Path() { return "/brokers"; } };
struct BrokerIdsZNode { static std::string Path() { return "/brokers/ids"; } };
struct TopicsZNode { static std::string Path() { return "/brokers/topics"; } };
struct BrokerSequenceIdZNode { static std::string Path() { return "/brokers/seqid"; } };
struct ConsumerPathZNode { static std::string Path() { return "/consumers"; } };
struct AdminZNode { static std::string Path() { return "/admin"; } };
struct DeleteTopicsZNode { static std::string Path() { return "/admin/delete_topics"; } };
struct IsrChangeNotificationZNode {
  static std::string Path() { return "/isr_change_notification"; }
};
struct ProducerIdBlockZNode { static std::string Path() { return "/latest_producer_id_block"; } };
struct LogDirEventNotificationZNode {
  static std::string Path() { return "/log_dir_event_notification"; }
};
struct ClusterZNode { static std::string Path() { return "/cluster"; } };
struct ConfigEntityChangeNotificationZNode {
  static std::string Path() { return "/config/changes"; }
};

// Entity types under /config (kafka.server.ConfigType).
inline constexpr std::string_view kConfigTypeTopic = "topics";
inline constexpr std::string_view kConfigTypeClient = "clients";
inline constexpr std::string_view kConfigTypeUser = "users";
inline constexpr std::string_view kConfigTypeBroker = "brokers";

struct ConfigEntityTypeZNode {
  static std::string Path(std::string_view entity_type);  // /config/<type>
};

// The persistent paths a Kafka broker creates (if missing) when it starts, in
// Kafka's order (ZkData.PersistentZkPaths), followed by /cluster.
std::vector<std::string> PersistentZkPaths();

// /admin/delete_topics/<topic>: presence marks the topic for deletion; no data.
struct DeleteTopicsTopicZNode {
  static std::string Path(std::string_view topic);
};

// ---------------------------------------------------------------------------
// /controller: {"version":1,"brokerid":1,"timestamp":"1700000000000"} (ephemeral).
struct ControllerZNode {
  static std::string Path() { return "/controller"; }
  int32_t broker_id = -1;
  int64_t timestamp_ms = 0;
  // Written only by KRaft-migration controllers (version 2); we never write it.
  std::optional<int32_t> kraft_controller_epoch;

  std::string Encode() const;
  static util::Result<ControllerZNode> Decode(std::string_view data);
  friend bool operator==(const ControllerZNode&, const ControllerZNode&) = default;
};

// /controller_epoch: the epoch as a decimal string ("1"). Kafka creates it with 0.
struct ControllerEpochZNode {
  static std::string Path() { return "/controller_epoch"; }
  static constexpr int32_t kInitialEpoch = 0;
  static std::string Encode(int32_t epoch);
  static util::Result<int32_t> Decode(std::string_view data);
};

// /cluster/id: {"version":"1","id":"<22-char base64url uuid>"} (version is a string).
struct ClusterIdZNode {
  static std::string Path() { return "/cluster/id"; }
  static std::string Encode(std::string_view cluster_id);
  static util::Result<std::string> Decode(std::string_view data);
};

// ---------------------------------------------------------------------------
// /brokers/ids/<id> (ephemeral).

// One advertised listener: "PLAINTEXT://host:9092" plus its security protocol.
struct BrokerEndpoint {
  std::string listener_name = "PLAINTEXT";
  std::string host;
  int32_t port = 0;
  std::string security_protocol = "PLAINTEXT";

  // "LISTENER://host:port", with IPv6 hosts in brackets (Kafka's connectionString).
  std::string ConnectionString() const;
  friend bool operator==(const BrokerEndpoint&, const BrokerEndpoint&) = default;
};

// A supported feature range (KIP-584), "features":{"name":{"min_version":1,"max_version":2}}.
struct SupportedFeature {
  std::string name;
  int16_t min_version = 0;
  int16_t max_version = 0;
  friend bool operator==(const SupportedFeature&, const SupportedFeature&) = default;
};

struct BrokerIdZNode {
  static std::string Path(int32_t broker_id);
  static constexpr int32_t kCurrentVersion = 5;

  int32_t broker_id = -1;  // from the path, not the JSON
  int32_t version = kCurrentVersion;
  std::vector<BrokerEndpoint> endpoints;
  std::optional<std::string> rack;
  int32_t jmx_port = -1;
  int64_t timestamp_ms = 0;
  std::vector<SupportedFeature> features;
  // The top-level "host"/"port" of the JSON: Kafka fills them from the first
  // PLAINTEXT endpoint (null/-1 when there is none). Set by Decode; Encode derives them.
  std::optional<std::string> host;
  int32_t port = -1;

  // Writes `version` (1..5), with the fields that version has.
  std::string Encode() const;
  static util::Result<BrokerIdZNode> Decode(int32_t broker_id, std::string_view data);
};

// ---------------------------------------------------------------------------
// /brokers/topics/<topic>: the partition assignment.

struct ReplicaAssignment {
  std::vector<int32_t> replicas;
  std::vector<int32_t> adding_replicas;
  std::vector<int32_t> removing_replicas;
  friend bool operator==(const ReplicaAssignment&, const ReplicaAssignment&) = default;
};

struct TopicZNode {
  static std::string Path(std::string_view topic);
  static constexpr int32_t kCurrentVersion = 3;

  int32_t version = kCurrentVersion;     // as decoded; Encode always writes 3
  std::optional<std::string> topic_id;   // base64url Kafka Uuid (version 3)
  std::map<int32_t, ReplicaAssignment> partitions;

  std::string Encode() const;
  // Accepts versions 1 (partitions only), 2 (adding/removing replicas) and 3 (topic_id).
  static util::Result<TopicZNode> Decode(std::string_view data);
  friend bool operator==(const TopicZNode&, const TopicZNode&) = default;
};

// /brokers/topics/<topic>/partitions and /brokers/topics/<topic>/partitions/<p>: no data.
struct TopicPartitionsZNode {
  static std::string Path(std::string_view topic);
};
struct TopicPartitionZNode {
  static std::string Path(std::string_view topic, int32_t partition);
};

// /brokers/topics/<topic>/partitions/<p>/state:
// {"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]}.
// The znode's version (Stat.version) is the "zkVersion" that conditional
// updates compare; it is not part of the JSON and lives with the caller.
struct TopicPartitionStateZNode {
  static std::string Path(std::string_view topic, int32_t partition);

  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  int32_t controller_epoch = 0;
  // KIP-704 (Kafka 3.2+): written only when not RECOVERED (0).
  int8_t leader_recovery_state = 0;

  std::string Encode() const;
  static util::Result<TopicPartitionStateZNode> Decode(std::string_view data);
  friend bool operator==(const TopicPartitionStateZNode&,
                         const TopicPartitionStateZNode&) = default;
};

// ---------------------------------------------------------------------------
// /config/<type>/<name>: {"version":1,"config":{"retention.ms":"1000"}}.
struct ConfigEntityZNode {
  static std::string Path(std::string_view entity_type, std::string_view entity_name);
  static std::string TopicPath(std::string_view topic) { return Path(kConfigTypeTopic, topic); }

  std::map<std::string, std::string> config;

  std::string Encode() const;
  // Empty data reads as an empty config, as in Kafka.
  static util::Result<ConfigEntityZNode> Decode(std::string_view data);
};

// /config/changes/config_change_<seq> (persistent sequential):
// {"version":2,"entity_path":"topics/foo"}.
struct ConfigEntityChangeNotificationSequenceZNode {
  static constexpr std::string_view kSequenceNumberPrefix = "config_change_";
  static std::string CreatePath() { return "/config/changes/config_change_"; }
  static std::string Encode(std::string_view entity_path);
  // Returns entity_path (version 2; version 1's {"entity_type","entity_name"} is
  // turned into "type/name").
  static util::Result<std::string> Decode(std::string_view data);
};

// ---------------------------------------------------------------------------
// Kafka Uuids (org.apache.kafka.common.Uuid): 16 random bytes, shown as
// unpadded base64url (22 characters). Used for topic ids and the cluster id.
using UuidBytes = std::array<uint8_t, 16>;
std::string FormatKafkaUuid(const UuidBytes& bytes);
util::Result<UuidBytes> ParseKafkaUuid(std::string_view text);
// A random Uuid as Kafka's Uuid.randomUuid() makes it: never the zero uuid nor the
// reserved metadata-topic id, never a string starting with '-'.
std::string GenerateKafkaUuid();

// ---------------------------------------------------------------------------
// Topic names (org.apache.kafka.common.internals.Topic).
inline constexpr size_t kMaxTopicNameLength = 249;
// Kafka's InvalidTopicException messages, as InvalidArgument.
util::Status ValidateTopicName(std::string_view topic);
// '.' and '_' map to the same metric name, so "a.b" and "a_b" collide.
bool HasCollisionChars(std::string_view topic);
std::string UnifyCollisionChars(std::string_view topic);
bool TopicNamesCollide(std::string_view a, std::string_view b);
// What kafka-topics prints when a new name has collision chars.
inline constexpr std::string_view kCollisionWarning =
    "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
    "('_') could collide. To avoid issues it is best to use either, but not both.";

// A new topic's assignment, checked as AdminZkClient.validateTopicCreate does:
// partitions 0..n-1, the same non-zero number of replicas each, no duplicates.
// InvalidArgument with Kafka's message otherwise (INVALID_REPLICA_ASSIGNMENT).
util::Status ValidateReplicaAssignment(const std::map<int32_t, std::vector<int32_t>>& assignment);

// ---------------------------------------------------------------------------
// Exposed for tests: the iteration order of the hash maps Kafka serialises.
// Scala 2.13 mutable.HashMap built empty and filled with `keys` in order.
std::vector<std::string> ScalaMutableHashMapOrder(const std::vector<std::string>& keys);
// java.util.Properties (a ConcurrentHashMap since Java 9) filled with `keys`.
std::vector<std::string> JavaPropertiesOrder(const std::vector<std::string>& keys);

}  // namespace kafka::broker::zkdata
