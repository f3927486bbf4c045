#include "daemon/broker/config/broker_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "common/util/logging.h"

namespace kafka::broker {
namespace {

constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string item = Trim(value.substr(start, comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

util::Status Invalid(const std::string& key, std::string_view value, const std::string& why) {
  return util::Status::InvalidArgument("Invalid value '" + std::string(value) +
                                       "' for configuration key '" + key + "': " + why);
}

bool ParsePort(std::string_view text, int64_t& port) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Reads typed values, keeping the first error (the remaining reads return defaults).
class Reader {
 public:
  explicit Reader(const config::Properties& props) : props_(props) {}

  const util::Status& status() const { return status_; }

  int64_t Long(const std::string& key, int64_t fallback, int64_t min = std::numeric_limits<int64_t>::min(),
               int64_t max = kLongMax) {
    util::Result<int64_t> value = props_.GetInt(key, fallback);
    if (!value.ok()) {
      Fail(value.status());
      return fallback;
    }
    if (*value < min) {
      Fail(Invalid(key, std::to_string(*value), "Value must be at least " + std::to_string(min)));
      return fallback;
    }
    if (*value > max) {
      Fail(Invalid(key, std::to_string(*value), "Value must be no more than " + std::to_string(max)));
      return fallback;
    }
    return *value;
  }

  int32_t Int(const std::string& key, int32_t fallback, int32_t min = std::numeric_limits<int32_t>::min(),
              int32_t max = kIntMax) {
    return static_cast<int32_t>(Long(key, fallback, min, max));
  }

  int16_t Short(const std::string& key, int16_t fallback, int16_t min, int16_t max = 32767) {
    return static_cast<int16_t>(Long(key, fallback, min, max));
  }

  std::optional<int64_t> OptionalLong(const std::string& key, int64_t min, int64_t max = kLongMax) {
    if (!props_.Has(key)) return std::nullopt;
    return Long(key, 0, min, max);
  }

  bool Bool(const std::string& key, bool fallback) {
    util::Result<bool> value = props_.GetBool(key, fallback);
    if (!value.ok()) {
      Fail(value.status());
      return fallback;
    }
    return *value;
  }

  double Double(const std::string& key, double fallback, double min, double max) {
    if (!props_.Has(key)) return fallback;
    std::string raw = Trim(props_.GetString(key, ""));
    char* end = nullptr;
    double v = std::strtod(raw.c_str(), &end);
    if (raw.empty() || end != raw.c_str() + raw.size()) {
      Fail(Invalid(key, raw, "Expected a number"));
      return fallback;
    }
    if (!(v >= min && v <= max)) {
      Fail(Invalid(key, raw, "Value must be in [" + std::to_string(min) + ", " +
                                 std::to_string(max) + "]"));
      return fallback;
    }
    return v;
  }

  std::string String(const std::string& key, const std::string& fallback) {
    return Trim(props_.GetString(key, fallback));
  }

  // A string restricted to `allowed` (case-insensitive, stored lower-case).
  std::string Choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed) {
    std::string value = String(key, fallback);
    std::string lower = value;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(allowed.begin(), allowed.end(), lower) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Fail(Invalid(key, value, "String must be one of: " + list));
      return fallback;
    }
    return lower;
  }

  void Fail(const util::Status& status) {
    if (status_.ok()) status_ = status;
  }

 private:
  const config::Properties& props_;
  util::Status status_;
};

util::Result<std::vector<std::pair<std::string, std::string>>> ParseProtocolMap(
    std::string_view value) {
  const std::string key = "listener.security.protocol.map";
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : SplitList(value)) {
    size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return Invalid(key, value, "entries must be NAME:PROTOCOL");
    }
    out.emplace_back(Upper(Trim(item.substr(0, colon))), Upper(Trim(item.substr(colon + 1))));
  }
  return out;
}

}  // namespace

// --- Listener and zookeeper.connect parsing ---

std::string Listener::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return name + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

