// Fetch v4-12. Consumers (replica_id -1): whole batches from the fetch offset up to
// the high watermark (the last stable offset equals it: no transactions), bounded by
// the partition and response limits (the first batch of the response always comes
// whole, as KIP-74). Followers (replica_id >= 0, only on a connection that proved
// it is that broker: RequestContext::peer_broker_id, RELIABILITY.md B12) read up to
// the log end; their fetch offset is their LEO, which moves the leader's HW and ISR
// (ReplicaManager::OnFollowerFetch). Both are checked against the leader epoch they
// send (KIP-320: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH) and get
// NOT_LEADER_OR_FOLLOWER from a broker that does not lead the partition (v12 adds
// the CurrentLeader tag with these two errors only, as Kafka since KIP-951).
// Long-poll: with fewer than min_bytes available the request waits in the
// ReplicaManager's purgatory until an append or HW move on one of its partitions or
// max_wait_ms, without blocking the thread. Fetch sessions are not kept: every
// answer has session_id 0 (what Kafka does when its session cache is full).
#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>

#include "common/protocol/error_code.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

// Builds the answer from the current log state; `bytes` gets the records size and
// `has_error` whether some partition failed (both end the long-poll at once), as
// does `hw_news`: a follower that has not been told the current high watermark
// (so followers' HWs trail the leader's by one round trip, not by max_wait_ms:
// a new leader starts from its own HW).
FetchResponse BuildFetch(Broker& broker, const RequestContext& ctx, const FetchRequest& req,
                         int16_t version, size_t* bytes, bool* has_error, bool* hw_news) {
  const bool from_follower = req.replica_id >= 0;
  const bool follower_allowed = from_follower && ctx.peer_broker_id == req.replica_id;
  FetchResponse resp;
  *bytes = 0;
  *has_error = false;
  *hw_news = false;
  int64_t response_limit = req.max_bytes <= 0 ? 0 : req.max_bytes;
  response_limit = std::min<int64_t>(response_limit, broker.config().fetch_max_bytes);
  bool min_one_batch = true;
  for (const auto& topic : req.topics) {
    FetchResponse::FetchableTopicResponse tr;
    tr.topic = topic.topic;
    for (const auto& part : topic.partitions) {
      FetchResponse::PartitionData pd;
      pd.partition_index = part.partition;
      pd.high_watermark = -1;
      pd.last_stable_offset = -1;
      pd.log_start_offset = -1;
      pd.records = std::string();
      if (req.isolation_level == 1) pd.aborted_transactions.emplace();
      auto fail = [&](ErrorCode code) {
        pd.error_code = ToWire(code);
        *has_error = true;
      };
      const log::TopicPartition tp{topic.topic, part.partition};
      const PartitionInfo* info = broker.cache().GetPartition(topic.topic, part.partition);
      log::PartitionLog* plog = broker.replicas().Get(tp);
      const int32_t epoch = version >= 9 ? part.current_leader_epoch : -1;
      ErrorCode check = ErrorCode::kNone;
      if (from_follower && !follower_allowed) {
        fail(ErrorCode::kTopicAuthorizationFailed);
      } else if (info == nullptr && plog == nullptr) {
        fail(ErrorCode::kUnknownTopicOrPartition);
      } else if ((check = from_follower ? broker.replicas().OnFollowerFetch(
                                              tp, req.replica_id, epoch, part.fetch_offset)
                                        : broker.replicas().CheckLeader(tp, epoch)) !=
                 ErrorCode::kNone) {
        fail(check);
        if (plog != nullptr) pd.log_start_offset = plog->log_start_offset();
        if (version >= 12 && info != nullptr &&
            (check == ErrorCode::kNotLeaderOrFollower || check == ErrorCode::kFencedLeaderEpoch)) {
          // KIP-951: point the client at the leader we know (only with these errors).
          pd.current_leader.leader_id = info->leader;
          pd.current_leader.leader_epoch = info->leader_epoch;
        }
      } else {
        const int64_t read_limit =
            from_follower ? std::numeric_limits<int64_t>::max() : plog->high_watermark();
        pd.high_watermark = plog->high_watermark();
        pd.last_stable_offset = pd.high_watermark;
        if (from_follower && broker.replicas().FollowerHwStale(tp, req.replica_id)) {
          *hw_news = true;
        }
        pd.log_start_offset = plog->log_start_offset();
        if (part.fetch_offset < plog->log_start_offset() ||
            part.fetch_offset > plog->log_end_offset()) {
          fail(ErrorCode::kOffsetOutOfRange);
        } else if (part.fetch_offset < std::min(read_limit, plog->log_end_offset())) {
          const int64_t left = response_limit - static_cast<int64_t>(*bytes);
          const int64_t limit =
              std::max<int64_t>(0, std::min<int64_t>(part.partition_max_bytes, left));
          if (limit > 0 || min_one_batch) {
            auto read = plog->Read(part.fetch_offset, static_cast<size_t>(limit), read_limit,
                                   min_one_batch);
            if (read.ok()) {
              if (!read->records.empty()) {
                *bytes += read->records.size();
                min_one_batch = false;
                pd.records = std::move(read->records);
              }
            } else if (read.status().IsNotFound()) {
              fail(ErrorCode::kOffsetOutOfRange);
            } else {
              fail(ErrorCode::kKafkaStorageError);
            }
          }
        }
      }
      tr.partitions.push_back(std::move(pd));
    }
    resp.responses.push_back(std::move(tr));
  }
  if (version >= 7 && req.session_id > 0) resp.error_code = ToWire(ErrorCode::kFetchSessionIdNotFound);
  resp.session_id = 0;
  return resp;
}

