#include "daemon/broker/group/coordinator.h"

#include <algorithm>
#include <cstdio>
#include <cctype>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/protocol/error_code.h"
#include "common/util/logging.h"

namespace kafka::group {

namespace {

using protocol::ErrorCode;
using protocol::ToWire;

constexpr int16_t kNone = 0;

std::shared_ptr<spdlog::logger> Log() {
  static auto log = util::logging::Get("group");
  return log;
}

protocol::JoinGroupResponse JoinError(const std::string& member_id, ErrorCode error) {
  protocol::JoinGroupResponse r;
  r.error_code = ToWire(error);
  r.member_id = member_id;
  r.generation_id = -1;
  return r;
}

protocol::SyncGroupResponse SyncError(int16_t error) {
  protocol::SyncGroupResponse r;
  r.error_code = error;
  return r;
}

protocol::HeartbeatResponse HeartbeatResult(ErrorCode error) {
  protocol::HeartbeatResponse r;
  r.error_code = ToWire(error);
  return r;
}

// Kafka's validateCurrentMember: a static member's instance id must map to
// this member id (FENCED_INSTANCE_ID otherwise, UNKNOWN_MEMBER_ID if the
// instance is unknown), and the member must exist.
int16_t ValidateCurrentMember(const Group& group, const std::string& member_id,
                              const std::optional<std::string>& instance) {
  if (instance) {
    auto current = group.StaticMemberId(instance);
    if (!current) return ToWire(ErrorCode::kUnknownMemberId);
    if (*current != member_id) return ToWire(ErrorCode::kFencedInstanceId);
  }
  if (!group.Has(member_id)) return ToWire(ErrorCode::kUnknownMemberId);
  return kNone;
}

// Kafka's mapping of append errors for offset commits (GroupMetadataManager.storeOffsets).
int16_t MapCommitAppendError(int16_t e) {
  switch (static_cast<ErrorCode>(e)) {
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
      return ToWire(ErrorCode::kCoordinatorNotAvailable);
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kKafkaStorageError:
      return ToWire(ErrorCode::kNotCoordinator);
    case ErrorCode::kMessageTooLarge:
    case ErrorCode::kRecordListTooLarge:
    case ErrorCode::kInvalidFetchSize:
      return ToWire(ErrorCode::kInvalidCommitOffsetSize);
    default:
      return e;
  }
}

// ... and for group metadata (GroupMetadataManager.storeGroup).
int16_t MapGroupAppendError(int16_t e) {
  switch (static_cast<ErrorCode>(e)) {
    case ErrorCode::kNone:
      return kNone;
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
      return ToWire(ErrorCode::kCoordinatorNotAvailable);
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kKafkaStorageError:
      return ToWire(ErrorCode::kNotCoordinator);
    default:
      return ToWire(ErrorCode::kUnknownServerError);
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

GroupCoordinator::GroupCoordinator(boost::asio::io_context& io, GroupStore& store,
                                   GroupConfig config)
    : io_(io), store_(store), config_(std::move(config)), rng_(std::random_device{}()) {
  if (!config_.clock) {
    config_.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

GroupCoordinator::~GroupCoordinator() = default;

int64_t GroupCoordinator::Now() const { return config_.clock(); }

int32_t GroupCoordinator::PartitionFor(std::string_view group_id) const {
  return group::PartitionFor(group_id, config_.offsets_topic_num_partitions);
}

std::string GroupCoordinator::NewMemberId(const std::string& client_id) {
  // <client id or group instance id>-<random UUID>, as Kafka
  // (UUID.randomUUID().toString).
  uint64_t hi = rng_(), lo = rng_();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // IETF variant
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return client_id + "-" + buf;
}

// ---------------------------------------------------------------------------
// Partition ownership and loading

bool GroupCoordinator::Owns(int32_t partition) const {
  return partitions_.count(partition) != 0;
}

bool GroupCoordinator::IsLoading(int32_t partition) const {
  auto it = partitions_.find(partition);
  return it != partitions_.end() && it->second.loading;
}

void GroupCoordinator::OnBecomeCoordinator(int32_t partition) {
  if (!active_) return;
  // Already ours (a leader epoch bump, say): the cache is current, keep it.
  if (auto it = partitions_.find(partition); it != partitions_.end()) return;
  PartitionState& ps = partitions_[partition];
  ps.loading = true;
  ps.epoch = next_load_epoch_++;
  uint64_t epoch = ps.epoch;
  Log()->info("loading __consumer_offsets-{}", partition);
  std::weak_ptr<int> life = life_;
  store_.Load(partition, [this, life, partition, epoch](int16_t error,
                                                        std::vector<LoadedRecord> recs) {
    if (life.expired()) return;
    FinishLoad(partition, epoch, error, std::move(recs));
  });
}

void GroupCoordinator::FinishLoad(int32_t partition, uint64_t epoch, int16_t error,
                                  std::vector<LoadedRecord> records) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end() || it->second.epoch != epoch) return;  // resigned meanwhile
  if (error != kNone) {
    Log()->error("loading __consumer_offsets-{} failed: {}", partition, protocol::ErrorName(error));
    partitions_.erase(it);
    return;
  }
  // Replay: later records win, tombstones delete.
  std::map<std::string, std::map<std::pair<std::string, int32_t>, OffsetValue>> offsets;
  std::map<std::string, std::optional<GroupValue>> groups;
  for (const LoadedRecord& rec : records) {
    auto key = DecodeKey(rec.key);
    if (!key) {
      Log()->warn("__consumer_offsets-{} offset {}: undecodable key skipped", partition, rec.offset);
      continue;
    }
    if (const auto* ok = std::get_if<OffsetKey>(&*key)) {
      auto tp = std::make_pair(ok->topic, ok->partition);
      if (!rec.value) {
        auto g = offsets.find(ok->group);
        if (g != offsets.end()) g->second.erase(tp);
        continue;
      }
      auto value = DecodeOffsetValue(*rec.value);
      if (!value) continue;
      offsets[ok->group][tp] = *value;
    } else {
      const auto& gk = std::get<GroupKey>(*key);
      if (!rec.value) {
        groups[gk.group] = std::nullopt;
        continue;
      }
      auto value = DecodeGroupValue(*rec.value);
      if (!value) continue;
      groups[gk.group] = std::move(*value);
    }
  }
  int64_t now = Now();
  size_t loaded = 0;
  auto create = [&](const std::string& id) -> Group& {
    auto g = std::make_unique<Group>();
    g->group_id = id;
    g->partition = partition;
    g->current_state_timestamp = now;
    Group& ref = *g;
    groups_[id] = std::move(g);
    ++loaded;
    return ref;
  };
  for (auto& [id, value] : groups) {
    if (!value) continue;  // deleted
    if (groups_.count(id) != 0) continue;
    Group& g = create(id);
    g.protocol_type = value->protocol_type;
    g.generation_id = value->generation;
    g.protocol_name = value->protocol;
    g.leader_id = value->leader;
    if (value->current_state_timestamp >= 0) g.current_state_timestamp = value->current_state_timestamp;
    for (MemberValue& mv : value->members) {
      auto m = std::make_unique<Member>();
      m->member_id = mv.member_id;
      m->group_instance_id = mv.group_instance_id;
      m->client_id = mv.client_id;
      m->client_host = mv.client_host;
      m->rebalance_timeout_ms = mv.rebalance_timeout_ms;
      m->session_timeout_ms = mv.session_timeout_ms;
      m->protocol_type = value->protocol_type;
      m->protocols.emplace_back(value->protocol.value_or(""), std::move(mv.subscription));
      m->assignment = std::move(mv.assignment);
      g.Add(std::move(m), nullptr);
    }
    g.leader_id = value->leader;  // Add() picked the first member; the record knows better
    g.state = g.members.empty() ? GroupState::kEmpty : GroupState::kStable;
    if (g.members.empty() && value->protocol_type.empty()) g.protocol_type.reset();
    g.ComputeSubscribedTopics();
    for (auto& m : g.members) ScheduleSession(g, *m, m->session_timeout_ms);
  }
  for (auto& [id, offs] : offsets) {
    if (offs.empty()) continue;
    Group* g = GetGroup(id);
    if (g == nullptr) {
      auto gv = groups.find(id);
      if (gv != groups.end() && !gv->second) {
        // Group deleted after these commits? Kafka keeps offsets whose
        // tombstones never came; the deletion writes them, so this is rare.
      }
      g = &create(id);  // offsets only: a simple-consumer group, Empty
    }
    for (auto& [tp, v] : offs) g->offsets[tp] = v;
  }
  it->second.loading = false;
  Log()->info("loaded __consumer_offsets-{}: {} records, {} groups", partition, records.size(),
              loaded);
}

void GroupCoordinator::OnResign(int32_t partition) {
  partitions_.erase(partition);
  std::vector<std::string> ids;
  for (const auto& [id, g] : groups_) {
    if (g->partition == partition) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    auto it = groups_.find(id);
    std::unique_ptr<Group> g = std::move(it->second);
    groups_.erase(it);
    UnloadGroup(*g);
  }
  if (!ids.empty()) Log()->info("resigned __consumer_offsets-{}: {} groups unloaded", partition, ids.size());
}

void GroupCoordinator::UnloadGroup(Group& group) {
  // Kafka's onGroupUnloaded: the group is Dead here; waiting members are told
  // to find the new coordinator.
  GroupState prev = group.state;
  group.TransitionTo(GroupState::kDead, Now());
  if (group.join_timer) group.join_timer->cancel();
  if (group.sync_timer) group.sync_timer->cancel();
  for (auto& [id, timer] : group.pending_members) timer->cancel();
  for (auto& m : group.members) {
    if (m->session_timer) m->session_timer->cancel();
    if (prev == GroupState::kPreparingRebalance && m->awaiting_join) {
      auto cb = std::move(m->awaiting_join);
      m->awaiting_join = nullptr;
      cb(JoinError(m->member_id, ErrorCode::kNotCoordinator));
    }
    if (m->awaiting_sync) {
      auto cb = std::move(m->awaiting_sync);
      m->awaiting_sync = nullptr;
      cb(SyncError(ToWire(ErrorCode::kNotCoordinator)));
    }
  }
}

void GroupCoordinator::Shutdown() {
  active_ = false;
  std::vector<int32_t> parts;
  for (const auto& [p, s] : partitions_) parts.push_back(p);
  for (int32_t p : parts) OnResign(p);
  // Groups whose partition was never registered (none normally).
  for (auto& [id, g] : groups_) UnloadGroup(*g);
  groups_.clear();
}

int16_t GroupCoordinator::ValidateGroup(const std::string& group_id, bool allow_empty_id) const {
  if (!allow_empty_id && group_id.empty()) return ToWire(ErrorCode::kInvalidGroupId);
  if (!active_) return ToWire(ErrorCode::kCoordinatorNotAvailable);
  auto it = partitions_.find(PartitionFor(group_id));
  if (it == partitions_.end()) return ToWire(ErrorCode::kNotCoordinator);
  if (it->second.loading) return ToWire(ErrorCode::kCoordinatorLoadInProgress);
  return kNone;
}

Group* GroupCoordinator::GetGroup(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

Group& GroupCoordinator::GetOrCreateGroup(const std::string& group_id) {
  if (Group* g = GetGroup(group_id)) return *g;
  auto g = std::make_unique<Group>();
  g->group_id = group_id;
  g->partition = PartitionFor(group_id);
  g->current_state_timestamp = Now();
  Group& ref = *g;
  groups_[group_id] = std::move(g);
  return ref;
}

std::optional<GroupState> GroupCoordinator::StateOf(const std::string& group_id) const {
  const Group* g = GetGroup(group_id);
  if (g == nullptr) return std::nullopt;
  return g->state;
}

const Group* GroupCoordinator::FindGroup(const std::string& group_id) const {
  return GetGroup(group_id);
}

// ---------------------------------------------------------------------------
// JoinGroup

void GroupCoordinator::JoinGroup(const protocol::JoinGroupRequest& request, int16_t version,
                                 const ClientInfo& client, JoinGroupCallback done) {
  const std::string& member_id = request.member_id;
  if (int16_t e = ValidateGroup(request.group_id, false); e != kNone) {
    return done(JoinError(member_id, static_cast<ErrorCode>(e)));
  }
  if (request.session_timeout_ms < config_.group_min_session_timeout_ms ||
      request.session_timeout_ms > config_.group_max_session_timeout_ms) {
    return done(JoinError(member_id, ErrorCode::kInvalidSessionTimeout));
  }
  JoinArgs args;
  args.member_id = member_id;
  args.group_instance_id = version >= 5 ? request.group_instance_id : std::nullopt;
  args.client = client;
  args.session_timeout_ms = request.session_timeout_ms;
  args.rebalance_timeout_ms =
      version >= 1 && request.rebalance_timeout_ms > 0 ? request.rebalance_timeout_ms
                                                       : request.session_timeout_ms;
  args.protocol_type = request.protocol_type;
  for (const auto& p : request.protocols) args.protocols.emplace_back(p.name, p.metadata);
  args.require_known_member_id = version >= 4;

  bool unknown = member_id.empty();
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) {
    if (!unknown) return done(JoinError(member_id, ErrorCode::kUnknownMemberId));
    group = &GetOrCreateGroup(request.group_id);
  }
  if (!AcceptJoiningMember(*group, member_id)) {
    if (Member* m = group->Find(member_id)) {
      // Over capacity (group.max.size lowered): shed a member that has not rejoined.
      if (m->session_timer) m->session_timer->cancel();
      group->Remove(member_id);
    }
    return done(JoinError("", ErrorCode::kGroupMaxSizeReached));
  }
  if (unknown) {
    UnknownMemberJoin(*group, std::move(args), std::move(done));
  } else {
    KnownMemberJoin(*group, std::move(args), std::move(done));
  }
  // A join may complete a rebalance that waits for members.
  if (Group* g = GetGroup(request.group_id); g && g->Is(GroupState::kPreparingRebalance)) {
    TryCompleteJoin(*g);
  }
}

bool GroupCoordinator::AcceptJoiningMember(const Group& group, const std::string& member_id) const {
  switch (group.state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return true;
    case GroupState::kPreparingRebalance: {
      const Member* m = group.Find(member_id);
      return (m != nullptr && m->awaiting_join) || group.num_awaiting_join < config_.group_max_size;
    }
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      return group.Has(member_id) ||
             static_cast<int64_t>(group.members.size()) < config_.group_max_size;
  }
  return true;
}

void GroupCoordinator::UnknownMemberJoin(Group& group, JoinArgs args, JoinGroupCallback done) {
  if (group.Is(GroupState::kDead)) {
    return done(JoinError("", ErrorCode::kCoordinatorNotAvailable));
  }
  if (!group.SupportsProtocols(args.protocol_type, args.protocols)) {
    return done(JoinError("", ErrorCode::kInconsistentGroupProtocol));
  }
  std::string new_id = NewMemberId(args.group_instance_id.value_or(args.client.client_id));
  if (args.group_instance_id) {
    if (group.StaticMemberId(args.group_instance_id)) {
      UpdateStaticMemberAndRebalance(group, new_id, args, std::move(done));
    } else {
      AddMemberAndRebalance(group, new_id, args, std::move(done));
    }
    return;
  }
  if (args.require_known_member_id) {
    // KIP-394: hand out the id; the member joins again with it.
    AddPendingMember(group, new_id, args.session_timeout_ms);
    return done(JoinError(new_id, ErrorCode::kMemberIdRequired));
  }
  AddMemberAndRebalance(group, new_id, args, std::move(done));
}

void GroupCoordinator::KnownMemberJoin(Group& group, JoinArgs args, JoinGroupCallback done) {
  const std::string member_id = args.member_id;
  if (group.Is(GroupState::kDead)) {
    return done(JoinError(member_id, ErrorCode::kCoordinatorNotAvailable));
  }
  if (!group.SupportsProtocols(args.protocol_type, args.protocols)) {
    return done(JoinError(member_id, ErrorCode::kInconsistentGroupProtocol));
  }
  if (group.IsPending(member_id)) {
    if (args.group_instance_id) {
      // Static members never get MEMBER_ID_REQUIRED; a pending id with an
      // instance id is a client bug.
      return done(JoinError(member_id, ErrorCode::kUnknownMemberId));
    }
    RemovePendingMember(group, member_id);
    return AddMemberAndRebalance(group, member_id, args, std::move(done));
  }
  if (int16_t e = ValidateCurrentMember(group, member_id, args.group_instance_id); e != kNone) {
    return done(JoinError(member_id, static_cast<ErrorCode>(e)));
  }
  Member* member = group.Find(member_id);
  switch (group.state) {
    case GroupState::kPreparingRebalance:
      return UpdateMemberAndRebalance(group, *member, args, std::move(done));
    case GroupState::kCompletingRebalance:
      if (member->Matches(args.protocols)) {
        // Lost join response: answer with the current generation again.
        return done(JoinResultFor(group, *member));
      }
      return UpdateMemberAndRebalance(group, *member, args, std::move(done));
    case GroupState::kStable:
      if (group.IsLeader(member_id) || !member->Matches(args.protocols)) {
        // The leader rejoining (e.g. metadata change) or changed metadata:
        // a new assignment is needed.
        return UpdateMemberAndRebalance(group, *member, args, std::move(done));
      } else {
        // Followers with unchanged metadata get the current generation and sync.
        ScheduleSession(group, *member, member->session_timeout_ms);
        protocol::JoinGroupResponse r;
        r.generation_id = group.generation_id;
        r.protocol_name = group.protocol_name.value_or("");
        r.leader = group.leader_id.value_or("");
        r.member_id = member_id;
        return done(std::move(r));
      }
    case GroupState::kEmpty:
    case GroupState::kDead:
      return done(JoinError(member_id, ErrorCode::kUnknownMemberId));
  }
}

void GroupCoordinator::AddMemberAndRebalance(Group& group, const std::string& member_id,
                                             JoinArgs& args, JoinGroupCallback done) {
  auto m = std::make_unique<Member>();
  m->member_id = member_id;
  m->group_instance_id = args.group_instance_id;
  m->client_id = args.client.client_id;
  m->client_host = args.client.client_host;
  m->rebalance_timeout_ms = args.rebalance_timeout_ms;
  m->session_timeout_ms = args.session_timeout_ms;
  m->protocol_type = args.protocol_type;
  m->protocols = std::move(args.protocols);
  m->is_new = true;
  Member& ref = *m;
  group.Add(std::move(m), std::move(done));
  // Initial rebalance delay: new members extend it (up to the rebalance timeout).
  if (group.Is(GroupState::kPreparingRebalance) && group.generation_id == 0) {
    group.new_member_added = true;
  }
  ScheduleSession(group, ref, config_.new_member_join_timeout_ms);
  Log()->debug("group {}: member {} joined", group.group_id, member_id);
  MaybePrepareRebalance(group);
}

void GroupCoordinator::UpdateStaticMemberAndRebalance(Group& group, const std::string& new_id,
                                                      JoinArgs& args, JoinGroupCallback done) {
  const std::string instance = *args.group_instance_id;
  const std::string old_id = *group.StaticMemberId(args.group_instance_id);
  const std::optional<std::string> old_leader = group.leader_id;
  Member* member = group.Find(old_id);
  if (member == nullptr) return done(JoinError("", ErrorCode::kUnknownMemberId));
  // The old incarnation is fenced: anything it waits for fails.
  if (member->awaiting_join) {
    auto cb = std::move(member->awaiting_join);
    member->awaiting_join = nullptr;
    --group.num_awaiting_join;
    cb(JoinError(old_id, ErrorCode::kFencedInstanceId));
  }
  if (member->awaiting_sync) {
    auto cb = std::move(member->awaiting_sync);
    member->awaiting_sync = nullptr;
    cb(SyncError(ToWire(ErrorCode::kFencedInstanceId)));
  }
  group.ReplaceStaticMember(instance, old_id, new_id);
  member->rebalance_timeout_ms = args.rebalance_timeout_ms;
  member->session_timeout_ms = args.session_timeout_ms;
  ScheduleSession(group, *member, member->session_timeout_ms);
  auto old_protocols = member->protocols;
  Log()->info("group {}: static member {} rejoined as {}", group.group_id, instance, new_id);

  switch (group.state) {
    case GroupState::kStable: {
      group.UpdateMember(*member, args.protocols, nullptr);
      if (group.protocol_name && *group.protocol_name == group.SelectProtocol()) {
        // No rebalance: persist the new member id, answer with the current
        // generation. The old leader id is returned so the member (even the
        // leader) does not run a trivial assignment a Stable group would not
        // broadcast.
        std::string group_id = group.group_id;
        int32_t generation = group.generation_id;
        StoreGroup(group, [this, group_id, instance, old_id, new_id, old_leader, generation,
                           old_protocols, done = std::move(done)](int16_t error) {
          Group* g = GetGroup(group_id);
          if (g == nullptr) return done(JoinError(new_id, ErrorCode::kNotCoordinator));
          if (error != kNone) {
            // Revert: the old member id stays valid.
            if (Member* m = g->Find(new_id)) {
              g->UpdateMember(*m, old_protocols, nullptr);
              g->ReplaceStaticMember(instance, new_id, old_id);
              ScheduleSession(*g, *m, m->session_timeout_ms);
            }
            protocol::JoinGroupResponse r = JoinError("", static_cast<ErrorCode>(error));
            r.generation_id = generation;
            r.leader = old_leader.value_or("");
            return done(std::move(r));
          }
          protocol::JoinGroupResponse r;
          r.generation_id = g->generation_id;
          r.protocol_name = g->protocol_name.value_or("");
          r.leader = old_leader.value_or("");
          r.member_id = new_id;
          done(std::move(r));
        });
      } else {
        group.UpdateMember(*member, std::move(args.protocols), std::move(done));
        MaybePrepareRebalance(group);
      }
      return;
    }
    case GroupState::kCompletingRebalance:
      // The leader may already be assigning to the old id: rebalance again.
      group.UpdateMember(*member, std::move(args.protocols), std::move(done));
      PrepareRebalance(group);
      return;
    case GroupState::kPreparingRebalance:
      group.UpdateMember(*member, std::move(args.protocols), std::move(done));
      return;
    case GroupState::kEmpty:
    case GroupState::kDead:
      return done(JoinError(new_id, ErrorCode::kUnknownMemberId));
  }
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& group, Member& member, JoinArgs& args,
                                                JoinGroupCallback done) {
  member.rebalance_timeout_ms = args.rebalance_timeout_ms;
  member.session_timeout_ms = args.session_timeout_ms;
  group.UpdateMember(member, std::move(args.protocols), std::move(done));
  MaybePrepareRebalance(group);
}

protocol::JoinGroupResponse GroupCoordinator::JoinResultFor(const Group& group,
                                                            const Member& member) const {
  protocol::JoinGroupResponse r;
  r.generation_id = group.generation_id;
  r.protocol_name = group.protocol_name.value_or("");
  r.leader = group.leader_id.value_or("");
  r.member_id = member.member_id;
  if (group.IsLeader(member.member_id)) {
    for (const auto& m : group.members) {
      protocol::JoinGroupResponse::JoinGroupResponseMember jm;
      jm.member_id = m->member_id;
      jm.group_instance_id = m->group_instance_id;
      if (const std::string* md = m->MetadataFor(r.protocol_name)) jm.metadata = *md;
      r.members.push_back(std::move(jm));
    }
  }
  return r;
}

// ---------------------------------------------------------------------------
// Rebalance

void GroupCoordinator::MaybePrepareRebalance(Group& group) {
  if (group.Is(GroupState::kStable) || group.Is(GroupState::kCompletingRebalance) ||
      group.Is(GroupState::kEmpty)) {
    PrepareRebalance(group);
  }
}

void GroupCoordinator::PrepareRebalance(Group& group) {
  if (group.Is(GroupState::kCompletingRebalance)) {
    ResetAndPropagateAssignmentError(group, ToWire(ErrorCode::kRebalanceInProgress));
  }
  ClearPendingSync(group);
  bool was_empty = group.Is(GroupState::kEmpty);
  group.TransitionTo(GroupState::kPreparingRebalance, Now());
  Log()->info("group {}: preparing rebalance (generation {})", group.group_id,
              group.generation_id);
  if (was_empty) {
    // InitialDelayedJoin: wait group.initial.rebalance.delay.ms for more
    // members, extending while new ones arrive, at most the rebalance timeout.
    int32_t delay = config_.group_initial_rebalance_delay_ms;
    group.initial_delay_active = true;
    group.initial_delay_remaining_ms = std::max(group.RebalanceTimeoutMs() - delay, 0);
    StartJoinTimer(group, delay);
  } else {
    group.initial_delay_active = false;
    StartJoinTimer(group, group.RebalanceTimeoutMs());
    TryCompleteJoin(group);
  }
}

void GroupCoordinator::StartJoinTimer(Group& group, int32_t delay_ms) {
  if (!group.join_timer) group.join_timer = std::make_unique<boost::asio::steady_timer>(io_);
  uint64_t epoch = ++group.join_epoch;
  group.join_timer->expires_after(std::chrono::milliseconds(delay_ms));
  std::string group_id = group.group_id;
  group.join_timer->async_wait([this, group_id, epoch](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled (possibly with the coordinator gone): touch nothing
    Group* g = GetGroup(group_id);
    if (g == nullptr || g->join_epoch != epoch) return;
    OnJoinTimer(*g);
  });
}

void GroupCoordinator::OnJoinTimer(Group& group) {
  if (!group.Is(GroupState::kPreparingRebalance)) return;
  if (group.initial_delay_active) {
    if (group.new_member_added && group.initial_delay_remaining_ms > 0) {
      group.new_member_added = false;
      int32_t delay = std::min(config_.group_initial_rebalance_delay_ms,
                               group.initial_delay_remaining_ms);
      group.initial_delay_remaining_ms = std::max(group.initial_delay_remaining_ms - delay, 0);
      StartJoinTimer(group, delay);
      return;
    }
    group.initial_delay_active = false;
  }
  CompleteJoin(group);
}

void GroupCoordinator::TryCompleteJoin(Group& group) {
  if (group.Is(GroupState::kPreparingRebalance) && !group.initial_delay_active &&
      group.HasAllMembersJoined()) {
    CompleteJoin(group);
  }
}

void GroupCoordinator::CompleteJoin(Group& group) {
  ++group.join_epoch;  // the pending timer (if any) is now stale
  if (group.join_timer) group.join_timer->cancel();
  // Dynamic members that did not rejoin in time are out; static members stay
  // (their session timeout removes them).
  std::vector<std::string> failed;
  for (const auto& m : group.members) {
    if (!m->awaiting_join && !m->IsStatic()) failed.push_back(m->member_id);
  }
  for (const std::string& id : failed) {
    Log()->info("group {}: member {} did not rejoin, removed", group.group_id, id);
    auto m = group.Remove(id);
    if (m && m->session_timer) m->session_timer->cancel();
  }
  if (group.Is(GroupState::kDead)) return;
  if (!group.MaybeElectNewJoinedLeader() && !group.members.empty()) {
    // Nobody rejoined: wait another rebalance timeout (session timeouts will
    // remove the silent static members).
    Log()->warn("group {}: no members rejoined, rebalance postponed", group.group_id);
    StartJoinTimer(group, group.RebalanceTimeoutMs());
    return;
  }
  group.InitNextGeneration(Now());
  if (group.Is(GroupState::kEmpty)) {
    Log()->info("group {}: generation {} is empty", group.group_id, group.generation_id);
    StoreGroup(group, [gid = group.group_id](int16_t error) {
      if (error != kNone) {
        Log()->warn("group {}: storing empty group failed: {}", gid, protocol::ErrorName(error));
      }
    });
    return;
  }
  Log()->info("group {}: generation {} with {} members, protocol {}", group.group_id,
              group.generation_id, group.members.size(), group.protocol_name.value_or(""));
  std::vector<std::pair<JoinCallback, protocol::JoinGroupResponse>> answers;
  for (auto& m : group.members) {
    if (m->awaiting_join) {
      answers.emplace_back(std::move(m->awaiting_join), JoinResultFor(group, *m));
      m->awaiting_join = nullptr;
      --group.num_awaiting_join;
    }
    m->is_new = false;
    ScheduleSession(group, *m, m->session_timeout_ms);
    group.pending_sync.insert(m->member_id);
  }
  StartSyncTimer(group);
  for (auto& [cb, r] : answers) cb(std::move(r));
}

void GroupCoordinator::StartSyncTimer(Group& group) {
  // Kafka's DelayedSync: members that do not send SyncGroup within the
  // rebalance timeout are removed and the group rebalances.
  if (!group.sync_timer) group.sync_timer = std::make_unique<boost::asio::steady_timer>(io_);
  uint64_t epoch = ++group.sync_epoch;
  group.sync_timer->expires_after(std::chrono::milliseconds(group.RebalanceTimeoutMs()));
  std::string group_id = group.group_id;
  int32_t generation = group.generation_id;
  group.sync_timer->async_wait([this, group_id, epoch, generation](const boost::system::error_code& ec) {
    if (ec) return;
    Group* g = GetGroup(group_id);
    if (g == nullptr || g->sync_epoch != epoch || g->generation_id != generation) return;
    if (!(g->Is(GroupState::kCompletingRebalance) || g->Is(GroupState::kStable)) ||
        g->pending_sync.empty()) {
      return;
    }
    std::vector<std::string> late(g->pending_sync.begin(), g->pending_sync.end());
    for (const std::string& id : late) {
      Log()->info("group {}: member {} never sent SyncGroup, removed", group_id, id);
      auto m = g->Remove(id);
      if (m && m->session_timer) m->session_timer->cancel();
    }
    PrepareRebalance(*g);
  });
}

void GroupCoordinator::RemovePendingSync(Group& group, const std::string& member_id) {
  group.pending_sync.erase(member_id);
  if (group.pending_sync.empty()) ClearPendingSync(group);
}

void GroupCoordinator::ClearPendingSync(Group& group) {
  group.pending_sync.clear();
  ++group.sync_epoch;
  if (group.sync_timer) group.sync_timer->cancel();
}

void GroupCoordinator::ResetAndPropagateAssignmentError(Group& group, int16_t error) {
  std::vector<SyncCallback> waiting;
  for (auto& m : group.members) {
    m->assignment.clear();
    if (m->awaiting_sync) {
      waiting.push_back(std::move(m->awaiting_sync));
      m->awaiting_sync = nullptr;
    }
  }
  for (auto& cb : waiting) cb(SyncError(error));
}

void GroupCoordinator::SetAndPropagateAssignment(
    Group& group, const std::map<std::string, std::string>& assignment) {
  std::vector<std::pair<SyncCallback, protocol::SyncGroupResponse>> answers;
  for (auto& m : group.members) {
    auto it = assignment.find(m->member_id);
    m->assignment = it == assignment.end() ? std::string() : it->second;
    if (m->awaiting_sync) {
      protocol::SyncGroupResponse r;
      r.assignment = m->assignment;
      answers.emplace_back(std::move(m->awaiting_sync), std::move(r));
      m->awaiting_sync = nullptr;
    }
    ScheduleSession(group, *m, m->session_timeout_ms);
  }
  group.TransitionTo(GroupState::kStable, Now());
  Log()->info("group {}: generation {} stable", group.group_id, group.generation_id);
  for (auto& [cb, r] : answers) cb(std::move(r));
}

// ---------------------------------------------------------------------------
// Sessions

void GroupCoordinator::ScheduleSession(Group& group, Member& member, int32_t timeout_ms) {
  if (!member.session_timer) member.session_timer = std::make_unique<boost::asio::steady_timer>(io_);
  uint64_t epoch = ++member.session_epoch;
  member.session_timer->expires_after(std::chrono::milliseconds(timeout_ms));
  std::string group_id = group.group_id;
  std::string member_id = member.member_id;
  member.session_timer->async_wait(
      [this, group_id, member_id, epoch](const boost::system::error_code& ec) {
        if (ec) return;
        OnSessionExpired(group_id, member_id, epoch);
      });
}

void GroupCoordinator::OnSessionExpired(const std::string& group_id, const std::string& member_id,
                                        uint64_t epoch) {
  Group* group = GetGroup(group_id);
  if (group == nullptr) return;
  Member* m = group->Find(member_id);
  if (m == nullptr || m->session_epoch != epoch) return;
  // Members waiting in a rebalance need no heartbeats, except new members,
  // who only get new_member_join_timeout to complete their first join.
  if (!m->is_new && (m->awaiting_join || m->awaiting_sync)) {
    ScheduleSession(*group, *m, m->session_timeout_ms);
    return;
  }
  Log()->info("group {}: member {} session expired", group_id, member_id);
  RemoveMemberAndUpdateGroup(*group, member_id);
}

void GroupCoordinator::AddPendingMember(Group& group, const std::string& member_id,
                                        int32_t session_timeout_ms) {
  auto timer = std::make_unique<boost::asio::steady_timer>(io_);
  timer->expires_after(std::chrono::milliseconds(session_timeout_ms));
  std::string group_id = group.group_id;
  timer->async_wait([this, group_id, member_id](const boost::system::error_code& ec) {
    if (ec) return;
    Group* g = GetGroup(group_id);
    if (g == nullptr || !g->IsPending(member_id)) return;
    Log()->info("group {}: pending member {} never rejoined, dropped", group_id, member_id);
    RemovePendingMember(*g, member_id);
    if (g->Is(GroupState::kPreparingRebalance)) TryCompleteJoin(*g);
  });
  group.pending_members[member_id] = std::move(timer);
}

void GroupCoordinator::RemovePendingMember(Group& group, const std::string& member_id) {
  auto it = group.pending_members.find(member_id);
  if (it == group.pending_members.end()) return;
  // The handler of a cancelled timer runs later with operation_aborted; the
  // timer object must outlive it, so hand it to the io_context.
  std::shared_ptr<boost::asio::steady_timer> t(std::move(it->second));
  group.pending_members.erase(it);
  t->cancel();
  boost::asio::post(io_, [t] {});
}

void GroupCoordinator::RemoveMemberAndUpdateGroup(Group& group, const std::string& member_id) {
  std::unique_ptr<Member> m = group.Remove(member_id);
  if (!m) return;
  if (m->session_timer) m->session_timer->cancel();
  if (m->awaiting_join) m->awaiting_join(JoinError(member_id, ErrorCode::kUnknownMemberId));
  if (m->awaiting_sync) m->awaiting_sync(SyncError(ToWire(ErrorCode::kUnknownMemberId)));
  // Keep the timer object alive until its cancelled handler has run.
  std::shared_ptr<Member> keep(std::move(m));
  boost::asio::post(io_, [keep] {});
  switch (group.state) {
    case GroupState::kDead:
    case GroupState::kEmpty:
      break;
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      MaybePrepareRebalance(group);
      break;
    case GroupState::kPreparingRebalance:
      TryCompleteJoin(group);
      break;
  }
}

// ---------------------------------------------------------------------------
// SyncGroup, Heartbeat, LeaveGroup

void GroupCoordinator::SyncGroup(const protocol::SyncGroupRequest& request, int16_t version,
                                 SyncGroupCallback done) {
  if (int16_t e = ValidateGroup(request.group_id, false); e != kNone) {
    // While loading, the rebalance state is lost anyway: REBALANCE_IN_PROGRESS
    // makes the member rejoin (older clients do not expect LOAD_IN_PROGRESS).
    if (e == ToWire(ErrorCode::kCoordinatorLoadInProgress)) {
      e = ToWire(ErrorCode::kRebalanceInProgress);
    }
    return done(SyncError(e));
  }
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) return done(SyncError(ToWire(ErrorCode::kUnknownMemberId)));
  std::optional<std::string> instance = version >= 3 ? request.group_instance_id : std::nullopt;
  if (group->Is(GroupState::kDead)) return done(SyncError(ToWire(ErrorCode::kCoordinatorNotAvailable)));
  if (int16_t e = ValidateCurrentMember(*group, request.member_id, instance); e != kNone) {
    return done(SyncError(e));
  }
  Member* member = group->Find(request.member_id);
  if (request.generation_id != group->generation_id) {
    return done(SyncError(ToWire(ErrorCode::kIllegalGeneration)));
  }
  switch (group->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return done(SyncError(ToWire(ErrorCode::kUnknownMemberId)));
    case GroupState::kPreparingRebalance:
      return done(SyncError(ToWire(ErrorCode::kRebalanceInProgress)));
    case GroupState::kCompletingRebalance: {
      member->awaiting_sync = std::move(done);
      RemovePendingSync(*group, request.member_id);
      ScheduleSession(*group, *member, member->session_timeout_ms);
      if (group->IsLeader(request.member_id)) {
        std::map<std::string, std::string> assignment;
        for (const auto& a : request.assignments) assignment[a.member_id] = a.assignment;
        // Persist the generation with its assignment, then answer everyone.
        for (auto& m : group->members) {
          auto it = assignment.find(m->member_id);
          m->assignment = it == assignment.end() ? std::string() : it->second;
        }
        std::string group_id = group->group_id;
        int32_t generation = group->generation_id;
        StoreGroup(*group, [this, group_id, generation, assignment](int16_t error) {
          Group* g = GetGroup(group_id);
          if (g == nullptr || !g->Is(GroupState::kCompletingRebalance) ||
              g->generation_id != generation) {
            return;  // another rebalance or an unload answered the members already
          }
          if (error != kNone) {
            ResetAndPropagateAssignmentError(*g, error);
            MaybePrepareRebalance(*g);
          } else {
            SetAndPropagateAssignment(*g, assignment);
          }
        });
      }
      return;
    }
    case GroupState::kStable: {
      RemovePendingSync(*group, request.member_id);
      ScheduleSession(*group, *member, member->session_timeout_ms);
      protocol::SyncGroupResponse r;
      r.assignment = member->assignment;
      return done(std::move(r));
    }
  }
}

void GroupCoordinator::Heartbeat(const protocol::HeartbeatRequest& request, int16_t version,
                                 HeartbeatCallback done) {
  if (int16_t e = ValidateGroup(request.group_id, false); e != kNone) {
    // Still loading: answer blindly (Kafka does), the member keeps its session.
    if (e == ToWire(ErrorCode::kCoordinatorLoadInProgress)) e = kNone;
    return done(HeartbeatResult(static_cast<ErrorCode>(e)));
  }
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) return done(HeartbeatResult(ErrorCode::kUnknownMemberId));
  std::optional<std::string> instance = version >= 3 ? request.group_instance_id : std::nullopt;
  if (group->Is(GroupState::kDead)) return done(HeartbeatResult(ErrorCode::kCoordinatorNotAvailable));
  if (int16_t e = ValidateCurrentMember(*group, request.member_id, instance); e != kNone) {
    return done(HeartbeatResult(static_cast<ErrorCode>(e)));
  }
  Member* member = group->Find(request.member_id);
  if (request.generation_id != group->generation_id) {
    return done(HeartbeatResult(ErrorCode::kIllegalGeneration));
  }
  switch (group->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return done(HeartbeatResult(ErrorCode::kUnknownMemberId));
    case GroupState::kPreparingRebalance:
      ScheduleSession(*group, *member, member->session_timeout_ms);
      return done(HeartbeatResult(ErrorCode::kRebalanceInProgress));
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      // Heartbeats after the join response (before or after sync) are normal.
      ScheduleSession(*group, *member, member->session_timeout_ms);
      return done(HeartbeatResult(ErrorCode::kNone));
  }
}

void GroupCoordinator::LeaveGroup(const protocol::LeaveGroupRequest& request, int16_t version,
                                  LeaveGroupCallback done) {
  std::vector<protocol::LeaveGroupRequest::MemberIdentity> leaving;
  if (version >= 3) {
    leaving = request.members;
  } else {
    protocol::LeaveGroupRequest::MemberIdentity one;
    one.member_id = request.member_id;
    leaving.push_back(std::move(one));
  }
  protocol::LeaveGroupResponse response;
  auto finish = [&]() {
    if (version < 3) {
      // v0-2 have one member and only the top-level error.
      if (response.error_code == kNone && !response.members.empty()) {
        response.error_code = response.members.front().error_code;
      }
      response.members.clear();
    }
    done(std::move(response));
  };
  if (int16_t e = ValidateGroup(request.group_id, false); e != kNone) {
    response.error_code = e;
    return finish();
  }
  Group* group = GetGroup(request.group_id);
  auto member_result = [&](const auto& who, ErrorCode error) {
    protocol::LeaveGroupResponse::MemberResponse mr;
    mr.member_id = who.member_id;
    mr.group_instance_id = who.group_instance_id;
    mr.error_code = ToWire(error);
    response.members.push_back(std::move(mr));
  };
  if (group == nullptr) {
    for (const auto& who : leaving) member_result(who, ErrorCode::kUnknownMemberId);
    return finish();
  }
  if (group->Is(GroupState::kDead)) {
    response.error_code = ToWire(ErrorCode::kCoordinatorNotAvailable);
    return finish();
  }
  for (const auto& who : leaving) {
    std::string member_id = who.member_id;
    if (member_id.empty()) {
      // Administrative removal by group instance id.
      auto current = group->StaticMemberId(who.group_instance_id);
      if (!current) {
        member_result(who, ErrorCode::kUnknownMemberId);
        continue;
      }
      member_id = *current;
    } else if (group->IsPending(member_id)) {
      RemovePendingMember(*group, member_id);
      if (group->Is(GroupState::kPreparingRebalance)) TryCompleteJoin(*group);
      member_result(who, ErrorCode::kNone);
      continue;
    } else if (int16_t e = ValidateCurrentMember(*group, member_id, who.group_instance_id);
               e != kNone) {
      member_result(who, static_cast<ErrorCode>(e));
      continue;
    }
    Log()->info("group {}: member {} left", group->group_id, member_id);
    RemoveMemberAndUpdateGroup(*group, member_id);
    member_result(who, ErrorCode::kNone);
  }
  finish();
}

// ---------------------------------------------------------------------------
// Persistence

GroupValue GroupCoordinator::GroupRecord(const Group& group) const {
  GroupValue v;
  v.protocol_type = group.protocol_type.value_or("");
  v.generation = group.generation_id;
  v.protocol = group.protocol_name;
  v.leader = group.leader_id;
  v.current_state_timestamp = group.current_state_timestamp;
  for (const auto& m : group.members) {
    MemberValue mv;
    mv.member_id = m->member_id;
    mv.group_instance_id = m->group_instance_id;
    mv.client_id = m->client_id;
    mv.client_host = m->client_host;
    mv.rebalance_timeout_ms = m->rebalance_timeout_ms;
    mv.session_timeout_ms = m->session_timeout_ms;
    if (const std::string* md = m->MetadataFor(group.protocol_name.value_or(""))) {
      mv.subscription = *md;
    }
    mv.assignment = m->assignment;
    v.members.push_back(std::move(mv));
  }
  return v;
}

void GroupCoordinator::StoreGroup(Group& group, std::function<void(int16_t)> done) {
  std::vector<StoreRecord> records;
  records.push_back(StoreRecord{EncodeGroupKey(GroupKey{group.group_id}),
                                EncodeGroupValue(GroupRecord(group))});
  std::weak_ptr<int> life = life_;
  store_.Append(group.partition, std::move(records),
                [life, done = std::move(done)](int16_t error) {
                  if (life.expired()) return;  // done may use the coordinator
                  done(MapGroupAppendError(error));
                });
}

// ---------------------------------------------------------------------------
// Offsets

void GroupCoordinator::OffsetCommit(const protocol::OffsetCommitRequest& request, int16_t version,
                                    OffsetCommitCallback done) {
  auto all_error = [&](int16_t error) {
    protocol::OffsetCommitResponse r;
    for (const auto& t : request.topics) {
      protocol::OffsetCommitResponse::OffsetCommitResponseTopic rt;
      rt.name = t.name;
      for (const auto& p : t.partitions) {
        protocol::OffsetCommitResponse::OffsetCommitResponsePartition rp;
        rp.partition_index = p.partition_index;
        rp.error_code = error;
        rt.partitions.push_back(rp);
      }
      r.topics.push_back(std::move(rt));
    }
    done(std::move(r));
  };
  if (int16_t e = ValidateGroup(request.group_id, true); e != kNone) return all_error(e);
  std::optional<std::string> instance = version >= 7 ? request.group_instance_id : std::nullopt;
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) {
    if (request.generation_id >= 0) {
      // A member of a generation this coordinator does not know.
      return all_error(ToWire(ErrorCode::kIllegalGeneration));
    }
    // Simple (standalone) consumer: Kafka keeps its offsets in an Empty group.
    group = &GetOrCreateGroup(request.group_id);
  }
  // Kafka's validateOffsetCommit.
  if (group->Is(GroupState::kDead)) return all_error(ToWire(ErrorCode::kCoordinatorNotAvailable));
  if (request.generation_id < 0 && group->Is(GroupState::kEmpty)) {
    // Admin client or a consumer without group management.
    return DoCommit(*group, request, version, std::move(done));
  }
  if (request.generation_id >= 0 || !request.member_id.empty() || instance) {
    if (int16_t e = ValidateCurrentMember(*group, request.member_id, instance); e != kNone) {
      return all_error(e);
    }
    if (request.generation_id != group->generation_id) {
      return all_error(ToWire(ErrorCode::kIllegalGeneration));
    }
  } else {
    // Non-empty group: only members may commit.
    return all_error(ToWire(ErrorCode::kUnknownMemberId));
  }
  Member* member = group->Find(request.member_id);
  switch (group->state) {
    case GroupState::kStable:
    case GroupState::kPreparingRebalance:
      // During PreparingRebalance the commit of the current generation is
      // still accepted; the heartbeat tells the member to rejoin.
      ScheduleSession(*group, *member, member->session_timeout_ms);
      return DoCommit(*group, request, version, std::move(done));
    case GroupState::kCompletingRebalance:
      return all_error(ToWire(ErrorCode::kRebalanceInProgress));
    case GroupState::kEmpty:
    case GroupState::kDead:
      return all_error(ToWire(ErrorCode::kUnknownMemberId));
  }
}

void GroupCoordinator::DoCommit(Group& group, const protocol::OffsetCommitRequest& request,
                                int16_t version, OffsetCommitCallback done) {
  int64_t now = Now();
  std::optional<int64_t> expire;
  if (version >= 2 && version <= 4 && request.retention_time_ms >= 0) {
    expire = now + request.retention_time_ms;
  }
  struct Item {
    std::pair<std::string, int32_t> tp;
    OffsetValue value;
  };
  auto response = std::make_shared<protocol::OffsetCommitResponse>();
  std::vector<Item> items;
  std::vector<StoreRecord> records;
  for (const auto& t : request.topics) {
    protocol::OffsetCommitResponse::OffsetCommitResponseTopic rt;
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      protocol::OffsetCommitResponse::OffsetCommitResponsePartition rp;
      rp.partition_index = p.partition_index;
      std::string metadata = p.committed_metadata.value_or("");
      if (static_cast<int64_t>(metadata.size()) > config_.offset_metadata_max_bytes) {
        rp.error_code = ToWire(ErrorCode::kOffsetMetadataTooLarge);
      } else {
        OffsetValue v;
        v.offset = p.committed_offset;
        v.leader_epoch = version >= 6 ? p.committed_leader_epoch : -1;
        v.metadata = std::move(metadata);
        v.commit_timestamp = now;
        v.expire_timestamp = expire;
        records.push_back(StoreRecord{EncodeOffsetKey(OffsetKey{group.group_id, t.name, p.partition_index}),
                                      EncodeOffsetValue(v)});
        items.push_back(Item{{t.name, p.partition_index}, std::move(v)});
      }
      rt.partitions.push_back(rp);
    }
    response->topics.push_back(std::move(rt));
  }
  if (records.empty()) return done(std::move(*response));
  for (const Item& it : items) ++group.pending_commits[it.tp];
  std::string group_id = group.group_id;
  std::weak_ptr<int> life = life_;
  store_.Append(group.partition, std::move(records),
                [this, life, group_id, items = std::move(items), response,
                 done = std::move(done)](int16_t error) mutable {
                  int16_t mapped = error == kNone ? kNone : MapCommitAppendError(error);
                  Group* g = life.expired() ? nullptr : GetGroup(group_id);
                  for (const Item& it : items) {
                    if (g == nullptr) break;
                    auto pc = g->pending_commits.find(it.tp);
                    if (pc != g->pending_commits.end() && --pc->second <= 0) g->pending_commits.erase(pc);
                    if (mapped == kNone && !g->Is(GroupState::kDead)) g->offsets[it.tp] = it.value;
                  }
                  if (mapped != kNone) {
                    for (auto& t : response->topics) {
                      for (auto& p : t.partitions) {
                        if (p.error_code == kNone) p.error_code = mapped;
                      }
                    }
                  }
                  done(std::move(*response));
                });
}

