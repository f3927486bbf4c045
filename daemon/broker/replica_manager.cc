#include "daemon/broker/replica_manager.h"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "common/util/logging.h"

namespace kafka::broker {
namespace {

using protocol::ErrorCode;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool Contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Ids(const std::vector<int32_t>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

}  // namespace

ReplicaManager::ReplicaManager(boost::asio::io_context& io, std::unique_ptr<log::LogManager> logs)
    : io_(io),
      logs_(std::move(logs)),
      produce_waits_(io, [this](const log::TopicPartition& tp) { return ReplicationStatus(tp); }),
      isr_timer_(io) {}

ReplicaManager::~ReplicaManager() {
  StopReplication();
  CancelAllWaits();
}

void ReplicaManager::Configure(ReplicationOptions options,
                               std::unique_ptr<replication::IsrStore> isr_store,
                               TransportFactory transports, IsrListener isr_listener) {
  options_ = std::move(options);
  options_.fetcher.replica_id = options_.broker_id;
  isr_store_ = std::move(isr_store);
  transports_ = std::move(transports);
  isr_listener_ = std::move(isr_listener);
  configured_ = true;
  ScheduleIsrCheck();
}

ReplicaManager::Partition* ReplicaManager::Find(const log::TopicPartition& tp) {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

const ReplicaManager::Partition* ReplicaManager::Find(const log::TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

util::Status ReplicaManager::EnsurePartition(const log::TopicPartition& tp,
                                             const log::LogConfig& config, bool leader,
                                             int32_t leader_epoch) {
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) {
    auto created = logs_->GetOrCreate(tp, config);
    if (!created.ok()) return created.status();
    plog = *created;
    Log().info("[{}] created log in {}", tp.DirName(), plog->dir());
  } else {
    plog->UpdateConfig(config);
  }
  if (leader) {
    PartitionRole role;
    role.leader = options_.broker_id;
    role.leader_epoch = leader_epoch;
    role.replicas = {options_.broker_id};
    role.isr = {options_.broker_id};
    const ErrorCode e = ApplyLeaderAndIsr(tp, config, role);
    if (e != ErrorCode::kNone) {
      return util::Status::Aborted(std::string(protocol::ErrorName(e)));
    }
  }
  return util::Status::OK();
}

protocol::ErrorCode ReplicaManager::ApplyLeaderAndIsr(const log::TopicPartition& tp,
                                                      const log::LogConfig& config,
                                                      const PartitionRole& role) {
  const int32_t me = options_.broker_id;
  if (!Contains(role.replicas, me)) {
    StopReplica(tp, -1, false);
    return ErrorCode::kNone;
  }
  Partition* existing = Find(tp);
  if (existing != nullptr && existing->role != Role::kNone) {
    if (role.leader_epoch < existing->state.leader_epoch) return ErrorCode::kFencedLeaderEpoch;
    if (role.leader_epoch == existing->state.leader_epoch &&
        role.leader == existing->state.leader) {
      // Same epoch again: adopt a newer ISR/assignment, nothing else changes.
      if (role.zk_version > existing->state.zk_version) {
        existing->state.isr = role.isr;
        existing->state.replicas = role.replicas;
        existing->state.zk_version = role.zk_version;
        existing->state.controller_epoch = role.controller_epoch;
        existing->fenced = false;
        if (existing->role == Role::kLeader) {
          for (int32_t r : role.replicas) {
            if (r != me) existing->followers.try_emplace(r);
          }
          MaybeAdvanceHighWatermark(tp, *existing);
        }
      }
      return ErrorCode::kNone;
    }
  }
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) {
    auto created = logs_->GetOrCreate(tp, config);
    if (!created.ok()) {
      Log().error("[{}] creating log failed: {}", tp.DirName(), created.status().ToString());
      return ErrorCode::kKafkaStorageError;
    }
    plog = *created;
    Log().info("[{}] created log in {}", tp.DirName(), plog->dir());
  } else {
    plog->UpdateConfig(config);
  }
  Partition& p = partitions_[tp];
  p.state = role;
  p.fenced = false;
  p.isr_write_in_flight = false;
  if (role.leader == me) {
    BecomeLeader(tp, p, *plog);
  } else {
    BecomeFollower(tp, p);
  }
  return ErrorCode::kNone;
}

void ReplicaManager::BecomeLeader(const log::TopicPartition& tp, Partition& p,
                                  log::PartitionLog& plog) {
  StopFetching(tp);
  if (p.state.leader_epoch > plog.LatestEpoch()) {
    if (auto s = plog.AssignEpoch(p.state.leader_epoch, plog.log_end_offset()); !s.ok()) {
      Log().error("[{}] recording leader epoch {} failed: {}", tp.DirName(), p.state.leader_epoch,
                  s.ToString());
    }
  }
  p.role = Role::kLeader;
  p.epoch_start_offset = plog.log_end_offset();
  p.followers = replication::InitialFollowers(options_.broker_id, p.state.replicas, p.state.isr,
                                              SteadyMs());
  Log().info("[{}] leader at epoch {} (LEO {}, HW {}, ISR {})", tp.DirName(),
             p.state.leader_epoch, plog.log_end_offset(), plog.high_watermark(),
             Ids(p.state.isr));
  MaybeAdvanceHighWatermark(tp, p);
  produce_waits_.Check(tp);
  Wake(tp);
}

void ReplicaManager::BecomeFollower(const log::TopicPartition& tp, Partition& p) {
  p.role = Role::kFollower;
  p.followers.clear();
  Log().info("[{}] follower of broker {} at epoch {}", tp.DirName(), p.state.leader,
             p.state.leader_epoch);
  produce_waits_.Check(tp);  // pending acks=all on this partition fail now
  Wake(tp);
  // Other sources stop; the leader's fetcher (and its connection) is kept.
  for (auto it = fetchers_.begin(); it != fetchers_.end();) {
    if (it->first != p.state.leader) it->second->RemovePartition(tp);
    if (it->second->empty() && it->first != p.state.leader) {
      it = fetchers_.erase(it);
    } else {
      ++it;
    }
  }
  if (p.state.leader < 0 || !configured_ || stopped_ || !transports_) return;
  auto& fetcher = fetchers_[p.state.leader];
  if (!fetcher) {
    auto transport = transports_(p.state.leader);
    if (!transport) {
      fetchers_.erase(p.state.leader);
      Log().warn("[{}] no transport to broker {}", tp.DirName(), p.state.leader);
      return;
    }
    fetcher = std::make_unique<replication::Fetcher>(
        io_, p.state.leader, options_.fetcher, std::move(transport),
        [this](const log::TopicPartition& t) { return logs_->Get(t); },
        [this](const log::TopicPartition& t) { OnFollowerProgress(t); });
  }
  fetcher->AddPartition(tp, p.state.leader_epoch);
}

void ReplicaManager::StopFetching(const log::TopicPartition& tp) {
  for (auto it = fetchers_.begin(); it != fetchers_.end();) {
    it->second->RemovePartition(tp);
    if (it->second->empty()) {
      it = fetchers_.erase(it);
    } else {
      ++it;
    }
  }
}

protocol::ErrorCode ReplicaManager::StopReplica(const log::TopicPartition& tp,
                                                int32_t leader_epoch, bool delete_partition) {
  Partition* p = Find(tp);
  if (p != nullptr && leader_epoch >= 0 && leader_epoch < p->state.leader_epoch) {
    return ErrorCode::kFencedLeaderEpoch;
  }
  StopFetching(tp);
  if (p != nullptr) {
    partitions_.erase(tp);
    Log().info("[{}] stopped replica", tp.DirName());
  }
  produce_waits_.Check(tp);
  Wake(tp);
  if (delete_partition) DeletePartition(tp);
  return ErrorCode::kNone;
}

ReplicaManager::Role ReplicaManager::RoleOf(const log::TopicPartition& tp) const {
  const Partition* p = Find(tp);
  return p == nullptr ? Role::kNone : p->role;
}

std::optional<PartitionRole> ReplicaManager::StateOf(const log::TopicPartition& tp) const {
  const Partition* p = Find(tp);
  if (p == nullptr || p->role == Role::kNone) return std::nullopt;
  return p->state;
}

protocol::ErrorCode ReplicaManager::CheckLeader(const log::TopicPartition& tp,
                                                int32_t current_leader_epoch) const {
  const Partition* p = Find(tp);
  if (p == nullptr || p->role != Role::kLeader || p->fenced || logs_->Get(tp) == nullptr) {
    return ErrorCode::kNotLeaderOrFollower;
  }
  if (current_leader_epoch >= 0 && current_leader_epoch != p->state.leader_epoch) {
    return current_leader_epoch < p->state.leader_epoch ? ErrorCode::kFencedLeaderEpoch
                                                        : ErrorCode::kUnknownLeaderEpoch;
  }
  return ErrorCode::kNone;
}

int32_t ReplicaManager::LeaderEpoch(const log::TopicPartition& tp) const {
  const Partition* p = Find(tp);
  return p != nullptr && p->role == Role::kLeader ? p->state.leader_epoch : -1;
}

size_t ReplicaManager::IsrSize(const log::TopicPartition& tp) const {
  const Partition* p = Find(tp);
  return p != nullptr && p->role == Role::kLeader ? p->state.isr.size() : 0;
}

void ReplicaManager::DeleteTopic(const std::string& topic) {
  for (const auto& tp : logs_->Partitions()) {
    if (tp.topic == topic) DeletePartition(tp);
  }
  std::vector<log::TopicPartition> stale;
  for (const auto& [tp, p] : partitions_) {
    if (tp.topic == topic) stale.push_back(tp);
  }
  for (const auto& tp : stale) StopReplica(tp, -1, false);
  WakeTopic(topic);
}

void ReplicaManager::DeletePartition(const log::TopicPartition& tp) {
  StopFetching(tp);
  if (partitions_.erase(tp)) produce_waits_.Check(tp);
  auto s = logs_->Delete(tp);
  if (!s.ok() && !s.IsNotFound()) {
    Log().error("[{}] deleting log failed: {}", tp.DirName(), s.ToString());
  } else if (s.ok()) {
    Log().info("[{}] deleted log", tp.DirName());
  }
}

util::Result<log::AppendInfo> ReplicaManager::AppendAsLeader(const log::TopicPartition& tp,
                                                             std::span<char> records,
                                                             int32_t leader_epoch) {
  (void)leader_epoch;  // the epoch applied here is authoritative (callers may lag)
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) return util::Status::NotFound("no local log for " + tp.DirName());
  Partition* p = Find(tp);
  if (p == nullptr || p->role != Role::kLeader || p->fenced) {
    return util::Status::Aborted("not the leader of " + tp.DirName());
  }
  auto info = plog->AppendInPlace(records, p->state.leader_epoch);
  if (!info.ok()) return info;
  MaybeAdvanceHighWatermark(tp, *p);
  Wake(tp);  // followers long-polling for this data
  return info;
}

protocol::ErrorCode ReplicaManager::OnFollowerFetch(const log::TopicPartition& tp,
                                                    int32_t replica_id,
                                                    int32_t current_leader_epoch,
                                                    int64_t fetch_offset) {
  const ErrorCode e = CheckLeader(tp, current_leader_epoch);
  if (e != ErrorCode::kNone) return e;
  Partition& p = *Find(tp);
  if (replica_id == options_.broker_id || !Contains(p.state.replicas, replica_id)) {
    return ErrorCode::kNotLeaderOrFollower;
  }
  log::PartitionLog* plog = logs_->Get(tp);
  if (fetch_offset < plog->log_start_offset() || fetch_offset > plog->log_end_offset()) {
    return ErrorCode::kOffsetOutOfRange;  // not a LEO we can count on
  }
  replication::UpdateFollowerFetch(p.followers[replica_id], fetch_offset,
                                   plog->log_end_offset(), SteadyMs());
  MaybeAdvanceHighWatermark(tp, p);
  MaybeExpandIsr(tp, p, replica_id);
  return ErrorCode::kNone;
}

bool ReplicaManager::FollowerHwStale(const log::TopicPartition& tp, int32_t replica) const {
  const Partition* p = Find(tp);
  const log::PartitionLog* plog = logs_->Get(tp);
  if (p == nullptr || p->role != Role::kLeader || plog == nullptr) return false;
  auto it = p->followers.find(replica);
  return it != p->followers.end() && it->second.last_sent_hw < plog->high_watermark();
}

void ReplicaManager::NoteHwSent(const log::TopicPartition& tp, int32_t replica, int64_t hw) {
  Partition* p = Find(tp);
  if (p == nullptr || p->role != Role::kLeader) return;
  auto it = p->followers.find(replica);
  if (it != p->followers.end()) it->second.last_sent_hw = std::max(it->second.last_sent_hw, hw);
}

void ReplicaManager::MaybeAdvanceHighWatermark(const log::TopicPartition& tp, Partition& p) {
  if (p.role != Role::kLeader || p.fenced) return;
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) return;
  const int64_t candidate = replication::HighWatermarkCandidate(
      options_.broker_id, plog->log_end_offset(), p.state.isr, p.followers);
  if (candidate > plog->high_watermark()) {
    plog->SetHighWatermark(candidate);
    Wake(tp);
    produce_waits_.Check(tp);
  }
}

