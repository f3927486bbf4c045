// Fetcher: the follower side of replication for every partition this broker
// follows on one source broker (Kafka's ReplicaFetcherThread, without a thread:
// one request in flight at a time, driven by callbacks on the io thread).
//
// Each partition starts "truncating": the fetcher asks the leader where the
// partition's latest local epoch ends (OffsetsForLeaderEpoch) and truncates there
// (truncation.h; never by the local high watermark), repeating while the leader
// answers an older epoch. Then it fetches from the log end offset with the
// current leader epoch, appends what comes as a follower (offsets and epochs as
// the leader wrote them) and takes HW = min(leader HW, own LEO). Errors back a
// partition off for `backoff` (FENCED/UNKNOWN_LEADER_EPOCH and NOT_LEADER clear
// once the controller's LeaderAndIsr reaches one side or the other; UNKNOWN, the
// leader lagging behind us, retries after a fifth of it); a failed request backs
// every partition off. OFFSET_OUT_OF_RANGE below the leader's log
// start restarts the log there; above its end, truncation runs again.
//
// The wire is behind FetcherTransport (the inter-broker channel in the broker, a
// fake in unit tests). Lifecycle: owned by the ReplicaManager, one per source
// broker; destroying it drops any answer still in flight. Thread safety: none.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/partition_log.h"
#include "common/protocol/messages/fetch.h"
#include "common/util/status.h"

namespace kafka::broker::replication {

// One OffsetsForLeaderEpoch question and answer (the transport maps them to the
// wire message).
struct EpochQuery {
  log::TopicPartition tp;
  int32_t current_leader_epoch = -1;
  int32_t leader_epoch = -1;
};
struct EpochAnswer {
  log::TopicPartition tp;
  int16_t error_code = 0;
  int32_t leader_epoch = -1;
  int64_t end_offset = -1;
};

class FetcherTransport {
 public:
  virtual ~FetcherTransport() = default;
  virtual void Fetch(protocol::FetchRequest req,
                     std::function<void(util::Result<protocol::FetchResponse>)> done) = 0;
  virtual void OffsetsForLeaderEpoch(
      int32_t replica_id, std::vector<EpochQuery> queries,
      std::function<void(util::Result<std::vector<EpochAnswer>>)> done) = 0;
};

struct FetcherOptions {
  int32_t replica_id = -1;  // this broker
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  int32_t max_bytes = 10 * 1024 * 1024;
  int32_t partition_max_bytes = 1024 * 1024;
  std::chrono::milliseconds backoff{1000};
};

class Fetcher {
 public:
  using LogFor = std::function<log::PartitionLog*(const log::TopicPartition&)>;
  // Called after a partition's log or HW moved (the owner wakes its waiters).
  using OnProgress = std::function<void(const log::TopicPartition&)>;

  Fetcher(boost::asio::io_context& io, int32_t source_broker, FetcherOptions options,
          std::unique_ptr<FetcherTransport> transport, LogFor log_for, OnProgress on_progress);
  ~Fetcher();

  // Starts (or restarts, on a new epoch) following `tp` at `leader_epoch`.
  void AddPartition(const log::TopicPartition& tp, int32_t leader_epoch);
  void RemovePartition(const log::TopicPartition& tp);
  bool empty() const { return partitions_.empty(); }
  bool Has(const log::TopicPartition& tp) const { return partitions_.count(tp) != 0; }
  int32_t source_broker() const { return source_; }
  // For tests and logs: whether `tp` has finished truncating.
  bool IsFetching(const log::TopicPartition& tp) const;

 private:
  struct State {
    int32_t leader_epoch = -1;
    bool truncating = true;
    uint64_t generation = 0;  // bumps on re-add: answers for an older one are dropped
    std::chrono::steady_clock::time_point not_before{};
  };

  void Kick();
  void DoWork();
  void SendEpochQueries(std::vector<log::TopicPartition> tps);
  void SendFetch(std::vector<log::TopicPartition> tps);
  void OnEpochAnswers(std::map<log::TopicPartition, uint64_t> sent,
                      util::Result<std::vector<EpochAnswer>> r);
  void OnFetchResponse(std::map<log::TopicPartition, uint64_t> sent,
                       util::Result<protocol::FetchResponse> r);
  void HandlePartitionData(const log::TopicPartition& tp, State& st,
                           const protocol::FetchResponse::PartitionData& pd);
  void BackOff(State& st);
  // Applies a truncation decision; false (with a backoff) on a local failure.
  bool Truncate(const log::TopicPartition& tp, int64_t offset);

  boost::asio::io_context& io_;
  int32_t source_;
  FetcherOptions options_;
  std::unique_ptr<FetcherTransport> transport_;
  LogFor log_for_;
  OnProgress on_progress_;
  std::map<log::TopicPartition, State> partitions_;
  uint64_t next_generation_ = 1;
  bool in_flight_ = false;
  bool scheduled_ = false;
  boost::asio::steady_timer backoff_timer_;
  std::shared_ptr<bool> alive_;
};

}  // namespace kafka::broker::replication
