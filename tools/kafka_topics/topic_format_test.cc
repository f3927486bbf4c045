#include "tools/kafka_topics/topic_format.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

TEST_CASE("describe lines are Kafka's") {
  TopicView t;
  t.name = "peter-overview01";
  t.partitions = {{0, 1, {1, 2, 3}, {1, 2, 3}}, {1, -1, {2, 3, 1}, {}}};
  CHECK(TopicLine(t) ==
        "Topic: peter-overview01\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: ");
  t.configs = {{"cleanup.policy", "compact"}, {"segment.bytes", "1073741824"}};
  CHECK(TopicLine(t) ==
        "Topic: peter-overview01\tPartitionCount: 2\tReplicationFactor: 3\t"
        "Configs: cleanup.policy=compact,segment.bytes=1073741824");
  CHECK(PartitionLine(t.name, t.partitions[0]) ==
        "\tTopic: peter-overview01\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3");
  CHECK(PartitionLine(t.name, t.partitions[1]) ==
        "\tTopic: peter-overview01\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: ");
}

TEST_CASE("topic filters are regexes with commas as alternatives") {
  CHECK(TopicMatches("foo", "foo"));
  CHECK(!TopicMatches("foo", "foo2"));
  CHECK(TopicMatches("foo.*", "foo2"));
  CHECK(TopicMatches("a,b", "b"));
  CHECK(TopicMatches("test\\.topic", "test.topic"));
  CHECK(!TopicMatches("test\\.topic", "testXtopic"));
  CHECK(TopicMatches("[bad", "[bad"));
}

}  // namespace kafka::tools
