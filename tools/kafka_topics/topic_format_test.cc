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

TEST_CASE("describe filters follow Kafka's PartitionDescription") {
  const std::set<int32_t> live = {1, 2, 3};
  PartitionView full{0, 1, {1, 2, 3}, {1, 2, 3}};
  PartitionView shrunk{1, 2, {1, 2, 3}, {2, 3}};
  PartitionView alone{2, 3, {1, 2, 3}, {3}};
  PartitionView offline{3, -1, {1, 2, 3}, {1}};
  PartitionView dead_leader{4, 4, {4, 1, 2}, {4, 1, 2}};
  DescribeFilter none;
  CHECK(PartitionSelected(full, none, live, 2));
  DescribeFilter under;
  under.under_replicated = true;
  CHECK(!PartitionSelected(full, under, live, 2));
  CHECK(PartitionSelected(shrunk, under, live, 2));
  CHECK(PartitionSelected(offline, under, live, 2));
  DescribeFilter unavailable;
  unavailable.unavailable = true;
  CHECK(!PartitionSelected(shrunk, unavailable, live, 2));
  CHECK(PartitionSelected(offline, unavailable, live, 2));
  CHECK(PartitionSelected(dead_leader, unavailable, live, 2));
  DescribeFilter under_min;
  under_min.under_min_isr = true;
  CHECK(!PartitionSelected(shrunk, under_min, live, 2));
  CHECK(PartitionSelected(alone, under_min, live, 2));
  CHECK(PartitionSelected(offline, under_min, live, std::nullopt));
  CHECK(!PartitionSelected(alone, under_min, live, std::nullopt));
  DescribeFilter at_min;
  at_min.at_min_isr = true;
  CHECK(PartitionSelected(shrunk, at_min, live, 2));
  CHECK(!PartitionSelected(full, at_min, live, 2));
  CHECK(!PartitionSelected(shrunk, at_min, live, std::nullopt));
}

}  // namespace kafka::tools