void ReplicaManager::MaybeExpandIsr(const log::TopicPartition& tp, Partition& p,
                                    int32_t replica_id) {
  if (p.isr_write_in_flight || p.fenced || Contains(p.state.isr, replica_id)) return;
  log::PartitionLog* plog = logs_->Get(tp);
  auto it = p.followers.find(replica_id);
  if (plog == nullptr || it == p.followers.end()) return;
  if (!replication::CanJoinIsr(it->second, plog->high_watermark(), p.epoch_start_offset)) return;
  std::vector<int32_t> isr = p.state.isr;
  isr.push_back(replica_id);
  WriteIsr(tp, std::move(isr));
}

void ReplicaManager::ScheduleIsrCheck() {
  if (stopped_) return;
  const int64_t period = std::max<int64_t>(100, options_.replica_lag_time_max_ms / 2);
  isr_timer_.expires_after(std::chrono::milliseconds(period));
  isr_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    CheckIsr();
    ScheduleIsrCheck();
  });
}

void ReplicaManager::CheckIsr() {
  const int64_t now = SteadyMs();
  std::vector<std::pair<log::TopicPartition, std::vector<int32_t>>> shrinks;
  for (auto& [tp, p] : partitions_) {
    if (p.role != Role::kLeader || p.fenced || p.isr_write_in_flight) continue;
    auto out = replication::OutOfSyncReplicas(options_.broker_id, p.state.isr, p.followers, now,
                                              options_.replica_lag_time_max_ms);
    if (out.empty()) continue;
    std::vector<int32_t> isr;
    for (int32_t r : p.state.isr) {
      if (!Contains(out, r)) isr.push_back(r);
    }
    Log().info("[{}] shrinking ISR from {} to {}: {} not caught up for {} ms", tp.DirName(),
               Ids(p.state.isr), Ids(isr), Ids(out), options_.replica_lag_time_max_ms);
    shrinks.emplace_back(tp, std::move(isr));
  }
  for (auto& [tp, isr] : shrinks) WriteIsr(tp, std::move(isr));
}

