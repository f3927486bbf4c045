#include "daemon/broker/zk/zk_data.h"

#include <set>
#include <string>

#include <catch2/catch.hpp>

namespace kafka::broker::zkdata {
namespace {

TEST_CASE("paths follow Kafka's znode layout", "[zk_data]") {
  CHECK(BrokerIdZNode::Path(1) == "/brokers/ids/1");
  CHECK(TopicZNode::Path("foo") == "/brokers/topics/foo");
  CHECK(TopicPartitionsZNode::Path("foo") == "/brokers/topics/foo/partitions");
  CHECK(TopicPartitionZNode::Path("foo", 3) == "/brokers/topics/foo/partitions/3");
  CHECK(TopicPartitionStateZNode::Path("foo", 3) == "/brokers/topics/foo/partitions/3/state");
  CHECK(ConfigEntityZNode::TopicPath("foo") == "/config/topics/foo");
  CHECK(ConfigEntityZNode::Path("brokers", "1") == "/config/brokers/1");
  CHECK(DeleteTopicsTopicZNode::Path("foo") == "/admin/delete_topics/foo");
  CHECK(ConfigEntityChangeNotificationSequenceZNode::CreatePath() ==
        "/config/changes/config_change_");
  CHECK(ControllerZNode::Path() == "/controller");
  CHECK(ControllerEpochZNode::Path() == "/controller_epoch");
  CHECK(ClusterIdZNode::Path() == "/cluster/id");
}

TEST_CASE("persistent paths are the ones a Kafka broker creates at start", "[zk_data]") {
  CHECK(PersistentZkPaths() ==
        std::vector<std::string>{"/consumers", "/brokers/ids", "/brokers/topics",
                                 "/config/changes", "/admin/delete_topics", "/brokers/seqid",
                                 "/isr_change_notification", "/latest_producer_id_block",
                                 "/log_dir_event_notification", "/config/topics",
                                 "/config/clients", "/config/users", "/config/brokers",
                                 "/cluster"});
}

BrokerIdZNode SampleBroker() {
  BrokerIdZNode b;
  b.broker_id = 1;
  b.endpoints.push_back(BrokerEndpoint{"PLAINTEXT", "host", 9092, "PLAINTEXT"});
  b.timestamp_ms = 1700000000123;
  return b;
}

TEST_CASE("broker registration encodes byte-for-byte as Kafka v5", "[zk_data]") {
  CHECK(SampleBroker().Encode() ==
        R"({"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
        R"("endpoints":["PLAINTEXT://host:9092"],"jmx_port":-1,"features":{},"host":"host",)"
        R"("timestamp":"1700000000123","port":9092,"version":5})");
}

TEST_CASE("broker registration with rack and two listeners", "[zk_data]") {
  BrokerIdZNode b = SampleBroker();
  b.endpoints.push_back(BrokerEndpoint{"SSL", "::1", 9093, "SSL"});
  b.rack = "dc1";
  b.jmx_port = 9999;
  CHECK(b.Encode() ==
        R"({"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","SSL":"SSL"},)"
        R"("endpoints":["PLAINTEXT://host:9092","SSL://[::1]:9093"],"rack":"dc1",)"
        R"("jmx_port":9999,"features":{},"host":"host","timestamp":"1700000000123",)"
        R"("port":9092,"version":5})");
  auto d = BrokerIdZNode::Decode(1, b.Encode());
  REQUIRE(d.ok());
  CHECK(d->endpoints == b.endpoints);
  CHECK(d->rack == std::optional<std::string>("dc1"));
  CHECK(d->jmx_port == 9999);
  CHECK(d->timestamp_ms == 1700000000123);
  CHECK(d->host == std::optional<std::string>("host"));
  CHECK(d->port == 9092);
  CHECK(d->version == 5);
}

TEST_CASE("broker without a PLAINTEXT listener writes host null and port -1", "[zk_data]") {
  BrokerIdZNode b;
  b.endpoints.push_back(BrokerEndpoint{"INTERNAL", "h", 9094, "SASL_PLAINTEXT"});
  b.timestamp_ms = 5;
  CHECK(b.Encode() ==
        R"({"listener_security_protocol_map":{"INTERNAL":"SASL_PLAINTEXT"},)"
        R"("endpoints":["INTERNAL://h:9094"],"jmx_port":-1,"features":{},"host":null,)"
        R"("timestamp":"5","port":-1,"version":5})");
  auto d = BrokerIdZNode::Decode(7, b.Encode());
  REQUIRE(d.ok());
  CHECK(d->broker_id == 7);
  CHECK(d->endpoints[0].security_protocol == "SASL_PLAINTEXT");
  CHECK_FALSE(d->host.has_value());
}

TEST_CASE("broker registrations of older versions decode", "[zk_data]") {
  auto v1 = BrokerIdZNode::Decode(
      2, R"({"version":1,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666"})");
  REQUIRE(v1.ok());
  REQUIRE(v1->endpoints.size() == 1);
  CHECK(v1->endpoints[0] == BrokerEndpoint{"PLAINTEXT", "localhost", 9092, "PLAINTEXT"});
  auto v2 = BrokerIdZNode::Decode(
      2, R"({"version":2,"host":"localhost","port":9092,"jmx_port":9999,)"
         R"("timestamp":"2233345666","endpoints":["PLAINTEXT://host1:9092","SSL://host1:9093"]})");
  REQUIRE(v2.ok());
  REQUIRE(v2->endpoints.size() == 2);
  CHECK(v2->endpoints[1] == BrokerEndpoint{"SSL", "host1", 9093, "SSL"});
  auto v5 = BrokerIdZNode::Decode(
      2, R"({"version":5,"host":"h","port":1,"jmx_port":-1,"timestamp":"1","endpoints":["C://h:1"],)"
         R"("listener_security_protocol_map":{"C":"PLAINTEXT"},)"
         R"("features":{"f":{"min_version":1,"max_version":3}}})");
  REQUIRE(v5.ok());
  CHECK(v5->features == std::vector<SupportedFeature>{{"f", 1, 3}});
  CHECK(v5->endpoints[0].security_protocol == "PLAINTEXT");
}

TEST_CASE("broker registration decode rejects malformed data without throwing", "[zk_data]") {
  CHECK(BrokerIdZNode::Decode(1, "").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, "{").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, "[1]").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":0})").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":"5"})").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":5,"endpoints":["nohost"]})").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":5,"endpoints":[1]})").status().IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":5,"endpoints":["A://h:1"],)"
                                 R"("listener_security_protocol_map":{"B":"SSL"}})")
            .status()
            .IsCorruption());
  CHECK(BrokerIdZNode::Decode(1, R"({"version":99999999999,"endpoints":[]})").status().IsCorruption());
  auto s = BrokerIdZNode::Decode(3, "x").status();
  CHECK(s.message().find("/brokers/ids/3") != std::string::npos);
}

