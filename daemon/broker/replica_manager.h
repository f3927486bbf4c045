// ReplicaManager: the partitions this broker hosts (a PartitionLog each, through
// the LogManager), leader appends, reads for consumers, and the "purgatory" of
// Fetch requests waiting for data.
//
// This issue has no replication: a follower only creates its (empty) log, and the
// high watermark of a leader is its log end offset. The acks=-1 hook
// (WaitForReplication) completes at once; a later issue makes it wait for followers.
// Waiting fetches are timers plus wake-ups on append, on the io thread: no
// thread ever blocks.
// Lifecycle: one per broker; Shutdown() flushes and writes the clean markers.
// Thread safety: none; io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/log_manager.h"
#include "common/log/partition_log.h"
#include "common/util/status.h"

namespace kafka::broker {

class ReplicaManager {
 public:
  ReplicaManager(boost::asio::io_context& io, std::unique_ptr<log::LogManager> logs);
  ~ReplicaManager();

  // Makes sure the partition has a local log with `config`; a leader's log gets
  // `leader_epoch` recorded and its high watermark set to its end.
  util::Status EnsurePartition(const log::TopicPartition& tp, const log::LogConfig& config,
                               bool leader, int32_t leader_epoch);
  // Deletes every local log of `topic` and wakes its waiting fetches.
  void DeleteTopic(const std::string& topic);
  // Partitions on disk (for start-up cleanup of deleted topics).
  std::vector<log::TopicPartition> LocalPartitions() const { return logs_->Partitions(); }
  void DeletePartition(const log::TopicPartition& tp);

  log::PartitionLog* Get(const log::TopicPartition& tp) const { return logs_->Get(tp); }

  // Leader append (stamps offsets and epoch in place). Advances the high
  // watermark (no followers yet) and wakes fetches waiting on the partition.
  util::Result<log::AppendInfo> AppendAsLeader(const log::TopicPartition& tp,
                                               std::span<char> records, int32_t leader_epoch);

  // acks=-1: `done` runs once every in-sync replica has each partition up to its
  // offset. With no replication yet the leader is the whole ISR: it runs at once.
  void WaitForReplication(const std::vector<std::pair<log::TopicPartition, int64_t>>& appended,
                          std::chrono::steady_clock::time_point deadline,
                          std::function<void(bool timed_out)> done) {
    (void)appended;
    (void)deadline;
    done(false);
  }

  // Fetch purgatory. `wake` runs (posted, never inline) when one of `partitions`
  // gets an append or is deleted (timed_out = false), or at `deadline` (true).
  // Returns an id for Cancel.
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
  // Clean shutdown of the logs.
  util::Status Shutdown();

 private:
  struct Waiter {
    uint64_t id = 0;
    uint64_t connection_id = 0;
    std::set<log::TopicPartition> partitions;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::function<void(bool)> wake;
  };
  void Wake(const log::TopicPartition& tp);
  void WakeTopic(const std::string& topic);
  void Fire(uint64_t id, bool timed_out);

  boost::asio::io_context& io_;
  std::unique_ptr<log::LogManager> logs_;
  uint64_t next_waiter_id_ = 1;
  std::map<uint64_t, Waiter> waiters_;
  bool shut_down_ = false;
};

}  // namespace kafka::broker
