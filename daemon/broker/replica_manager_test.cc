// ReplicaManager roles, HW, ISR changes and fencing, with real logs under
// $TEST_TMPDIR and a fake IsrStore (no ZooKeeper, no network).
#include "daemon/broker/replica_manager.h"

#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include "common/log/testing/batch_builder.h"

using namespace kafka;
using namespace kafka::broker;
using protocol::ErrorCode;

namespace {

const log::TopicPartition kTp{"t", 0};

class FakeIsrStore : public replication::IsrStore {
 public:
  explicit FakeIsrStore(boost::asio::io_context& io) : io_(io) {}
  void Write(const log::TopicPartition&, const zkdata::TopicPartitionStateZNode& state,
             int32_t expected, std::function<void(util::Result<int32_t>)> done) override {
    writes.push_back(state.isr);
    util::Result<int32_t> r = expected + 1;
    if (fail_writes) r = util::Status::Aborted("BadVersion: /state");
    boost::asio::post(io_, [done, r] { done(r); });
  }
  void Read(const log::TopicPartition&,
            std::function<void(util::Result<PartitionState>)> done) override {
    boost::asio::post(io_, [done, s = read_state] { done(s); });
  }
  std::vector<std::vector<int32_t>> writes;
  bool fail_writes = false;
  PartitionState read_state;

 private:
  boost::asio::io_context& io_;
};

struct Fixture {
  boost::asio::io_context io;
  std::unique_ptr<ReplicaManager> rm;
  FakeIsrStore* store = nullptr;

  explicit Fixture(const std::string& name, int64_t lag_ms = 60000) {
    auto logs = log::LogManager::Open({log::testing::FreshTestDir(name)}, log::LogConfig{});
    REQUIRE(logs.ok());
    rm = std::make_unique<ReplicaManager>(io, std::move(*logs));
    ReplicationOptions o;
    o.broker_id = 0;
    o.replica_lag_time_max_ms = lag_ms;
    auto s = std::make_unique<FakeIsrStore>(io);
    store = s.get();
    rm->Configure(o, std::move(s), nullptr, nullptr);
  }
  void Lead(int32_t epoch = 5, std::vector<int32_t> isr = {0, 1, 2}) {
    PartitionRole role;
    role.leader = 0;
    role.leader_epoch = epoch;
    role.replicas = {0, 1, 2};
    role.isr = std::move(isr);
    REQUIRE(rm->ApplyLeaderAndIsr(kTp, log::LogConfig{}, role) == ErrorCode::kNone);
  }
  int64_t Append(int n) {
    std::string b = log::testing::BuildSimpleBatch(n, 1000);
    auto r = rm->AppendAsLeader(kTp, std::span<char>(b.data(), b.size()), -1);
    REQUIRE(r.ok());
    return r->last_offset;
  }
  void Run(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
};

}  // namespace

TEST_CASE("HW is the min LEO over the ISR; epochs are checked", "[replica_manager]") {
  Fixture f("rm-hw");
  f.Lead();
  CHECK(f.rm->RoleOf(kTp) == ReplicaManager::Role::kLeader);
  CHECK(f.rm->Get(kTp)->LatestEpoch() == 5);
  f.Append(4);
  CHECK(f.rm->Get(kTp)->high_watermark() == 0);
  CHECK(f.rm->OnFollowerFetch(kTp, 1, 5, 4) == ErrorCode::kNone);
  CHECK(f.rm->Get(kTp)->high_watermark() == 0);  // broker 2's LEO still unknown
  CHECK(f.rm->OnFollowerFetch(kTp, 2, 5, 3) == ErrorCode::kNone);
  CHECK(f.rm->Get(kTp)->high_watermark() == 3);
  CHECK(f.rm->OnFollowerFetch(kTp, 2, 4, 4) == ErrorCode::kFencedLeaderEpoch);
  CHECK(f.rm->OnFollowerFetch(kTp, 2, 6, 4) == ErrorCode::kUnknownLeaderEpoch);
  CHECK(f.rm->OnFollowerFetch(kTp, 2, 5, 9) == ErrorCode::kOffsetOutOfRange);
  CHECK(f.rm->OnFollowerFetch(kTp, 7, 5, 4) == ErrorCode::kNotLeaderOrFollower);
  CHECK(f.rm->CheckLeader(kTp, 4) == ErrorCode::kFencedLeaderEpoch);
  // An older epoch is refused, the same one is a no-op.
  PartitionRole old;
  old.leader = 1;
  old.leader_epoch = 4;
  old.replicas = {0, 1, 2};
  CHECK(f.rm->ApplyLeaderAndIsr(kTp, log::LogConfig{}, old) == ErrorCode::kFencedLeaderEpoch);
  f.Lead();
  CHECK(f.rm->Get(kTp)->high_watermark() == 3);
}

TEST_CASE("acks=all waits for the ISR; min.insync.replicas after append",
          "[replica_manager]") {
  Fixture f("rm-acks");
  f.Lead();
  const int64_t last = f.Append(2);
  std::optional<std::vector<ErrorCode>> codes;
  f.rm->WaitForReplication({{kTp, last, 3}},
                           std::chrono::steady_clock::now() + std::chrono::seconds(10),
                           [&](std::vector<ErrorCode> c) { codes = c; });
  CHECK_FALSE(codes);
  f.rm->OnFollowerFetch(kTp, 1, 5, 2);
  CHECK_FALSE(codes);
  f.rm->OnFollowerFetch(kTp, 2, 5, 2);
  REQUIRE(codes);
  CHECK((*codes)[0] == ErrorCode::kNone);
  // With min ISR 4 (more than the ISR) the HW still arrives: AFTER_APPEND.
  codes.reset();
  const int64_t last2 = f.Append(1);
  f.rm->WaitForReplication({{kTp, last2, 4}},
                           std::chrono::steady_clock::now() + std::chrono::seconds(10),
                           [&](std::vector<ErrorCode> c) { codes = c; });
  f.rm->OnFollowerFetch(kTp, 1, 5, 3);
  f.rm->OnFollowerFetch(kTp, 2, 5, 3);
  REQUIRE(codes);
  CHECK((*codes)[0] == ErrorCode::kNotEnoughReplicasAfterAppend);
}

TEST_CASE("a silent follower leaves the ISR, a caught-up one rejoins", "[replica_manager]") {
  Fixture f("rm-isr", 200);
  f.Lead();
  f.Append(3);
  // Broker 1 keeps fetching, broker 2 is silent.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (f.rm->IsrSize(kTp) == 3 && std::chrono::steady_clock::now() < deadline) {
    f.rm->OnFollowerFetch(kTp, 1, 5, 3);
    f.Run(std::chrono::milliseconds(20));
  }
  REQUIRE(f.store->writes.size() == 1);
  CHECK(f.store->writes[0] == std::vector<int32_t>{0, 1});
  CHECK(f.rm->IsrSize(kTp) == 2);
  CHECK(f.rm->Get(kTp)->high_watermark() == 3);  // no longer held back by broker 2
  // Broker 2 comes back at the HW: it rejoins.
  f.rm->OnFollowerFetch(kTp, 2, 5, 3);
  f.Run(std::chrono::milliseconds(20));
  REQUIRE(f.store->writes.size() == 2);
  CHECK(f.store->writes[1] == std::vector<int32_t>{0, 1, 2});
  CHECK(f.rm->IsrSize(kTp) == 3);
}