TEST_CASE("topic assignment encodes byte-for-byte as Kafka v3", "[zk_data]") {
  TopicZNode t;
  t.topic_id = "AAAAAAAAAAAAAAAAAAAAAA";
  t.partitions[0].replicas = {1, 2, 3};
  CHECK(t.Encode() ==
        R"({"partitions":{"0":[1,2,3]},"topic_id":"AAAAAAAAAAAAAAAAAAAAAA",)"
        R"("adding_replicas":{},"removing_replicas":{},"version":3})");
  t.topic_id.reset();
  t.partitions[1] = {{2, 3}, {3}, {1}};
  CHECK(t.Encode() ==
        R"({"partitions":{"0":[1,2,3],"1":[2,3]},"adding_replicas":{"1":[3]},)"
        R"("removing_replicas":{"1":[1]},"version":3})");
}

TEST_CASE("topic assignment round-trips and keeps Scala's partition key order", "[zk_data]") {
  TopicZNode t;
  t.topic_id = GenerateKafkaUuid();
  for (int p = 0; p < 12; ++p) t.partitions[p].replicas = {p % 3, (p + 1) % 3};
  std::string json = t.Encode();
  // Twelve entries grow Scala's table to 32 buckets: "11" lands in bucket 0.
  CHECK(json.rfind(R"({"partitions":{"11":[2,0],"0":[0,1],"1":[1,2])", 0) == 0);
  auto d = TopicZNode::Decode(json);
  REQUIRE(d.ok());
  CHECK(*d == t);
}

