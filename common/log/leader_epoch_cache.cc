#include "common/log/leader_epoch_cache.h"

#include <algorithm>

namespace kafka::log {

util::Result<LeaderEpochCache> LeaderEpochCache::Load(const std::string& path) {
  auto entries = ReadEpochCheckpoint(path);
  if (!entries.ok()) return entries.status();
  for (size_t i = 1; i < entries->size(); ++i) {
    const auto& a = (*entries)[i - 1];
    const auto& b = (*entries)[i];
    if (b.epoch <= a.epoch || b.start_offset < a.start_offset) {
      return util::Status::Corruption("leader epoch checkpoint " + path +
                                      ": entries not increasing at epoch " +
                                      std::to_string(b.epoch));
    }
  }
  LeaderEpochCache cache;
  cache.path_ = path;
  cache.entries_ = std::move(*entries);
  return cache;
}

util::Status LeaderEpochCache::Assign(int32_t epoch, int64_t start_offset) {
  if (epoch < 0) return util::Status::OK();
  if (!entries_.empty() && entries_.back().epoch == epoch &&
      entries_.back().start_offset <= start_offset) {
    return util::Status::OK();
  }
  std::erase_if(entries_, [&](const EpochEntry& e) {
    return e.epoch >= epoch || e.start_offset >= start_offset;
  });
  entries_.push_back({epoch, start_offset});
  return Persist();
}

EpochEntry LeaderEpochCache::EndOffsetFor(int32_t requested, int64_t log_end_offset) const {
  if (requested == kUndefinedEpoch || entries_.empty()) {
    return {kUndefinedEpoch, kUndefinedEpochOffset};
  }
  if (requested == entries_.back().epoch) return {requested, log_end_offset};
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), requested,
                                 [](int32_t r, const EpochEntry& e) { return r < e.epoch; });
  if (higher == entries_.end()) return {kUndefinedEpoch, kUndefinedEpochOffset};
  if (higher == entries_.begin()) return {requested, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

util::Status LeaderEpochCache::TruncateFromEnd(int64_t end_offset) {
  size_t before = entries_.size();
  std::erase_if(entries_, [&](const EpochEntry& e) { return e.start_offset >= end_offset; });
  return entries_.size() == before ? util::Status::OK() : Persist();
}

util::Status LeaderEpochCache::TruncateFromStart(int64_t start_offset) {
  // Index of the last entry starting at or below start_offset.
  size_t keep_from = 0;
  bool found = false;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].start_offset <= start_offset) {
      keep_from = i;
      found = true;
    }
  }
  if (!found) return util::Status::OK();
  if (keep_from == 0 && entries_[0].start_offset == start_offset) return util::Status::OK();
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(keep_from));
  entries_[0].start_offset = start_offset;
  return Persist();
}

util::Status LeaderEpochCache::Clear() {
  if (entries_.empty()) return util::Status::OK();
  entries_.clear();
  return Persist();
}

std::optional<EpochEntry> LeaderEpochCache::Latest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

util::Status LeaderEpochCache::Persist() { return WriteEpochCheckpoint(path_, entries_); }

}  // namespace kafka::log
