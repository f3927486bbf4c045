// QuorumPeer: ensemble mode for ZkServer (leader election, Zab-style
// leader/follower broadcast, request forwarding). See DESIGN.md.
//
// Everything runs on the server's io thread. The peer reaches into the
// server's internals (it is a friend) at the points the QuorumHooks interface
// names; the standalone server never creates one.
//
// Scope: election over the election port, epoch agreement, sync by DIFF (the
// follower's log is a prefix of our recent history), TRUNC + DIFF (it has a
// tail we do not) or SNAP (our history does not reach back), PROPOSAL/ACK/
// COMMIT, forwarding of writes, connects and sync from followers, PING with
// session touches, syncLimit/initLimit timeouts, read-only mode while LOOKING.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/zookeeper/quorum/ack_tracker.h"
#include "daemon/zookeeper/quorum/election.h"
#include "daemon/zookeeper/quorum/packets.h"
#include "daemon/zookeeper/server.h"

namespace zkserver::quorum {

class Link;

class QuorumPeer : public QuorumHooks {
 public:
  explicit QuorumPeer(ZkServer* server);
  ~QuorumPeer() override;

  util::Status Start() override;
  void OnLocalDurable(int64_t zxid) override;
  void OnFlushed(int64_t first_zxid, int64_t last_zxid, const std::string& records) override;
  Route RouteFrame(Connection& c, std::string_view frame) override;
  void ProxySend(Connection& c, std::string frame, int64_t zxid) override;
  bool leading() const override { return state_ == PeerState::kLeading && established_; }
  std::string Mode() const override;
  void MntrLines(std::string* out) const override;

 private:
  enum class FollowerPhase { kInfo, kAckEpoch, kNewLeaderAck, kSynced };
  struct Follower {
    int64_t sid = 0;
    std::shared_ptr<Link> link;
    FollowerPhase phase = FollowerPhase::kInfo;
    int64_t accepted_epoch = 0;
    int64_t last_zxid = 0;  // from ACKEPOCH
    int64_t last_heard_ms = 0;
    bool receives_proposals = false;
  };

  // Election.
  void StartLooking(const char* why);
  void OnNotification(const Notification& n);
  void ElectionTimer();
  void Broadcast();
  Notification MyState() const;
  void ConnectElection(int64_t sid);
  void AcceptElection();
  void AcceptQuorum();
  bool AllowedPeer(int64_t sid, const std::string& ip) const;
  void BecomeLeader();
  void BecomeFollower(const Vote& leader);

  // Leader.
  void OnFollowerPacket(int64_t sid, const QuorumPacket& p);
  void DropFollower(int64_t sid, const char* why);
  void SendSnapAndNewLeader(Follower& f);
  void MaybeEstablish();
  void LeaderTick();
  void HandleForwarded(int64_t sid, const QuorumPacket& p);
  void SendToSynced(const QuorumPacket& p);

  // Follower.
  void ConnectLeader();
  void OnLeaderPacket(const QuorumPacket& p);
  void FollowerTick();
  void InstallSnapshot(std::string_view bytes);
  // Publishes the static membership in /zookeeper/config, as ZooKeeper's
  // quorum peers do ("server.N=host:quorum:election:role" lines, "version=0").
  void PublishConfig();
  // Applies one committed txn's watch events; on a connection they go before
  // held output at or after this zxid (the writer's own reply), as ZooKeeper
  // sends a write's events before its reply.
  void DispatchCommittedEvents(const std::vector<WatchEvent>& events, int64_t zxid);
  void ApplyCommitted(int64_t zxid);
  void OnForwardReply(const QuorumPacket& p);
  // Runs a connection's deferred requests that may now go ahead.
  void DrainDeferred(uint64_t conn_id);

  // State shared by both roles.
  void HandleDurable(int64_t zxid);
  void MaybeAckNewLeader();
  void RecordHistory(const std::string& records);
  void ResetHistory(int64_t base);
  void CloseClients();
  void ResetLog(int64_t snap_zxid, const std::string& snap_bytes);
  // Replaces the server's SyncProcessor (after the log files changed under it).
  void RestartLogThread();
  // Follower sync by TRUNC: drops the log after `zxid` and rebuilds the tree
  // from disk. False if that history is gone (local state is then dropped).
  bool TruncateTo(int64_t zxid);
  int64_t LastLoggedZxid() const;
  util::Status SaveEpoch(const char* name, int64_t epoch);
  int64_t LoadEpoch(const char* name) const;
  int64_t NowMs() const;

  ZkServer* server_;
  const ServerConfig& config_;
  int64_t my_sid_;
  std::set<int64_t> voters_;
  std::map<int64_t, std::string> peer_ip_;  // sid -> configured address
  boost::asio::ip::tcp::acceptor election_acceptor_;
  boost::asio::ip::tcp::acceptor quorum_acceptor_;
  boost::asio::steady_timer timer_;
  std::map<int64_t, std::shared_ptr<Link>> election_out_;  // our outgoing links
  std::vector<std::shared_ptr<Link>> election_in_;

  PeerState state_ = PeerState::kLooking;
  ElectionState election_;
  Vote leader_vote_;
  std::optional<Vote> pending_decision_;
  int64_t decision_since_ms_ = 0;
  int64_t phase_start_ms_ = 0;
  int64_t looking_since_ms_ = 0;  // read-only mode starts after a while of LOOKING
  int64_t accepted_epoch_ = 0;
  int64_t current_epoch_ = 0;
  uint64_t generation_ = 0;      // bumped on every role change; stale callbacks check it
  uint64_t log_generation_ = 0;  // bumped when a SNAP replaces the log
  int64_t last_notify_ms_ = 0;
  bool established_ = false;

  // Leader.
  std::map<int64_t, Follower> followers_;
  std::unique_ptr<AckTracker> acks_;
  int64_t new_epoch_ = 0;
  std::map<std::pair<int64_t, int64_t>, std::shared_ptr<Connection>> proxies_;
  int64_t last_ping_ms_ = 0;

  // Proposals logged since history_base_ (both roles), for DIFF syncs.
  std::deque<std::pair<int64_t, std::string>> history_;
  int64_t history_base_ = 0;

  // Follower.
  std::shared_ptr<Link> leader_link_;
  int64_t follower_durable_ = 0;
  bool newleader_ack_pending_ = false;
  bool got_leader_info_ = false;  // the leader accepted us (epoch agreement began)
  bool serving_ = false;
  int64_t last_leader_ms_ = 0;
  std::deque<Txn> pending_;  // logged proposals awaiting COMMIT, in zxid order
  std::set<uint64_t> pending_connects_;  // connection ids waiting for a session
  struct ConnState {
    int outstanding = 0;       // forwarded requests without a reply yet
    int64_t wait_zxid = 0;     // local reads wait until this is applied here
    std::deque<std::string> deferred;  // frames held back to keep FIFO order
  };
  std::map<uint64_t, ConnState> conn_state_;
  bool draining_ = false;
  // Session -> expiry deadline last reported to the leader in a PING answer;
  // a session is reported again only after a client frame moved it (so the
  // leader expires a session whose client went silent on a live connection).
  std::map<int64_t, int64_t> reported_deadline_;
};

}  // namespace zkserver::quorum
