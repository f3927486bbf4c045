#include "daemon/broker/replication/fetcher.h"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "daemon/broker/replication/truncation.h"

namespace kafka::broker::replication {
namespace {

using protocol::ErrorCode;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("replication");
  return *logger;
}

}  // namespace

Fetcher::Fetcher(boost::asio::io_context& io, int32_t source_broker, FetcherOptions options,
                 std::unique_ptr<FetcherTransport> transport, LogFor log_for,
                 OnProgress on_progress)
    : io_(io),
      source_(source_broker),
      options_(options),
      transport_(std::move(transport)),
      log_for_(std::move(log_for)),
      on_progress_(std::move(on_progress)),
      backoff_timer_(io),
      alive_(std::make_shared<bool>(true)) {}

Fetcher::~Fetcher() {
  *alive_ = false;
  backoff_timer_.cancel();
}

void Fetcher::AddPartition(const log::TopicPartition& tp, int32_t leader_epoch) {
  State& st = partitions_[tp];
  st.leader_epoch = leader_epoch;
  st.truncating = true;
  st.generation = next_generation_++;
  st.not_before = {};
  Log().info("[{}] following broker {} at leader epoch {}", tp.DirName(), source_, leader_epoch);
  Kick();
}

void Fetcher::RemovePartition(const log::TopicPartition& tp) {
  if (partitions_.erase(tp)) Log().info("[{}] stopped following broker {}", tp.DirName(), source_);
}

bool Fetcher::IsFetching(const log::TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it != partitions_.end() && !it->second.truncating;
}

void Fetcher::Kick() {
  if (in_flight_ || scheduled_ || partitions_.empty()) return;
  scheduled_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    scheduled_ = false;
    DoWork();
  });
}

void Fetcher::DoWork() {
  if (in_flight_ || partitions_.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  std::vector<log::TopicPartition> truncating;
  std::vector<log::TopicPartition> fetching;
  auto earliest = std::chrono::steady_clock::time_point::max();
  for (const auto& [tp, st] : partitions_) {
    if (st.not_before > now) {
      earliest = std::min(earliest, st.not_before);
      continue;
    }
    (st.truncating ? truncating : fetching).push_back(tp);
  }
  if (!truncating.empty()) return SendEpochQueries(std::move(truncating));
  if (!fetching.empty()) return SendFetch(std::move(fetching));
  // Everything is backing off: come back when the first one may go.
  backoff_timer_.expires_at(earliest);
  backoff_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) Kick();
  });
}

void Fetcher::BackOff(State& st) {
  st.not_before = std::chrono::steady_clock::now() + options_.backoff;
}

void Fetcher::SendEpochQueries(std::vector<log::TopicPartition> tps) {
  std::vector<EpochQuery> queries;
  std::map<log::TopicPartition, uint64_t> sent;
  for (const auto& tp : tps) {
    State& st = partitions_[tp];
    log::PartitionLog* plog = log_for_(tp);
    if (plog == nullptr) {
      BackOff(st);
      continue;
    }
    if (plog->LatestEpoch() < 0) {
      // Nothing with an epoch locally (empty log): nothing to reconcile.
      st.truncating = false;
      continue;
    }
    queries.push_back({tp, st.leader_epoch, plog->LatestEpoch()});
    sent[tp] = st.generation;
  }
  if (queries.empty()) return Kick();
  in_flight_ = true;
  transport_->OffsetsForLeaderEpoch(
      options_.replica_id, std::move(queries),
      [this, alive = alive_, sent](util::Result<std::vector<EpochAnswer>> r) {
        if (!*alive) return;
        in_flight_ = false;
        OnEpochAnswers(sent, std::move(r));
        Kick();
      });
}

void Fetcher::OnEpochAnswers(std::map<log::TopicPartition, uint64_t> sent,
                             util::Result<std::vector<EpochAnswer>> r) {
  if (!r.ok()) {
    Log().warn("OffsetsForLeaderEpoch to broker {} failed: {}", source_, r.status().ToString());
    for (const auto& [tp, gen] : sent) {
      auto it = partitions_.find(tp);
      if (it != partitions_.end() && it->second.generation == gen) BackOff(it->second);
    }
    return;
  }
  for (const auto& a : *r) {
    auto s = sent.find(a.tp);
    auto it = partitions_.find(a.tp);
    if (s == sent.end() || it == partitions_.end() || it->second.generation != s->second) {
      continue;
    }
    State& st = it->second;
    log::PartitionLog* plog = log_for_(a.tp);
    if (plog == nullptr) continue;
    if (a.error_code != 0) {
      Log().debug("[{}] OffsetsForLeaderEpoch: {}", a.tp.DirName(),
                  protocol::ErrorName(static_cast<ErrorCode>(a.error_code)));
      BackOff(st);
      continue;
    }
    const TruncationDecision d = DecideTruncation(
        a.leader_epoch, a.end_offset, plog->log_end_offset(), plog->log_start_offset(),
        [plog](int32_t e) { return plog->EndOffsetForEpoch(e); });
    if (!Truncate(a.tp, d.offset)) {
      BackOff(st);
      continue;
    }
    if (d.complete) {
      st.truncating = false;
      Log().info("[{}] truncation done at {} (leader epoch {} ends at {})", a.tp.DirName(),
                 plog->log_end_offset(), a.leader_epoch, a.end_offset);
    }
  }
}

