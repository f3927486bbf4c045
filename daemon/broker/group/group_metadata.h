// In-memory state of one consumer group and its members, and the pure rules
// Kafka's GroupMetadata applies to it: join order and leader choice, protocol
// votes and selection, which members have rejoined. Timers and responses live
// in GroupCoordinator; nothing here does I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "common/protocol/messages/join_group.h"
#include "common/protocol/messages/sync_group.h"
#include "daemon/broker/group/records.h"

namespace kafka::group {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// Kafka's names ("Empty", "PreparingRebalance", ...), as DescribeGroups and
// ListGroups report them.
std::string_view StateName(GroupState state);

using JoinCallback = std::function<void(protocol::JoinGroupResponse)>;
using SyncCallback = std::function<void(protocol::SyncGroupResponse)>;

struct Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type;
  // (name, metadata) in the member's order of preference.
  std::vector<std::pair<std::string, std::string>> protocols;
  std::string assignment;

  JoinCallback awaiting_join;  // set while the member waits for the join to complete
  SyncCallback awaiting_sync;  // set while the member waits for the leader's assignment
  bool is_new = false;         // joined in this rebalance, no join response yet

  std::unique_ptr<boost::asio::steady_timer> session_timer;
  uint64_t session_epoch = 0;  // bumps on every reschedule; stale expiries are ignored

  bool IsStatic() const { return group_instance_id.has_value(); }
  const std::string* MetadataFor(std::string_view protocol) const;
  bool Matches(const std::vector<std::pair<std::string, std::string>>& other) const {
    return protocols == other;
  }
};

struct Group {
  std::string group_id;
  int32_t partition = 0;
  GroupState state = GroupState::kEmpty;
  int64_t current_state_timestamp = -1;  // wall-clock ms of the last transition
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader_id;
  int32_t generation_id = 0;

  std::vector<std::unique_ptr<Member>> members;  // join order
  std::map<std::string, std::string> static_members;  // instance id -> member id
  // KIP-394: ids handed out with MEMBER_ID_REQUIRED, waiting for the second join.
  std::map<std::string, std::unique_ptr<boost::asio::steady_timer>> pending_members;
  std::map<std::string, int> protocol_votes;  // protocol -> members supporting it
  int num_awaiting_join = 0;
  bool new_member_added = false;

  // The rebalance timer (DelayedJoin / InitialDelayedJoin).
  std::unique_ptr<boost::asio::steady_timer> join_timer;
  uint64_t join_epoch = 0;
  bool initial_delay_active = false;
  int32_t initial_delay_remaining_ms = 0;

  // Members of the current generation that have not sent SyncGroup yet, and
  // the timer (rebalance timeout) after which they are removed (DelayedSync).
  std::set<std::string> pending_sync;
  std::unique_ptr<boost::asio::steady_timer> sync_timer;
  uint64_t sync_epoch = 0;

  // Topics the members subscribe to, for protocol type "consumer" (parsed from
  // the ConsumerProtocol subscription prefix); nullopt when unknown.
  std::optional<std::set<std::string>> subscribed_topics;

  // Committed offsets (topic, partition) -> value.
  std::map<std::pair<std::string, int32_t>, OffsetValue> offsets;
  // Commits appended but not yet acknowledged, per partition (count).
  std::map<std::pair<std::string, int32_t>, int> pending_commits;

  bool Is(GroupState s) const { return state == s; }
  bool Empty() const { return members.empty(); }
  Member* Find(std::string_view member_id) const;
  bool Has(std::string_view member_id) const { return Find(member_id) != nullptr; }
  bool IsLeader(std::string_view member_id) const { return leader_id && *leader_id == member_id; }
  bool IsPending(const std::string& member_id) const {
    return pending_members.count(member_id) != 0;
  }
  std::optional<std::string> StaticMemberId(const std::optional<std::string>& instance) const;
  // A static member joined under another member id (FENCED_INSTANCE_ID).
  bool IsStaticMemberFenced(const std::string& member_id,
                            const std::optional<std::string>& instance) const;

  // Adds a member; the first member fixes the protocol type and becomes leader.
  void Add(std::unique_ptr<Member> member, JoinCallback callback);
  // Removes a member (leader moves to the next member in join order).
  std::unique_ptr<Member> Remove(std::string_view member_id);
  void UpdateMember(Member& member, std::vector<std::pair<std::string, std::string>> protocols,
                    JoinCallback callback);
  // Hands a static member's slot to a new member id; returns the member.
  Member* ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                              const std::string& new_id);

  // Whether a joining member's protocols are compatible with the group.
  bool SupportsProtocols(const std::string& type,
                         const std::vector<std::pair<std::string, std::string>>& protocols) const;
  // Protocols every member supports, each member voting for its first choice.
  std::string SelectProtocol() const;
  bool HasAllMembersJoined() const {
    return static_cast<int>(members.size()) == num_awaiting_join && pending_members.empty();
  }
  int32_t RebalanceTimeoutMs() const;
  // If the leader did not rejoin, picks the first member that did. False when
  // no member rejoined.
  bool MaybeElectNewJoinedLeader();
  void TransitionTo(GroupState s, int64_t now_ms) {
    state = s;
    current_state_timestamp = now_ms;
  }
  // Moves to the next generation: CompletingRebalance with the selected
  // protocol, or Empty when no members are left.
  void InitNextGeneration(int64_t now_ms);
  // Kafka's computeSubscribedTopics (KIP-496), refreshed per generation.
  void ComputeSubscribedTopics();
};

// Topics of a ConsumerProtocol subscription (version INT16, then the v0
// prefix every version shares: topics ARRAY[STRING]); nullopt if unparseable.
std::optional<std::vector<std::string>> SubscriptionTopics(std::string_view metadata);

}  // namespace kafka::group
