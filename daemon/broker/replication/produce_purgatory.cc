#include "daemon/broker/replication/produce_purgatory.h"

#include <utility>

namespace kafka::broker::replication {

using protocol::ErrorCode;

ProducePurgatory::ProducePurgatory(boost::asio::io_context& io, StatusFn status)
    : io_(io), status_(std::move(status)) {}

ProducePurgatory::~ProducePurgatory() { CancelAll(); }

bool ProducePurgatory::Evaluate(Wait& w) {
  bool all = true;
  for (size_t i = 0; i < w.entries.size(); ++i) {
    if (w.decided[i]) continue;
    const Entry& e = w.entries[i];
    const PartitionStatus s = status_(e.tp);
    if (s.error != ErrorCode::kNone) {
      w.results[i] = s.error;
      w.decided[i] = true;
    } else if (s.high_watermark >= e.required_offset) {
      w.results[i] = static_cast<int32_t>(s.isr_size) < e.min_isr
                         ? ErrorCode::kNotEnoughReplicasAfterAppend
                         : ErrorCode::kNone;
      w.decided[i] = true;
    } else {
      all = false;
    }
  }
  return all;
}

void ProducePurgatory::Add(std::vector<Entry> entries,
                           std::chrono::steady_clock::time_point deadline, Done done) {
  Wait w;
  w.results.assign(entries.size(), ErrorCode::kNone);
  w.decided.assign(entries.size(), false);
  w.entries = std::move(entries);
  w.done = std::move(done);
  if (Evaluate(w)) {
    w.done(std::move(w.results));
    return;
  }
  const uint64_t id = next_id_++;
  w.timer = std::make_unique<boost::asio::steady_timer>(io_, deadline);
  w.timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (!ec) Finish(id, true);
  });
  waits_.emplace(id, std::move(w));
}

void ProducePurgatory::Check(const log::TopicPartition& tp) {
  std::vector<uint64_t> ready;
  for (auto& [id, w] : waits_) {
    bool involved = false;
    for (const auto& e : w.entries) involved = involved || e.tp == tp;
    if (involved && Evaluate(w)) ready.push_back(id);
  }
  for (uint64_t id : ready) Finish(id, false);
}

void ProducePurgatory::Finish(uint64_t id, bool timed_out) {
  auto it = waits_.find(id);
  if (it == waits_.end()) return;
  Wait w = std::move(it->second);
  waits_.erase(it);
  w.timer->cancel();
  if (timed_out) {
    Evaluate(w);
    for (size_t i = 0; i < w.entries.size(); ++i) {
      if (!w.decided[i]) w.results[i] = ErrorCode::kRequestTimedOut;
    }
  }
  w.done(std::move(w.results));
}

void ProducePurgatory::CancelAll() {
  for (auto& [id, w] : waits_) w.timer->cancel();
  waits_.clear();
}

}  // namespace kafka::broker::replication