TEST_CASE("topic assignment versions 1 and 2 decode", "[zk_data]") {
  auto v1 = TopicZNode::Decode(R"({"version":1,"partitions":{"1":[2,1],"0":[1,2]}})");
  REQUIRE(v1.ok());
  CHECK(v1->version == 1);
  CHECK_FALSE(v1->topic_id.has_value());
  REQUIRE(v1->partitions.size() == 2);
  CHECK(v1->partitions[1].replicas == std::vector<int32_t>{2, 1});
  auto v2 = TopicZNode::Decode(
      R"({"version":2,"partitions":{"0":[1,2,3]},"adding_replicas":{"0":[3]},"removing_replicas":{}})");
  REQUIRE(v2.ok());
  CHECK(v2->partitions[0].adding_replicas == std::vector<int32_t>{3});
  CHECK(v2->partitions[0].removing_replicas.empty());
}

TEST_CASE("topic assignment decode rejects malformed data", "[zk_data]") {
  CHECK(TopicZNode::Decode("nope").status().IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":{"x":[1]}})").status().IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":{"-1":[1]}})").status().IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":{"0":1}})").status().IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":{"0":["a"]}})").status().IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":{},"topic_id":"short"})")
            .status()
            .IsCorruption());
  CHECK(TopicZNode::Decode(R"({"version":3,"partitions":[]})").status().IsCorruption());
}

TEST_CASE("partition state encodes byte-for-byte and round-trips", "[zk_data]") {
  TopicPartitionStateZNode s;
  s.controller_epoch = 1;
  s.leader = 1;
  s.leader_epoch = 0;
  s.isr = {1, 2, 3};
  CHECK(s.Encode() == R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]})");
  auto d = TopicPartitionStateZNode::Decode(s.Encode());
  REQUIRE(d.ok());
  CHECK(*d == s);
  auto r = TopicPartitionStateZNode::Decode(
      R"({"controller_epoch":4,"leader":-1,"version":1,"leader_epoch":7,"isr":[],"leader_recovery_state":1})");
  REQUIRE(r.ok());
  CHECK(r->leader == -1);
  CHECK(r->leader_recovery_state == 1);
  CHECK(TopicPartitionStateZNode::Decode(R"({"leader":1})").status().IsCorruption());
  CHECK(TopicPartitionStateZNode::Decode(R"({"controller_epoch":1,"leader":1,"leader_epoch":0,"isr":"x"})")
            .status()
            .IsCorruption());
}

TEST_CASE("topic config encodes as Kafka writes a Properties object", "[zk_data]") {
  ConfigEntityZNode c;
  c.config["retention.ms"] = "1000";
  CHECK(c.Encode() == R"({"version":1,"config":{"retention.ms":"1000"}})");
  ConfigEntityZNode empty;
  CHECK(empty.Encode() == R"({"version":1,"config":{}})");
  c.config["cleanup.policy"] = "compact";
  c.config["segment.bytes"] = "1024";
  c.config["min.insync.replicas"] = "2";
  CHECK(c.Encode() ==
        R"({"version":1,"config":{"cleanup.policy":"compact","min.insync.replicas":"2",)"
        R"("retention.ms":"1000","segment.bytes":"1024"}})");
  auto d = ConfigEntityZNode::Decode(c.Encode());
  REQUIRE(d.ok());
  CHECK(d->config == c.config);
  CHECK(ConfigEntityZNode::Decode("")->config.empty());
  // Escapes as Jackson writes them: upper-case hex, '/' and DEL left alone.
  ConfigEntityZNode odd;
  odd.config["k"] = "\x01\x1f/\"\\u001f\t\x7f\xc3\xa9";
  CHECK(odd.Encode() ==
        "{\"version\":1,\"config\":{\"k\":\"\\u0001\\u001F/\\\"\\\\u001f\\t\x7f\xc3\xa9\"}}");
  CHECK(ConfigEntityZNode::Decode(odd.Encode())->config == odd.config);
  CHECK(ConfigEntityZNode::Decode(R"({"version":1,"config":{"a":1}})").status().IsCorruption());
}

