// ProducePurgatory: Produce requests with acks=all waiting until the high
// watermark of every partition they appended to has passed their last offset
// (Kafka's DelayedProduce). Nothing blocks: the owner calls Check(tp) whenever a
// partition's HW, ISR or role changes, and a timer ends the wait at the deadline.
//
// Per partition the outcome is, as Kafka's checkEnoughReplicasReachOffset:
// the partition's error (not leader any more, fenced), else once HW >= required
// offset NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is then smaller
// than min.insync.replicas; REQUEST_TIMED_OUT for partitions still short at the
// deadline. The callback runs once, with one code per entry, in entry order.
// Thread safety: none; io thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/checkpoint.h"
#include "common/protocol/error_code.h"

namespace kafka::broker::replication {

class ProducePurgatory {
 public:
  struct Entry {
    log::TopicPartition tp;
    int64_t required_offset = 0;  // the HW must reach this (last appended offset + 1)
    int32_t min_isr = 1;
  };
  struct PartitionStatus {
    protocol::ErrorCode error = protocol::ErrorCode::kNone;
    int64_t high_watermark = 0;
    size_t isr_size = 0;
  };
  using StatusFn = std::function<PartitionStatus(const log::TopicPartition&)>;
  using Done = std::function<void(std::vector<protocol::ErrorCode>)>;

  ProducePurgatory(boost::asio::io_context& io, StatusFn status);
  ~ProducePurgatory();

  // Completes inline when every entry is already decided.
  void Add(std::vector<Entry> entries, std::chrono::steady_clock::time_point deadline, Done done);
  // Re-evaluates the waits that include `tp`.
  void Check(const log::TopicPartition& tp);
  // Drops every wait (callbacks never run): shutdown.
  void CancelAll();
  size_t size() const { return waits_.size(); }

 private:
  struct Wait {
    std::vector<Entry> entries;
    std::vector<protocol::ErrorCode> results;
    std::vector<bool> decided;
    std::unique_ptr<boost::asio::steady_timer> timer;
    Done done;
  };
  // Decides what can be decided; true when every entry is.
  bool Evaluate(Wait& w);
  void Finish(uint64_t id, bool timed_out);

  boost::asio::io_context& io_;
  StatusFn status_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Wait> waits_;
};

}  // namespace kafka::broker::replication
