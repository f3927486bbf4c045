// Text output of kafka-topics, byte for byte as Kafka's TopicCommand prints it:
//   Topic: x<TAB>PartitionCount: 1<TAB>ReplicationFactor: 3<TAB>Configs: a=b,c=d
//   <TAB>Topic: x<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1,2,3<TAB>Isr: 1,2,3
// plus the topic filter (--topic is a regular expression for everything except
// --create; a comma-separated list works as alternatives, as in Kafka).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kafka::tools {

struct PartitionView {
  int32_t partition = 0;
  int32_t leader = -1;  // -1: none
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct TopicView {
  std::string name;
  bool internal = false;
  std::optional<int> min_isr;  // min.insync.replicas, when DescribeConfigs told us
  std::vector<PartitionView> partitions;                    // sorted by partition
  std::vector<std::pair<std::string, std::string>> configs;  // non-default only
};

std::string JoinIds(const std::vector<int32_t>& ids);
std::string TopicLine(const TopicView& t);
std::string PartitionLine(const std::string& topic, const PartitionView& p);

// The --describe partition filters (Kafka allows one at a time; with none,
// every partition is printed). `live` is the set of brokers in the metadata.
struct DescribeFilter {
  bool under_replicated = false;   // ISR smaller than the replica list
  bool unavailable = false;        // no leader, or the leader is not live
  bool under_min_isr = false;      // no leader, or ISR < min.insync.replicas
  bool at_min_isr = false;         // ISR == min.insync.replicas
  bool any() const { return under_replicated || unavailable || under_min_isr || at_min_isr; }
};
bool PartitionSelected(const PartitionView& p, const DescribeFilter& f, const std::set<int32_t>& live,
                       std::optional<int> min_isr);

// Kafka's IncludeList: full-match of a Java-style regex, ',' meaning '|'.
// Invalid regexes fall back to literal comparison.
bool TopicMatches(const std::string& pattern, const std::string& name);

}  // namespace kafka::tools