protocol::OffsetFetchResponse::OffsetFetchResponseGroup GroupCoordinator::FetchGroupOffsets(
    const std::string& group_id,
    const std::optional<std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>>& topics) {
  protocol::OffsetFetchResponse::OffsetFetchResponseGroup out;
  out.group_id = group_id;
  const Group* group = GetGroup(group_id);
  auto unknown = [](int32_t partition) {
    protocol::OffsetFetchResponse::OffsetFetchResponsePartition p;
    p.partition_index = partition;
    p.committed_offset = -1;
    p.committed_leader_epoch = -1;
    p.metadata = "";
    return p;
  };
  if (!topics) {
    // Every committed offset of the group, grouped by topic.
    if (group == nullptr || group->Is(GroupState::kDead)) return out;
    for (const auto& [tp, v] : group->offsets) {
      if (out.topics.empty() || out.topics.back().name != tp.first) {
        protocol::OffsetFetchResponse::OffsetFetchResponseTopic t;
        t.name = tp.first;
        out.topics.push_back(std::move(t));
      }
      protocol::OffsetFetchResponse::OffsetFetchResponsePartition p;
      p.partition_index = tp.second;
      p.committed_offset = v.offset;
      p.committed_leader_epoch = v.leader_epoch;
      p.metadata = v.metadata;
      out.topics.back().partitions.push_back(std::move(p));
    }
    return out;
  }
  for (const auto& t : *topics) {
    protocol::OffsetFetchResponse::OffsetFetchResponseTopic rt;
    rt.name = t.name;
    for (int32_t partition : t.partition_indexes) {
      protocol::OffsetFetchResponse::OffsetFetchResponsePartition p = unknown(partition);
      if (group != nullptr && !group->Is(GroupState::kDead)) {
        auto it = group->offsets.find({t.name, partition});
        if (it != group->offsets.end()) {
          p.committed_offset = it->second.offset;
          p.committed_leader_epoch = it->second.leader_epoch;
          p.metadata = it->second.metadata;
        }
      }
      rt.partitions.push_back(std::move(p));
    }
    out.topics.push_back(std::move(rt));
  }
  return out;
}

