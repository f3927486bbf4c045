#include "common/log/log_manager.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/log/file.h"
#include "common/util/logging.h"

namespace kafka::log {
namespace {

spdlog::logger& StorageLog() {
  static auto logger = util::logging::Get("storage");
  return *logger;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool ValidTopicName(std::string_view topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") return false;
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RandomHex32() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) out.push_back(kHex[gen() & 0xf]);
  return out;
}

// Checkpoints are an optimisation: a damaged one only costs a longer recovery, so it
// is reported and treated as empty rather than failing the broker.
OffsetMap ReadCheckpointOrEmpty(const std::string& path) {
  auto m = ReadOffsetCheckpoint(path);
  if (m.ok()) return std::move(*m);
  StorageLog().warn("ignoring checkpoint: {}", m.status().ToString());
  return {};
}

}  // namespace

std::optional<TopicPartition> ParsePartitionDirName(const std::string& name) {
  size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view digits = std::string_view(name).substr(dash + 1);
  if (digits.size() > 9) return std::nullopt;
  int32_t partition = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    partition = partition * 10 + (c - '0');
  }
  std::string topic = name.substr(0, dash);
  if (!ValidTopicName(topic)) return std::nullopt;
  return TopicPartition{topic, partition};
}

LogManager::LogManager(const std::vector<std::string>& dirs, const LogConfig& config)
    : dirs_(dirs), default_config_(config) {}

LogManager::~LogManager() {
  cleaner_.reset();
  logs_.clear();
  ReleaseLocks();
}

void LogManager::ReleaseLocks() {
  for (int fd : lock_fds_) {
    if (fd >= 0) ::close(fd);  // closing the descriptor drops the flock
  }
  lock_fds_.clear();
}

util::Result<std::unique_ptr<LogManager>> LogManager::Open(const std::vector<std::string>& log_dirs,
                                                           const LogConfig& default_config) {
  if (log_dirs.empty()) return util::Status::InvalidArgument("no log.dirs configured");
  std::unique_ptr<LogManager> m(new LogManager(log_dirs, default_config));
  for (const std::string& dir : log_dirs) {
    UTIL_RETURN_IF_ERROR(CreateDirs(dir));
    std::string lock_path = JoinPath(dir, kLockFile);
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return util::Status::IOError("open " + lock_path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return util::Status::Unavailable("log dir " + dir + " is locked (" + lock_path +
                                         "): another broker process is using it");
      }
      return util::Status::IOError("flock " + lock_path + ": " + std::strerror(err));
    }
    m->lock_fds_.push_back(fd);
  }
  for (size_t i = 0; i < log_dirs.size(); ++i) UTIL_RETURN_IF_ERROR(m->LoadDir(i));
  m->cleaner_ = std::make_unique<LogCleaner>(log_dirs, default_config.cleaner);
  return m;
}

util::Status LogManager::LoadDir(size_t index) {
  const std::string& dir = dirs_[index];
  const std::string marker = JoinPath(dir, kCleanShutdownFile);
  const bool clean = PathExists(marker);
  OffsetMap recovery = ReadCheckpointOrEmpty(JoinPath(dir, kRecoveryPointCheckpoint));
  OffsetMap hw = ReadCheckpointOrEmpty(JoinPath(dir, kReplicationCheckpoint));
  OffsetMap start = ReadCheckpointOrEmpty(JoinPath(dir, kLogStartCheckpoint));
  auto names = ListDir(dir);
  if (!names.ok()) return names.status();
  int loaded = 0;
  for (const std::string& name : *names) {
    const std::string path = JoinPath(dir, name);
    if (!IsDirectory(path)) continue;
    if (EndsWith(name, "-delete")) {
      StorageLog().info("removing partition dir left by an interrupted delete: {}", path);
      UTIL_RETURN_IF_ERROR(RemoveAll(path));
      continue;
    }
    auto tp = ParsePartitionDirName(name);
    if (!tp) {
      StorageLog().warn("ignoring unexpected directory {}", path);
      continue;
    }
    if (logs_.count(*tp)) {
      return util::Status::AlreadyExists("partition " + tp->DirName() + " found in both " +
                                         dirs_[logs_[*tp].dir_index] + " and " + dir);
    }
    LoadHints hints;
    hints.clean_shutdown = clean;
    auto get = [&](const OffsetMap& m, int64_t fallback) {
      auto it = m.find(*tp);
      return it == m.end() ? fallback : it->second;
    };
    hints.recovery_point = get(recovery, 0);
    hints.high_watermark = get(hw, 0);
    hints.log_start_offset = get(start, 0);
    // Until the owner applies the topic's config, a log runs with the defaults. The
    // internal topics are always compacted (Kafka forces it), so they never start
    // out under time/size retention, which would delete committed offsets.
    LogConfig config = default_config_;
    if (tp->topic == "__consumer_offsets" || tp->topic == "__transaction_state") {
      config.cleanup_compact = true;
      config.cleanup_delete = false;
    }
    auto log = PartitionLog::Open(path, *tp, config, hints);
    if (!log.ok()) return log.status();
    logs_[*tp] = Entry{std::move(*log), index};
    ++loaded;
  }
  StorageLog().info("loaded {} partition log(s) from {} ({} shutdown)", loaded, dir,
                    clean ? "clean" : "unclean");
  if (clean) UTIL_RETURN_IF_ERROR(RemoveFile(marker));
  return SyncDir(dir);
}

