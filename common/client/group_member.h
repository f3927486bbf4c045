// GroupMember: one consumer in a Kafka consumer group (classic eager protocol,
// protocol type "consumer").
//
// Join() finds the coordinator, joins (answering MEMBER_ID_REQUIRED with the
// returned id), and syncs; the leader computes the assignment with the agreed
// assignor (range or roundrobin) over fresh metadata. A background thread
// heartbeats on its own connection every heartbeat interval and raises
// NeedsRejoin() when the coordinator says the group is rebalancing or forgot
// us; the caller then commits what it has processed and calls Join() again.
// Commit() commits next-offsets with the current generation. Leave() stops the
// heartbeats and sends LeaveGroup. The caller's thread does everything else,
// so Client stays single-threaded.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/client/client.h"
#include "common/client/consumer_protocol.h"
#include "common/client/group.h"

namespace kafka::client {

struct GroupOptions {
  std::string group_id;
  std::vector<std::string> topics;
  std::vector<std::string> assignors = {"range", "roundrobin"};
  Ms session_timeout{45000};
  Ms rebalance_timeout{300000};  // max.poll.interval.ms
  Ms heartbeat_interval{3000};
};

class GroupMember {
 public:
  GroupMember(Client* client, GroupOptions opts);
  ~GroupMember();
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  // (Re)joins and syncs, within `timeout`. On success assignment() holds this
  // member's partitions and heartbeats run.
  util::Status Join(Ms timeout);
  const TopicPartitions& assignment() const { return assignment_; }
  bool NeedsRejoin() const { return rejoin_.load(); }

  // Committed offsets of the assigned partitions (absent: none committed).
  util::Result<TopicOffsets> FetchCommitted(Ms timeout);
  // Commits with the current generation. Fails on any partition error (the
  // error is also why a rejoin is needed, which NeedsRejoin() then reports).
  util::Status Commit(const TopicOffsets& offsets, Ms timeout);
  // Stops heartbeats and leaves the group (best effort).
  void Leave();

  const std::string& member_id() const { return member_id_; }
  int32_t generation() const { return generation_; }
  bool is_leader() const { return is_leader_; }
  const std::string& protocol_name() const { return protocol_; }

 private:
  util::Status EnsureCoordinator(Ms timeout);
  util::Status JoinOnce(Ms timeout, bool* retry);
  util::Result<std::string> LeaderAssign(const std::vector<protocol::JoinGroupResponse::JoinGroupResponseMember>& members);
  void StartHeartbeats();
  void StopHeartbeats();
  void HeartbeatLoop(std::string member_id, int32_t generation);
  void ResetCoordinator();

  Client* client_;
  GroupOptions opts_;
  std::unique_ptr<Connection> coordinator_;
  BrokerAddress coordinator_addr_;
  std::string member_id_;
  int32_t generation_ = -1;
  bool is_leader_ = false;
  std::string protocol_;
  TopicPartitions assignment_;
  std::atomic<bool> rejoin_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  bool hb_stop_ = false;
  std::thread hb_thread_;
};

}  // namespace kafka::client
