#include "daemon/broker/controller/context.h"

#include <algorithm>

namespace kafka::broker::controller {
namespace {

bool Contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Sorted and unique, so that partitions of one topic are adjacent.
std::vector<PartitionKey> Sorted(std::vector<PartitionKey> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

std::vector<PartitionKey> Context::AllPartitions() const {
  std::vector<PartitionKey> out;
  out.reserve(assignment.size());
  for (const auto& [k, r] : assignment) out.push_back(k);
  return out;
}

std::vector<PartitionKey> Context::PartitionsOfTopic(const std::string& topic) const {
  std::vector<PartitionKey> out;
  for (auto it = assignment.lower_bound(PartitionKey{topic, INT32_MIN});
       it != assignment.end() && it->first.topic == topic; ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::vector<PartitionKey> Context::PartitionsOnBroker(int32_t broker) const {
  std::vector<PartitionKey> out;
  for (const auto& [k, r] : assignment) {
    if (Contains(r, broker)) out.push_back(k);
  }
  return out;
}

void Context::RemoveTopic(const std::string& topic) {
  for (const auto& k : PartitionsOfTopic(topic)) {
    assignment.erase(k);
    states.erase(k);
  }
  topic_ids.erase(topic);
}

const std::vector<int32_t>& Context::Replicas(const PartitionKey& p) const {
  static const std::vector<int32_t> kNone;
  auto it = assignment.find(p);
  return it == assignment.end() ? kNone : it->second;
}

std::optional<Election> ElectOffline(const Context& ctx, const std::vector<int32_t>& replicas,
                                     const std::vector<int32_t>& isr, bool unclean) {
  std::vector<int32_t> live_isr;
  for (int32_t r : isr) {
    if (ctx.IsLive(r)) live_isr.push_back(r);
  }
  for (int32_t r : replicas) {
    if (ctx.CanLead(r) && Contains(isr, r)) return Election{r, live_isr};
  }
  if (unclean) {
    for (int32_t r : replicas) {
      if (ctx.CanLead(r)) return Election{r, {r}};
    }
  }
  return std::nullopt;
}

std::optional<Election> ElectPreferred(const Context& ctx, const std::vector<int32_t>& replicas,
                                       const std::vector<int32_t>& isr) {
  if (replicas.empty()) return std::nullopt;
  const int32_t preferred = replicas.front();
  if (!ctx.CanLead(preferred) || !Contains(isr, preferred)) return std::nullopt;
  return Election{preferred, isr};
}

std::optional<Election> ElectForShutdown(const Context& ctx, const std::vector<int32_t>& replicas,
                                         const std::vector<int32_t>& isr) {
  std::vector<int32_t> new_isr;
  for (int32_t r : isr) {
    if (!ctx.shutting_down.count(r)) new_isr.push_back(r);
  }
  for (int32_t r : replicas) {
    if (ctx.CanLead(r) && Contains(new_isr, r)) return Election{r, new_isr};
  }
  return std::nullopt;
}

std::optional<LeaderIsr> RemoveFromIsr(const LeaderIsr& state, int32_t replica) {
  if (!Contains(state.isr, replica)) return std::nullopt;
  LeaderIsr out = state;
  if (state.isr.size() > 1) {
    out.isr.erase(std::remove(out.isr.begin(), out.isr.end(), replica), out.isr.end());
  }
  if (out.leader == replica) out.leader = -1;
  ++out.leader_epoch;
  return out;
}

LeaderIsr Apply(const LeaderIsr& state, const Election& e, int32_t controller_epoch) {
  LeaderIsr out = state;
  out.leader = e.leader;
  out.isr = e.isr;
  out.leader_epoch = state.leader_epoch + 1;
  out.controller_epoch = controller_epoch;
  return out;
}

std::vector<PartitionKey> ImbalancedPartitions(const Context& ctx, int32_t percentage) {
  std::map<int32_t, std::vector<PartitionKey>> not_led;  // preferred broker -> partitions
  std::map<int32_t, size_t> preferred_count;
  for (const auto& [k, replicas] : ctx.assignment) {
    if (replicas.empty()) continue;
    auto st = ctx.states.find(k);
    if (st == ctx.states.end()) continue;
    const int32_t preferred = replicas.front();
    ++preferred_count[preferred];
    if (st->second.leader != preferred) not_led[preferred].push_back(k);
  }
  std::vector<PartitionKey> out;
  for (const auto& [broker, parts] : not_led) {
    if (!ctx.CanLead(broker)) continue;
    const size_t total = preferred_count[broker];
    if (total == 0 || parts.size() * 100 <= total * static_cast<size_t>(std::max(0, percentage))) {
      continue;
    }
    for (const auto& k : parts) {
      if (ElectPreferred(ctx, ctx.assignment.at(k), ctx.states.at(k).isr)) out.push_back(k);
    }
  }
  return out;
}

protocol::UpdateMetadataRequest BuildUpdateMetadata(const Context& ctx, int32_t controller_id,
                                                    int32_t controller_epoch,
                                                    const std::vector<PartitionKey>& partitions,
                                                    const std::set<std::string>& deleting) {
  protocol::UpdateMetadataRequest req;
  req.controller_id = controller_id;
  req.controller_epoch = controller_epoch;
  for (const auto& [id, b] : ctx.live) {
    protocol::UpdateMetadataRequest::Broker mb;
    mb.id = id;
    mb.rack = b.rack;
    protocol::UpdateMetadataRequest::Endpoint ep;
    ep.port = b.port;
    ep.host = b.host;
    ep.listener = b.listener;
    ep.security_protocol = 0;
    mb.endpoints.push_back(std::move(ep));
    req.live_brokers.push_back(std::move(mb));
  }
  for (const auto& k : Sorted(partitions)) {
    auto a = ctx.assignment.find(k);
    auto st = ctx.states.find(k);
    const bool deleted = deleting.count(k.topic) != 0;
    if (!deleted && (a == ctx.assignment.end() || st == ctx.states.end())) continue;
    if (req.topic_states.empty() || req.topic_states.back().topic_name != k.topic) {
      req.topic_states.emplace_back();
      req.topic_states.back().topic_name = k.topic;
    }
    protocol::UpdateMetadataPartitionState ps;
    ps.partition_index = k.partition;
    ps.controller_epoch = controller_epoch;
    if (st != ctx.states.end()) {
      ps.controller_epoch = st->second.controller_epoch;
      ps.leader = st->second.leader;
      ps.leader_epoch = st->second.leader_epoch;
      ps.isr = st->second.isr;
      ps.zk_version = st->second.zk_version;
    }
    if (a != ctx.assignment.end()) {
      ps.replicas = a->second;
      for (int32_t r : a->second) {
        if (!ctx.IsLive(r)) ps.offline_replicas.push_back(r);
      }
    }
    if (deleted) ps.leader = kLeaderDuringDelete;
    req.topic_states.back().partition_states.push_back(std::move(ps));
  }
  return req;
}

protocol::LeaderAndIsrRequest BuildLeaderAndIsr(const Context& ctx, int32_t controller_id,
                                                int32_t controller_epoch, int32_t broker,
                                                const std::vector<PartitionKey>& partitions,
                                                bool is_new) {
  protocol::LeaderAndIsrRequest req;
  req.controller_id = controller_id;
  req.controller_epoch = controller_epoch;
  std::set<int32_t> leaders;
  for (const auto& k : Sorted(partitions)) {
    auto a = ctx.assignment.find(k);
    auto st = ctx.states.find(k);
    if (a == ctx.assignment.end() || st == ctx.states.end() || !Contains(a->second, broker)) {
      continue;
    }
    if (req.topic_states.empty() || req.topic_states.back().topic_name != k.topic) {
      req.topic_states.emplace_back();
      req.topic_states.back().topic_name = k.topic;
    }
    protocol::LeaderAndIsrPartitionState ps;
    ps.partition_index = k.partition;
    ps.controller_epoch = st->second.controller_epoch;
    ps.leader = st->second.leader;
    ps.leader_epoch = st->second.leader_epoch;
    ps.isr = st->second.isr;
    ps.zk_version = st->second.zk_version;
    ps.replicas = a->second;
    ps.is_new = is_new;
    req.topic_states.back().partition_states.push_back(std::move(ps));
    if (st->second.leader >= 0) leaders.insert(st->second.leader);
  }
  for (int32_t l : leaders) {
    auto b = ctx.live.find(l);
    if (b == ctx.live.end()) continue;
    protocol::LeaderAndIsrRequest::LiveLeader ll;
    ll.broker_id = l;
    ll.host_name = b->second.host;
    ll.port = b->second.port;
    req.live_leaders.push_back(std::move(ll));
  }
  return req;
}

protocol::StopReplicaRequest BuildStopReplica(int32_t controller_id, int32_t controller_epoch,
                                              const std::vector<PartitionKey>& partitions,
                                              bool delete_partition) {
  protocol::StopReplicaRequest req;
  req.controller_id = controller_id;
  req.controller_epoch = controller_epoch;
  for (const auto& k : Sorted(partitions)) {
    if (req.topic_states.empty() || req.topic_states.back().topic_name != k.topic) {
      req.topic_states.emplace_back();
      req.topic_states.back().topic_name = k.topic;
    }
    protocol::StopReplicaRequest::PartitionState ps;
    ps.partition_index = k.partition;
    ps.leader_epoch = delete_partition ? -2 : -1;
    ps.delete_partition = delete_partition;
    req.topic_states.back().partition_states.push_back(std::move(ps));
  }
  return req;
}

}  // namespace kafka::broker::controller
