#include "tools/kafka_topics/topic_format.h"

#include <regex>

namespace kafka::tools {

std::string JoinIds(const std::vector<int32_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(ids[i]);
  }
  return out;
}

std::string TopicLine(const TopicView& t) {
  std::string configs;
  for (const auto& [k, v] : t.configs) {
    if (!configs.empty()) configs += ",";
    configs += k + "=" + v;
  }
  const size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
  return "Topic: " + t.name + "\tPartitionCount: " + std::to_string(t.partitions.size()) +
         "\tReplicationFactor: " + std::to_string(rf) + "\tConfigs: " + configs;
}

std::string PartitionLine(const std::string& topic, const PartitionView& p) {
  return "\tTopic: " + topic + "\tPartition: " + std::to_string(p.partition) +
         "\tLeader: " + (p.leader >= 0 ? std::to_string(p.leader) : std::string("none")) +
         "\tReplicas: " + JoinIds(p.replicas) + "\tIsr: " + JoinIds(p.isr);
}

bool PartitionSelected(const PartitionView& p, const DescribeFilter& f, const std::set<int32_t>& live,
                       std::optional<int> min_isr) {
  if (!f.any()) return true;
  const bool has_leader = p.leader >= 0 && live.count(p.leader) > 0;
  const int isr = static_cast<int>(p.isr.size());
  if (f.under_replicated && p.isr.size() < p.replicas.size()) return true;
  if (f.unavailable && !has_leader) return true;
  if (f.under_min_isr && (!has_leader || (min_isr && isr < *min_isr))) return true;
  if (f.at_min_isr && min_isr && isr == *min_isr) return true;
  return false;
}

bool TopicMatches(const std::string& pattern, const std::string& name) {
  std::string re = pattern;
  for (char& c : re) {
    if (c == ',') c = '|';
  }
  try {
    return std::regex_match(name, std::regex(re, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return pattern == name;
  }
}

}  // namespace kafka::tools
