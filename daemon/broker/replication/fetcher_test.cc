// The follower fetcher against a fake leader holding a real PartitionLog:
// truncation by epoch, copying, HW, and out-of-range handling.
#include "daemon/broker/replication/fetcher.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include "common/log/testing/batch_builder.h"
#include "common/protocol/error_code.h"

using namespace kafka;
using namespace kafka::broker::replication;
using log::testing::BuildSimpleBatch;
using log::testing::FreshTestDir;
using protocol::ErrorCode;

namespace {

const log::TopicPartition kTp{"t", 0};

std::unique_ptr<log::PartitionLog> OpenLog(const std::string& name) {
  auto l = log::PartitionLog::Open(FreshTestDir(name), kTp, log::LogConfig{});
  REQUIRE(l.ok());
  return std::move(*l);
}

void Append(log::PartitionLog& l, int records, int32_t epoch) {
  std::string b = BuildSimpleBatch(records, 1000);
  REQUIRE(l.Append(b, epoch).ok());
}

// Answers as our broker's leader side would (fetch.cc / offset_for_leader_epoch.cc).
class FakeLeader : public FetcherTransport {
 public:
  FakeLeader(boost::asio::io_context& io, log::PartitionLog& log, int32_t epoch)
      : io_(io), log_(log), epoch_(epoch) {}
  void Fetch(protocol::FetchRequest req,
             std::function<void(util::Result<protocol::FetchResponse>)> done) override {
    ++fetches;
    protocol::FetchResponse resp;
    for (const auto& t : req.topics) {
      protocol::FetchResponse::FetchableTopicResponse tr;
      tr.topic = t.topic;
      for (const auto& p : t.partitions) {
        protocol::FetchResponse::PartitionData pd;
        pd.partition_index = p.partition;
        pd.log_start_offset = log_.log_start_offset();
        if (p.current_leader_epoch != epoch_) {
          pd.error_code = protocol::ToWire(ErrorCode::kFencedLeaderEpoch);
        } else if (p.fetch_offset > log_.log_end_offset() ||
                   p.fetch_offset < log_.log_start_offset()) {
          pd.error_code = protocol::ToWire(ErrorCode::kOffsetOutOfRange);
        } else {
          follower_leo = p.fetch_offset;
          log_.SetHighWatermark(p.fetch_offset);  // the follower is the whole ISR here
          pd.high_watermark = log_.high_watermark();
          auto read = log_.Read(p.fetch_offset, 1 << 20);
          if (read.ok()) pd.records = read->records;
        }
        tr.partitions.push_back(pd);
      }
      resp.responses.push_back(tr);
    }
    boost::asio::post(io_, [done, resp] { done(resp); });
  }
  void OffsetsForLeaderEpoch(
      int32_t, std::vector<EpochQuery> queries,
      std::function<void(util::Result<std::vector<EpochAnswer>>)> done) override {
    ++epoch_queries;
    std::vector<EpochAnswer> out;
    for (const auto& q : queries) {
      auto e = log_.EndOffsetForEpoch(q.leader_epoch);
      out.push_back({q.tp, 0, e.epoch, e.start_offset});
    }
    boost::asio::post(io_, [done, out] { done(out); });
  }
  int fetches = 0;
  int epoch_queries = 0;
  int64_t follower_leo = -1;

 private:
  boost::asio::io_context& io_;
  log::PartitionLog& log_;
  int32_t epoch_;
};

struct Setup {
  boost::asio::io_context io;
  std::unique_ptr<log::PartitionLog> leader;
  std::unique_ptr<log::PartitionLog> follower;
  FakeLeader* transport = nullptr;
  std::unique_ptr<Fetcher> fetcher;
  int progress = 0;

  Setup(const std::string& name, int32_t leader_epoch) {
    leader = OpenLog(name + "-leader");
    follower = OpenLog(name + "-follower");
    auto t = std::make_unique<FakeLeader>(io, *leader, leader_epoch);
    transport = t.get();
    FetcherOptions o;
    o.replica_id = 2;
    o.backoff = std::chrono::milliseconds(10);
    fetcher = std::make_unique<Fetcher>(
        io, 1, o, std::move(t),
        [this](const log::TopicPartition&) { return follower.get(); },
        [this](const log::TopicPartition&) { ++progress; });
  }
  void RunUntil(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(5));
      io.restart();
    }
    REQUIRE(pred());
  }
};

}  // namespace

TEST_CASE("an empty follower copies the leader's log and HW", "[replication][fetcher]") {
  Setup s("copy", 3);
  REQUIRE(s.leader->AssignEpoch(3, 0).ok());
  Append(*s.leader, 5, 3);
  Append(*s.leader, 2, 3);
  s.fetcher->AddPartition(kTp, 3);
  s.RunUntil([&] { return s.follower->log_end_offset() == 7 && s.follower->high_watermark() == 7; });
  CHECK(s.transport->epoch_queries == 0);  // nothing local to reconcile
  CHECK(s.follower->LatestEpoch() == 3);
  auto a = s.leader->Read(0, 1 << 20);
  auto b = s.follower->Read(0, 1 << 20);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->records == b->records);
  // New data arrives on the next fetch.
  Append(*s.leader, 1, 3);
  s.RunUntil([&] { return s.follower->log_end_offset() == 8; });
}

TEST_CASE("a diverged follower truncates by epoch, not by HW", "[replication][fetcher]") {
  Setup s("diverge", 2);
  // Leader: epoch 0 offsets 0-4, epoch 2 offsets 5-7.
  REQUIRE(s.leader->AssignEpoch(0, 0).ok());
  Append(*s.leader, 5, 0);
  REQUIRE(s.leader->AssignEpoch(2, 5).ok());
  Append(*s.leader, 3, 2);
  // Follower (an old leader of epoch 1): epoch 0 offsets 0-4, epoch 1 offsets 5-9,
  // with a HW of 9 that must not protect the divergent tail.
  REQUIRE(s.follower->AssignEpoch(0, 0).ok());
  Append(*s.follower, 5, 0);
  REQUIRE(s.follower->AssignEpoch(1, 5).ok());
  Append(*s.follower, 5, 1);
  s.follower->SetHighWatermark(9);
  s.fetcher->AddPartition(kTp, 2);
  s.RunUntil([&] { return s.follower->log_end_offset() == 8 && s.fetcher->IsFetching(kTp); });
  CHECK(s.transport->epoch_queries >= 1);
  CHECK(s.follower->LatestEpoch() == 2);
  auto a = s.leader->Read(0, 1 << 20);
  auto b = s.follower->Read(0, 1 << 20);
  REQUIRE(b.ok());
  CHECK(a->records == b->records);
}

TEST_CASE("a stale leader epoch backs off and retries after re-add", "[replication][fetcher]") {
  Setup s("fenced", 4);
  REQUIRE(s.leader->AssignEpoch(4, 0).ok());
  Append(*s.leader, 3, 4);
  s.fetcher->AddPartition(kTp, 3);  // we believe epoch 3: FENCED_LEADER_EPOCH
  s.RunUntil([&] { return s.transport->fetches >= 2; });
  CHECK(s.follower->log_end_offset() == 0);
  s.fetcher->AddPartition(kTp, 4);
  s.RunUntil([&] { return s.follower->log_end_offset() == 3; });
  s.fetcher->RemovePartition(kTp);
  CHECK(s.fetcher->empty());
}