TEST_CASE("a lost conditional write to a newer leader fences the partition",
          "[replica_manager]") {
  Fixture f("rm-fence", 200);
  f.Lead();
  const int64_t last = f.Append(1);
  std::optional<std::vector<ErrorCode>> codes;
  f.rm->WaitForReplication({{kTp, last, 1}},
                           std::chrono::steady_clock::now() + std::chrono::seconds(10),
                           [&](std::vector<ErrorCode> c) { codes = c; });
  f.store->fail_writes = true;
  f.store->read_state.state.leader = 1;
  f.store->read_state.state.leader_epoch = 6;
  f.store->read_state.state.isr = {1, 2};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (f.rm->CheckLeader(kTp) == ErrorCode::kNone &&
         std::chrono::steady_clock::now() < deadline) {
    f.Run(std::chrono::milliseconds(20));
  }
  CHECK(f.rm->CheckLeader(kTp) == ErrorCode::kNotLeaderOrFollower);
  REQUIRE(codes);
  CHECK((*codes)[0] == ErrorCode::kNotLeaderOrFollower);
  std::string b = log::testing::BuildSimpleBatch(1, 1000);
  CHECK_FALSE(f.rm->AppendAsLeader(kTp, std::span<char>(b.data(), b.size()), -1).ok());
  // The controller's LeaderAndIsr (newer epoch) makes it a follower.
  PartitionRole role;
  role.leader = 1;
  role.leader_epoch = 6;
  role.replicas = {0, 1, 2};
  role.isr = {1, 2};
  CHECK(f.rm->ApplyLeaderAndIsr(kTp, log::LogConfig{}, role) == ErrorCode::kNone);
  CHECK(f.rm->RoleOf(kTp) == ReplicaManager::Role::kFollower);
}