void ReplicaManager::WriteIsr(const log::TopicPartition& tp, std::vector<int32_t> new_isr) {
  Partition* p = Find(tp);
  if (p == nullptr) return;
  const int32_t epoch = p->state.leader_epoch;
  auto apply = [this, tp, epoch](std::vector<int32_t> isr, int32_t zk_version) {
    Partition* q = Find(tp);
    if (q == nullptr || q->role != Role::kLeader || q->state.leader_epoch != epoch) return;
    Log().info("[{}] ISR {} -> {} (zk version {})", tp.DirName(), Ids(q->state.isr), Ids(isr),
               zk_version);
    q->state.isr = std::move(isr);
    q->state.zk_version = zk_version;
    if (isr_listener_) isr_listener_(tp, q->state);
    MaybeAdvanceHighWatermark(tp, *q);
    produce_waits_.Check(tp);
  };
  if (!isr_store_) {
    apply(std::move(new_isr), p->state.zk_version + 1);
    return;
  }
  zkdata::TopicPartitionStateZNode znode;
  znode.leader = options_.broker_id;
  znode.leader_epoch = epoch;
  znode.isr = new_isr;
  znode.controller_epoch = p->state.controller_epoch;
  p->isr_write_in_flight = true;
  isr_store_->Write(tp, znode, p->state.zk_version,
                    [this, tp, epoch, new_isr, apply](util::Result<int32_t> r) {
    if (stopped_) return;
    Partition* q = Find(tp);
    if (q == nullptr || q->role != Role::kLeader || q->state.leader_epoch != epoch) return;
    q->isr_write_in_flight = false;
    if (r.ok()) return apply(new_isr, *r);
    if (IsBadVersion(r.status())) return OnIsrWriteFailed(tp, epoch);
    Log().warn("[{}] writing ISR {} failed: {}; will retry", tp.DirName(), Ids(new_isr),
               r.status().ToString());
  });
}

