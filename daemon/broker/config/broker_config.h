// BrokerConfig: the broker's settings, read from Kafka's server.properties with Kafka's
// key names, defaults and precedence rules (log.retention.ms > minutes > hours,
// log.roll.ms > hours, log.dirs > log.dir, advertised.listeners defaulting to listeners).
//
// Unknown keys are logged once each on the "broker" logger and ignored (Kafka does the
// same); keys Kafka knows but we do not act on (thread counts, SSL, metrics) are accepted
// silently so Kafka's own server.properties loads without noise. An invalid value is an
// InvalidArgument naming the key and the value. KRaft mode (process.roles) is refused.
// ParseCommandLine() reads kafka-server-start.sh's arguments:
//   server.properties [--override key=value]...
// Thread safety: values; no shared state.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config/properties.h"
#include "common/util/status.h"

namespace kafka::broker {

// One entry of `listeners` / `advertised.listeners`: NAME://host:port.
struct Listener {
  std::string name;               // upper-cased, e.g. PLAINTEXT
  std::string host;               // empty: all interfaces (listeners only)
  uint16_t port = 0;              // 0: ephemeral (listeners only)
  std::string security_protocol;  // from listener.security.protocol.map; only PLAINTEXT runs

  // "NAME://host:port", IPv6 hosts in brackets.
  std::string ToString() const;
  friend bool operator==(const Listener&, const Listener&) = default;
};

// Parses a comma-separated listener list. `key` names the setting in error messages;
// `protocol_map` maps listener names to security protocols (listener.security.protocol.map).
util::Result<std::vector<Listener>> ParseListeners(
    std::string_view value, const std::string& key,
    const std::vector<std::pair<std::string, std::string>>& protocol_map);

// zookeeper.connect: "host:port[,host:port...][/chroot]".
struct ZkConnect {
  std::vector<std::pair<std::string, uint16_t>> servers;  // port 2181 when omitted
  std::string chroot;                                     // "" or "/path" (no trailing '/')
  std::string ToString() const;
};
util::Result<ZkConnect> ParseZkConnect(std::string_view value);

struct BrokerConfig {
  // -1: not configured (to be generated through ZooKeeper, broker.id.generation.enable).
  int32_t broker_id = -1;
  std::optional<std::string> broker_rack;

  std::vector<Listener> listeners;             // listeners (default PLAINTEXT://:9092)
  // advertised.listeners (default: listeners, with an unspecified host as "localhost").
  // A port 0 here (listener on an ephemeral port) is for the broker to replace with the
  // port actually bound (FramedServer::bound_ports()).
  std::vector<Listener> advertised_listeners;
  std::string inter_broker_listener_name;      // inter.broker.listener.name (default PLAINTEXT)

  std::vector<std::string> log_dirs;  // log.dirs, else log.dir (/tmp/kafka-logs)

  ZkConnect zookeeper;  // zookeeper.connect (required)
  int32_t zookeeper_session_timeout_ms = 18000;
  int32_t zookeeper_connection_timeout_ms = 18000;  // default: the session timeout
  int32_t zookeeper_max_in_flight_requests = 10;

  // Network (socket.*, connections.*, max.connections*).
  int32_t socket_request_max_bytes = 104857600;
  int32_t socket_send_buffer_bytes = 102400;     // -1: OS default
  int32_t socket_receive_buffer_bytes = 102400;  // -1: OS default
  int64_t connections_max_idle_ms = 600000;
  // Extension (not a Kafka key): a frame whose first byte has arrived must be complete
  // within this, so slowloris clients are closed long before connections.max.idle.ms.
  int64_t socket_request_read_timeout_ms = 30000;
  int32_t max_connections = 2147483647;
  int32_t max_connections_per_ip = 2147483647;
  int32_t num_network_threads = 3;  // accepted; the broker uses one thread
  int32_t num_io_threads = 8;       // accepted
  int32_t queued_max_requests = 500;

  // Topics.
  int32_t num_partitions = 1;
  int16_t default_replication_factor = 1;
  bool auto_create_topics_enable = true;
  bool delete_topic_enable = true;
  int32_t min_insync_replicas = 1;
  bool unclean_leader_election_enable = false;
  bool auto_leader_rebalance_enable = true;
  bool controlled_shutdown_enable = true;
  int32_t message_max_bytes = 1048588;