void GroupCoordinator::OffsetFetch(const protocol::OffsetFetchRequest& request, int16_t version,
                                   OffsetFetchCallback done) {
  protocol::OffsetFetchResponse response;
  auto one = [&](const std::string& group_id, const auto& topics) {
    int16_t e = ValidateGroup(group_id, true);
    if (e != kNone) {
      protocol::OffsetFetchResponse::OffsetFetchResponseGroup g;
      g.group_id = group_id;
      g.error_code = e;
      if (version < 2 && topics) {
        // v1 has no group-level error: report it on every requested partition.
        for (const auto& t : *topics) {
          protocol::OffsetFetchResponse::OffsetFetchResponseTopic rt;
          rt.name = t.name;
          for (int32_t partition : t.partition_indexes) {
            protocol::OffsetFetchResponse::OffsetFetchResponsePartition p;
            p.partition_index = partition;
            p.committed_offset = -1;
            p.metadata = "";
            p.error_code = e;
            rt.partitions.push_back(std::move(p));
          }
          g.topics.push_back(std::move(rt));
        }
      }
      return g;
    }
    return FetchGroupOffsets(group_id, topics);
  };
  if (version >= 8) {
    for (const auto& g : request.groups) response.groups.push_back(one(g.group_id, g.topics));
  } else {
    // v1 has no null topics (an empty list there means nothing requested).
    std::optional<std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>> topics =
        request.topics;
    if (version < 2 && !topics) topics.emplace();
    auto g = one(request.group_id, topics);
    response.topics = std::move(g.topics);
    response.error_code = g.error_code;
  }
  done(std::move(response));
}

