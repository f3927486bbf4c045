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

TEST_CASE("UpdateMetadata replaces brokers and takes newer partition states", "[broker]") {
  auto c = TwoBrokersOneTopic();
  kafka::protocol::UpdateMetadataRequest req;
  req.controller_epoch = 3;
  kafka::protocol::UpdateMetadataRequest::Broker b;
  b.id = 3;
  b.endpoints.push_back({9000, "other", "OTHER", 0, {}});
  b.endpoints.push_back({9094, "h3", "PLAINTEXT", 0, {}});
  req.live_brokers.push_back(b);
  b.id = 2;
  b.endpoints = {{9093, "h2", "PLAINTEXT", 0, {}}};
  req.live_brokers.push_back(b);
  kafka::protocol::UpdateMetadataRequest::TopicState ts;
  ts.topic_name = "t";
  kafka::protocol::UpdateMetadataPartitionState ps;
  ps.partition_index = 0;
  ps.leader = 2;
  ps.leader_epoch = 1;
  ps.isr = {2};
  ps.zk_version = 4;
  ps.replicas = {1, 2};
  ts.partition_states.push_back(ps);
  ps.partition_index = 1;
  ps.leader = 2;
  ps.leader_epoch = 0;
  ps.zk_version = 0;
  ps.replicas = {3, 2};
  ts.partition_states.push_back(ps);
  req.topic_states.push_back(ts);
  ts.topic_name = "unknown";
  req.topic_states.push_back(ts);

  auto touched = c.ApplyUpdateMetadata(req, "PLAINTEXT");
  CHECK(touched == std::set<std::string>{"t"});
  CHECK_FALSE(c.IsLive(1));
  REQUIRE(c.GetBroker(3) != nullptr);
  CHECK(c.GetBroker(3)->port == 9094);
  CHECK(c.GetTopic("unknown") == nullptr);
  const PartitionInfo* p0 = c.GetPartition("t", 0);
  CHECK(p0->leader == 2);
  CHECK(p0->leader_epoch == 1);
  CHECK(p0->isr == std::vector<int32_t>{2});
  CHECK(p0->zk_version == 4);

  // An older state (lower leader epoch, or same epoch and lower zk version) is ignored.
  req.topic_states.resize(1);
  req.topic_states[0].partition_states.resize(1);
  req.topic_states[0].partition_states[0].leader_epoch = 0;
  req.topic_states[0].partition_states[0].leader = 1;
  c.ApplyUpdateMetadata(req, "PLAINTEXT");
  CHECK(c.GetPartition("t", 0)->leader == 2);
  req.topic_states[0].partition_states[0].leader_epoch = 1;
  req.topic_states[0].partition_states[0].zk_version = 3;
  c.ApplyUpdateMetadata(req, "PLAINTEXT");
  CHECK(c.GetPartition("t", 0)->leader == 2);
  req.topic_states[0].partition_states[0].zk_version = 5;
  req.topic_states[0].partition_states[0].isr = {2, 1};
  c.ApplyUpdateMetadata(req, "PLAINTEXT");
  CHECK(c.GetPartition("t", 0)->isr == std::vector<int32_t>{2, 1});

  // Leader -2: the partition (and the topic with its last partition) goes.
  req.topic_states[0].partition_states[0].leader = -2;
  c.ApplyUpdateMetadata(req, "PLAINTEXT");
  CHECK(c.GetPartition("t", 0) == nullptr);
  CHECK(c.GetTopic("t") != nullptr);
}
