// The transaction log: append-only files `version-2/log.<hex zxid>` in dataLogDir,
// each named after the first zxid it holds. Every record carries its length and a
// CRC-32C of its payload, so recovery detects a torn or corrupt tail, truncates the
// file at the last valid record and never applies what follows. Layout: FORMAT.md.
//
// TxnLogWriter is used by exactly one thread (the sync stage); ReadTxnLog runs at
// start-up before the server accepts connections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"
#include "daemon/zookeeper/txn.h"

namespace zkserver {

inline constexpr char kLogMagic[4] = {'Z', 'K', 'C', 'L'};
inline constexpr int32_t kLogVersion = 1;
inline constexpr size_t kLogHeaderSize = 16;   // magic, version, dbid
inline constexpr size_t kRecordHeaderSize = 8;  // length, crc32c

// Frames an encoded txn as a log record (length, CRC-32C, payload).
std::string FrameRecord(std::string_view payload);
// Encodes and frames `txn`.
std::string EncodeRecord(const Txn& txn);

class TxnLogWriter {
 public:
  // `dir` is the version-2 directory; it must exist.
  explicit TxnLogWriter(std::string dir) : dir_(std::move(dir)) {}
  ~TxnLogWriter();
  TxnLogWriter(const TxnLogWriter&) = delete;
  TxnLogWriter& operator=(const TxnLogWriter&) = delete;

  // Appends framed records whose first txn has `first_zxid` (names a new file if
  // none is open). Data reaches the OS; Sync() makes it durable.
  util::Status Append(int64_t first_zxid, std::string_view records);
  util::Status Sync();
  // Closes the current file; the next Append starts a new one.
  void Roll();
  const std::string& current_path() const { return path_; }

 private:
  std::string dir_;
  util::Status Preallocate(size_t needed);

  std::string path_;
  int fd_ = -1;
  bool dir_dirty_ = false;  // a new file's directory entry still needs an fsync
  // Files are zero-filled ahead of the write position in kPreallocBytes steps, so
  // most fdatasyncs flush data only (no size change to journal). Zero fill reads
  // back as a clean end of log.
  uint64_t pos_ = 0;
  uint64_t allocated_ = 0;
};

inline constexpr uint64_t kPreallocBytes = 4 << 20;

struct LogFile {
  int64_t start_zxid = 0;
  std::string path;
};
// log.* files in `dir`, sorted by start zxid.
std::vector<LogFile> ListLogs(const std::string& dir);

struct ReplayStats {
  int64_t last_zxid = 0;
  size_t applied = 0;
  bool truncated = false;
};

// Replays every txn with zxid > `after_zxid`, in order. On the first invalid
// record (short, bad length, CRC mismatch, undecodable) it truncates that file
// at the record's start, deletes any later log files, logs a warning and stops.
util::Result<ReplayStats> ReadTxnLog(const std::string& dir, int64_t after_zxid,
                                     const std::function<void(const Txn&)>& apply);

// Removes every record with zxid > `zxid` (ensemble TRUNC sync: a tail the
// leader never committed): later files are deleted, the file holding the cut
// is truncated after its last record <= `zxid`. Stops at the first invalid
// record (ReadTxnLog deals with those). Must not run while a writer is open.
util::Status TruncateTxnLog(const std::string& dir, int64_t zxid);

// Helpers shared with snapshots.
std::string ZxidHex(int64_t zxid);
util::Status FsyncDir(const std::string& dir);
util::Status EnsureDir(const std::string& dir);

}  // namespace zkserver