bool Fetcher::Truncate(const log::TopicPartition& tp, int64_t offset) {
  log::PartitionLog* plog = log_for_(tp);
  if (plog == nullptr) return false;
  if (offset >= plog->log_end_offset()) return true;
  const int64_t before = plog->log_end_offset();
  util::Status s = offset <= plog->log_start_offset() ? plog->TruncateFullyAndStartAt(offset)
                                                      : plog->TruncateTo(offset);
  if (!s.ok()) {
    Log().error("[{}] truncating to {} failed: {}", tp.DirName(), offset, s.ToString());
    return false;
  }
  Log().info("[{}] truncated from {} to {}", tp.DirName(), before, offset);
  on_progress_(tp);
  return true;
}

void Fetcher::SendFetch(std::vector<log::TopicPartition> tps) {
  protocol::FetchRequest req;
  req.replica_id = options_.replica_id;
  req.max_wait_ms = options_.max_wait_ms;
  req.min_bytes = options_.min_bytes;
  req.max_bytes = options_.max_bytes;
  req.session_id = 0;
  req.session_epoch = -1;
  std::map<log::TopicPartition, uint64_t> sent;
  for (const auto& tp : tps) {
    log::PartitionLog* plog = log_for_(tp);
    State& st = partitions_[tp];
    if (plog == nullptr) {
      BackOff(st);
      continue;
    }
    if (req.topics.empty() || req.topics.back().topic != tp.topic) {
      req.topics.emplace_back();
      req.topics.back().topic = tp.topic;
    }
    protocol::FetchRequest::FetchPartition p;
    p.partition = tp.partition;
    p.current_leader_epoch = st.leader_epoch;
    p.fetch_offset = plog->log_end_offset();
    p.log_start_offset = plog->log_start_offset();
    p.partition_max_bytes = options_.partition_max_bytes;
    req.topics.back().partitions.push_back(p);
    sent[tp] = st.generation;
  }
  if (sent.empty()) return Kick();
  in_flight_ = true;
  transport_->Fetch(std::move(req), [this, alive = alive_,
                                     sent](util::Result<protocol::FetchResponse> r) {
    if (!*alive) return;
    in_flight_ = false;
    OnFetchResponse(sent, std::move(r));
    Kick();
  });
}

void Fetcher::OnFetchResponse(std::map<log::TopicPartition, uint64_t> sent,
                              util::Result<protocol::FetchResponse> r) {
  auto back_off_all = [&] {
    for (const auto& [tp, gen] : sent) {
      auto it = partitions_.find(tp);
      if (it != partitions_.end() && it->second.generation == gen) BackOff(it->second);
    }
  };
  if (!r.ok()) {
    Log().warn("fetch from broker {} failed: {}", source_, r.status().ToString());
    return back_off_all();
  }
  if (r->error_code != 0) {
    Log().warn("fetch from broker {}: {}", source_,
               protocol::ErrorName(static_cast<ErrorCode>(r->error_code)));
    return back_off_all();
  }
  for (const auto& topic : r->responses) {
    for (const auto& pd : topic.partitions) {
      const log::TopicPartition tp{topic.topic, pd.partition_index};
      auto s = sent.find(tp);
      auto it = partitions_.find(tp);
      if (s == sent.end() || it == partitions_.end() || it->second.generation != s->second ||
          it->second.truncating) {
        continue;
      }
      HandlePartitionData(tp, it->second, pd);
    }
  }
}

void Fetcher::HandlePartitionData(const log::TopicPartition& tp, State& st,
                                  const protocol::FetchResponse::PartitionData& pd) {
  log::PartitionLog* plog = log_for_(tp);
  if (plog == nullptr) return BackOff(st);
  const ErrorCode error = static_cast<ErrorCode>(pd.error_code);
  if (error == ErrorCode::kOffsetOutOfRange) {
    if (pd.log_start_offset >= 0 && plog->log_end_offset() < pd.log_start_offset) {
      // The leader deleted what we would fetch next (retention): restart there.
      Log().warn("[{}] fetch offset {} below the leader's log start {}: restarting the log",
                 tp.DirName(), plog->log_end_offset(), pd.log_start_offset);
      if (auto s = plog->TruncateFullyAndStartAt(pd.log_start_offset); !s.ok()) {
        Log().error("[{}] restarting the log at {} failed: {}", tp.DirName(),
                    pd.log_start_offset, s.ToString());
        return BackOff(st);
      }
      on_progress_(tp);
      return;
    }
    Log().warn("[{}] fetch offset {} out of range on the leader: truncating again", tp.DirName(),
               plog->log_end_offset());
    st.truncating = true;
    return;
  }
  if (error != ErrorCode::kNone) {
    Log().debug("[{}] fetch from broker {}: {}", tp.DirName(), source_,
                protocol::ErrorName(error));
    BackOff(st);
    if (error == ErrorCode::kUnknownLeaderEpoch) {
      // The leader has not applied its LeaderAndIsr yet: it will shortly.
      st.not_before = std::chrono::steady_clock::now() + options_.backoff / 5;
    }
    return;
  }
  bool moved = false;
  if (pd.records && !pd.records->empty()) {
    auto appended = plog->AppendAsFollower(*pd.records);
    if (!appended.ok()) {
      Log().warn("[{}] follower append at {} failed: {}", tp.DirName(), plog->log_end_offset(),
                 appended.status().ToString());
      if (appended.status().IsInvalidArgument()) st.truncating = true;
      return BackOff(st);
    }
    moved = true;
  }
  const int64_t hw = std::min(pd.high_watermark, plog->log_end_offset());
  if (hw > plog->high_watermark()) {
    plog->SetHighWatermark(hw);
    moved = true;
  }
  if (pd.log_start_offset > plog->log_start_offset() &&
      pd.log_start_offset <= plog->high_watermark()) {
    if (plog->AdvanceLogStartOffset(pd.log_start_offset).ok()) moved = true;
  }
  if (moved) on_progress_(tp);
}

}  // namespace kafka::broker::replication