TEST_CASE("Properties order matches java.util.Properties on Java 17", "[zk_data]") {
  // Printed by a java.util.Properties filled in this order, iterated with entrySet().
  std::vector<std::string> keys = {"retention.ms",        "cleanup.policy",
                                   "segment.bytes",       "min.insync.replicas",
                                   "max.message.bytes",   "compression.type",
                                   "segment.ms",          "flush.ms",
                                   "flush.messages",      "index.interval.bytes",
                                   "delete.retention.ms", "file.delete.delay.ms",
                                   "preallocate",         "unclean.leader.election.enable"};
  CHECK(JavaPropertiesOrder(keys) ==
        std::vector<std::string>{"compression.type", "file.delete.delay.ms", "max.message.bytes",
                                 "min.insync.replicas", "preallocate", "index.interval.bytes",
                                 "unclean.leader.election.enable", "delete.retention.ms",
                                 "cleanup.policy", "flush.ms", "retention.ms", "segment.bytes",
                                 "segment.ms", "flush.messages"});
}

TEST_CASE("config change notification", "[zk_data]") {
  CHECK(ConfigEntityChangeNotificationSequenceZNode::Encode("topics/foo") ==
        R"({"version":2,"entity_path":"topics/foo"})");
  CHECK(*ConfigEntityChangeNotificationSequenceZNode::Decode(
            R"({"version":2,"entity_path":"topics/foo"})") == "topics/foo");
  CHECK(*ConfigEntityChangeNotificationSequenceZNode::Decode(
            R"({"version":1,"entity_type":"topics","entity_name":"bar"})") == "topics/bar");
  CHECK(ConfigEntityChangeNotificationSequenceZNode::Decode(R"({"version":3})")
            .status()
            .IsCorruption());
}

TEST_CASE("controller, controller epoch and cluster id", "[zk_data]") {
  ControllerZNode c{1, 1700000000000, std::nullopt};
  CHECK(c.Encode() == R"({"version":1,"brokerid":1,"timestamp":"1700000000000"})");
  auto d = ControllerZNode::Decode(c.Encode());
  REQUIRE(d.ok());
  CHECK(*d == c);
  auto k = ControllerZNode::Decode(
      R"({"version":2,"brokerid":3000,"timestamp":"1","kraftControllerEpoch":5})");
  REQUIRE(k.ok());
  CHECK(k->kraft_controller_epoch == std::optional<int32_t>(5));
  CHECK(ControllerZNode::Decode(R"({"version":1})").status().IsCorruption());

  CHECK(ControllerEpochZNode::Encode(0) == "0");
  CHECK(ControllerEpochZNode::Encode(17) == "17");
  CHECK(*ControllerEpochZNode::Decode("17") == 17);
  CHECK(ControllerEpochZNode::Decode("").status().IsCorruption());
  CHECK(ControllerEpochZNode::Decode("1x").status().IsCorruption());
  CHECK(ControllerEpochZNode::Decode("99999999999").status().IsCorruption());

  CHECK(ClusterIdZNode::Encode("MkU3OEVBNTcwNTJENDM2Qg") ==
        R"({"version":"1","id":"MkU3OEVBNTcwNTJENDM2Qg"})");
  CHECK(*ClusterIdZNode::Decode(R"({"version":"1","id":"MkU3OEVBNTcwNTJENDM2Qg"})") ==
        "MkU3OEVBNTcwNTJENDM2Qg");
  CHECK(ClusterIdZNode::Decode(R"({"version":"1"})").status().IsCorruption());
}

