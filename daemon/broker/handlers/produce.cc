// Produce v3-7: validate, append as leader, answer with the base offset.
// acks=0 gets no response (its place in the order is kept); acks=1 answers after
// the local append; acks=-1 first needs an ISR of at least min.insync.replicas
// (topic config, else the broker default: NOT_ENOUGH_REPLICAS, nothing appended),
// then waits in the ReplicaManager until the high watermark passes the batch
// (NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below the minimum
// meanwhile, REQUEST_TIMED_OUT at timeout_ms, NOT_LEADER_OR_FOLLOWER when
// leadership moved).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "common/log/batch_filter.h"
#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/record_validation.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

int32_t MinInsyncReplicas(const Broker& broker, const TopicInfo* topic) {
  int32_t min_isr = broker.config().min_insync_replicas;
  if (topic != nullptr) {
    auto it = topic->configs.find("min.insync.replicas");
    if (it != topic->configs.end()) {
      int32_t v = 0;
      auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
      if (ec == std::errc() && end == it->second.data() + it->second.size() && v >= 1) min_isr = v;
    }
  }
  return min_isr;
}

}  // namespace

void HandleProduce(const RequestContext& ctx, ProduceRequest req,
                   Respond<ProduceResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  const bool bad_acks = req.acks != 0 && req.acks != 1 && req.acks != -1;
  ProduceResponse resp;
  std::vector<ReplicaManager::ReplicationWait> replicated;
  std::vector<std::pair<size_t, size_t>> slots;  // (topic, partition) index of each wait
  for (auto& topic : req.topic_data) {
    ProduceResponse::TopicProduceResponse tr;
    tr.name = topic.name;
    for (auto& part : topic.partition_data) {
      ProduceResponse::PartitionProduceResponse pr;
      pr.index = part.index;
      pr.base_offset = -1;
      auto fail = [&](ErrorCode code) { pr.error_code = ToWire(code); };
      const PartitionInfo* info = broker.cache().GetPartition(topic.name, part.index);
      const TopicInfo* topic_info = broker.cache().GetTopic(topic.name);
      log::TopicPartition tp{topic.name, part.index};
      log::PartitionLog* plog = broker.replicas().Get(tp);
      const int32_t min_isr = MinInsyncReplicas(broker, topic_info);
      ErrorCode leader_check = ErrorCode::kNone;
      if (bad_acks) {
        fail(ErrorCode::kInvalidRequiredAcks);
      } else if (info == nullptr && plog == nullptr) {
        fail(ErrorCode::kUnknownTopicOrPartition);
      } else if ((leader_check = broker.replicas().CheckLeader(tp)) != ErrorCode::kNone) {
        fail(leader_check);
      } else if (req.acks == -1 &&
                 static_cast<int32_t>(broker.replicas().IsrSize(tp)) < min_isr) {
        fail(ErrorCode::kNotEnoughReplicas);
      } else if (!part.records) {
        fail(ErrorCode::kCorruptMessage);
      } else {
        ErrorCode v = ValidateProducedRecords(*part.records, version,
                                              plog->config().max_message_bytes);
        // A compacted log keeps the latest value per key: a record without a key
        // could never be cleaned (Kafka: "Compacted topic cannot accept message
        // without key", INVALID_RECORD).
        if (v == ErrorCode::kNone && plog->config().cleanup_compact &&
            !log::CheckKeysForCompactedTopic(*part.records).ok()) {
          v = ErrorCode::kInvalidRecord;
        }
        if (v != ErrorCode::kNone) {
          fail(v);
        } else {
          if (topic_info != nullptr) {
            auto it = topic_info->configs.find("message.timestamp.type");
            if (it != topic_info->configs.end() && it->second == "LogAppendTime") {
              const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
              StampLogAppendTime(std::span<char>(part.records->data(), part.records->size()),
                                 now);
              pr.log_append_time_ms = now;
            }
          }
          auto appended = broker.replicas().AppendAsLeader(
              tp, std::span<char>(part.records->data(), part.records->size()),
              broker.replicas().LeaderEpoch(tp));
          if (appended.ok()) {
            pr.base_offset = appended->first_offset;
            replicated.push_back({tp, appended->last_offset, min_isr});
            slots.emplace_back(resp.responses.size(), tr.partition_responses.size());
          } else {
            const auto& s = appended.status();
            if (s.IsCorruption()) {
              fail(ErrorCode::kCorruptMessage);
            } else if (s.IsInvalidArgument()) {
              fail(ErrorCode::kMessageTooLarge);
            } else if (s.code() == util::Status::Code::kAborted) {
              fail(ErrorCode::kNotLeaderOrFollower);
            } else {
              fail(ErrorCode::kKafkaStorageError);
            }
          }
        }
      }
      if (plog != nullptr) pr.log_start_offset = plog->log_start_offset();
      tr.partition_responses.push_back(std::move(pr));
    }
    resp.responses.push_back(std::move(tr));
  }
  if (req.acks == 0) {
    respond(std::nullopt);
    return;
  }
  if (req.acks == -1 && !replicated.empty()) {
    auto shared = std::make_shared<ProduceResponse>(std::move(resp));
    broker.replicas().WaitForReplication(
        std::move(replicated),
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.timeout_ms, 0)),
        [shared, slots, respond](std::vector<ErrorCode> codes) {
          for (size_t i = 0; i < codes.size() && i < slots.size(); ++i) {
            if (codes[i] == ErrorCode::kNone) continue;
            auto& pr = shared->responses[slots[i].first].partition_responses[slots[i].second];
            pr.error_code = ToWire(codes[i]);
          }
          respond(std::move(*shared));
        });
    return;
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