util::Result<std::vector<Listener>> ParseListeners(
    std::string_view value, const std::string& key,
    const std::vector<std::pair<std::string, std::string>>& protocol_map) {
  std::vector<Listener> out;
  std::vector<std::string> items = SplitList(value);
  if (items.empty()) return Invalid(key, value, "no listener given (expected NAME://host:port)");
  for (const std::string& item : items) {
    size_t scheme = item.find("://");
    if (scheme == std::string::npos || scheme == 0) {
      return Invalid(key, item, "expected NAME://host:port");
    }
    Listener listener;
    listener.name = Upper(item.substr(0, scheme));
    for (char c : listener.name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
        return Invalid(key, item, "bad listener name");
      }
    }
    std::string_view rest = std::string_view(item).substr(scheme + 3);
    std::string_view host;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {  // [v6]:port
      size_t close = rest.find(']');
      if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
        return Invalid(key, item, "expected NAME://[ipv6]:port");
      }
      host = rest.substr(1, close - 1);
      port_text = rest.substr(close + 2);
    } else {
      size_t colon = rest.rfind(':');
      if (colon == std::string_view::npos) return Invalid(key, item, "missing port (NAME://host:port)");
      host = rest.substr(0, colon);
      port_text = rest.substr(colon + 1);
      if (host.find(':') != std::string_view::npos) {
        return Invalid(key, item, "IPv6 addresses must be in brackets");
      }
    }
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("-._:%").find(c) == std::string_view::npos) {
        return Invalid(key, item, "bad host");
      }
    }
    int64_t port = -1;
    if (!ParsePort(port_text, port) || port < 0 || port > 65535) {
      return Invalid(key, item, "port must be a number from 0 to 65535");
    }
    listener.host = std::string(host);
    listener.port = static_cast<uint16_t>(port);
    auto protocol = std::find_if(protocol_map.begin(), protocol_map.end(),
                                 [&](const auto& entry) { return entry.first == listener.name; });
    if (protocol == protocol_map.end()) {
      return Invalid(key, item,
                     "listener name " + listener.name +
                         " is not in listener.security.protocol.map");
    }
    listener.security_protocol = protocol->second;
    if (listener.security_protocol != "PLAINTEXT") {
      return Invalid(key, item, "security protocol " + listener.security_protocol +
                                    " is not supported (only PLAINTEXT)");
    }
    for (const Listener& other : out) {
      if (other.name == listener.name) return Invalid(key, value, "duplicate listener name " + listener.name);
      if (other.port == listener.port && listener.port != 0) {
        return Invalid(key, value, "duplicate port " + std::to_string(listener.port));
      }
    }
    out.push_back(std::move(listener));
  }
  return out;
}

std::string ZkConnect::ToString() const {
  std::string out;
  for (const auto& [host, port] : servers) {
    if (!out.empty()) out += ",";
    out += host + ":" + std::to_string(port);
  }
  return out + chroot;
}

util::Result<ZkConnect> ParseZkConnect(std::string_view value) {
  const std::string key = "zookeeper.connect";
  ZkConnect out;
  std::string_view hosts = value;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    hosts = value.substr(0, slash);
    std::string chroot = Trim(value.substr(slash));
    if (chroot.size() > 1) {
      if (chroot.back() == '/') return Invalid(key, value, "chroot must not end with '/'");
      if (chroot.find("//") != std::string::npos) return Invalid(key, value, "empty node name in chroot");
      out.chroot = chroot;
    }
  }
  for (const std::string& item : SplitList(hosts)) {
    std::string host = item;
    int64_t port = 2181;
    size_t colon = item.rfind(':');
    if (colon != std::string::npos) {
      host = item.substr(0, colon);
      if (!ParsePort(item.substr(colon + 1), port) || port < 1 || port > 65535) {
        return Invalid(key, value, "bad port in '" + item + "'");
      }
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) return Invalid(key, value, "empty host in '" + item + "'");
    out.servers.emplace_back(host, static_cast<uint16_t>(port));
  }
  if (out.servers.empty()) return Invalid(key, value, "expected host:port[,host:port...][/chroot]");
  return out;
}

// --- BrokerConfig ---

