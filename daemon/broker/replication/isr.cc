#include "daemon/broker/replication/isr.h"

#include <algorithm>

namespace kafka::broker::replication {

void UpdateFollowerFetch(FollowerState& f, int64_t fetch_offset, int64_t leader_leo,
                         int64_t now_ms) {
  if (fetch_offset >= leader_leo) {
    f.last_caught_up_ms = std::max(f.last_caught_up_ms, now_ms);
  } else if (f.last_fetch_ms >= 0 && fetch_offset >= f.last_fetch_leader_leo) {
    f.last_caught_up_ms = std::max(f.last_caught_up_ms, f.last_fetch_ms);
  }
  f.leo = fetch_offset;
  f.last_fetch_ms = now_ms;
  f.last_fetch_leader_leo = leader_leo;
}

std::map<int32_t, FollowerState> InitialFollowers(int32_t self, const std::vector<int32_t>& replicas,
                                                  const std::vector<int32_t>& isr, int64_t now_ms) {
  std::map<int32_t, FollowerState> out;
  for (int32_t r : replicas) {
    if (r == self) continue;
    FollowerState f;
    if (std::find(isr.begin(), isr.end(), r) != isr.end()) f.last_caught_up_ms = now_ms;
    out[r] = f;
  }
  return out;
}

int64_t HighWatermarkCandidate(int32_t self, int64_t self_leo, const std::vector<int32_t>& isr,
                               const std::map<int32_t, FollowerState>& followers) {
  int64_t hw = self_leo;
  for (int32_t r : isr) {
    if (r == self) continue;
    auto it = followers.find(r);
    if (it == followers.end() || it->second.leo < 0) return -1;
    hw = std::min(hw, it->second.leo);
  }
  return hw;
}

std::vector<int32_t> OutOfSyncReplicas(int32_t self, const std::vector<int32_t>& isr,
                                       const std::map<int32_t, FollowerState>& followers,
                                       int64_t now_ms, int64_t lag_max_ms) {
  std::vector<int32_t> out;
  for (int32_t r : isr) {
    if (r == self) continue;
    auto it = followers.find(r);
    const int64_t caught_up = it == followers.end() ? 0 : it->second.last_caught_up_ms;
    if (now_ms - caught_up > lag_max_ms) out.push_back(r);
  }
  return out;
}

bool CanJoinIsr(const FollowerState& f, int64_t high_watermark, int64_t epoch_start_offset) {
  return f.leo >= 0 && f.leo >= high_watermark && f.leo >= epoch_start_offset;
}

}  // namespace kafka::broker::replication
