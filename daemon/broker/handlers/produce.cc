// Produce v3-7: validate, append as leader, answer with the base offset.
// acks=0 gets no response (its place in the order is kept); acks=-1 behaves like
// acks=1 until replication exists (ReplicaManager is the hook).
#include <algorithm>
#include <chrono>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/record_validation.h"

namespace kafka::broker {

using namespace kafka::protocol;

void HandleProduce(const RequestContext& ctx, ProduceRequest req,
                   Respond<ProduceResponse> respond) {
  Broker& broker = *ctx.broker;
  const int16_t version = ctx.header.api_version;
  const bool bad_acks = req.acks != 0 && req.acks != 1 && req.acks != -1;
  ProduceResponse resp;
  std::vector<std::pair<log::TopicPartition, int64_t>> replicated;
  for (auto& topic : req.topic_data) {
    ProduceResponse::TopicProduceResponse tr;
    tr.name = topic.name;
    for (auto& part : topic.partition_data) {
      ProduceResponse::PartitionProduceResponse pr;
      pr.index = part.index;
      pr.base_offset = -1;
      auto fail = [&](ErrorCode code) { pr.error_code = ToWire(code); };
      const PartitionInfo* info = broker.cache().GetPartition(topic.name, part.index);
      log::TopicPartition tp{topic.name, part.index};
      log::PartitionLog* plog = broker.replicas().Get(tp);
      if (bad_acks) {
        fail(ErrorCode::kInvalidRequiredAcks);
      } else if (info == nullptr) {
        fail(ErrorCode::kUnknownTopicOrPartition);
      } else if (info->leader != broker.broker_id() || plog == nullptr) {
        fail(ErrorCode::kNotLeaderOrFollower);
      } else if (!part.records) {
        fail(ErrorCode::kCorruptMessage);
      } else {
        ErrorCode v = ValidateProducedRecords(*part.records, version,
                                              plog->config().max_message_bytes);
        if (v != ErrorCode::kNone) {
          fail(v);
        } else {
          const TopicInfo* topic_info = broker.cache().GetTopic(topic.name);
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
              info->leader_epoch);
          if (appended.ok()) {
            pr.base_offset = appended->first_offset;
            replicated.emplace_back(tp, appended->last_offset);
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
        replicated,
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.timeout_ms, 0)),
        [shared, respond](bool timed_out) {
          if (timed_out) {
            for (auto& t : shared->responses) {
              for (auto& p : t.partition_responses) {
                if (p.error_code == 0) p.error_code = ToWire(ErrorCode::kRequestTimedOut);
              }
            }
          }
          respond(std::move(*shared));
        });
    return;
  }
  respond(std::move(resp));
}

}  // namespace kafka::broker
