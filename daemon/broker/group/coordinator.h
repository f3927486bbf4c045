// GroupCoordinator: Kafka's classic consumer-group coordinator (the
// GroupCoordinator / GroupMetadataManager pair) for the groups whose
// __consumer_offsets partitions this broker leads.
//
// Threading: everything — request methods, timers, GroupStore callbacks — runs
// on the one io_context thread the broker handles requests on; no locks.
// Requests come in as decoded structs plus the request version, answers go out
// through a completion callback: JoinGroup and SyncGroup answer later (when the
// rebalance completes / the leader's assignment is stored), OffsetCommit after
// the store append completes, the rest immediately (inside the call).
// Callbacks must not call back into the coordinator synchronously.
//
// Lifecycle of a __consumer_offsets partition: OnBecomeCoordinator(p) starts a
// load through GroupStore::Load (COORDINATOR_LOAD_IN_PROGRESS until it ends);
// OnResign(p) drops its groups, answering waiting members NOT_COORDINATOR.
// Groups on partitions we do not own get NOT_COORDINATOR.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/protocol/messages/describe_groups.h"
#include "common/protocol/messages/heartbeat.h"
#include "common/protocol/messages/join_group.h"
#include "common/protocol/messages/leave_group.h"
#include "common/protocol/messages/list_groups.h"
#include "common/protocol/messages/offset_commit.h"
#include "common/protocol/messages/offset_fetch.h"
#include "common/protocol/messages/sync_group.h"
#include "daemon/broker/group/group_metadata.h"
#include "daemon/broker/group/group_store.h"

namespace kafka::group {

struct GroupConfig {
  int32_t offsets_topic_num_partitions = 50;    // offsets.topic.num.partitions
  int32_t group_min_session_timeout_ms = 6000;  // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_initial_rebalance_delay_ms = 3000;  // group.initial.rebalance.delay.ms
  int32_t group_max_size = 0x7fffffff;              // group.max.size
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;  // offsets.retention.minutes
  int32_t offset_metadata_max_bytes = 4096;               // offset.metadata.max.bytes
  // How long a new member may wait in a join before it is dropped (Kafka's
  // GroupCoordinator.NewMemberJoinTimeoutMs, 5 minutes).
  int32_t new_member_join_timeout_ms = 300000;
  // Wall clock in ms (commit timestamps, state timestamps); tests replace it.
  std::function<int64_t()> clock;
};

// Who sent the request (JoinGroup records it; DescribeGroups shows it).
struct ClientInfo {
  std::string client_id;
  std::string client_host;  // Kafka shows "/<ip>"
};

class GroupCoordinator {
 public:
  using JoinGroupCallback = std::function<void(protocol::JoinGroupResponse)>;
  using SyncGroupCallback = std::function<void(protocol::SyncGroupResponse)>;
  using HeartbeatCallback = std::function<void(protocol::HeartbeatResponse)>;
  using LeaveGroupCallback = std::function<void(protocol::LeaveGroupResponse)>;
  using OffsetCommitCallback = std::function<void(protocol::OffsetCommitResponse)>;
  using OffsetFetchCallback = std::function<void(protocol::OffsetFetchResponse)>;
  using ListGroupsCallback = std::function<void(protocol::ListGroupsResponse)>;
  using DescribeGroupsCallback = std::function<void(protocol::DescribeGroupsResponse)>;
  // DeleteGroups (key 42) has no message struct in //common/protocol yet: per
  // group (group id, error code), in request order.
  using DeleteGroupsResult = std::vector<std::pair<std::string, int16_t>>;
  using DeleteGroupsCallback = std::function<void(DeleteGroupsResult)>;

  GroupCoordinator(boost::asio::io_context& io, GroupStore& store, GroupConfig config);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // The __consumer_offsets partition that owns group_id.
  int32_t PartitionFor(std::string_view group_id) const;

  // Idempotent: a partition already owned (loaded or loading) is left alone.
  void OnBecomeCoordinator(int32_t partition);
  void OnResign(int32_t partition);
  bool IsLoading(int32_t partition) const;
  bool Owns(int32_t partition) const;

  void JoinGroup(const protocol::JoinGroupRequest& request, int16_t version,
                 const ClientInfo& client, JoinGroupCallback done);
  void SyncGroup(const protocol::SyncGroupRequest& request, int16_t version,
                 SyncGroupCallback done);
  void Heartbeat(const protocol::HeartbeatRequest& request, int16_t version,
                 HeartbeatCallback done);
  void LeaveGroup(const protocol::LeaveGroupRequest& request, int16_t version,
                  LeaveGroupCallback done);
  void OffsetCommit(const protocol::OffsetCommitRequest& request, int16_t version,
                    OffsetCommitCallback done);
  void OffsetFetch(const protocol::OffsetFetchRequest& request, int16_t version,
                   OffsetFetchCallback done);
  void ListGroups(const protocol::ListGroupsRequest& request, int16_t version,
                  ListGroupsCallback done);
  void DescribeGroups(const protocol::DescribeGroupsRequest& request, int16_t version,
                      DescribeGroupsCallback done);
  void DeleteGroups(const std::vector<std::string>& group_ids, DeleteGroupsCallback done);
  // OffsetDelete (key 47) has no message struct yet either: deletes committed
  // offsets of an Empty group, or of topics an active consumer group is not
  // subscribed to (GROUP_SUBSCRIBED_TO_TOPIC for the others). Top-level error
  // plus one error per requested (topic, partition), in request order.
  struct OffsetDeleteResult {
    int16_t error_code = 0;
    std::vector<std::pair<std::pair<std::string, int32_t>, int16_t>> partitions;
  };
  using OffsetDeleteCallback = std::function<void(OffsetDeleteResult)>;
  void DeleteOffsets(const std::string& group_id,
                     const std::vector<std::pair<std::string, int32_t>>& partitions,
                     OffsetDeleteCallback done);