TEST_CASE("Kafka uuids are 22 base64url characters and round-trip", "[zk_data]") {
  UuidBytes zero{};
  CHECK(FormatKafkaUuid(zero) == "AAAAAAAAAAAAAAAAAAAAAA");
  UuidBytes one{};
  one[15] = 1;
  CHECK(FormatKafkaUuid(one) == "AAAAAAAAAAAAAAAAAAAAAQ");  // Kafka's METADATA_TOPIC_ID
  UuidBytes ff;
  ff.fill(0xff);
  CHECK(FormatKafkaUuid(ff) == "_____________________w");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = GenerateKafkaUuid();
    REQUIRE(id.size() == 22);
    CHECK(id.front() != '-');
    CHECK(id.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    auto parsed = ParseKafkaUuid(id);
    REQUIRE(parsed.ok());
    CHECK(FormatKafkaUuid(*parsed) == id);
    CHECK(((*parsed)[6] >> 4) == 4);  // version 4, as java.util.UUID.randomUUID()
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
  CHECK(ParseKafkaUuid("AAAAAAAAAAAAAAAAAAAAAQ==").ok());
  CHECK_FALSE(ParseKafkaUuid("AAAAAAAAAAAAAAAAAAAAA").ok());
  CHECK_FALSE(ParseKafkaUuid("AAAAAAAAAAAAAAAAAAAAA+").ok());
}

TEST_CASE("topic names are validated as Kafka's Topic.validate does", "[zk_data]") {
  CHECK(ValidateTopicName("foo").ok());
  CHECK(ValidateTopicName("a-b_c.D9").ok());
  CHECK(ValidateTopicName(std::string(249, 'x')).ok());
  CHECK(ValidateTopicName("").message() == "Topic name is illegal, it can't be empty");
  CHECK(ValidateTopicName(".").message() == "Topic name cannot be \".\" or \"..\"");
  CHECK(ValidateTopicName("..").IsInvalidArgument());
  CHECK(ValidateTopicName(std::string(250, 'x')).message() ==
        "Topic name is illegal, it can't be longer than 249 characters, Topic name: " +
            std::string(250, 'x'));
  CHECK(ValidateTopicName("a b").message() ==
        "Topic name \"a b\" is illegal, it contains a character other than ASCII alphanumerics, "
        "'.', '_' and '-'");
  CHECK_FALSE(ValidateTopicName("caf\xc3\xa9").ok());
  CHECK_FALSE(ValidateTopicName("a/b").ok());
  CHECK(HasCollisionChars("a.b"));
  CHECK(HasCollisionChars("a_b"));
  CHECK_FALSE(HasCollisionChars("a-b"));
  CHECK(TopicNamesCollide("a.b", "a_b"));
  CHECK_FALSE(TopicNamesCollide("a.b", "a-b"));
}

TEST_CASE("replica assignments are validated as AdminZkClient does", "[zk_data]") {
  using A = std::map<int32_t, std::vector<int32_t>>;
  CHECK(ValidateReplicaAssignment(A{{0, {1, 2}}, {1, {2, 1}}}).ok());
  CHECK(ValidateReplicaAssignment(A{}).message() == "Number of partitions must be larger than 0.");
  CHECK(ValidateReplicaAssignment(A{{0, {1}}, {2, {1}}}).message() ==
        "partitions should be a consecutive 0-based integer sequence");
  CHECK(ValidateReplicaAssignment(A{{1, {1}}}).IsInvalidArgument());
  CHECK(ValidateReplicaAssignment(A{{0, {1, 2}}, {1, {1}}}).message() ==
        "All partitions should have the same number of replicas");
  CHECK(ValidateReplicaAssignment(A{{0, {1, 1}}}).message() ==
        "Duplicate replica assignment found for partition 0");
  CHECK(ValidateReplicaAssignment(A{{0, {}}}).IsInvalidArgument());
}

}  // namespace
}  // namespace kafka::broker::zkdata