void ReplicaManager::OnIsrWriteFailed(const log::TopicPartition& tp, int32_t leader_epoch) {
  Partition* p = Find(tp);
  if (p == nullptr) return;
  p->isr_write_in_flight = true;  // no other write until we know where we stand
  isr_store_->Read(tp, [this, tp, leader_epoch](util::Result<PartitionState> r) {
    if (stopped_) return;
    Partition* q = Find(tp);
    if (q == nullptr || q->role != Role::kLeader || q->state.leader_epoch != leader_epoch) return;
    q->isr_write_in_flight = false;
    if (!r.ok()) {
      Log().warn("[{}] re-reading state after a failed ISR write: {}", tp.DirName(),
                 r.status().ToString());
      return;
    }
    if (r->state.leader == options_.broker_id && r->state.leader_epoch == leader_epoch) {
      // Still ours (e.g. our own earlier write whose answer was lost): adopt it.
      q->state.isr = r->state.isr;
      q->state.zk_version = r->zk_version;
      q->state.controller_epoch = r->state.controller_epoch;
      if (isr_listener_) isr_listener_(tp, q->state);
      MaybeAdvanceHighWatermark(tp, *q);
      produce_waits_.Check(tp);
      return;
    }
    Log().warn("[{}] lost leadership at epoch {} (state: leader {} epoch {}): not acknowledging "
               "until LeaderAndIsr",
               tp.DirName(), leader_epoch, r->state.leader, r->state.leader_epoch);
    q->fenced = true;
    produce_waits_.Check(tp);
    Wake(tp);
  });
}

