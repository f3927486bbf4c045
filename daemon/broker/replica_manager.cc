#include "daemon/broker/replica_manager.h"

#include <boost/asio/post.hpp>

#include "common/util/logging.h"

namespace kafka::broker {
namespace {

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

}  // namespace

ReplicaManager::ReplicaManager(boost::asio::io_context& io, std::unique_ptr<log::LogManager> logs)
    : io_(io), logs_(std::move(logs)) {}

ReplicaManager::~ReplicaManager() { CancelAllWaits(); }

util::Status ReplicaManager::EnsurePartition(const log::TopicPartition& tp,
                                             const log::LogConfig& config, bool leader,
                                             int32_t leader_epoch) {
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) {
    auto created = logs_->GetOrCreate(tp, config);
    if (!created.ok()) return created.status();
    plog = *created;
    Log().info("[{}] created log in {} (leader={})", tp.DirName(), plog->dir(), leader);
  } else {
    plog->UpdateConfig(config);
  }
  if (leader) {
    if (leader_epoch > plog->LatestEpoch()) {
      UTIL_RETURN_IF_ERROR(plog->AssignEpoch(leader_epoch, plog->log_end_offset()));
    }
    // No followers yet: everything written is "replicated".
    plog->SetHighWatermark(plog->log_end_offset());
  }
  return util::Status::OK();
}

void ReplicaManager::DeleteTopic(const std::string& topic) {
  for (const auto& tp : logs_->Partitions()) {
    if (tp.topic == topic) DeletePartition(tp);
  }
  WakeTopic(topic);
}

void ReplicaManager::DeletePartition(const log::TopicPartition& tp) {
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
  log::PartitionLog* plog = logs_->Get(tp);
  if (plog == nullptr) return util::Status::NotFound("no local log for " + tp.DirName());
  auto info = plog->AppendInPlace(records, leader_epoch);
  if (!info.ok()) return info;
  plog->SetHighWatermark(plog->log_end_offset());
  Wake(tp);
  return info;
}

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

util::Status ReplicaManager::Shutdown() {
  if (shut_down_) return util::Status::OK();
  shut_down_ = true;
  CancelAllWaits();
  return logs_->Shutdown();
}

}  // namespace kafka::broker
