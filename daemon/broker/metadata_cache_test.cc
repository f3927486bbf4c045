#include "daemon/broker/metadata_cache.h"

#include <catch2/catch.hpp>

#include "common/protocol/error_code.h"

using namespace kafka::broker;
using kafka::protocol::ErrorCode;
using kafka::protocol::ToWire;

namespace {

MetadataCache TwoBrokersOneTopic() {
  MetadataCache c;
  c.SetBroker({1, "h1", 9092, std::nullopt});
  c.SetBroker({2, "h2", 9093, std::string("r1")});
  c.set_controller_id(1);
  c.set_cluster_id("cid");
  TopicInfo t;
  t.topic_id = "id";
  t.partitions[0] = PartitionInfo{{1, 2}, 1, 0, {1, 2}, true};
  t.partitions[1] = PartitionInfo{{3, 2}, 3, 0, {3, 2}, true};  // leader 3 is not live
  c.SetTopic("t", t);
  return c;
}

}  // namespace

TEST_CASE("all topics when the list is null", "[broker]") {
  auto c = TwoBrokersOneTopic();
  auto r = BuildMetadataResponse(c, std::nullopt);
  REQUIRE(r.brokers.size() == 2);
  CHECK(r.controller_id == 1);
  CHECK(r.cluster_id == "cid");
  REQUIRE(r.topics.size() == 1);
  CHECK(r.topics[0].error_code == 0);
}

TEST_CASE("usable partitions carry no error; a dead leader reads as unavailable", "[broker]") {
  auto c = TwoBrokersOneTopic();
  auto r = BuildMetadataResponse(c, std::vector<std::string>{"t"});
  REQUIRE(r.topics.size() == 1);
  const auto& parts = r.topics[0].partitions;
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].error_code == 0);
  CHECK(parts[0].leader_id == 1);
  CHECK(parts[0].offline_replicas.empty());
  CHECK(parts[1].error_code == ToWire(ErrorCode::kLeaderNotAvailable));
  CHECK(parts[1].leader_id == -1);
  CHECK(parts[1].offline_replicas == std::vector<int32_t>{3});
}

TEST_CASE("unknown, invalid and auto-created topics get their errors", "[broker]") {
  auto c = TwoBrokersOneTopic();
  auto r = BuildMetadataResponse(c, std::vector<std::string>{"missing", "bad name", "new"},
                                 {"bad name"}, {"new"});
  REQUIRE(r.topics.size() == 3);
  CHECK(r.topics[0].error_code == ToWire(ErrorCode::kUnknownTopicOrPartition));
  CHECK(r.topics[1].error_code == ToWire(ErrorCode::kInvalidTopicException));
  CHECK(r.topics[2].error_code == ToWire(ErrorCode::kLeaderNotAvailable));
}

TEST_CASE("empty requested list means no topics", "[broker]") {
  auto c = TwoBrokersOneTopic();
  auto r = BuildMetadataResponse(c, std::vector<std::string>{});
  CHECK(r.topics.empty());
  CHECK(c.TopicNameById("id") == std::optional<std::string>("t"));
}
