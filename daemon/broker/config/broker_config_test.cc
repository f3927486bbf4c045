#include "daemon/broker/config/broker_config.h"

#include <spdlog/sinks/ringbuffer_sink.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "common/util/logging.h"

namespace kafka::broker {
namespace {

util::Result<BrokerConfig> FromText(const std::string& text) {
  auto props = config::Properties::Parse(text);
  REQUIRE(props.ok());
  return BrokerConfig::FromProperties(*props);
}

const std::string kMinimal = "zookeeper.connect=localhost:2181\n";

const std::vector<std::pair<std::string, std::string>> kDefaultMap = {
    {"PLAINTEXT", "PLAINTEXT"}, {"SSL", "SSL"}, {"INTERNAL", "PLAINTEXT"}};

TEST_CASE("defaults follow Kafka's", "[broker][config]") {
  auto c = FromText(kMinimal);
  REQUIRE(c.ok());
  CHECK(c->broker_id == -1);
  REQUIRE(c->listeners.size() == 1);
  CHECK(c->listeners[0] == Listener{"PLAINTEXT", "", 9092, "PLAINTEXT"});
  REQUIRE(c->advertised_listeners.size() == 1);
  CHECK(c->advertised_listeners[0].host == "localhost");
  CHECK(c->advertised_listeners[0].port == 9092);
  CHECK(c->inter_broker_listener_name == "PLAINTEXT");
  CHECK(c->log_dirs == std::vector<std::string>{"/tmp/kafka-logs"});
  CHECK(c->num_partitions == 1);
  CHECK(c->default_replication_factor == 1);
  CHECK(c->auto_create_topics_enable);
  CHECK(c->delete_topic_enable);
  CHECK(c->zookeeper_session_timeout_ms == 18000);
  CHECK(c->zookeeper_connection_timeout_ms == 18000);
  CHECK(c->socket_request_max_bytes == 104857600);
  CHECK(c->message_max_bytes == 1048588);
  CHECK(c->log_segment_bytes == 1073741824);
  CHECK(c->log_roll_ms == 168LL * 3600 * 1000);
  CHECK(c->log_retention_ms == 168LL * 3600 * 1000);
  CHECK(c->log_retention_bytes == -1);
  CHECK(c->log_retention_check_interval_ms == 300000);
  CHECK(c->log_index_interval_bytes == 4096);
  CHECK(c->log_flush_interval_messages == INT64_MAX);
  CHECK_FALSE(c->log_flush_interval_ms.has_value());
  CHECK(c->offsets_topic_num_partitions == 50);
  CHECK(c->offsets_topic_replication_factor == 3);
  CHECK(c->transaction_state_log_replication_factor == 3);
  CHECK(c->transaction_state_log_min_isr == 2);
  CHECK(c->group_initial_rebalance_delay_ms == 3000);
  CHECK(c->min_insync_replicas == 1);
  CHECK_FALSE(c->unclean_leader_election_enable);
  CHECK(c->replica_lag_time_max_ms == 30000);
  CHECK(c->auto_leader_rebalance_enable);
  CHECK(c->controlled_shutdown_enable);
  CHECK(c->connections_max_idle_ms == 600000);
  CHECK(c->max_connections == 2147483647);
  CHECK(c->max_connections_per_ip == 2147483647);
  CHECK_FALSE(c->broker_rack.has_value());
  CHECK(c->unknown_keys.empty());
}

TEST_CASE("zookeeper.connect is required", "[broker][config]") {
  auto c = FromText("broker.id=0\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().IsInvalidArgument());
  CHECK(c.status().message().find("zookeeper.connect") != std::string::npos);
}

TEST_CASE("zookeeper.connect parses servers and chroot", "[broker][config]") {
  auto zk = ParseZkConnect("zk1:2181, zk2:2182,zk3/kafka/prod");
  REQUIRE(zk.ok());
  REQUIRE(zk->servers.size() == 3);
  CHECK(zk->servers[0] == std::make_pair(std::string("zk1"), uint16_t{2181}));
  CHECK(zk->servers[1] == std::make_pair(std::string("zk2"), uint16_t{2182}));
  CHECK(zk->servers[2] == std::make_pair(std::string("zk3"), uint16_t{2181}));
  CHECK(zk->chroot == "/kafka/prod");
  CHECK(zk->ToString() == "zk1:2181,zk2:2182,zk3:2181/kafka/prod");

  auto root = ParseZkConnect("localhost:2181/");
  REQUIRE(root.ok());
  CHECK(root->chroot.empty());

  for (const char* bad : {"", "/chroot", "host:abc", "host:0", "host:70000", ":2181", "h:1/a/", "h:1/a//b"}) {
    INFO(bad);
    auto r = ParseZkConnect(bad);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("listeners parse names, hosts and ports", "[broker][config]") {
  auto l = ParseListeners("PLAINTEXT://127.0.0.1:9092, internal://[::1]:9093,SSL://:0", "listeners",
                          {{"PLAINTEXT", "PLAINTEXT"}, {"INTERNAL", "PLAINTEXT"}, {"SSL", "PLAINTEXT"}});
  REQUIRE(l.ok());
  REQUIRE(l->size() == 3);
  CHECK((*l)[0] == Listener{"PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT"});
  CHECK((*l)[1] == Listener{"INTERNAL", "::1", 9093, "PLAINTEXT"});
  CHECK((*l)[1].ToString() == "INTERNAL://[::1]:9093");
  CHECK((*l)[2] == Listener{"SSL", "", 0, "PLAINTEXT"});
  auto host = ParseListeners("PLAINTEXT://my-host.example.com:19092", "listeners", kDefaultMap);
  REQUIRE(host.ok());
  CHECK((*host)[0].host == "my-host.example.com");
}

TEST_CASE("bad listeners are rejected with the key and value", "[broker][config]") {
  for (const char* bad : {
           "",                                   // empty
           "localhost:9092",                     // no scheme
           "://localhost:9092",                  // no name
           "PLAINTEXT://localhost",              // no port
           "PLAINTEXT://localhost:",             // empty port
           "PLAINTEXT://localhost:99999",        // port out of range
           "PLAINTEXT://localhost:-1",           // negative port
           "PLAINTEXT://localhost:90x",          // junk port
           "PLAINTEXT://::1:9092",               // IPv6 without brackets
           "PLAINTEXT://[::1:9092",              // unclosed bracket
           "PLAINTEXT://a b:9092",               // bad host
           "UNKNOWN://localhost:9092",           // not in the protocol map
           "SSL://localhost:9093",               // unsupported protocol
           "PLAINTEXT://:9092,PLAINTEXT://:9093",  // duplicate name
           "PLAINTEXT://:9092,INTERNAL://:9092",   // duplicate port
       }) {
    INFO(bad);
    auto r = ParseListeners(bad, "listeners", kDefaultMap);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().find("listeners") != std::string::npos);
  }
  auto c = FromText(kMinimal + "listeners=PLAINTEXT://localhost:abc\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("PLAINTEXT://localhost:abc") != std::string::npos);
}

TEST_CASE("advertised.listeners defaults to listeners with a routable host", "[broker][config]") {
  auto c = FromText(kMinimal + "listeners=PLAINTEXT://0.0.0.0:9092\n");
  REQUIRE(c.ok());
  CHECK(c->listeners[0].host == "0.0.0.0");
  CHECK(c->advertised_listeners[0] == Listener{"PLAINTEXT", "localhost", 9092, "PLAINTEXT"});

  auto same = FromText(kMinimal + "listeners=PLAINTEXT://127.0.0.1:19092\n");
  REQUIRE(same.ok());
  CHECK(same->advertised_listeners == same->listeners);

  auto explicit_adv = FromText(kMinimal +
                               "listeners=PLAINTEXT://0.0.0.0:9092\n"
                               "advertised.listeners=PLAINTEXT://broker1.example.com:9092\n");
  REQUIRE(explicit_adv.ok());
  CHECK(explicit_adv->advertised_listeners[0].host == "broker1.example.com");

  auto meta = FromText(kMinimal + "advertised.listeners=PLAINTEXT://0.0.0.0:9092\n");
  REQUIRE_FALSE(meta.ok());
  CHECK(meta.status().message().find("advertised.listeners") != std::string::npos);

  auto unknown_name = FromText(kMinimal +
                               "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT\n"
                               "advertised.listeners=EXTERNAL://h:9092\n");
  CHECK_FALSE(unknown_name.ok());
}

TEST_CASE("inter-broker listener comes from the name or the protocol", "[broker][config]") {
  const std::string two =
      kMinimal +
      "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT\n"
      "listeners=INTERNAL://127.0.0.1:9093,EXTERNAL://127.0.0.1:9092\n";
  auto named = FromText(two + "inter.broker.listener.name=EXTERNAL\n");
  REQUIRE(named.ok());
  CHECK(named->inter_broker_listener_name == "EXTERNAL");
  auto by_protocol = FromText(two);
  REQUIRE(by_protocol.ok());
  CHECK(by_protocol->inter_broker_listener_name == "INTERNAL");
  CHECK_FALSE(FromText(two + "inter.broker.listener.name=OTHER\n").ok());
  CHECK_FALSE(FromText(two + "inter.broker.listener.name=EXTERNAL\nsecurity.inter.broker.protocol=PLAINTEXT\n").ok());
}

TEST_CASE("retention: ms beats minutes beats hours", "[broker][config]") {
  auto hours = FromText(kMinimal + "log.retention.hours=2\n");
  REQUIRE(hours.ok());
  CHECK(hours->log_retention_ms == 2LL * 3600 * 1000);

  auto minutes = FromText(kMinimal + "log.retention.hours=2\nlog.retention.minutes=5\n");
  REQUIRE(minutes.ok());
  CHECK(minutes->log_retention_ms == 5LL * 60 * 1000);

  auto ms = FromText(kMinimal + "log.retention.hours=2\nlog.retention.minutes=5\nlog.retention.ms=1234\n");
  REQUIRE(ms.ok());
  CHECK(ms->log_retention_ms == 1234);

  auto unlimited = FromText(kMinimal + "log.retention.ms=-1\n");
  REQUIRE(unlimited.ok());
  CHECK(unlimited->log_retention_ms == -1);
  auto negative_hours = FromText(kMinimal + "log.retention.hours=-5\n");
  REQUIRE(negative_hours.ok());
  CHECK(negative_hours->log_retention_ms == -1);

  CHECK_FALSE(FromText(kMinimal + "log.retention.ms=0\n").ok());
}

TEST_CASE("roll: ms beats hours; log.dirs beats log.dir", "[broker][config]") {
  auto roll = FromText(kMinimal + "log.roll.hours=1\n");
  REQUIRE(roll.ok());
  CHECK(roll->log_roll_ms == 3600LL * 1000);
  auto roll_ms = FromText(kMinimal + "log.roll.hours=1\nlog.roll.ms=500\n");
  REQUIRE(roll_ms.ok());
  CHECK(roll_ms->log_roll_ms == 500);

  auto dir = FromText(kMinimal + "log.dir=/data/one\n");
  REQUIRE(dir.ok());
  CHECK(dir->log_dirs == std::vector<std::string>{"/data/one"});
  auto dirs = FromText(kMinimal + "log.dir=/data/one\nlog.dirs=/data/a, /data/b\n");
  REQUIRE(dirs.ok());
  CHECK(dirs->log_dirs == std::vector<std::string>{"/data/a", "/data/b"});
  CHECK_FALSE(FromText(kMinimal + "log.dirs= , \n").ok());
}

TEST_CASE("invalid values name the key and the value", "[broker][config]") {
  struct Case {
    const char* line;
    const char* key;
    const char* value;
  };
  for (const Case& c : {
           Case{"num.partitions=abc", "num.partitions", "abc"},
           Case{"num.partitions=0", "num.partitions", "0"},
           Case{"broker.id=-2", "broker.id", "-2"},
           Case{"auto.create.topics.enable=yes", "auto.create.topics.enable", "yes"},
           Case{"socket.request.max.bytes=3000000000", "socket.request.max.bytes", "3000000000"},
           Case{"default.replication.factor=40000", "default.replication.factor", "40000"},
           Case{"log.segment.bytes=10", "log.segment.bytes", "10"},
           Case{"compression.type=brotli", "compression.type", "brotli"},
           Case{"log.cleanup.policy=shred", "log.cleanup.policy", "shred"},
           Case{"log.cleaner.min.cleanable.ratio=2", "log.cleaner.min.cleanable.ratio", "2"},
           Case{"log.cleaner.min.cleanable.ratio=x", "log.cleaner.min.cleanable.ratio", "x"},
           Case{"log.cleaner.backoff.ms=-1", "log.cleaner.backoff.ms", "-1"},
       }) {
    INFO(c.line);
    auto r = FromText(kMinimal + c.line + "\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().find(c.key) != std::string::npos);
    CHECK(r.status().message().find(c.value) != std::string::npos);
  }
  auto kraft = FromText(kMinimal + "process.roles=broker,controller\n");
  REQUIRE_FALSE(kraft.ok());
  CHECK(kraft.status().message().find("process.roles") != std::string::npos);
}

TEST_CASE("values are read with Kafka's types and trimmed", "[broker][config]") {
  auto c = FromText(kMinimal +
                    "broker.id = 7\n"
                    "broker.rack=rack-1\n"
                    "num.partitions=3\n"
                    "auto.create.topics.enable=FALSE\n"
                    "log.flush.interval.ms=1000\n"
                    "connections.max.idle.ms=5000\n"
                    "max.connections.per.ip=10\n"
                    "socket.send.buffer.bytes=-1\n"
                    "zookeeper.session.timeout.ms=6000\n");
  REQUIRE(c.ok());
  CHECK(c->broker_id == 7);
  CHECK(c->broker_rack == "rack-1");
  CHECK(c->num_partitions == 3);
  CHECK_FALSE(c->auto_create_topics_enable);
  CHECK(c->log_flush_interval_ms == 1000);
  CHECK(c->connections_max_idle_ms == 5000);
  CHECK(c->max_connections_per_ip == 10);
  CHECK(c->socket_send_buffer_bytes == -1);
  CHECK(c->zookeeper_session_timeout_ms == 6000);
  CHECK(c->zookeeper_connection_timeout_ms == 6000);  // follows the session timeout
}

TEST_CASE("unknown keys warn once each and are not fatal", "[broker][config]") {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto logger = util::logging::Get("broker");
  logger->sinks().push_back(sink);
  auto c = FromText(kMinimal +
                    "num.partitons=3\n"           // typo
                    "my.custom.key=1\n"
                    "ssl.keystore.location=/x\n"  // accepted family
                    "log.cleaner.threads=2\n"     // accepted family
                    "num.network.threads=3\n");   // accepted, unused
  logger->sinks().pop_back();
  REQUIRE(c.ok());
  CHECK(c->unknown_keys == std::vector<std::string>{"my.custom.key", "num.partitons"});
  auto lines = sink->last_formatted();
  int warnings = 0;
  for (const std::string& line : lines) {
    if (line.find("unknown configuration key") != std::string::npos) ++warnings;
  }
  CHECK(warnings == 2);
}

TEST_CASE("--override arguments as kafka-server-start.sh passes them", "[broker][config]") {
  auto args = ParseCommandLine(std::vector<std::string>{
      "config/server.properties", "--override", "broker.id=3", "--override=log.dirs=/tmp/a=b",
      "--override", "listeners=PLAINTEXT://127.0.0.1:0"});
  REQUIRE(args.ok());
  CHECK(args->properties_path == "config/server.properties");
  REQUIRE(args->overrides.size() == 3);
  CHECK(args->overrides[0] == std::make_pair(std::string("broker.id"), std::string("3")));
  CHECK(args->overrides[1] == std::make_pair(std::string("log.dirs"), std::string("/tmp/a=b")));
  CHECK(args->overrides[2].second == "PLAINTEXT://127.0.0.1:0");

  CHECK_FALSE(ParseCommandLine(std::vector<std::string>{}).ok());
  CHECK_FALSE(ParseCommandLine(std::vector<std::string>{"--override", "a=b"}).ok());
  CHECK_FALSE(ParseOverrides({"--override"}).ok());
  CHECK_FALSE(ParseOverrides({"--override", "novalue"}).ok());
  CHECK_FALSE(ParseOverrides({"--override", "=x"}).ok());
  CHECK_FALSE(ParseOverrides({"stray"}).ok());

  const char* argv[] = {"kafka-server", "server.properties", "--override", "num.partitions=4"};
  auto from_argv = ParseCommandLine(4, argv);
  REQUIRE(from_argv.ok());
  CHECK(from_argv->overrides.size() == 1);
}

TEST_CASE("Load applies overrides over the file", "[broker][config]") {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string path = std::string(tmp ? tmp : "/tmp") + "/server.properties";
  {
    std::ofstream out(path);
    out << "broker.id=0\nnum.partitions=1\nzookeeper.connect=localhost:2181\n";
  }
  auto c = BrokerConfig::Load(path, {{"num.partitions", "6"}, {"broker.id", "2"}, {"broker.id", "5"}});
  REQUIRE(c.ok());
  CHECK(c->num_partitions == 6);
  CHECK(c->broker_id == 5);

  auto missing = BrokerConfig::Load(path + ".missing", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().IsIOError());

  auto bad = BrokerConfig::Load(path, {{"num.partitions", "x"}});
  CHECK_FALSE(bad.ok());
}

TEST_CASE("log cleaner keys", "[broker][config]") {
  auto d = FromText(kMinimal);
  REQUIRE(d.ok());
  CHECK(d->log_cleaner_enable);
  CHECK(d->log_cleaner_backoff_ms == 15000);
  CHECK(d->log_cleaner_delete_retention_ms == 86400000);
  CHECK(d->log_cleaner_min_cleanable_ratio == 0.5);
  CHECK(d->log_cleaner_min_compaction_lag_ms == 0);
  auto c = FromText(kMinimal +
                    "log.cleaner.enable=false\nlog.cleaner.backoff.ms=200\n"
                    "log.cleaner.delete.retention.ms=1000\nlog.cleaner.min.cleanable.ratio=0.01\n"
                    "log.cleaner.min.compaction.lag.ms=7\nlog.cleaner.dedupe.buffer.size=1048576\n");
  REQUIRE(c.ok());
  CHECK_FALSE(c->log_cleaner_enable);
  CHECK(c->log_cleaner_backoff_ms == 200);
  CHECK(c->log_cleaner_delete_retention_ms == 1000);
  CHECK(c->log_cleaner_min_cleanable_ratio == 0.01);
  CHECK(c->log_cleaner_min_compaction_lag_ms == 7);
  CHECK(c->log_cleaner_dedupe_buffer_size == 1048576);
  CHECK(c->unknown_keys.empty());
}

}  // namespace
}  // namespace kafka::broker
