// Kafka's text checkpoint files, written atomically.
//
// Format (CheckpointFile.java): line 1 the version ("0"), line 2 the entry count,
// then one entry per line with space-separated fields. Used for
//   recovery-point-offset-checkpoint, replication-offset-checkpoint and
//   log-start-offset-checkpoint (per log dir; entries "topic partition offset") and
//   leader-epoch-checkpoint (per partition dir; entries "epoch startOffset").
// Writes go to `<file>.tmp`, are fsynced, renamed over the file, and the directory is
// fsynced; a leftover .tmp from a crash is ignored by readers (the old file is the
// committed one) and overwritten by the next write.
// Thread safety: stateless functions; callers serialise writes to one path.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/util/status.h"

namespace kafka::log {

inline constexpr char kRecoveryPointCheckpoint[] = "recovery-point-offset-checkpoint";
inline constexpr char kReplicationCheckpoint[] = "replication-offset-checkpoint";
inline constexpr char kLogStartCheckpoint[] = "log-start-offset-checkpoint";
inline constexpr char kLeaderEpochCheckpoint[] = "leader-epoch-checkpoint";

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
  // "<topic>-<partition>", Kafka's directory name.
  std::string DirName() const { return topic + "-" + std::to_string(partition); }
};

struct EpochEntry {
  int32_t epoch = 0;
  int64_t start_offset = 0;
  friend bool operator==(const EpochEntry&, const EpochEntry&) = default;
};

using OffsetMap = std::map<TopicPartition, int64_t>;

// A missing file reads as empty; a malformed one is Corruption naming path and line.
util::Result<OffsetMap> ReadOffsetCheckpoint(const std::string& path);
util::Status WriteOffsetCheckpoint(const std::string& path, const OffsetMap& offsets);

util::Result<std::vector<EpochEntry>> ReadEpochCheckpoint(const std::string& path);
util::Status WriteEpochCheckpoint(const std::string& path, const std::vector<EpochEntry>& entries);

}  // namespace kafka::log
