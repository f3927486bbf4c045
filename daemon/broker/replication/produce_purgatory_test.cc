#include "daemon/broker/replication/produce_purgatory.h"

#include <optional>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

using namespace kafka::broker::replication;
using kafka::log::TopicPartition;
using kafka::protocol::ErrorCode;

namespace {

struct Fixture {
  boost::asio::io_context io;
  std::map<TopicPartition, ProducePurgatory::PartitionStatus> status;
  ProducePurgatory purgatory{io, [this](const TopicPartition& tp) { return status[tp]; }};
  std::optional<std::vector<ErrorCode>> result;
  ProducePurgatory::Done Capture() {
    return [this](std::vector<ErrorCode> codes) { result = std::move(codes); };
  }
};

const TopicPartition kA{"t", 0};
const TopicPartition kB{"t", 1};

}  // namespace

TEST_CASE("completes once every partition's HW passed", "[replication][purgatory]") {
  Fixture f;
  f.status[kA] = {ErrorCode::kNone, 5, 3};
  f.status[kB] = {ErrorCode::kNone, 0, 3};
  f.purgatory.Add({{kA, 5, 2}, {kB, 3, 2}}, std::chrono::steady_clock::now() + std::chrono::hours(1),
                  f.Capture());
  CHECK_FALSE(f.result);
  f.status[kB].high_watermark = 2;
  f.purgatory.Check(kB);
  CHECK_FALSE(f.result);
  f.status[kB].high_watermark = 3;
  f.purgatory.Check(kB);
  REQUIRE(f.result);
  CHECK(*f.result == std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kNone});
  CHECK(f.purgatory.size() == 0);
}

TEST_CASE("ISR below min.insync.replicas when the HW arrives", "[replication][purgatory]") {
  Fixture f;
  f.status[kA] = {ErrorCode::kNone, 0, 1};
  f.purgatory.Add({{kA, 1, 2}}, std::chrono::steady_clock::now() + std::chrono::hours(1),
                  f.Capture());
  f.status[kA].high_watermark = 1;
  f.purgatory.Check(kA);
  REQUIRE(f.result);
  CHECK((*f.result)[0] == ErrorCode::kNotEnoughReplicasAfterAppend);
}

TEST_CASE("leadership lost fails the wait; timeout for the rest", "[replication][purgatory]") {
  Fixture f;
  f.status[kA] = {ErrorCode::kNone, 0, 3};
  f.status[kB] = {ErrorCode::kNone, 0, 3};
  f.purgatory.Add({{kA, 1, 1}, {kB, 1, 1}},
                  std::chrono::steady_clock::now() + std::chrono::milliseconds(30), f.Capture());
  f.status[kA].error = ErrorCode::kNotLeaderOrFollower;
  f.purgatory.Check(kA);
  CHECK_FALSE(f.result);
  f.io.run_for(std::chrono::seconds(2));
  REQUIRE(f.result);
  CHECK(*f.result ==
        std::vector<ErrorCode>{ErrorCode::kNotLeaderOrFollower, ErrorCode::kRequestTimedOut});
}

TEST_CASE("already satisfied completes inline", "[replication][purgatory]") {
  Fixture f;
  f.status[kA] = {ErrorCode::kNone, 10, 1};
  f.purgatory.Add({{kA, 10, 1}}, std::chrono::steady_clock::now(), f.Capture());
  REQUIRE(f.result);
  CHECK((*f.result)[0] == ErrorCode::kNone);
}
