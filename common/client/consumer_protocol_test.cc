#include "common/client/consumer_protocol.h"

#include <catch2/catch.hpp>

namespace kafka::client {
namespace {

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Expected bytes come from kafka-python's ConsumerProtocolMemberMetadata /
// ConsumerProtocolMemberAssignment schemas (version 0).
TEST_CASE("subscription v0 matches kafka-python", "[consumer_protocol]") {
  Subscription s;
  s.version = 0;
  s.topics = {"t1", "topic2"};
  s.user_data = "ud";
  const std::string want = Unhex("000000000002000274310006746f70696332000000027564");
  CHECK(EncodeSubscription(s) == want);
  auto back = DecodeSubscription(want);
  REQUIRE(back.ok());
  CHECK(back->topics == s.topics);
  CHECK(back->user_data == std::optional<std::string>("ud"));
}

TEST_CASE("assignment v0 matches kafka-python", "[consumer_protocol]") {
  Assignment a;
  a.version = 0;
  a.partitions = {{"t1", {0, 2}}, {"x", {1}}};
  a.user_data = "";
  const std::string want =
      Unhex("00000000000200027431000000020000000000000002000178000000010000000100000000");
  CHECK(EncodeAssignment(a) == want);
  auto back = DecodeAssignment(want);
  REQUIRE(back.ok());
  CHECK(back->partitions == a.partitions);
}

TEST_CASE("subscription v1 carries owned partitions", "[consumer_protocol]") {
  Subscription s;
  s.topics = {"a"};
  s.owned_partitions = {{"a", {1, 3}}};
  auto back = DecodeSubscription(EncodeSubscription(s));
  REQUIRE(back.ok());
  CHECK(back->version == 1);
  CHECK(back->owned_partitions == s.owned_partitions);
  CHECK(!back->user_data.has_value());
}

TEST_CASE("decoders reject truncated input and accept empty assignment", "[consumer_protocol]") {
  CHECK(!DecodeSubscription(Unhex("0000000000")).ok());
  CHECK(!DecodeAssignment(Unhex("0000000000050001")).ok());
  auto empty = DecodeAssignment("");
  REQUIRE(empty.ok());
  CHECK(empty->partitions.empty());
}

TEST_CASE("range assignor", "[consumer_protocol]") {
  MemberTopics m = {{"c1", {"t"}}, {"c0", {"t", "u"}}};
  auto plan = RangeAssign(m, {{"t", 3}, {"u", 2}});
  CHECK(plan["c0"]["t"] == std::vector<int32_t>{0, 1});
  CHECK(plan["c1"]["t"] == std::vector<int32_t>{2});
  CHECK(plan["c0"]["u"] == std::vector<int32_t>{0, 1});
  CHECK(plan["c1"].count("u") == 0);
  // More members than partitions: the last ones get nothing.
  auto sparse = RangeAssign({{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}}, {{"t", 2}});
  CHECK(sparse["a"]["t"] == std::vector<int32_t>{0});
  CHECK(sparse["b"]["t"] == std::vector<int32_t>{1});
  CHECK(sparse["c"].empty());
}

TEST_CASE("roundrobin assignor", "[consumer_protocol]") {
  MemberTopics m = {{"c0", {"t", "u"}}, {"c1", {"t", "u"}}};
  auto plan = RoundRobinAssign(m, {{"t", 3}, {"u", 2}});
  CHECK(plan["c0"]["t"] == std::vector<int32_t>{0, 2});
  CHECK(plan["c1"]["t"] == std::vector<int32_t>{1});
  CHECK(plan["c1"]["u"] == std::vector<int32_t>{0});
  CHECK(plan["c0"]["u"] == std::vector<int32_t>{1});
  // A member not subscribed to a topic is skipped.
  auto skip = RoundRobinAssign({{"a", {"t"}}, {"b", {"u"}}}, {{"t", 2}, {"u", 1}});
  CHECK(skip["a"]["t"] == std::vector<int32_t>{0, 1});
  CHECK(skip["b"]["u"] == std::vector<int32_t>{0});
  CHECK(!Assign("sticky", m, {}).has_value());
}

}  // namespace
}  // namespace kafka::client
