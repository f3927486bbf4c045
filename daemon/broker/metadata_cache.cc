#include "daemon/broker/metadata_cache.h"

#include "common/protocol/error_code.h"

namespace kafka::broker {

using protocol::ErrorCode;
using protocol::MetadataResponse;
using protocol::ToWire;

const BrokerInfo* MetadataCache::GetBroker(int32_t id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

std::vector<int32_t> MetadataCache::LiveBrokerIds() const {
  std::vector<int32_t> ids;
  ids.reserve(brokers_.size());
  for (const auto& [id, b] : brokers_) ids.push_back(id);
  return ids;
}

const TopicInfo* MetadataCache::GetTopic(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

TopicInfo* MetadataCache::MutableTopic(const std::string& name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

const PartitionInfo* MetadataCache::GetPartition(const std::string& topic,
                                                 int32_t partition) const {
  const TopicInfo* t = GetTopic(topic);
  if (t == nullptr) return nullptr;
  auto it = t->partitions.find(partition);
  return it == t->partitions.end() ? nullptr : &it->second;
}

std::optional<std::string> MetadataCache::TopicNameById(const std::string& topic_id) const {
  for (const auto& [name, t] : topics_) {
    if (t.topic_id == topic_id) return name;
  }
  return std::nullopt;
}

std::set<std::string> MetadataCache::ApplyUpdateMetadata(
    const protocol::UpdateMetadataRequest& req, const std::string& listener) {
  std::map<int32_t, BrokerInfo> brokers;
  for (const auto& b : req.live_brokers) {
    if (b.endpoints.empty()) continue;
    const auto* ep = &b.endpoints.front();
    for (const auto& e : b.endpoints) {
      if (e.listener == listener) ep = &e;
    }
    BrokerInfo info;
    info.id = b.id;
    info.host = ep->host;
    info.port = ep->port;
    info.rack = b.rack;
    brokers[b.id] = std::move(info);
  }
  brokers_ = std::move(brokers);
  std::set<std::string> touched;
  for (const auto& ts : req.topic_states) {
    auto t = topics_.find(ts.topic_name);
    if (t == topics_.end()) continue;
    for (const auto& ps : ts.partition_states) {
      if (ps.leader == -2) {
        t->second.partitions.erase(ps.partition_index);
        touched.insert(ts.topic_name);
        continue;
      }
      PartitionInfo& p = t->second.partitions[ps.partition_index];
      if (p.state_known && (ps.leader_epoch < p.leader_epoch ||
                            (ps.leader_epoch == p.leader_epoch && ps.zk_version < p.zk_version))) {
        continue;  // older than what we hold
      }
      p.leader = ps.leader;
      p.leader_epoch = ps.leader_epoch;
      p.isr = ps.isr;
      if (!ps.replicas.empty()) p.replicas = ps.replicas;
      p.zk_version = ps.zk_version;
      p.state_known = true;
      touched.insert(ts.topic_name);
    }
    if (t->second.partitions.empty()) topics_.erase(t);
  }
  return touched;
}

namespace {

MetadataResponse::MetadataResponseTopic DescribeTopic(const MetadataCache& cache,
                                                      const std::string& name,
                                                      const TopicInfo& topic) {
  MetadataResponse::MetadataResponseTopic out;
  out.name = name;
  out.is_internal = name == "__consumer_offsets" || name == "__transaction_state";
  for (const auto& [index, p] : topic.partitions) {
    MetadataResponse::MetadataResponsePartition mp;
    mp.partition_index = index;
    mp.leader_epoch = p.leader_epoch;
    mp.replica_nodes = p.replicas;
    mp.isr_nodes = p.isr;
    for (int32_t r : p.replicas) {
      if (!cache.IsLive(r)) mp.offline_replicas.push_back(r);
    }
    if (p.leader >= 0 && cache.IsLive(p.leader)) {
      mp.leader_id = p.leader;
    } else {
      mp.leader_id = -1;
      mp.error_code = ToWire(ErrorCode::kLeaderNotAvailable);
    }
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

}  // namespace

MetadataResponse BuildMetadataResponse(const MetadataCache& cache,
                                       const std::optional<std::vector<std::string>>& topics,
                                       const std::set<std::string>& invalid,
                                       const std::set<std::string>& being_created) {
  MetadataResponse resp;
  for (const auto& [id, b] : cache.brokers()) {
    MetadataResponse::MetadataResponseBroker mb;
    mb.node_id = id;
    mb.host = b.host;
    mb.port = b.port;
    mb.rack = b.rack;
    resp.brokers.push_back(std::move(mb));
  }
  resp.cluster_id = cache.cluster_id();
  resp.controller_id = cache.controller_id();
  if (!topics) {
    for (const auto& [name, t] : cache.topics()) resp.topics.push_back(DescribeTopic(cache, name, t));
    return resp;
  }
  for (const auto& name : *topics) {
    if (invalid.count(name)) {
      MetadataResponse::MetadataResponseTopic mt;
      mt.name = name;
      mt.error_code = ToWire(ErrorCode::kInvalidTopicException);
      resp.topics.push_back(std::move(mt));
    } else if (const TopicInfo* t = cache.GetTopic(name)) {
      resp.topics.push_back(DescribeTopic(cache, name, *t));
    } else {
      MetadataResponse::MetadataResponseTopic mt;
      mt.name = name;
      mt.error_code = being_created.count(name) ? ToWire(ErrorCode::kLeaderNotAvailable)
                                                : ToWire(ErrorCode::kUnknownTopicOrPartition);
      resp.topics.push_back(std::move(mt));
    }
  }
  return resp;
}

}  // namespace kafka::broker
