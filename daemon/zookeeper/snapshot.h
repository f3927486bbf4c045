// Snapshots: the whole tree and session table at one zxid, in
// `version-2/snapshot.<hex zxid>` under dataDir, written to a temp file, fsynced
// and renamed so a crash never leaves a half snapshot under the real name. A
// trailing CRC-32C covers the file; an invalid snapshot is skipped at load and
// the next older one used. Layout: FORMAT.md.
//
// Serialize() copies the state into a buffer (stop-the-world, on the io thread);
// WriteSnapshotFile() can then run on another thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"
#include "daemon/zookeeper/data_tree.h"

namespace zkserver {

std::string SerializeSnapshot(const DataTree& tree, int64_t zxid);
// Replaces `tree` with the snapshot's content; Corruption if invalid.
util::Status DeserializeSnapshot(std::string_view bytes, DataTree* tree, int64_t* zxid);

util::Status WriteSnapshotFile(const std::string& dir, int64_t zxid, const std::string& bytes);

struct SnapFile {
  int64_t zxid = 0;
  std::string path;
};
// snapshot.* files in `dir`, newest first.
std::vector<SnapFile> ListSnapshots(const std::string& dir);

// Loads the newest valid snapshot into `tree` (a fresh tree and zxid 0 if none).
util::Status LoadLatestSnapshot(const std::string& dir, DataTree* tree, int64_t* zxid);

// Autopurge: keeps the `retain` newest snapshots and the log files needed to
// replay from the oldest of them; deletes the rest.
void PurgeOldFiles(const std::string& snap_dir, const std::string& log_dir, int retain);

}  // namespace zkserver
