#include "daemon/broker/group/group_store.h"

#include <boost/asio/post.hpp>

namespace kafka::group {

void InMemoryGroupStore::Append(int32_t partition, std::vector<StoreRecord> records,
                                AppendCallback done) {
  Held h{partition, std::move(records), std::move(done)};
  if (hold_) {
    held_.push_back(std::move(h));
    return;
  }
  boost::asio::post(io_, [this, h = std::move(h)]() mutable { Complete(std::move(h)); });
}

void InMemoryGroupStore::Complete(Held h) {
  if (append_error_ != 0) {
    h.done(append_error_);
    return;
  }
  auto& log = logs_[h.partition];
  for (StoreRecord& r : h.records) {
    log.push_back(LoadedRecord{std::move(r.key), std::move(r.value), static_cast<int64_t>(log.size())});
  }
  h.done(0);
}

void InMemoryGroupStore::ReleaseHeld() {
  std::vector<Held> held = std::move(held_);
  held_.clear();
  for (Held& h : held) Complete(std::move(h));
}

void InMemoryGroupStore::Load(int32_t partition, LoadCallback done) {
  std::vector<LoadedRecord> records;
  auto it = logs_.find(partition);
  if (it != logs_.end()) records = it->second;
  boost::asio::post(io_, [done = std::move(done), records = std::move(records)]() mutable {
    done(0, std::move(records));
  });
}

std::vector<int32_t> InMemoryGroupStore::Partitions() const {
  std::vector<int32_t> out;
  for (const auto& [p, log] : logs_) {
    if (!log.empty()) out.push_back(p);
  }
  return out;
}

}  // namespace kafka::group