replication::ProducePurgatory::PartitionStatus ReplicaManager::ReplicationStatus(
    const log::TopicPartition& tp) const {
  replication::ProducePurgatory::PartitionStatus s;
  const ErrorCode e = CheckLeader(tp);
  if (e != ErrorCode::kNone) {
    s.error = e;
    return s;
  }
  s.high_watermark = logs_->Get(tp)->high_watermark();
  s.isr_size = Find(tp)->state.isr.size();
  return s;
}

void ReplicaManager::WaitForReplication(std::vector<ReplicationWait> appended,
                                        std::chrono::steady_clock::time_point deadline,
                                        std::function<void(std::vector<ErrorCode>)> done) {
  std::vector<replication::ProducePurgatory::Entry> entries;
  entries.reserve(appended.size());
  for (auto& a : appended) entries.push_back({std::move(a.tp), a.last_offset + 1, a.min_isr});
  produce_waits_.Add(std::move(entries), deadline, std::move(done));
}

void ReplicaManager::WaitForReplication(
    const std::vector<std::pair<log::TopicPartition, int64_t>>& appended,
    std::chrono::steady_clock::time_point deadline, std::function<void(bool timed_out)> done) {
  std::vector<ReplicationWait> waits;
  for (const auto& [tp, last] : appended) waits.push_back({tp, last, 1});
  WaitForReplication(std::move(waits), deadline,
                     [done = std::move(done)](std::vector<ErrorCode> codes) {
                       bool failed = false;
                       for (ErrorCode c : codes) failed = failed || c != ErrorCode::kNone;
                       done(failed);
                     });
}

