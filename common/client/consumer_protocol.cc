#include "common/client/consumer_protocol.h"

#include <algorithm>
#include <set>

#include "common/protocol/reader.h"
#include "common/protocol/writer.h"

namespace kafka::client {
namespace {

void WriteTopicPartitions(protocol::Writer& w, const TopicPartitions& tps) {
  w.ArrayLen(static_cast<int32_t>(tps.size()));
  for (const auto& [topic, parts] : tps) {
    w.String(topic);
    w.ArrayLen(static_cast<int32_t>(parts.size()));
    for (int32_t p : parts) w.Int32(p);
  }
}

// Reads ARRAY(STRING, ARRAY(INT32)); false on a short or negative-length input.
bool ReadTopicPartitions(protocol::Reader& r, TopicPartitions* out) {
  int32_t n = r.Int32();
  if (!r.ok() || n < 0 || static_cast<size_t>(n) > r.remaining() / 6) return n == -1 && r.ok();
  for (int32_t i = 0; i < n; ++i) {
    std::string topic = r.String();
    int32_t m = r.Int32();
    if (!r.ok() || m < 0 || static_cast<size_t>(m) > r.remaining() / 4) return false;
    auto& parts = (*out)[topic];
    for (int32_t j = 0; j < m; ++j) parts.push_back(r.Int32());
    std::sort(parts.begin(), parts.end());
  }
  return r.ok();
}

}  // namespace

std::string EncodeSubscription(const Subscription& s) {
  protocol::Writer w;
  w.Int16(s.version);
  w.ArrayLen(static_cast<int32_t>(s.topics.size()));
  for (const auto& t : s.topics) w.String(t);
  w.NullableBytes(s.user_data);
  if (s.version >= 1) WriteTopicPartitions(w, s.owned_partitions);
  return w.Take();
}

util::Result<Subscription> DecodeSubscription(std::string_view bytes) {
  protocol::Reader r(bytes);
  Subscription s;
  s.version = r.Int16();
  int32_t n = r.Int32();
  if (!r.ok() || s.version < 0 || n < 0 || static_cast<size_t>(n) > r.remaining() / 2) {
    return util::Status::Corruption("bad consumer subscription");
  }
  for (int32_t i = 0; i < n; ++i) s.topics.push_back(r.String());
  if (r.remaining() > 0) s.user_data = r.NullableBytes();
  if (s.version >= 1 && r.remaining() > 0 && !ReadTopicPartitions(r, &s.owned_partitions)) {
    return util::Status::Corruption("bad owned partitions in consumer subscription");
  }
  if (!r.ok()) return util::Status::Corruption("bad consumer subscription");
  return s;
}

std::string EncodeAssignment(const Assignment& a) {
  protocol::Writer w;
  w.Int16(a.version);
  WriteTopicPartitions(w, a.partitions);
  w.NullableBytes(a.user_data);
  return w.Take();
}

util::Result<Assignment> DecodeAssignment(std::string_view bytes) {
  Assignment a;
  if (bytes.empty()) return a;
  protocol::Reader r(bytes);
  a.version = r.Int16();
  if (!r.ok() || a.version < 0 || !ReadTopicPartitions(r, &a.partitions)) {
    return util::Status::Corruption("bad consumer assignment");
  }
  if (r.remaining() > 0) a.user_data = r.NullableBytes();
  if (!r.ok()) return util::Status::Corruption("bad consumer assignment");
  return a;
}

std::map<std::string, TopicPartitions> RangeAssign(const MemberTopics& members,
                                                   const PartitionCounts& counts) {
  std::map<std::string, TopicPartitions> out;
  for (const auto& [m, topics] : members) out[m];
  std::map<std::string, std::vector<std::string>> by_topic;  // member ids sorted (map order)
  for (const auto& [m, topics] : members) {
    for (const auto& t : std::set<std::string>(topics.begin(), topics.end())) by_topic[t].push_back(m);
  }
  for (const auto& [topic, ms] : by_topic) {
    auto it = counts.find(topic);
    if (it == counts.end() || it->second <= 0) continue;
    const int32_t n = it->second;
    const int32_t per = n / static_cast<int32_t>(ms.size());
    const int32_t extra = n % static_cast<int32_t>(ms.size());
    int32_t next = 0;
    for (size_t i = 0; i < ms.size(); ++i) {
      const int32_t len = per + (static_cast<int32_t>(i) < extra ? 1 : 0);
      if (len == 0) continue;
      auto& parts = out[ms[i]][topic];
      for (int32_t p = next; p < next + len; ++p) parts.push_back(p);
      next += len;
    }
  }
  return out;
}

std::map<std::string, TopicPartitions> RoundRobinAssign(const MemberTopics& members,
                                                        const PartitionCounts& counts) {
  std::map<std::string, TopicPartitions> out;
  std::vector<std::string> ids;
  std::map<std::string, std::set<std::string>> subs;
  for (const auto& [m, topics] : members) {
    out[m];
    ids.push_back(m);
    subs[m] = std::set<std::string>(topics.begin(), topics.end());
  }
  if (ids.empty()) return out;
  std::set<std::string> all_topics;
  for (const auto& [m, s] : subs) all_topics.insert(s.begin(), s.end());
  size_t cursor = 0;
  for (const auto& topic : all_topics) {
    auto it = counts.find(topic);
    if (it == counts.end()) continue;
    for (int32_t p = 0; p < it->second; ++p) {
      // Next member (circularly) subscribed to this topic.
      for (size_t k = 0; k < ids.size(); ++k) {
        const std::string& m = ids[(cursor + k) % ids.size()];
        if (subs[m].count(topic)) {
          out[m][topic].push_back(p);
          cursor = (cursor + k + 1) % ids.size();
          break;
        }
      }
    }
  }
  return out;
}

std::optional<std::map<std::string, TopicPartitions>> Assign(const std::string& assignor,
                                                             const MemberTopics& members,
                                                             const PartitionCounts& counts) {
  if (assignor == "range") return RangeAssign(members, counts);
  if (assignor == "roundrobin") return RoundRobinAssign(members, counts);
  return std::nullopt;
}

}  // namespace kafka::client