// ---------------------------------------------------------------------------
// ListGroups, DescribeGroups, DeleteGroups

void GroupCoordinator::ListGroups(const protocol::ListGroupsRequest& request, int16_t version,
                                  ListGroupsCallback done) {
  protocol::ListGroupsResponse response;
  if (!active_) {
    response.error_code = ToWire(ErrorCode::kCoordinatorNotAvailable);
    return done(std::move(response));
  }
  for (const auto& [p, s] : partitions_) {
    if (s.loading) response.error_code = ToWire(ErrorCode::kCoordinatorLoadInProgress);
  }
  std::vector<std::string> ids;
  for (const auto& [id, g] : groups_) {
    if (g->Is(GroupState::kDead) || IsLoading(g->partition) || !Owns(g->partition)) continue;
    if (version >= 4 && !request.states_filter.empty()) {
      bool match = false;
      for (const std::string& s : request.states_filter) match |= EqualsIgnoreCase(s, StateName(g->state));
      if (!match) continue;
    }
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    const Group& g = *groups_.at(id);
    protocol::ListGroupsResponse::ListedGroup lg;
    lg.group_id = id;
    lg.protocol_type = g.protocol_type.value_or("");
    lg.group_state = std::string(StateName(g.state));
    response.groups.push_back(std::move(lg));
  }
  done(std::move(response));
}

