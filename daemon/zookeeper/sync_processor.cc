#include "daemon/zookeeper/sync_processor.h"

#include "common/util/logging.h"
#include "daemon/zookeeper/snapshot.h"

namespace zkserver {

SyncProcessor::SyncProcessor(std::string log_dir, std::string snap_dir, bool force_sync,
                             DurableFn on_durable, ErrorFn on_error)
    : log_dir_(std::move(log_dir)),
      snap_dir_(std::move(snap_dir)),
      force_sync_(force_sync),
      on_durable_(std::move(on_durable)),
      on_error_(std::move(on_error)),
      writer_(log_dir_) {}

SyncProcessor::~SyncProcessor() { Stop(); }

void SyncProcessor::Start() { thread_ = std::thread([this] { Run(); }); }

void SyncProcessor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void SyncProcessor::Append(int64_t first_zxid, int64_t last_zxid, std::string records) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!queue_.empty() && queue_.back().kind == Item::kRecords) {
      // Coalesce into the pending batch: one buffer, one write() later.
      Item& last = queue_.back();
      last.bytes.append(records);
      last.last_zxid = last_zxid;
      return;
    }
    Item item;
    item.first_zxid = first_zxid;
    item.last_zxid = last_zxid;
    item.bytes = std::move(records);
    queue_.push_back(std::move(item));
  }
  cv_.notify_one();
}

void SyncProcessor::Snapshot(int64_t zxid, std::string bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Item item;
    item.kind = Item::kSnapshot;
    item.first_zxid = item.last_zxid = zxid;
    item.bytes = std::move(bytes);
    queue_.push_back(std::move(item));
  }
  cv_.notify_one();
}

void SyncProcessor::Purge(int retain) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Item item;
    item.kind = Item::kPurge;
    item.retain = retain;
    queue_.push_back(std::move(item));
  }
  cv_.notify_one();
}

void SyncProcessor::Run() {
  auto log = util::logging::Get("zkserver");
  std::vector<Item> batch;
  bool failed = false;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) break;
      batch.swap(queue_);
    }
    if (failed) {
      batch.clear();
      continue;
    }
    int64_t written = -1;  // highest zxid written but not yet synced
    auto sync = [&]() -> bool {
      if (written < 0) return true;
      if (force_sync_) {
        util::Status s = writer_.Sync();
        if (!s.ok()) {
          on_error_(s);
          return false;
        }
      }
      ++fsyncs_;
      on_durable_(written);
      written = -1;
      return true;
    };
    for (Item& item : batch) {
      if (item.kind == Item::kRecords) {
        util::Status s = writer_.Append(item.first_zxid, item.bytes);
        if (!s.ok()) {
          on_error_(s);
          failed = true;
          break;
        }
        written = item.last_zxid;
      } else if (item.kind == Item::kSnapshot) {
        if (!sync()) {
          failed = true;
          break;
        }
        util::Status s = WriteSnapshotFile(snap_dir_, item.first_zxid, item.bytes);
        if (!s.ok()) {
          log->error("snapshot at zxid 0x{:x} failed: {}", item.first_zxid, s.ToString());
        } else {
          log->info("wrote snapshot.{:x} ({} bytes)", item.first_zxid, item.bytes.size());
          writer_.Roll();
        }
      } else {
        PurgeOldFiles(snap_dir_, log_dir_, item.retain);
      }
    }
    if (!failed && !sync()) failed = true;
    batch.clear();
  }
  writer_.Roll();
}

}  // namespace zkserver