  // Replication.
  int32_t replica_fetch_max_bytes = 1048576;
  int32_t replica_fetch_response_max_bytes = 10485760;
  int32_t replica_fetch_wait_max_ms = 500;
  int32_t replica_fetch_min_bytes = 1;
  int64_t replica_lag_time_max_ms = 30000;
  int32_t replica_socket_timeout_ms = 30000;
  int64_t replica_high_watermark_checkpoint_interval_ms = 5000;
  int32_t num_replica_fetchers = 1;
  int32_t fetch_max_bytes = 57671680;  // fetch.max.bytes: cap on one Fetch response

  // Log.
  int32_t num_recovery_threads_per_data_dir = 1;
  int32_t log_segment_bytes = 1073741824;
  int64_t log_roll_ms = 168LL * 3600 * 1000;        // log.roll.ms, else log.roll.hours
  int64_t log_retention_ms = 168LL * 3600 * 1000;   // -1: unlimited
  int64_t log_retention_bytes = -1;                 // -1: unlimited
  int64_t log_retention_check_interval_ms = 300000;
  int32_t log_index_interval_bytes = 4096;
  int32_t log_index_size_max_bytes = 10485760;
  int64_t log_flush_interval_messages = INT64_MAX;
  std::optional<int64_t> log_flush_interval_ms;  // unset: log.flush.scheduler.interval.ms
  int64_t log_flush_scheduler_interval_ms = INT64_MAX;
  int64_t log_flush_offset_checkpoint_interval_ms = 60000;
  int64_t log_segment_delete_delay_ms = 60000;
  std::string log_cleanup_policy = "delete";
  // Log cleaner (compaction).
  bool log_cleaner_enable = true;
  int64_t log_cleaner_backoff_ms = 15000;
  int64_t log_cleaner_dedupe_buffer_size = 134217728;
  int64_t log_cleaner_delete_retention_ms = 86400000;
  double log_cleaner_min_cleanable_ratio = 0.5;
  int64_t log_cleaner_min_compaction_lag_ms = 0;
  int64_t log_cleaner_max_compaction_lag_ms = INT64_MAX;
  std::string compression_type = "producer";

  // Group coordinator and __consumer_offsets.
  int32_t offsets_topic_num_partitions = 50;
  int16_t offsets_topic_replication_factor = 3;
  int32_t offsets_topic_segment_bytes = 104857600;
  int32_t offsets_retention_minutes = 10080;
  int64_t offsets_retention_check_interval_ms = 600000;
  int32_t offsets_commit_timeout_ms = 5000;
  int32_t group_initial_rebalance_delay_ms = 3000;
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_max_size = 2147483647;

  // Transaction coordinator and __transaction_state.
  int32_t transaction_state_log_num_partitions = 50;
  int16_t transaction_state_log_replication_factor = 3;
  int32_t transaction_state_log_min_isr = 2;
  int32_t transaction_state_log_segment_bytes = 104857600;
  int32_t transaction_max_timeout_ms = 900000;
  int32_t transactional_id_expiration_ms = 604800000;

  // Controller.
  int32_t controller_socket_timeout_ms = 30000;
  int32_t controlled_shutdown_max_retries = 3;
  int64_t controlled_shutdown_retry_backoff_ms = 5000;
  int64_t leader_imbalance_check_interval_seconds = 300;
  int32_t leader_imbalance_per_broker_percentage = 10;

  // Keys present but unknown (already logged by FromProperties), sorted.
  std::vector<std::string> unknown_keys;

  // Reads every setting; logs one warning per unknown key on the "broker" logger.
  static util::Result<BrokerConfig> FromProperties(const config::Properties& props);
  // Loads `path`, applies `overrides` (later ones win), then FromProperties.
  static util::Result<BrokerConfig> Load(
      const std::string& path, const std::vector<std::pair<std::string, std::string>>& overrides);

  // Every key this broker understands or accepts, and accepted key prefixes.
  static const std::set<std::string>& KnownKeys();
  static const std::vector<std::string>& KnownPrefixes();
};

// kafka-server-start.sh arguments: the properties file, then `--override key=value`
// (or `--override=key=value`), repeatable.
struct ServerArgs {
  std::string properties_path;
  std::vector<std::pair<std::string, std::string>> overrides;
};
util::Result<ServerArgs> ParseCommandLine(const std::vector<std::string>& args);
util::Result<ServerArgs> ParseCommandLine(int argc, const char* const* argv);
// Only the `--override` part (the arguments after the properties file).
util::Result<std::vector<std::pair<std::string, std::string>>> ParseOverrides(
    const std::vector<std::string>& args);

}  // namespace kafka::broker