void GroupCoordinator::DescribeGroups(const protocol::DescribeGroupsRequest& request,
                                      int16_t /*version*/, DescribeGroupsCallback done) {
  protocol::DescribeGroupsResponse response;
  for (const std::string& id : request.groups) {
    protocol::DescribeGroupsResponse::DescribedGroup d;
    d.group_id = id;
    if (int16_t e = ValidateGroup(id, true); e != kNone) {
      d.error_code = e;
      response.groups.push_back(std::move(d));
      continue;
    }
    const Group* g = GetGroup(id);
    if (g == nullptr) {
      d.group_state = "Dead";  // Kafka: unknown groups describe as Dead, no error
      response.groups.push_back(std::move(d));
      continue;
    }
    d.group_state = std::string(StateName(g->state));
    d.protocol_type = g->protocol_type.value_or("");
    bool stable = g->Is(GroupState::kStable);
    // Protocol, metadata and assignments only once Stable (Kafka's summary).
    if (stable) d.protocol_data = g->protocol_name.value_or("");
    for (const auto& m : g->members) {
      protocol::DescribeGroupsResponse::DescribedGroupMember dm;
      dm.member_id = m->member_id;
      dm.group_instance_id = m->group_instance_id;
      dm.client_id = m->client_id;
      dm.client_host = m->client_host;
      if (stable) {
        if (const std::string* md = m->MetadataFor(d.protocol_data)) dm.member_metadata = *md;
        dm.member_assignment = m->assignment;
      }
      d.members.push_back(std::move(dm));
    }
    response.groups.push_back(std::move(d));
  }
  done(std::move(response));
}

