// LogManager: every partition log under a set of log.dirs, as Kafka's LogManager.
//
// Startup: each log dir is created if missing and locked with flock on `<dir>/.lock`
// (a second process using the same dir fails with Unavailable). The dir's checkpoint
// files (recovery-point-offset-checkpoint, replication-offset-checkpoint,
// log-start-offset-checkpoint) and the `.kafka_cleanshutdown` marker decide how each
// `<topic>-<partition>` subdirectory is opened: with the marker, no scan; without,
// recovery from the partition's recovery point. The marker is removed once loaded,
// so a crash from then on forces recovery at the next start. Directories named
// `<topic>-<partition>.<uuid>-delete` (an interrupted delete) are removed.
//
// Compacted logs (cleanup.policy=compact) are cleaned in slices by RunCleaner, which
// MaybeFlushAll calls; cleaner progress is in `<dir>/cleaner-offset-checkpoint`.
//
// Shutdown() is the clean path: flush every log, write the checkpoints, write the
// marker. Destroying the manager without Shutdown() is an unclean stop.
// Lifecycle: one per broker process. Thread safety: NONE; the broker calls it from
// its single io thread (retention and checkpoints on timers of that thread).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/log/checkpoint.h"
#include "common/log/cleaner.h"
#include "common/log/log_config.h"
#include "common/log/partition_log.h"
#include "common/util/status.h"

namespace kafka::log {

inline constexpr char kCleanShutdownFile[] = ".kafka_cleanshutdown";
inline constexpr char kLockFile[] = ".lock";

class LogManager {
 public:
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  static util::Result<std::unique_ptr<LogManager>> Open(const std::vector<std::string>& log_dirs,
                                                        const LogConfig& default_config);

  // nullptr when the partition has no log here.
  PartitionLog* Get(const TopicPartition& tp) const;
  // Creates the partition in the log dir holding the fewest partitions (Kafka's
  // choice) or returns the existing log. `config` overrides the default config.
  util::Result<PartitionLog*> GetOrCreate(const TopicPartition& tp,
                                          const std::optional<LogConfig>& config = std::nullopt);
  // Closes the log, renames its dir to `<topic>-<partition>.<uuid>-delete` (so a crash
  // midway never resurrects it) and removes it. NotFound if absent.
  util::Status Delete(const TopicPartition& tp);
  std::vector<TopicPartition> Partitions() const;

  // Retention over every log; returns segments deleted. A failing log is logged and
  // skipped, so one bad partition does not stop retention for the others.
  int RunRetention(int64_t now_ms);
  // Time-based flush policy over every log, then one slice of log cleaning
  // (RunCleaner): the broker calls this every second from its housekeeping timer.
  util::Status MaybeFlushAll(int64_t now_ms);
  // One bounded slice of log compaction (log.cleaner.*; see cleaner.h).
  void RunCleaner(int64_t now_ms);
  LogCleaner& cleaner() { return *cleaner_; }
  util::Status FlushAll();
  // Writes the three offset checkpoints of every log dir.
  util::Status CheckpointAll();
  // Clean shutdown: FlushAll, CheckpointAll, marker in every dir, close, unlock.
  util::Status Shutdown();

  const std::vector<std::string>& log_dirs() const { return dirs_; }
  const LogConfig& default_config() const { return default_config_; }

 private:
  struct Entry {
    std::unique_ptr<PartitionLog> log;
    size_t dir_index = 0;
  };

  LogManager(const std::vector<std::string>& dirs, const LogConfig& config);
  util::Status LoadDir(size_t index);
  void ReleaseLocks();

  std::vector<std::string> dirs_;
  std::vector<int> lock_fds_;
  LogConfig default_config_;
  std::map<TopicPartition, Entry> logs_;
  std::unique_ptr<LogCleaner> cleaner_;
  bool shut_down_ = false;
};

// Parses "<topic>-<partition>" (the topic may contain '-'); nullopt if not one.
std::optional<TopicPartition> ParsePartitionDirName(const std::string& name);

}  // namespace kafka::log