PartitionLog* LogManager::Get(const TopicPartition& tp) const {
  auto it = logs_.find(tp);
  return it == logs_.end() ? nullptr : it->second.log.get();
}

util::Result<PartitionLog*> LogManager::GetOrCreate(const TopicPartition& tp,
                                                    const std::optional<LogConfig>& config) {
  if (shut_down_) return util::Status::Unavailable("log manager is shut down");
  if (PartitionLog* existing = Get(tp)) return existing;
  if (!ValidTopicName(tp.topic) || tp.partition < 0) {
    return util::Status::InvalidArgument("invalid topic partition " + tp.DirName());
  }
  std::vector<int> counts(dirs_.size(), 0);
  for (const auto& [key, entry] : logs_) counts[entry.dir_index]++;
  size_t index = 0;
  for (size_t i = 1; i < dirs_.size(); ++i) {
    if (counts[i] < counts[index]) index = i;
  }
  const std::string path = JoinPath(dirs_[index], tp.DirName());
  auto log = PartitionLog::Open(path, tp, config.value_or(default_config_), LoadHints{});
  if (!log.ok()) return log.status();
  UTIL_RETURN_IF_ERROR(SyncDir(dirs_[index]));
  PartitionLog* raw = log->get();
  logs_[tp] = Entry{std::move(*log), index};
  StorageLog().info("[{}] created log in {}", tp.DirName(), dirs_[index]);
  return raw;
}

util::Status LogManager::Delete(const TopicPartition& tp) {
  auto it = logs_.find(tp);
  if (it == logs_.end()) return util::Status::NotFound("no log for " + tp.DirName());
  const std::string parent = dirs_[it->second.dir_index];
  const std::string path = it->second.log->dir();
  if (cleaner_) cleaner_->Remove(tp);
  logs_.erase(it);  // closes the files
  const std::string doomed = JoinPath(parent, tp.DirName() + "." + RandomHex32() + "-delete");
  UTIL_RETURN_IF_ERROR(RenamePath(path, doomed));
  UTIL_RETURN_IF_ERROR(SyncDir(parent));
  UTIL_RETURN_IF_ERROR(RemoveAll(doomed));
  StorageLog().info("[{}] deleted log", tp.DirName());
  return util::Status::OK();
}

std::vector<TopicPartition> LogManager::Partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, entry] : logs_) out.push_back(tp);
  return out;
}

int LogManager::RunRetention(int64_t now_ms) {
  int deleted = 0;
  for (auto& [tp, entry] : logs_) {
    auto r = entry.log->DeleteOldSegments(now_ms);
    if (r.ok()) {
      deleted += *r;
    } else {
      StorageLog().error("[{}] retention failed: {}", tp.DirName(), r.status().ToString());
    }
  }
  return deleted;
}

util::Status LogManager::MaybeFlushAll(int64_t now_ms) {
  util::Status first;
  for (auto& [tp, entry] : logs_) {
    util::Status s = entry.log->MaybeFlush(now_ms);
    if (!s.ok() && first.ok()) first = s;
  }
  RunCleaner(now_ms);
  return first;
}

void LogManager::RunCleaner(int64_t now_ms) {
  if (!cleaner_ || shut_down_) return;
  std::map<TopicPartition, LogCleaner::LogRef> refs;
  for (auto& [tp, entry] : logs_) refs[tp] = LogCleaner::LogRef{entry.log.get(), entry.dir_index};
  cleaner_->Tick(now_ms, refs);
}

util::Status LogManager::FlushAll() {
  util::Status first;
  for (auto& [tp, entry] : logs_) {
    util::Status s = entry.log->Flush();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

util::Status LogManager::CheckpointAll() {
  for (size_t i = 0; i < dirs_.size(); ++i) {
    OffsetMap recovery, hw, start;
    for (const auto& [tp, entry] : logs_) {
      if (entry.dir_index != i) continue;
      recovery[tp] = entry.log->recovery_point();
      hw[tp] = entry.log->high_watermark();
      start[tp] = entry.log->log_start_offset();
    }
    UTIL_RETURN_IF_ERROR(WriteOffsetCheckpoint(JoinPath(dirs_[i], kRecoveryPointCheckpoint),
                                               recovery));
    UTIL_RETURN_IF_ERROR(WriteOffsetCheckpoint(JoinPath(dirs_[i], kReplicationCheckpoint), hw));
    UTIL_RETURN_IF_ERROR(WriteOffsetCheckpoint(JoinPath(dirs_[i], kLogStartCheckpoint), start));
  }
  return util::Status::OK();
}

util::Status LogManager::Shutdown() {
  if (shut_down_) return util::Status::OK();
  shut_down_ = true;
  if (cleaner_) cleaner_->Stop();
  // Without a successful flush and checkpoint the marker must not be written: the
  // next start then recovers, which is always safe.
  util::Status s = FlushAll();
  if (s.ok()) s = CheckpointAll();
  if (s.ok()) {
    for (const std::string& dir : dirs_) {
      s = TouchFile(JoinPath(dir, kCleanShutdownFile));
      if (!s.ok()) break;
    }
  }
  logs_.clear();
  ReleaseLocks();
  if (s.ok()) StorageLog().info("log manager shut down cleanly");
  return s;
}

}  // namespace kafka::log