  // Drops offsets older than offsets.retention (Kafka's rules: for Empty
  // groups counted from when the group became Empty; for groups without a
  // protocol type from the commit; explicit expire timestamps win) and deletes
  // Empty groups left without offsets, writing tombstones. The broker calls
  // it periodically (offsets.retention.check.interval.ms, default 10 min).
  void ExpireOffsets(int64_t now_ms);

  // Broker shutdown: answers every waiting member NOT_COORDINATOR, cancels
  // timers; later calls answer COORDINATOR_NOT_AVAILABLE.
  void Shutdown();

  // Introspection for tests and tools.
  std::optional<GroupState> StateOf(const std::string& group_id) const;
  const Group* FindGroup(const std::string& group_id) const;

 private:
  struct PartitionState {
    bool loading = true;
    uint64_t epoch = 0;
  };

  int64_t Now() const;
  std::string NewMemberId(const std::string& client_id);
  // NONE, INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
  // COORDINATOR_NOT_AVAILABLE.
  int16_t ValidateGroup(const std::string& group_id, bool allow_empty_id) const;
  Group* GetGroup(const std::string& group_id) const;
  Group& GetOrCreateGroup(const std::string& group_id);

  // Join paths (Kafka's doUnknownJoinGroup / doJoinGroup).
  struct JoinArgs {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ClientInfo client;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::string protocol_type;
    std::vector<std::pair<std::string, std::string>> protocols;
    bool require_known_member_id = false;
  };
  bool AcceptJoiningMember(const Group& group, const std::string& member_id) const;
  void UnknownMemberJoin(Group& group, JoinArgs args, JoinGroupCallback done);
  void KnownMemberJoin(Group& group, JoinArgs args, JoinGroupCallback done);
  void AddMemberAndRebalance(Group& group, const std::string& member_id, JoinArgs& args,
                             JoinGroupCallback done);
  void UpdateStaticMemberAndRebalance(Group& group, const std::string& new_member_id,
                                      JoinArgs& args, JoinGroupCallback done);
  void UpdateMemberAndRebalance(Group& group, Member& member, JoinArgs& args,
                                JoinGroupCallback done);

  void MaybePrepareRebalance(Group& group);
  void PrepareRebalance(Group& group);
  void TryCompleteJoin(Group& group);
  void CompleteJoin(Group& group);
  void StartJoinTimer(Group& group, int32_t delay_ms);
  void OnJoinTimer(Group& group);
  void StartSyncTimer(Group& group);
  void RemovePendingSync(Group& group, const std::string& member_id);
  void ClearPendingSync(Group& group);

  void ScheduleSession(Group& group, Member& member, int32_t timeout_ms);
  void OnSessionExpired(const std::string& group_id, const std::string& member_id,
                        uint64_t epoch);
  void AddPendingMember(Group& group, const std::string& member_id, int32_t session_timeout_ms);
  void RemovePendingMember(Group& group, const std::string& member_id);
  void RemoveMemberAndUpdateGroup(Group& group, const std::string& member_id);

  void SetAndPropagateAssignment(Group& group, const std::map<std::string, std::string>& assignment);
  void ResetAndPropagateAssignmentError(Group& group, int16_t error);
  protocol::JoinGroupResponse JoinResultFor(const Group& group, const Member& member) const;

  // Persistence.
  GroupValue GroupRecord(const Group& group) const;
  void StoreGroup(Group& group, std::function<void(int16_t)> done);
  void FinishLoad(int32_t partition, uint64_t epoch, int16_t error,
                  std::vector<LoadedRecord> records);
  void UnloadGroup(Group& group);
  void DoCommit(Group& group, const protocol::OffsetCommitRequest& request, int16_t version,
                OffsetCommitCallback done);
  protocol::OffsetFetchResponse::OffsetFetchResponseGroup FetchGroupOffsets(
      const std::string& group_id,
      const std::optional<std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>>&
          topics);

  boost::asio::io_context& io_;
  GroupStore& store_;
  GroupConfig config_;
  bool active_ = true;
  std::map<int32_t, PartitionState> partitions_;
  uint64_t next_load_epoch_ = 1;
  std::unordered_map<std::string, std::unique_ptr<Group>> groups_;
  std::mt19937_64 rng_;
  // Store callbacks may outlive the coordinator (broker shutdown with appends
  // in flight): they hold a weak reference and touch nothing once it expired.
  std::shared_ptr<int> life_ = std::make_shared<int>(0);
};

}  // namespace kafka::group
