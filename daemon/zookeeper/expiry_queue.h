// ExpiryQueue: elements (session ids) in time-sorted buckets of fixed width, as
// ZooKeeper's ExpiryQueue. Touching an element moves it to the bucket that
// expires at ceil((now + timeout) / tick) * tick; Poll(now) hands back whole
// buckets whose time has passed. Expiry is therefore tick-granular, never early.
//
// Times are ms on a monotonic clock supplied by the caller (testable).
// Thread safety: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace zkserver {

template <typename T>
class ExpiryQueue {
 public:
  explicit ExpiryQueue(int64_t tick_ms) : tick_(tick_ms > 0 ? tick_ms : 1) {}

  // (Re)schedules `e` to expire `timeout_ms` after `now_ms`.
  void Touch(const T& e, int64_t now_ms, int64_t timeout_ms) {
    int64_t when = RoundUp(now_ms + timeout_ms);
    auto it = expiry_.find(e);
    if (it != expiry_.end()) {
      if (it->second == when) return;
      RemoveFromBucket(e, it->second);
      it->second = when;
    } else {
      expiry_.emplace(e, when);
    }
    buckets_[when].insert(e);
  }

  void Remove(const T& e) {
    auto it = expiry_.find(e);
    if (it == expiry_.end()) return;
    RemoveFromBucket(e, it->second);
    expiry_.erase(it);
  }

  // Removes and returns every element whose bucket time is <= now.
  std::vector<T> Poll(int64_t now_ms) {
    std::vector<T> out;
    while (!buckets_.empty() && buckets_.begin()->first <= now_ms) {
      for (const T& e : buckets_.begin()->second) {
        out.push_back(e);
        expiry_.erase(e);
      }
      buckets_.erase(buckets_.begin());
    }
    return out;
  }

  // Time of the earliest bucket, or -1 if empty.
  int64_t NextExpiry() const { return buckets_.empty() ? -1 : buckets_.begin()->first; }
  bool Contains(const T& e) const { return expiry_.count(e) != 0; }
  // Bucket time `e` expires at, or -1 if absent (changes on every Touch that
  // moves it to a later bucket).
  int64_t Deadline(const T& e) const {
    auto it = expiry_.find(e);
    return it == expiry_.end() ? -1 : it->second;
  }
  size_t size() const { return expiry_.size(); }

 private:
  int64_t RoundUp(int64_t t) const { return (t / tick_ + 1) * tick_; }
  void RemoveFromBucket(const T& e, int64_t when) {
    auto b = buckets_.find(when);
    if (b == buckets_.end()) return;
    b->second.erase(e);
    if (b->second.empty()) buckets_.erase(b);
  }

  int64_t tick_;
  std::map<int64_t, std::unordered_set<T>> buckets_;
  std::unordered_map<T, int64_t> expiry_;
};

}  // namespace zkserver