struct PendingFetch {
  RequestContext ctx;
  FetchRequest req;
  Respond<FetchResponse> respond;
  std::chrono::steady_clock::time_point deadline;
  std::set<log::TopicPartition> partitions;
};

void Attempt(std::shared_ptr<PendingFetch> pending, bool final_attempt) {
  Broker& broker = *pending->ctx.broker;
  size_t bytes = 0;
  bool has_error = false;
  bool hw_news = false;
  FetchResponse resp = BuildFetch(broker, pending->ctx, pending->req,
                                  pending->ctx.header.api_version, &bytes, &has_error, &hw_news);
  const bool enough = static_cast<int64_t>(bytes) >= std::max(pending->req.min_bytes, 1);
  if (final_attempt || enough || has_error || hw_news || broker.stopping() ||
      std::chrono::steady_clock::now() >= pending->deadline || pending->partitions.empty()) {
    if (pending->req.replica_id >= 0 && pending->ctx.peer_broker_id == pending->req.replica_id) {
      for (const auto& t : resp.responses) {
        for (const auto& p : t.partitions) {
          if (p.error_code == 0) {
            broker.replicas().NoteHwSent({t.topic, p.partition_index}, pending->req.replica_id,
                                         p.high_watermark);
          }
        }
      }
    }
    pending->respond(std::move(resp));
    return;
  }
  broker.replicas().WaitForData(pending->ctx.connection_id, pending->partitions,
                                pending->deadline,
                                [pending](bool timed_out) { Attempt(pending, timed_out); });
}

}  // namespace

void HandleFetch(const RequestContext& ctx, FetchRequest req, Respond<FetchResponse> respond) {
  auto pending = std::make_shared<PendingFetch>();
  pending->ctx = ctx;
  pending->deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
  for (const auto& t : req.topics) {
    for (const auto& p : t.partitions) pending->partitions.insert({t.topic, p.partition});
  }
  const bool no_wait = req.max_wait_ms <= 0 || req.min_bytes <= 0;
  pending->req = std::move(req);
  pending->respond = std::move(respond);
  Attempt(std::move(pending), no_wait);
}

}  // namespace kafka::broker
