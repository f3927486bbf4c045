// The sync stage: a dedicated thread that appends framed transactions to the
// txn log and makes them durable with GROUP COMMIT. The io thread queues records
// without blocking; the log thread takes everything queued so far, writes it with
// one write(), issues one fdatasync for the whole batch, and reports the highest
// durable zxid through a callback (which the server posts back to its io thread).
// While one fsync is in flight the next batch accumulates.
//
// Snapshots go through the same queue so that a snapshot taken at zxid Z is
// written only after every record up to Z is durable, and the log rolls to a new
// file right after it. Purges run here too, off the io thread.
//
// A write or fsync failure is fatal (the callback `on_error` is called and no
// further durability is reported), as in ZooKeeper.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/zookeeper/txn_log.h"

namespace zkserver {

class SyncProcessor {
 public:
  using DurableFn = std::function<void(int64_t durable_zxid)>;
  using ErrorFn = std::function<void(const util::Status&)>;

  SyncProcessor(std::string log_dir, std::string snap_dir, bool force_sync, DurableFn on_durable,
                ErrorFn on_error);
  ~SyncProcessor();  // Stop()s

  void Start();
  // Drains the queue (everything queued becomes durable) and joins the thread.
  void Stop();

  // Queues framed records holding zxids first..last (in zxid order).
  void Append(int64_t first_zxid, int64_t last_zxid, std::string records);
  // Queues a snapshot of state at `zxid` (serialized bytes); the log rolls after it.
  void Snapshot(int64_t zxid, std::string bytes);
  // Queues an autopurge keeping `retain` snapshots.
  void Purge(int retain);

  uint64_t fsync_count() const { return fsyncs_; }

 private:
  struct Item {
    enum Kind { kRecords, kSnapshot, kPurge } kind = kRecords;
    int64_t first_zxid = 0;
    int64_t last_zxid = 0;
    std::string bytes;
    int retain = 0;
  };
  void Run();

  std::string log_dir_;
  std::string snap_dir_;
  bool force_sync_;
  DurableFn on_durable_;
  ErrorFn on_error_;
  TxnLogWriter writer_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> queue_;  // guarded by mu_
  bool stop_ = false;        // guarded by mu_
  std::thread thread_;
  uint64_t fsyncs_ = 0;
};

}  // namespace zkserver