const std::set<std::string>& BrokerConfig::KnownKeys() {
  static const std::set<std::string> keys = {
      // Used.
      "broker.id", "broker.rack", "listeners", "advertised.listeners",
      "listener.security.protocol.map", "inter.broker.listener.name",
      "security.inter.broker.protocol", "log.dirs", "log.dir", "zookeeper.connect",
      "zookeeper.session.timeout.ms", "zookeeper.connection.timeout.ms",
      "zookeeper.max.in.flight.requests", "socket.request.max.bytes", "socket.send.buffer.bytes",
      "socket.receive.buffer.bytes", "connections.max.idle.ms", "socket.request.read.timeout.ms", "max.connections",
      "max.connections.per.ip", "num.network.threads", "num.io.threads", "queued.max.requests",
      "num.partitions", "default.replication.factor", "auto.create.topics.enable",
      "delete.topic.enable", "min.insync.replicas", "unclean.leader.election.enable",
      "auto.leader.rebalance.enable", "controlled.shutdown.enable", "message.max.bytes",
      "replica.fetch.max.bytes", "replica.fetch.response.max.bytes", "replica.fetch.wait.max.ms",
      "replica.fetch.min.bytes", "replica.lag.time.max.ms", "replica.socket.timeout.ms",
      "replica.high.watermark.checkpoint.interval.ms", "num.replica.fetchers", "fetch.max.bytes",
      "num.recovery.threads.per.data.dir", "log.segment.bytes", "log.roll.ms", "log.roll.hours",
      "log.retention.ms", "log.retention.minutes", "log.retention.hours", "log.retention.bytes",
      "log.retention.check.interval.ms", "log.index.interval.bytes", "log.index.size.max.bytes",
      "log.flush.interval.messages", "log.flush.interval.ms", "log.flush.scheduler.interval.ms",
      "log.flush.offset.checkpoint.interval.ms", "log.segment.delete.delay.ms",
      "log.cleanup.policy", "log.cleaner.enable", "log.cleaner.backoff.ms",
      "log.cleaner.dedupe.buffer.size", "log.cleaner.delete.retention.ms",
      "log.cleaner.min.cleanable.ratio", "log.cleaner.min.compaction.lag.ms",
      "log.cleaner.max.compaction.lag.ms", "compression.type", "offsets.topic.num.partitions",
      "offsets.topic.replication.factor", "offsets.topic.segment.bytes",
      "offsets.retention.minutes", "offsets.retention.check.interval.ms",
      "offsets.commit.timeout.ms", "group.initial.rebalance.delay.ms",
      "group.min.session.timeout.ms", "group.max.session.timeout.ms", "group.max.size",
      "transaction.state.log.num.partitions", "transaction.state.log.replication.factor",
      "transaction.state.log.min.isr", "transaction.state.log.segment.bytes",
      "transaction.max.timeout.ms", "transactional.id.expiration.ms",
      "controller.socket.timeout.ms", "controlled.shutdown.max.retries",
      "controlled.shutdown.retry.backoff.ms", "leader.imbalance.check.interval.seconds",
      "leader.imbalance.per.broker.percentage",
      // Accepted and ignored: Kafka settings with no effect here.
      "broker.id.generation.enable", "reserved.broker.max.id", "background.threads",
      "num.replica.alter.log.dirs.threads", "log.roll.jitter.ms", "log.roll.jitter.hours",
      "log.preallocate", "log.message.format.version", "log.message.timestamp.type",
      "log.message.timestamp.difference.max.ms", "log.message.downconversion.enable",
      "inter.broker.protocol.version", "zookeeper.set.acl", "zookeeper.clientCnxnSocket",
      "offsets.load.buffer.size", "offsets.topic.compression.codec", "offsets.commit.required.acks",
      "transaction.state.log.load.buffer.size", "transaction.abort.timed.out.transaction.cleanup.interval.ms",
      "transaction.remove.expired.transaction.cleanup.interval.ms", "producer.id.expiration.ms",
      "producer.purgatory.purge.interval.requests", "fetch.purgatory.purge.interval.requests",
      "delete.records.purgatory.purge.interval.requests", "replica.fetch.backoff.ms",
      "replica.selector.class", "request.timeout.ms", "max.incremental.fetch.session.cache.slots",
      "queued.max.request.bytes", "socket.listen.backlog.size", "socket.connection.setup.timeout.ms",
      "socket.connection.setup.timeout.max.ms", "connection.failed.authentication.delay.ms",
      "max.connection.creation.rate", "max.connections.per.ip.overrides", "authorizer.class.name",
      "allow.everyone.if.no.acl.found", "super.users", "principal.builder.class",
      "alter.config.policy.class.name", "create.topic.policy.class.name", "alter.log.dirs.replication.quota.window.num",
      "auto.include.jmx.reporter", "client.quota.callback.class", "delegation.token.master.key",
      "delegation.token.secret.key", "delegation.token.expiry.time.ms", "delegation.token.max.lifetime.ms",
      "password.encoder.secret", "password.encoder.old.secret", "num.quota.samples",
      "quota.window.num", "quota.window.size.seconds", "replication.quota.window.num",
      "replication.quota.window.size.seconds", "unstable.api.versions.enable",
      "offset.metadata.max.bytes", "kafka.metrics.polling.interval.secs",
      "kafka.metrics.reporters", "metric.reporters", "metrics.num.samples", "metrics.recording.level",
      "metrics.sample.window.ms", "log.local.retention.ms", "log.local.retention.bytes",
  };
  return keys;
}

