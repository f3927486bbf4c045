// ReplicaManager: the partitions this broker hosts (a PartitionLog each, through
// the LogManager) and their replication roles.
//
// Roles come from ApplyLeaderAndIsr (the controller's LeaderAndIsr):
// * leader: records its leader epoch in the epoch cache at its log end offset,
//   keeps the checkpointed high watermark, tracks each follower's LEO from its
//   Fetch requests (OnFollowerFetch), advances HW = min LEO over the ISR, shrinks
//   the ISR after replica.lag.time.max.ms without catching up (checked on a
//   timer) and expands it when a follower reaches the HW and the start of the
//   current epoch. ISR changes are conditional ZooKeeper writes (IsrStore); a
//   lost condition whose re-read shows another leader or epoch "fences" the
//   partition: no more appends or acknowledgements until the next LeaderAndIsr.
// * follower: no produce; a Fetcher per source broker truncates by leader epoch
//   and then copies the leader's log (replication/fetcher.h).
// Waiting Fetch requests (purgatory) wake on appends and HW moves; acks=all
// Produce waits in the ProducePurgatory until the HW passes its batches.
// Nothing blocks: timers and callbacks on the io thread.
// Lifecycle: one per broker; Configure() before serving; Shutdown() stops fetchers
// and timers, flushes and writes the clean markers.
// Thread safety: none; io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/log_manager.h"
#include "common/log/partition_log.h"
#include "common/protocol/error_code.h"
#include "common/util/status.h"
#include "daemon/broker/replication/fetcher.h"
#include "daemon/broker/replication/isr.h"
#include "daemon/broker/replication/isr_store.h"
#include "daemon/broker/replication/produce_purgatory.h"

namespace kafka::broker {

// One partition's state as the controller (or ZooKeeper) states it.
struct PartitionRole {
  int32_t controller_epoch = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  int32_t zk_version = 0;
  std::vector<int32_t> replicas;
};

struct ReplicationOptions {
  int32_t broker_id = -1;
  int64_t replica_lag_time_max_ms = 30000;
  replication::FetcherOptions fetcher;
};

class ReplicaManager {
 public:
  enum class Role { kNone, kLeader, kFollower };

  // Makes a transport to `broker_id` for its Fetcher.
  using TransportFactory =
      std::function<std::unique_ptr<replication::FetcherTransport>(int32_t broker_id)>;
  // Told after this leader changed a partition's ISR in ZooKeeper (cache update).
  using IsrListener = std::function<void(const log::TopicPartition&, const PartitionRole&)>;

  ReplicaManager(boost::asio::io_context& io, std::unique_ptr<log::LogManager> logs);
  ~ReplicaManager();

  // Replication wiring (the broker calls it once, before serving). Without it the
  // manager has no fetchers and writes no ISR changes (unit tests of others).
  void Configure(ReplicationOptions options, std::unique_ptr<replication::IsrStore> isr_store,
                 TransportFactory transports, IsrListener isr_listener);

  // Makes sure the partition has a local log with `config`. With `leader` the
  // partition becomes a leader with this broker as its only replica (tests and
  // single-broker use); otherwise its role is left alone.
  util::Status EnsurePartition(const log::TopicPartition& tp, const log::LogConfig& config,
                               bool leader, int32_t leader_epoch);

  // Become leader / follower / neither (not in `role.replicas`) for `tp`.
  // Idempotent for the same leader epoch; an older epoch is FENCED_LEADER_EPOCH.
  protocol::ErrorCode ApplyLeaderAndIsr(const log::TopicPartition& tp,
                                        const log::LogConfig& config, const PartitionRole& role);
  // Kafka's ReplicaManager.controllerEpoch: false (STALE_CONTROLLER_EPOCH) when
  // `epoch` is older than the newest seen in LeaderAndIsr/StopReplica; else noted.
  bool AcceptControllerEpoch(int32_t epoch) {
    if (epoch < controller_epoch_) return false;
    controller_epoch_ = epoch;
    return true;
  }
  // StopReplica: stop fetching, forget the role, delete the log if asked.
  protocol::ErrorCode StopReplica(const log::TopicPartition& tp, int32_t leader_epoch,
                                  bool delete_partition);

  // Deletes every local log of `topic` and wakes its waiting fetches.
  void DeleteTopic(const std::string& topic);
  // Partitions on disk (for start-up cleanup of deleted topics).
  std::vector<log::TopicPartition> LocalPartitions() const { return logs_->Partitions(); }
  void DeletePartition(const log::TopicPartition& tp);

  log::PartitionLog* Get(const log::TopicPartition& tp) const { return logs_->Get(tp); }
  Role RoleOf(const log::TopicPartition& tp) const;
  // The partition's state as this broker applied it (nullopt: no role).
  std::optional<PartitionRole> StateOf(const log::TopicPartition& tp) const;

  // Whether this broker may serve `tp` as leader to a client that believes the
  // leader epoch is `current_leader_epoch` (-1: unknown): NONE,
  // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH (client's is older) or
  // UNKNOWN_LEADER_EPOCH (client's is newer), as KIP-320.
  protocol::ErrorCode CheckLeader(const log::TopicPartition& tp,
                                  int32_t current_leader_epoch = -1) const;
  // The leader's current epoch (-1 when not leader).
  int32_t LeaderEpoch(const log::TopicPartition& tp) const;
  // ISR size for min.insync.replicas (0 when not leader).
  size_t IsrSize(const log::TopicPartition& tp) const;