void GroupCoordinator::DeleteGroups(const std::vector<std::string>& group_ids,
                                    DeleteGroupsCallback done) {
  DeleteGroupsResult result;
  for (const std::string& id : group_ids) {
    if (int16_t e = ValidateGroup(id, true); e != kNone) {
      result.emplace_back(id, e);
      continue;
    }
    Group* g = GetGroup(id);
    if (g == nullptr || g->Is(GroupState::kDead)) {
      result.emplace_back(id, ToWire(ErrorCode::kGroupIdNotFound));
      continue;
    }
    if (!g->Is(GroupState::kEmpty)) {
      result.emplace_back(id, ToWire(ErrorCode::kNonEmptyGroup));
      continue;
    }
    // Tombstones for every offset and the group itself, then forget it.
    std::vector<StoreRecord> records;
    for (const auto& [tp, v] : g->offsets) {
      records.push_back(StoreRecord{EncodeOffsetKey(OffsetKey{id, tp.first, tp.second}), std::nullopt});
    }
    records.push_back(StoreRecord{EncodeGroupKey(GroupKey{id}), std::nullopt});
    g->TransitionTo(GroupState::kDead, Now());
    int32_t partition = g->partition;
    auto it = groups_.find(id);
    std::shared_ptr<Group> keep(std::move(it->second));  // outlive cancelled timers
    groups_.erase(it);
    if (keep->join_timer) keep->join_timer->cancel();
    boost::asio::post(io_, [keep] {});
    store_.Append(partition, std::move(records), [id](int16_t error) {
      if (error != kNone) {
        Log()->warn("group {}: writing deletion tombstones failed: {}", id, protocol::ErrorName(error));
      }
    });
    Log()->info("group {}: deleted", id);
    result.emplace_back(id, kNone);
  }
  done(std::move(result));
}