const std::vector<std::string>& BrokerConfig::KnownPrefixes() {
  // Families we accept without acting on them: cleaner, security, metrics, tiered storage.
  static const std::vector<std::string> prefixes = {
      "log.cleaner.", "listener.name.", "ssl.", "sasl.", "security.", "zookeeper.ssl.",
      "metrics.", "metric.", "kafka.metrics.", "remote.log.", "quota.", "confluent.",
      "group.consumer.", "group.coordinator.", "follower.replication.", "leader.replication.",
  };
  return prefixes;
}

util::Result<BrokerConfig> BrokerConfig::FromProperties(const config::Properties& props) {
  if (props.Has("process.roles")) {
    return util::Status::InvalidArgument(
        "process.roles is set: KRaft mode is not supported, configure zookeeper.connect instead");
  }
  BrokerConfig c;
  Reader r(props);

  c.broker_id = r.Int("broker.id", -1, -1);
  if (props.Has("broker.rack")) c.broker_rack = r.String("broker.rack", "");

  // Listeners.
  auto protocol_map = ParseProtocolMap(r.String(
      "listener.security.protocol.map",
      "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"));
  if (!protocol_map.ok()) return protocol_map.status();
  auto listeners = ParseListeners(r.String("listeners", "PLAINTEXT://:9092"), "listeners", *protocol_map);
  if (!listeners.ok()) return listeners.status();
  c.listeners = std::move(*listeners);
  if (props.Has("advertised.listeners")) {
    auto advertised = ParseListeners(r.String("advertised.listeners", ""), "advertised.listeners",
                                     *protocol_map);
    if (!advertised.ok()) return advertised.status();
    for (Listener& l : *advertised) {
      if (l.host == "0.0.0.0" || l.host == "::") {
        return Invalid("advertised.listeners", l.ToString(),
                       "cannot use the nonroutable meta-address " + l.host);
      }
      bool listened = std::any_of(c.listeners.begin(), c.listeners.end(),
                                  [&](const Listener& x) { return x.name == l.name; });
      if (!listened) {
        return Invalid("advertised.listeners", l.ToString(),
                       "listener name " + l.name + " is not in listeners");
      }
      if (l.host.empty()) l.host = "localhost";
    }
    c.advertised_listeners = std::move(*advertised);
  } else {
    // Kafka advertises the canonical host name for an unspecified host; "localhost" keeps
    // a single local broker reachable without DNS.
    c.advertised_listeners = c.listeners;
    for (Listener& l : c.advertised_listeners) {
      if (l.host.empty() || l.host == "0.0.0.0" || l.host == "::") l.host = "localhost";
    }
  }
  if (props.Has("inter.broker.listener.name") && props.Has("security.inter.broker.protocol")) {
    return util::Status::InvalidArgument(
        "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set");
  }
  if (props.Has("inter.broker.listener.name")) {
    c.inter_broker_listener_name = Upper(r.String("inter.broker.listener.name", ""));
  } else {
    // security.inter.broker.protocol names a protocol; pick the listener using it.
    std::string protocol = Upper(r.String("security.inter.broker.protocol", "PLAINTEXT"));
    c.inter_broker_listener_name = protocol;
    for (const Listener& l : c.listeners) {
      if (l.security_protocol == protocol) {
        c.inter_broker_listener_name = l.name;
        break;
      }
    }
  }
  bool inter_broker_known = std::any_of(
      c.advertised_listeners.begin(), c.advertised_listeners.end(),
      [&](const Listener& l) { return l.name == c.inter_broker_listener_name; });
  if (!inter_broker_known) {
    return Invalid("inter.broker.listener.name", c.inter_broker_listener_name,
                   "must be a listener name defined in advertised.listeners");
  }

  // Log directories: log.dirs wins over log.dir.
  std::string dirs = props.Has("log.dirs") ? r.String("log.dirs", "") : r.String("log.dir", "/tmp/kafka-logs");
  c.log_dirs = SplitList(dirs);
  if (c.log_dirs.empty()) {
    return Invalid(props.Has("log.dirs") ? "log.dirs" : "log.dir", dirs, "at least one directory is required");
  }

  // ZooKeeper.
  if (!props.Has("zookeeper.connect")) {
    return util::Status::InvalidArgument(
        "Missing required configuration 'zookeeper.connect' which has no default value");
  }
  auto zk = ParseZkConnect(r.String("zookeeper.connect", ""));
  if (!zk.ok()) return zk.status();
  c.zookeeper = std::move(*zk);
  c.zookeeper_session_timeout_ms = r.Int("zookeeper.session.timeout.ms", 18000, 1);
  c.zookeeper_connection_timeout_ms =
      r.Int("zookeeper.connection.timeout.ms", c.zookeeper_session_timeout_ms, 1);
  c.zookeeper_max_in_flight_requests = r.Int("zookeeper.max.in.flight.requests", 10, 1);

  // Network.
  c.socket_request_max_bytes = r.Int("socket.request.max.bytes", 104857600, 1);
  c.socket_send_buffer_bytes = r.Int("socket.send.buffer.bytes", 102400, -1);
  c.socket_receive_buffer_bytes = r.Int("socket.receive.buffer.bytes", 102400, -1);
  c.connections_max_idle_ms = r.Long("connections.max.idle.ms", 600000);
  c.socket_request_read_timeout_ms = r.Long("socket.request.read.timeout.ms", 30000, 1);
  c.max_connections = r.Int("max.connections", kIntMax, 0);
  c.max_connections_per_ip = r.Int("max.connections.per.ip", kIntMax, 0);
  c.num_network_threads = r.Int("num.network.threads", 3, 1);
  c.num_io_threads = r.Int("num.io.threads", 8, 1);
  c.queued_max_requests = r.Int("queued.max.requests", 500, 1);

  // Topics.
  c.num_partitions = r.Int("num.partitions", 1, 1);
  c.default_replication_factor = r.Short("default.replication.factor", 1, 1);
  c.auto_create_topics_enable = r.Bool("auto.create.topics.enable", true);
  c.delete_topic_enable = r.Bool("delete.topic.enable", true);
  c.min_insync_replicas = r.Int("min.insync.replicas", 1, 1);
  c.unclean_leader_election_enable = r.Bool("unclean.leader.election.enable", false);
  c.auto_leader_rebalance_enable = r.Bool("auto.leader.rebalance.enable", true);
  c.controlled_shutdown_enable = r.Bool("controlled.shutdown.enable", true);
  c.message_max_bytes = r.Int("message.max.bytes", 1048588, 0);

  // Replication.
  c.replica_fetch_max_bytes = r.Int("replica.fetch.max.bytes", 1048576, 0);
  c.replica_fetch_response_max_bytes = r.Int("replica.fetch.response.max.bytes", 10485760, 0);
  c.replica_fetch_wait_max_ms = r.Int("replica.fetch.wait.max.ms", 500, 0);
  c.replica_fetch_min_bytes = r.Int("replica.fetch.min.bytes", 1, 0);
  c.replica_lag_time_max_ms = r.Long("replica.lag.time.max.ms", 30000, 0);
  c.replica_socket_timeout_ms = r.Int("replica.socket.timeout.ms", 30000);
  c.replica_high_watermark_checkpoint_interval_ms =
      r.Long("replica.high.watermark.checkpoint.interval.ms", 5000, 1);
  c.num_replica_fetchers = r.Int("num.replica.fetchers", 1, 1);
  c.fetch_max_bytes = r.Int("fetch.max.bytes", 57671680, 1024);
  if (c.replica_fetch_wait_max_ms > c.replica_socket_timeout_ms && r.status().ok()) {
    return util::Status::InvalidArgument(
        "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms");
  }

  // Log.
  c.num_recovery_threads_per_data_dir = r.Int("num.recovery.threads.per.data.dir", 1, 1);
  c.log_segment_bytes = r.Int("log.segment.bytes", 1073741824, 14);
  if (auto ms = r.OptionalLong("log.roll.ms", 1)) {
    c.log_roll_ms = *ms;
  } else {
    c.log_roll_ms = int64_t{r.Int("log.roll.hours", 168, 1)} * 3600 * 1000;
  }
  // log.retention.ms > log.retention.minutes > log.retention.hours; negative is unlimited.
  int64_t retention = 0;
  std::string retention_key;
  if (auto ms = r.OptionalLong("log.retention.ms", std::numeric_limits<int64_t>::min())) {
    retention = *ms;
    retention_key = "log.retention.ms";
  } else if (auto minutes = r.OptionalLong("log.retention.minutes", std::numeric_limits<int32_t>::min(), kIntMax)) {
    retention = *minutes < 0 ? -1 : *minutes * 60 * 1000;
    retention_key = "log.retention.minutes";
  } else {
    int64_t hours = r.Int("log.retention.hours", 168);
    retention = hours < 0 ? -1 : hours * 3600 * 1000;
    retention_key = "log.retention.hours";
  }
  if (retention == 0) {
    return Invalid(retention_key, "0", "log retention must be unlimited (-1) or at least 1 ms");
  }
  c.log_retention_ms = retention < 0 ? -1 : retention;
  c.log_retention_bytes = r.Long("log.retention.bytes", -1);
  c.log_retention_check_interval_ms = r.Long("log.retention.check.interval.ms", 300000, 1);
  c.log_index_interval_bytes = r.Int("log.index.interval.bytes", 4096, 0);
  c.log_index_size_max_bytes = r.Int("log.index.size.max.bytes", 10485760, 4);
  c.log_flush_interval_messages = r.Long("log.flush.interval.messages", kLongMax, 1);
  c.log_flush_interval_ms = r.OptionalLong("log.flush.interval.ms", 0);
  c.log_flush_scheduler_interval_ms = r.Long("log.flush.scheduler.interval.ms", kLongMax);
  c.log_flush_offset_checkpoint_interval_ms =
      r.Long("log.flush.offset.checkpoint.interval.ms", 60000, 0, kIntMax);
  c.log_segment_delete_delay_ms = r.Long("log.segment.delete.delay.ms", 60000, 0);
  {
    std::string policy = r.String("log.cleanup.policy", "delete");
    for (const std::string& p : SplitList(policy)) {
      if (p != "delete" && p != "compact") {
        return Invalid("log.cleanup.policy", policy, "each policy must be delete or compact");
      }
    }
    c.log_cleanup_policy = policy;
  }
  c.log_cleaner_enable = r.Bool("log.cleaner.enable", true);
  c.log_cleaner_backoff_ms = r.Long("log.cleaner.backoff.ms", 15000, 0);
  c.log_cleaner_dedupe_buffer_size = r.Long("log.cleaner.dedupe.buffer.size", 134217728, 0);
  c.log_cleaner_delete_retention_ms = r.Long("log.cleaner.delete.retention.ms", 86400000, 0);
  c.log_cleaner_min_cleanable_ratio = r.Double("log.cleaner.min.cleanable.ratio", 0.5, 0, 1);
  c.log_cleaner_min_compaction_lag_ms = r.Long("log.cleaner.min.compaction.lag.ms", 0, 0);
  c.log_cleaner_max_compaction_lag_ms = r.Long("log.cleaner.max.compaction.lag.ms", kLongMax, 1);
  c.compression_type = r.Choice("compression.type", "producer",
                                {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"});

  // Group coordinator.
  c.offsets_topic_num_partitions = r.Int("offsets.topic.num.partitions", 50, 1);
  c.offsets_topic_replication_factor = r.Short("offsets.topic.replication.factor", 3, 1);
  c.offsets_topic_segment_bytes = r.Int("offsets.topic.segment.bytes", 104857600, 1);
  c.offsets_retention_minutes = r.Int("offsets.retention.minutes", 10080, 1);
  c.offsets_retention_check_interval_ms = r.Long("offsets.retention.check.interval.ms", 600000, 1);
  c.offsets_commit_timeout_ms = r.Int("offsets.commit.timeout.ms", 5000, 1);
  c.group_initial_rebalance_delay_ms = r.Int("group.initial.rebalance.delay.ms", 3000, 0);
  c.group_min_session_timeout_ms = r.Int("group.min.session.timeout.ms", 6000);
  c.group_max_session_timeout_ms = r.Int("group.max.session.timeout.ms", 1800000);
  c.group_max_size = r.Int("group.max.size", kIntMax, 1);

  // Transaction coordinator.
  c.transaction_state_log_num_partitions = r.Int("transaction.state.log.num.partitions", 50, 1);
  c.transaction_state_log_replication_factor = r.Short("transaction.state.log.replication.factor", 3, 1);
  c.transaction_state_log_min_isr = r.Int("transaction.state.log.min.isr", 2, 1);
  c.transaction_state_log_segment_bytes = r.Int("transaction.state.log.segment.bytes", 104857600, 1);
  c.transaction_max_timeout_ms = r.Int("transaction.max.timeout.ms", 900000, 1);
  c.transactional_id_expiration_ms = r.Int("transactional.id.expiration.ms", 604800000, 1);

  // Controller.
  c.controller_socket_timeout_ms = r.Int("controller.socket.timeout.ms", 30000);
  c.controlled_shutdown_max_retries = r.Int("controlled.shutdown.max.retries", 3);
  c.controlled_shutdown_retry_backoff_ms = r.Long("controlled.shutdown.retry.backoff.ms", 5000);
  c.leader_imbalance_check_interval_seconds = r.Long("leader.imbalance.check.interval.seconds", 300, 1);
  c.leader_imbalance_per_broker_percentage = r.Int("leader.imbalance.per.broker.percentage", 10);

  if (!r.status().ok()) return r.status();

  c.unknown_keys = props.UnknownKeys(KnownKeys(), KnownPrefixes());
  auto logger = util::logging::Get("broker");
  for (const std::string& key : c.unknown_keys) {
    logger->warn("unknown configuration key '{}' ignored", key);
  }
  return c;
}

util::Result<BrokerConfig> BrokerConfig::Load(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& overrides) {
  auto props = config::Properties::Load(path);
  if (!props.ok()) return props.status();
  for (const auto& [key, value] : overrides) props->Set(key, value);
  return FromProperties(*props);
}

// --- Command line ---

util::Result<std::vector<std::pair<std::string, std::string>>> ParseOverrides(
    const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view assignment;
    if (arg == "--override") {
      if (i + 1 >= args.size()) {
        return util::Status::InvalidArgument("Option override requires an argument");
      }
      assignment = args[++i];
    } else if (arg.rfind("--override=", 0) == 0) {
      assignment = arg.substr(std::string_view("--override=").size());
    } else {
      return util::Status::InvalidArgument("Found non argument parameters: " + std::string(arg));
    }
    size_t eq = assignment.find('=');
    if (eq == std::string_view::npos || Trim(assignment.substr(0, eq)).empty()) {
      return util::Status::InvalidArgument("Invalid command line properties: " +
                                           std::string(assignment) + " (expected key=value)");
    }
    out.emplace_back(Trim(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1)));
  }
  return out;
}

util::Result<ServerArgs> ParseCommandLine(const std::vector<std::string>& args) {
  if (args.empty() || args[0].rfind("--", 0) == 0) {
    return util::Status::InvalidArgument(
        "USAGE: kafka-server-start.sh [-daemon] server.properties [--override property=value]*");
  }
  ServerArgs out;
  out.properties_path = args[0];
  auto overrides = ParseOverrides(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!overrides.ok()) return overrides.status();
  out.overrides = std::move(*overrides);
  return out;
}

util::Result<ServerArgs> ParseCommandLine(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ParseCommandLine(args);
}

}  // namespace kafka::broker