void ReplicaManager::OnFollowerProgress(const log::TopicPartition& tp) { Wake(tp); }

uint64_t ReplicaManager::WaitForData(uint64_t connection_id,
                                     std::set<log::TopicPartition> partitions,
                                     std::chrono::steady_clock::time_point deadline,
                                     std::function<void(bool timed_out)> wake) {
  const uint64_t id = next_waiter_id_++;
  Waiter w;
  w.id = id;
  w.connection_id = connection_id;
  w.partitions = std::move(partitions);
  w.wake = std::move(wake);
  w.timer = std::make_unique<boost::asio::steady_timer>(io_, deadline);
  w.timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    Fire(id, true);
  });
  waiters_.emplace(id, std::move(w));
  return id;
}

void ReplicaManager::Fire(uint64_t id, bool timed_out) {
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return;
  auto wake = std::move(it->second.wake);
  it->second.timer->cancel();
  waiters_.erase(it);
  if (timed_out) {
    wake(true);
  } else {
    boost::asio::post(io_, [wake = std::move(wake)] { wake(false); });
  }
}

void ReplicaManager::Wake(const log::TopicPartition& tp) {
  std::vector<uint64_t> ids;
  for (const auto& [id, w] : waiters_) {
    if (w.partitions.count(tp)) ids.push_back(id);
  }
  for (uint64_t id : ids) Fire(id, false);
}

void ReplicaManager::WakeTopic(const std::string& topic) {
  std::vector<uint64_t> ids;
  for (const auto& [id, w] : waiters_) {
    for (const auto& tp : w.partitions) {
      if (tp.topic == topic) {
        ids.push_back(id);
        break;
      }
    }
  }
  for (uint64_t id : ids) Fire(id, false);
}

void ReplicaManager::CancelConnection(uint64_t connection_id) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->second.connection_id == connection_id) {
      it->second.timer->cancel();
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void ReplicaManager::CancelAllWaits() {
  for (auto& [id, w] : waiters_) w.timer->cancel();
  waiters_.clear();
  produce_waits_.CancelAll();
}

void ReplicaManager::Checkpoint() {
  if (auto s = logs_->CheckpointAll(); !s.ok()) {
    Log().error("writing checkpoints failed: {}", s.ToString());
  }
}

void ReplicaManager::MaybeFlush(int64_t now_ms) {
  if (auto s = logs_->MaybeFlushAll(now_ms); !s.ok()) {
    Log().error("flushing logs failed: {}", s.ToString());
  }
}

void ReplicaManager::StopReplication() {
  if (stopped_) return;
  stopped_ = true;
  fetchers_.clear();
  isr_timer_.cancel();
}

util::Status ReplicaManager::Shutdown() {
  if (shut_down_) return util::Status::OK();
  shut_down_ = true;
  StopReplication();
  CancelAllWaits();
  return logs_->Shutdown();
}

}  // namespace kafka::broker