  // Leader append (stamps offsets and epoch in place). Aborted when this broker
  // is not (or no longer) the unfenced leader at `leader_epoch`.
  util::Result<log::AppendInfo> AppendAsLeader(const log::TopicPartition& tp,
                                               std::span<char> records, int32_t leader_epoch);

  // Leader side of a follower's Fetch: validates role and epoch, records the
  // follower's LEO (= fetch_offset), advances the HW and may expand the ISR.
  protocol::ErrorCode OnFollowerFetch(const log::TopicPartition& tp, int32_t replica_id,
                                      int32_t current_leader_epoch, int64_t fetch_offset);

  // Follower long-poll: whether `replica` has not been told the leader's current HW
  // yet (its fetch then answers at once), and recording what it was told.
  bool FollowerHwStale(const log::TopicPartition& tp, int32_t replica) const;
  void NoteHwSent(const log::TopicPartition& tp, int32_t replica, int64_t hw);

  // acks=-1: `done` gets one code per entry once the HW passed each partition's
  // last appended offset (replication/produce_purgatory.h for the codes).
  struct ReplicationWait {
    log::TopicPartition tp;
    int64_t last_offset = -1;
    int32_t min_isr = 1;
  };
  void WaitForReplication(std::vector<ReplicationWait> appended,
                          std::chrono::steady_clock::time_point deadline,
                          std::function<void(std::vector<protocol::ErrorCode>)> done);
  // The older form (offsets store): timed_out = any partition failed.
  void WaitForReplication(const std::vector<std::pair<log::TopicPartition, int64_t>>& appended,
                          std::chrono::steady_clock::time_point deadline,
                          std::function<void(bool timed_out)> done);

  // Fetch purgatory. `wake` runs (posted, never inline) when one of `partitions`
  // gets an append, a HW move or is deleted (timed_out = false), or at `deadline`
  // (true). Returns an id for Cancel.
  uint64_t WaitForData(uint64_t connection_id, std::set<log::TopicPartition> partitions,
                       std::chrono::steady_clock::time_point deadline,
                       std::function<void(bool timed_out)> wake);
  // Drops the waits of a closed connection (their callbacks never run).
  void CancelConnection(uint64_t connection_id);
  void CancelAllWaits();

  // Periodic housekeeping (retention, flush policy, checkpoints); call on a timer.
  void RunRetention(int64_t now_ms) { logs_->RunRetention(now_ms); }
  void Checkpoint();
  void MaybeFlush(int64_t now_ms);
  // Stops fetchers and timers (graceful stop, before io.run() returns).
  void StopReplication();
  // Clean shutdown of the logs.
  util::Status Shutdown();

 private:
  struct Partition {
    Role role = Role::kNone;
    PartitionRole state;
    int64_t epoch_start_offset = 0;  // leader: LEO when this epoch began
    std::map<int32_t, replication::FollowerState> followers;
    bool isr_write_in_flight = false;
    bool fenced = false;  // lost a conditional ISR write to a newer state
  };
  struct Waiter {
    uint64_t id = 0;
    uint64_t connection_id = 0;
    std::set<log::TopicPartition> partitions;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::function<void(bool)> wake;
  };

  Partition* Find(const log::TopicPartition& tp);
  const Partition* Find(const log::TopicPartition& tp) const;
  void BecomeLeader(const log::TopicPartition& tp, Partition& p, log::PartitionLog& plog);
  void BecomeFollower(const log::TopicPartition& tp, Partition& p);
  void StopFetching(const log::TopicPartition& tp);
  // Recomputes the leader's HW; on a move wakes fetches and acks=all waits.
  void MaybeAdvanceHighWatermark(const log::TopicPartition& tp, Partition& p);
  void ScheduleIsrCheck();
  void CheckIsr();
  void MaybeExpandIsr(const log::TopicPartition& tp, Partition& p, int32_t replica_id);
  void WriteIsr(const log::TopicPartition& tp, std::vector<int32_t> new_isr);
  void OnIsrWriteFailed(const log::TopicPartition& tp, int32_t leader_epoch);
  replication::ProducePurgatory::PartitionStatus ReplicationStatus(
      const log::TopicPartition& tp) const;
  void OnFollowerProgress(const log::TopicPartition& tp);

  void Wake(const log::TopicPartition& tp);
  void WakeTopic(const std::string& topic);
  void Fire(uint64_t id, bool timed_out);

  boost::asio::io_context& io_;
  std::unique_ptr<log::LogManager> logs_;
  ReplicationOptions options_;
  std::unique_ptr<replication::IsrStore> isr_store_;
  TransportFactory transports_;
  IsrListener isr_listener_;
  std::map<log::TopicPartition, Partition> partitions_;
  std::map<int32_t, std::unique_ptr<replication::Fetcher>> fetchers_;
  replication::ProducePurgatory produce_waits_;
  boost::asio::steady_timer isr_timer_;
  uint64_t next_waiter_id_ = 1;
  std::map<uint64_t, Waiter> waiters_;
  int32_t controller_epoch_ = 0;
  bool configured_ = false;
  bool stopped_ = false;
  bool shut_down_ = false;
};

}  // namespace kafka::broker