void GroupCoordinator::DeleteOffsets(const std::string& group_id,
                                     const std::vector<std::pair<std::string, int32_t>>& partitions,
                                     OffsetDeleteCallback done) {
  OffsetDeleteResult result;
  if (int16_t e = ValidateGroup(group_id, false); e != kNone) {
    result.error_code = e;
    return done(std::move(result));
  }
  Group* g = GetGroup(group_id);
  if (g == nullptr || g->Is(GroupState::kDead)) {
    result.error_code = ToWire(ErrorCode::kGroupIdNotFound);
    return done(std::move(result));
  }
  // Empty groups: everything may go. Active consumer groups: only topics no
  // member subscribes to. Other active groups: nothing (NON_EMPTY_GROUP).
  if (!g->Is(GroupState::kEmpty) && !(g->protocol_type && *g->protocol_type == "consumer" &&
                                      g->subscribed_topics)) {
    result.error_code = ToWire(ErrorCode::kNonEmptyGroup);
    return done(std::move(result));
  }
  std::vector<StoreRecord> records;
  for (const auto& tp : partitions) {
    if (!g->Is(GroupState::kEmpty) && g->subscribed_topics->count(tp.first) != 0) {
      result.partitions.emplace_back(tp, ToWire(ErrorCode::kGroupSubscribedToTopic));
      continue;
    }
    if (g->offsets.erase(tp) != 0) {
      records.push_back(StoreRecord{EncodeOffsetKey(OffsetKey{group_id, tp.first, tp.second}),
                                    std::nullopt});
    }
    result.partitions.emplace_back(tp, kNone);
  }
  if (!records.empty()) {
    store_.Append(g->partition, std::move(records), [group_id](int16_t error) {
      if (error != kNone) {
        Log()->warn("group {}: writing offset tombstones failed: {}", group_id,
                    protocol::ErrorName(error));
      }
    });
  }
  done(std::move(result));
}

