// ISR and high-watermark rules of a partition leader, as pure functions over the
// leader's view of its followers (no I/O, no clock: callers pass now_ms).
//
// Kafka's rules (Partition.scala, ZooKeeper era):
// * a follower's log end offset (LEO) is the fetch offset of its latest Fetch;
// * it is "caught up" at a fetch whose offset reaches the leader's LEO at that
//   moment, or the leader's LEO at its previous fetch (so a steady stream of
//   appends does not make a keeping-up follower look late);
// * HW = min LEO over the ISR (the leader included), and never decreases;
// * a follower leaves the ISR once it has not been caught up for
//   replica.lag.time.max.ms; it rejoins when its LEO reaches the HW and the start
//   of the leader's current epoch (so it holds everything of this epoch that may
//   have been acknowledged).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace kafka::broker::replication {

struct FollowerState {
  int64_t leo = -1;                 // unknown until the first fetch
  int64_t last_caught_up_ms = 0;
  int64_t last_fetch_ms = -1;
  int64_t last_fetch_leader_leo = -1;  // leader LEO at the previous fetch
  int64_t last_sent_hw = -1;           // HW in the last fetch response it got
};

// Records a fetch at `fetch_offset` from a follower, when the leader's LEO is
// `leader_leo`.
void UpdateFollowerFetch(FollowerState& f, int64_t fetch_offset, int64_t leader_leo,
                         int64_t now_ms);

// Fresh follower states for a new leadership: ISR members count as caught up now
// (Kafka gives them a full lag period), LEOs unknown.
std::map<int32_t, FollowerState> InitialFollowers(int32_t self, const std::vector<int32_t>& replicas,
                                                  const std::vector<int32_t>& isr, int64_t now_ms);

// min LEO over the ISR (`self` contributes `self_leo`); -1 when an ISR member's
// LEO is unknown. The caller keeps the HW monotonic (max with the current one).
int64_t HighWatermarkCandidate(int32_t self, int64_t self_leo, const std::vector<int32_t>& isr,
                               const std::map<int32_t, FollowerState>& followers);

// ISR members (never `self`) not caught up for longer than `lag_max_ms`.
std::vector<int32_t> OutOfSyncReplicas(int32_t self, const std::vector<int32_t>& isr,
                                       const std::map<int32_t, FollowerState>& followers,
                                       int64_t now_ms, int64_t lag_max_ms);

// Whether a follower outside the ISR may join it.
bool CanJoinIsr(const FollowerState& f, int64_t high_watermark, int64_t epoch_start_offset);

}  // namespace kafka::broker::replication
