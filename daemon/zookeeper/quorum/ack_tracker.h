// AckTracker: the leader's view of which proposals a quorum has made durable.
//
// Each voting server (the leader included) reports the highest zxid its log has
// fsync'ed; acks are cumulative because every server logs proposals in zxid
// order. The commit point is the largest zxid that a strict majority of the
// voting members has reported, and it never moves backwards.
//
// Thread safety: none; used from the server's io thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace zkserver::quorum {

class AckTracker {
 public:
  // `voters` is the number of voting servers in the ensemble (leader included).
  explicit AckTracker(size_t voters) : voters_(voters) {}

  // Records that `sid` has durably logged every proposal up to `zxid`.
  // Returns true if the commit point advanced.
  bool Ack(int64_t sid, int64_t zxid) {
    int64_t& cur = acked_[sid];
    if (zxid <= cur) return false;
    cur = zxid;
    return Recompute();
  }
  // A follower that left (dropped or disconnected) no longer counts.
  void Remove(int64_t sid) { acked_.erase(sid); }

  int64_t committed() const { return committed_; }
  size_t quorum() const { return voters_ / 2 + 1; }

 private:
  bool Recompute() {
    if (acked_.size() < quorum()) return false;
    std::vector<int64_t> z;
    z.reserve(acked_.size());
    for (const auto& [sid, v] : acked_) z.push_back(v);
    // The quorum()-th largest ack is held by at least quorum() servers.
    std::nth_element(z.begin(), z.begin() + static_cast<long>(quorum() - 1), z.end(),
                     std::greater<int64_t>());
    int64_t point = z[quorum() - 1];
    if (point <= committed_) return false;
    committed_ = point;
    return true;
  }

  size_t voters_;
  std::map<int64_t, int64_t> acked_;  // sid -> highest durable zxid
  int64_t committed_ = 0;
};

}  // namespace zkserver::quorum