void GroupCoordinator::ExpireOffsets(int64_t now_ms) {
  const int64_t retention = config_.offsets_retention_ms;
  std::vector<std::string> dead;
  std::map<int32_t, std::vector<StoreRecord>> tombstones;
  for (auto& [id, gp] : groups_) {
    Group& g = *gp;
    if (g.Is(GroupState::kDead) || IsLoading(g.partition) || !Owns(g.partition)) continue;
    // Which commit timestamp the retention counts from (Kafka's
    // removeExpiredOffsets): Empty groups with a protocol -> since the group
    // became Empty; groups without protocol type (simple consumers) -> since
    // the commit.
    // Active consumer groups: offsets of topics nobody subscribes to any
    // more, from the commit (KIP-496).
    bool empty_with_protocol = g.protocol_type.has_value() && g.Is(GroupState::kEmpty);
    bool simple = !g.protocol_type.has_value();
    bool consumer = !empty_with_protocol && !simple && g.subscribed_topics.has_value();
    if (!empty_with_protocol && !simple && !consumer) continue;
    std::vector<std::pair<std::string, int32_t>> expired;
    for (const auto& [tp, v] : g.offsets) {
      if (g.pending_commits.count(tp) != 0) continue;
      if (consumer && g.subscribed_topics->count(tp.first) != 0) continue;
      bool expire;
      if (v.expire_timestamp) {
        expire = now_ms >= *v.expire_timestamp;
      } else {
        int64_t base = empty_with_protocol && g.current_state_timestamp >= 0
                           ? g.current_state_timestamp
                           : v.commit_timestamp;
        expire = now_ms - base >= retention;
      }
      if (expire) expired.push_back(tp);
    }
    for (const auto& tp : expired) {
      g.offsets.erase(tp);
      tombstones[g.partition].push_back(
          StoreRecord{EncodeOffsetKey(OffsetKey{id, tp.first, tp.second}), std::nullopt});
    }
    if (!expired.empty()) {
      Log()->info("group {}: expired {} offsets", id, expired.size());
    }
    if (g.Is(GroupState::kEmpty) && g.offsets.empty() && g.pending_commits.empty()) {
      g.TransitionTo(GroupState::kDead, now_ms);
      tombstones[g.partition].push_back(StoreRecord{EncodeGroupKey(GroupKey{id}), std::nullopt});
      dead.push_back(id);
    }
  }
  for (const std::string& id : dead) {
    auto it = groups_.find(id);
    std::shared_ptr<Group> keep(std::move(it->second));
    groups_.erase(it);
    if (keep->join_timer) keep->join_timer->cancel();
    boost::asio::post(io_, [keep] {});
  }
  for (auto& [partition, records] : tombstones) {
    store_.Append(partition, std::move(records), [partition](int16_t error) {
      if (error != kNone) {
        Log()->warn("__consumer_offsets-{}: writing expiry tombstones failed: {}", partition,
                    protocol::ErrorName(error));
      }
    });
  }
}

}  // namespace kafka::group
