#include "daemon/broker/offsets_store.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <span>

#include "common/protocol/error_code.h"
#include "common/protocol/record_batch.h"
#include "common/util/logging.h"

namespace kafka::broker {
namespace {

namespace asio = boost::asio;
using protocol::ErrorCode;
using protocol::ToWire;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

constexpr size_t kLoadChunkBytes = 1 << 20;

}  // namespace

void OffsetsStore::Append(int32_t partition, std::vector<group::StoreRecord> records,
                          AppendCallback done) {
  auto finish = [this, done = std::move(done)](ErrorCode code) {
    asio::post(io_, [done, code] { done(ToWire(code)); });
  };
  const TopicInfo* topic = cache_.GetTopic(kOffsetsTopic);
  const PartitionInfo* info = nullptr;
  if (topic != nullptr) {
    auto it = topic->partitions.find(partition);
    if (it != topic->partitions.end()) info = &it->second;
  }
  const log::TopicPartition tp{kOffsetsTopic, partition};
  if (info == nullptr || info->leader != broker_id_ || replicas_.Get(tp) == nullptr) {
    return finish(ErrorCode::kNotLeaderOrFollower);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<protocol::Record> batch_records;
  batch_records.reserve(records.size());
  for (auto& r : records) {
    protocol::Record rec;
    rec.key = std::move(r.key);
    rec.value = std::move(r.value);
    batch_records.push_back(std::move(rec));
  }
  protocol::BatchBuildOptions opts;
  opts.base_timestamp = now;
  auto batch = protocol::BuildBatch(opts, batch_records);
  if (!batch.ok()) return finish(ErrorCode::kCorruptMessage);
  auto appended = replicas_.AppendAsLeader(tp, std::span<char>(batch->data(), batch->size()),
                                           info->leader_epoch);
  if (!appended.ok()) {
    const auto& s = appended.status();
    Log().warn("[{}] group store append failed: {}", tp.DirName(), s.ToString());
    if (s.IsInvalidArgument()) return finish(ErrorCode::kMessageTooLarge);
    if (s.code() == util::Status::Code::kAborted) return finish(ErrorCode::kNotLeaderOrFollower);
    if (s.IsCorruption()) return finish(ErrorCode::kCorruptMessage);
    return finish(ErrorCode::kKafkaStorageError);
  }
  replicas_.WaitForReplication(
      {{tp, appended->last_offset}},
      std::chrono::steady_clock::now() + std::chrono::milliseconds(commit_timeout_ms_),
      [finish](bool timed_out) {
        finish(timed_out ? ErrorCode::kRequestTimedOut : ErrorCode::kNone);
      });
}

void OffsetsStore::Load(int32_t partition, LoadCallback done) {
  const log::TopicPartition tp{kOffsetsTopic, partition};
  std::vector<group::LoadedRecord> out;
  int16_t error = 0;
  const log::PartitionLog* plog = replicas_.Get(tp);
  if (plog == nullptr) {
    error = ToWire(ErrorCode::kNotLeaderOrFollower);
  } else {
    // To the log end, not the high watermark (Kafka's GroupMetadataManager does the
    // same): a new leader's high watermark lags the old leader's by a fetch round, and
    // everything in its log up to the end may have been acknowledged (acks=-1) by the
    // old leader. Reading only to the HW dropped the last acknowledged commits after a
    // coordinator failover (tests/chaos FINDINGS F3). The leader's log is the truth
    // from its epoch on; the followers converge to it.
    const int64_t end = plog->log_end_offset();
    int64_t offset = plog->log_start_offset();
    while (offset < end) {
      auto read = plog->Read(offset, kLoadChunkBytes, end);
      if (!read.ok()) {
        Log().warn("[{}] loading groups: {}", tp.DirName(), read.status().ToString());
        error = ToWire(ErrorCode::kKafkaStorageError);
        break;
      }
      if (read->records.empty() || read->next_offset <= offset) break;
      auto batches = protocol::SplitBatches(read->records);
      if (!batches.ok()) {
        error = ToWire(ErrorCode::kCorruptMessage);
        break;
      }
      for (auto view : *batches) {
        auto batch = protocol::DecodeBatch(view);
        if (!batch.ok()) {
          Log().warn("[{}] loading groups: skipping bad batch: {}", tp.DirName(),
                     batch.status().ToString());
          continue;
        }
        if (batch->header.is_control()) continue;
        for (auto& rec : batch->records) {
          const int64_t rec_offset = batch->header.base_offset + rec.offset_delta;
          if (rec_offset < offset || !rec.key) continue;
          out.push_back(group::LoadedRecord{std::move(*rec.key), std::move(rec.value), rec_offset});
        }
      }
      offset = read->next_offset;
    }
  }
  if (!out.empty()) Log().info("[{}] loaded {} group record(s)", tp.DirName(), out.size());
  asio::post(io_, [done = std::move(done), error, out = std::move(out)]() mutable {
    done(error, std::move(out));
  });
}

}  // namespace kafka::broker
