#include "common/client/group.h"

#include <thread>

#include "common/protocol/error_code.h"
#include "common/protocol/messages/all.h"

namespace kafka::client {
namespace {

namespace pr = protocol;
using Clock = std::chrono::steady_clock;

bool RetriableCoordinatorError(int16_t code) {
  return code == static_cast<int16_t>(pr::ErrorCode::kCoordinatorNotAvailable) ||
         code == static_cast<int16_t>(pr::ErrorCode::kCoordinatorLoadInProgress) ||
         code == static_cast<int16_t>(pr::ErrorCode::kNotCoordinator);
}

}  // namespace

util::Result<CoordinatorInfo> FindGroupCoordinator(Client& client, const std::string& group,
                                                   Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  util::Status last = util::Status::Unavailable("no broker reachable");
  while (true) {
    Connection* conn = client.Any();
    if (!conn || !conn->is_open()) {
      auto md = client.Metadata(std::vector<std::string>{}, false);
      conn = client.Any();
      if (!md.ok()) last = md.status();
    }
    if (conn && conn->is_open()) {
      pr::FindCoordinatorRequest req;
      req.key = group;
      req.key_type = 0;
      req.coordinator_keys = {group};
      auto resp = conn->Call<pr::FindCoordinatorResponse>(req, client.options().request_timeout);
      if (resp.ok()) {
        int16_t err = resp->error_code;
        CoordinatorInfo info{resp->node_id, {resp->host, static_cast<uint16_t>(resp->port)}};
        if (!resp->coordinators.empty()) {
          const auto& c = resp->coordinators.front();
          err = c.error_code;
          info = {c.node_id, {c.host, static_cast<uint16_t>(c.port)}};
        }
        if (err == 0) return info;
        last = util::Status::Unavailable("FindCoordinator: " + DescribeError(err));
        if (!RetriableCoordinatorError(err)) return last;
      } else {
        last = resp.status();
      }
    }
    if (Clock::now() >= deadline) return last;
    std::this_thread::sleep_for(Ms(200));
  }
}

util::Result<std::unique_ptr<Connection>> ConnectCoordinator(Client& client,
                                                             const std::string& group, Ms timeout) {
  auto info = FindGroupCoordinator(client, group, timeout);
  if (!info.ok()) return info.status();
  auto conn = std::make_unique<Connection>(info->address, client.options().client_id);
  UTIL_RETURN_IF_ERROR(conn->Open(timeout));
  return conn;
}

util::Result<TopicOffsets> FetchCommittedOffsets(Connection& coordinator, const std::string& group,
                                                 const std::optional<TopicPartitions>& which,
                                                 Ms timeout) {
  pr::OffsetFetchRequest req;
  req.group_id = group;
  pr::OffsetFetchRequest::OffsetFetchRequestGroup g;
  g.group_id = group;
  if (which) {
    std::vector<pr::OffsetFetchRequest::OffsetFetchRequestTopic> topics;
    for (const auto& [t, parts] : *which) topics.push_back({t, parts, {}});
    req.topics = topics;
    g.topics = topics;
  }
  req.groups.push_back(g);
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int16_t v = -1;
    auto resp = coordinator.Call<pr::OffsetFetchResponse>(req, timeout, &v);
    if (!resp.ok()) return resp.status();
    int16_t err = resp->error_code;
    const auto* tps = &resp->topics;
    if (v >= 8) {
      if (resp->groups.empty()) return util::Status::Corruption("OffsetFetch: no group in answer");
      err = resp->groups.front().error_code;
      tps = &resp->groups.front().topics;
    }
    if (err != 0) {
      if (RetriableCoordinatorError(err) && Clock::now() < deadline) {
        std::this_thread::sleep_for(Ms(200));
        continue;
      }
      return util::Status::Unavailable("OffsetFetch: " + DescribeError(err));
    }
    TopicOffsets out;
    for (const auto& t : *tps) {
      for (const auto& p : t.partitions) {
        if (p.error_code != 0 || p.committed_offset < 0) continue;
        out[t.name][p.partition_index] = p.committed_offset;
      }
    }
    return out;
  }
}

util::Result<std::map<std::pair<std::string, int32_t>, int16_t>> CommitOffsets(
    Connection& coordinator, const std::string& group, int32_t generation,
    const std::string& member_id, const TopicOffsets& offsets, Ms timeout) {
  pr::OffsetCommitRequest req;
  req.group_id = group;
  req.generation_id = generation;
  req.member_id = member_id;
  for (const auto& [topic, parts] : offsets) {
    pr::OffsetCommitRequest::OffsetCommitRequestTopic t;
    t.name = topic;
    for (const auto& [p, off] : parts) {
      pr::OffsetCommitRequest::OffsetCommitRequestPartition cp;
      cp.partition_index = p;
      cp.committed_offset = off;
      cp.committed_metadata = "";
      t.partitions.push_back(cp);
    }
    req.topics.push_back(std::move(t));
  }
  auto resp = coordinator.Call<pr::OffsetCommitResponse>(req, timeout);
  if (!resp.ok()) return resp.status();
  std::map<std::pair<std::string, int32_t>, int16_t> out;
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) out[{t.name, p.partition_index}] = p.error_code;
  }
  return out;
}

}  // namespace kafka::client
