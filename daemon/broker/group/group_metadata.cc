#include "daemon/broker/group/group_metadata.h"

#include <algorithm>

#include "common/protocol/reader.h"

namespace kafka::group {

std::string_view StateName(GroupState state) {
  switch (state) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kPreparingRebalance: return "PreparingRebalance";
    case GroupState::kCompletingRebalance: return "CompletingRebalance";
    case GroupState::kStable: return "Stable";
    case GroupState::kDead: return "Dead";
  }
  return "Unknown";
}

const std::string* Member::MetadataFor(std::string_view protocol) const {
  for (const auto& [name, metadata] : protocols) {
    if (name == protocol) return &metadata;
  }
  return nullptr;
}

Member* Group::Find(std::string_view member_id) const {
  for (const auto& m : members) {
    if (m->member_id == member_id) return m.get();
  }
  return nullptr;
}

std::optional<std::string> Group::StaticMemberId(
    const std::optional<std::string>& instance) const {
  if (!instance) return std::nullopt;
  auto it = static_members.find(*instance);
  if (it == static_members.end()) return std::nullopt;
  return it->second;
}

bool Group::IsStaticMemberFenced(const std::string& member_id,
                                 const std::optional<std::string>& instance) const {
  auto existing = StaticMemberId(instance);
  return existing && *existing != member_id;
}

void Group::Add(std::unique_ptr<Member> member, JoinCallback callback) {
  if (members.empty()) protocol_type = member->protocol_type;
  if (!leader_id) leader_id = member->member_id;
  for (const auto& [name, metadata] : member->protocols) ++protocol_votes[name];
  if (member->group_instance_id) static_members[*member->group_instance_id] = member->member_id;
  member->awaiting_join = std::move(callback);
  if (member->awaiting_join) ++num_awaiting_join;
  members.push_back(std::move(member));
}

std::unique_ptr<Member> Group::Remove(std::string_view member_id) {
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const auto& m) { return m->member_id == member_id; });
  if (it == members.end()) return nullptr;
  std::unique_ptr<Member> m = std::move(*it);
  members.erase(it);
  for (const auto& [name, metadata] : m->protocols) {
    if (--protocol_votes[name] <= 0) protocol_votes.erase(name);
  }
  if (m->awaiting_join) --num_awaiting_join;
  pending_sync.erase(m->member_id);
  if (m->group_instance_id) {
    auto s = static_members.find(*m->group_instance_id);
    if (s != static_members.end() && s->second == m->member_id) static_members.erase(s);
  }
  if (IsLeader(member_id)) {
    leader_id.reset();
    if (!members.empty()) leader_id = members.front()->member_id;
  }
  return m;
}

void Group::UpdateMember(Member& member,
                         std::vector<std::pair<std::string, std::string>> protocols,
                         JoinCallback callback) {
  for (const auto& [name, metadata] : member.protocols) {
    if (--protocol_votes[name] <= 0) protocol_votes.erase(name);
  }
  member.protocols = std::move(protocols);
  for (const auto& [name, metadata] : member.protocols) ++protocol_votes[name];
  if (callback) {
    if (!member.awaiting_join) ++num_awaiting_join;
  } else if (member.awaiting_join) {
    --num_awaiting_join;
  }
  member.awaiting_join = std::move(callback);
}

Member* Group::ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                                   const std::string& new_id) {
  Member* m = Find(old_id);
  if (m == nullptr) return nullptr;
  m->member_id = new_id;
  static_members[instance_id] = new_id;
  if (pending_sync.erase(old_id) != 0) pending_sync.insert(new_id);
  if (IsLeader(old_id)) leader_id = new_id;
  return m;
}

bool Group::SupportsProtocols(
    const std::string& type,
    const std::vector<std::pair<std::string, std::string>>& protocols) const {
  if (protocols.empty()) return false;
  if (Is(GroupState::kEmpty)) return !type.empty();
  if (!protocol_type || *protocol_type != type) return false;
  for (const auto& [name, metadata] : protocols) {
    auto it = protocol_votes.find(name);
    if (it != protocol_votes.end() && it->second == static_cast<int>(members.size())) return true;
  }
  return false;
}

std::string Group::SelectProtocol() const {
  // Candidates: supported by every member. Each member votes for the first
  // candidate in its own preference order; most votes wins (ties: the first
  // member's preference order decides, so the choice is deterministic).
  std::vector<std::string> candidates;
  if (members.empty()) return "";
  for (const auto& [name, metadata] : members.front()->protocols) {
    auto it = protocol_votes.find(name);
    if (it != protocol_votes.end() && it->second == static_cast<int>(members.size())) {
      candidates.push_back(name);
    }
  }
  if (candidates.empty()) return "";
  std::map<std::string, int> votes;
  for (const auto& m : members) {
    for (const auto& [name, metadata] : m->protocols) {
      if (std::find(candidates.begin(), candidates.end(), name) != candidates.end()) {
        ++votes[name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  int best_votes = -1;
  for (const std::string& c : candidates) {
    if (votes[c] > best_votes) {
      best = c;
      best_votes = votes[c];
    }
  }
  return best;
}

int32_t Group::RebalanceTimeoutMs() const {
  int32_t t = 0;
  for (const auto& m : members) t = std::max(t, m->rebalance_timeout_ms);
  return t;
}

bool Group::MaybeElectNewJoinedLeader() {
  if (leader_id) {
    Member* leader = Find(*leader_id);
    if (leader != nullptr && leader->awaiting_join) return true;
    for (const auto& m : members) {
      if (m->awaiting_join) {
        leader_id = m->member_id;
        return true;
      }
    }
    return false;
  }
  return false;
}

void Group::InitNextGeneration(int64_t now_ms) {
  ++generation_id;
  if (!members.empty()) {
    protocol_name = SelectProtocol();
    TransitionTo(GroupState::kCompletingRebalance, now_ms);
  } else {
    protocol_name.reset();
    TransitionTo(GroupState::kEmpty, now_ms);
  }
  new_member_added = false;
  ComputeSubscribedTopics();
}

void Group::ComputeSubscribedTopics() {
  subscribed_topics.reset();
  if (!protocol_type || *protocol_type != "consumer") return;
  if (members.empty()) {
    subscribed_topics.emplace();
    return;
  }
  if (!protocol_name) return;
  std::set<std::string> topics;
  for (const auto& m : members) {
    const std::string* md = m->MetadataFor(*protocol_name);
    if (md == nullptr) return;
    auto t = SubscriptionTopics(*md);
    if (!t) return;
    topics.insert(t->begin(), t->end());
  }
  subscribed_topics = std::move(topics);
}

std::optional<std::vector<std::string>> SubscriptionTopics(std::string_view metadata) {
  protocol::Reader r(metadata);
  int16_t version = r.Int16();
  if (!r.ok() || version < 0) return std::nullopt;
  int32_t n = r.ArrayLen(2);
  if (!r.ok() || n < 0) return std::nullopt;
  std::vector<std::string> topics;
  for (int32_t i = 0; i < n && r.ok(); ++i) topics.push_back(r.String());
  if (!r.ok()) return std::nullopt;
  return topics;
}

}  // namespace kafka::group
