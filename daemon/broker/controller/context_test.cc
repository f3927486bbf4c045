#include "daemon/broker/controller/context.h"

#include <catch2/catch.hpp>

namespace kafka::broker::controller {
namespace {

Context Cluster(std::vector<int32_t> live) {
  Context ctx;
  for (int32_t id : live) {
    LiveBroker b;
    b.id = id;
    b.host = "h" + std::to_string(id);
    b.port = 9000 + id;
    b.epoch = 100 + id;
    ctx.live[id] = b;
  }
  return ctx;
}

TEST_CASE("offline election picks the first live ISR member in assignment order") {
  Context ctx = Cluster({2, 3});
  auto e = ElectOffline(ctx, {1, 3, 2}, {1, 2, 3}, false);
  REQUIRE(e);
  CHECK(e->leader == 3);
  CHECK(e->isr == std::vector<int32_t>{2, 3});

  // Not in the ISR: never chosen, whatever the assignment order.
  e = ElectOffline(ctx, {1, 2, 3}, {1, 3}, false);
  REQUIRE(e);
  CHECK(e->leader == 3);
  CHECK(e->isr == std::vector<int32_t>{3});
}

TEST_CASE("no live ISR member: offline unless unclean election is enabled") {
  Context ctx = Cluster({2, 3});
  CHECK_FALSE(ElectOffline(ctx, {1, 2, 3}, {1}, false));
  auto e = ElectOffline(ctx, {1, 2, 3}, {1}, true);
  REQUIRE(e);
  CHECK(e->leader == 2);
  CHECK(e->isr == std::vector<int32_t>{2});
}

TEST_CASE("shutting-down brokers do not lead") {
  Context ctx = Cluster({1, 2, 3});
  ctx.shutting_down.insert(1);
  auto e = ElectOffline(ctx, {1, 2, 3}, {1, 2, 3}, false);
  REQUIRE(e);
  CHECK(e->leader == 2);
  e = ElectForShutdown(ctx, {1, 2, 3}, {1, 2, 3});
  REQUIRE(e);
  CHECK(e->leader == 2);
  CHECK(e->isr == std::vector<int32_t>{2, 3});
  CHECK_FALSE(ElectForShutdown(ctx, {1, 2, 3}, {1}));
  CHECK_FALSE(ElectPreferred(ctx, {1, 2, 3}, {1, 2, 3}));
}

TEST_CASE("preferred election needs the first replica live and in the ISR") {
  Context ctx = Cluster({1, 2, 3});
  auto e = ElectPreferred(ctx, {1, 2, 3}, {2, 1});
  REQUIRE(e);
  CHECK(e->leader == 1);
  CHECK(e->isr == std::vector<int32_t>{2, 1});
  CHECK_FALSE(ElectPreferred(ctx, {1, 2, 3}, {2, 3}));
  ctx.live.erase(1);
  CHECK_FALSE(ElectPreferred(ctx, {1, 2, 3}, {1, 2, 3}));
}

TEST_CASE("removing a replica from the ISR bumps the leader epoch and keeps one member") {
  LeaderIsr s{1, 4, {1, 2, 3}, 7, 10};
  auto r = RemoveFromIsr(s, 2);
  REQUIRE(r);
  CHECK(r->leader == 1);
  CHECK(r->leader_epoch == 5);
  CHECK(r->isr == std::vector<int32_t>{1, 3});
  CHECK(r->zk_version == 10);
  CHECK_FALSE(RemoveFromIsr(s, 9));
  auto last = RemoveFromIsr(LeaderIsr{1, 0, {1}, 1, 0}, 1);
  REQUIRE(last);
  CHECK(last->leader == -1);
  CHECK(last->isr == std::vector<int32_t>{1});

  LeaderIsr applied = Apply(s, Election{3, {3}}, 9);
  CHECK(applied.leader == 3);
  CHECK(applied.leader_epoch == 5);
  CHECK(applied.controller_epoch == 9);
  CHECK(applied.isr == std::vector<int32_t>{3});
}

TEST_CASE("imbalance: brokers above the percentage get their preferred partitions back") {
  Context ctx = Cluster({1, 2, 3});
  for (int p = 0; p < 4; ++p) {
    ctx.assignment[{"t", p}] = {1, 2, 3};
    ctx.states[{"t", p}] = LeaderIsr{p == 0 ? 2 : 1, 1, {1, 2, 3}, 1, 0};
  }
  ctx.assignment[{"u", 0}] = {2, 1, 3};
  ctx.states[{"u", 0}] = LeaderIsr{2, 1, {2, 1, 3}, 1, 0};
  // Broker 1: 1 of 4 not led = 25% > 10%.
  auto out = ImbalancedPartitions(ctx, 10);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == PartitionKey{"t", 0});
  CHECK(ImbalancedPartitions(ctx, 25).empty());
  // Preferred replica out of the ISR: not moved.
  ctx.states[{"t", 0}].isr = {2, 3};
  CHECK(ImbalancedPartitions(ctx, 10).empty());
}

TEST_CASE("request bodies group partitions by topic and mark offline replicas") {
  Context ctx = Cluster({1, 2});
  ctx.assignment[{"b", 0}] = {1, 3};
  ctx.states[{"b", 0}] = LeaderIsr{1, 2, {1}, 5, 3};
  ctx.assignment[{"a", 1}] = {2, 1};
  ctx.states[{"a", 1}] = LeaderIsr{2, 0, {2, 1}, 5, 0};
  ctx.assignment[{"a", 0}] = {3, 2};
  ctx.states[{"a", 0}] = LeaderIsr{2, 1, {2}, 5, 1};

  auto um = BuildUpdateMetadata(ctx, 1, 6, {{"b", 0}, {"a", 1}, {"a", 0}});
  CHECK(um.controller_id == 1);
  CHECK(um.controller_epoch == 6);
  REQUIRE(um.live_brokers.size() == 2);
  CHECK(um.live_brokers[1].endpoints[0].port == 9002);
  REQUIRE(um.topic_states.size() == 2);
  CHECK(um.topic_states[0].topic_name == "a");
  REQUIRE(um.topic_states[0].partition_states.size() == 2);
  CHECK(um.topic_states[0].partition_states[0].offline_replicas == std::vector<int32_t>{3});
  CHECK(um.topic_states[1].partition_states[0].zk_version == 3);
  CHECK(um.topic_states[1].partition_states[0].controller_epoch == 5);

  auto deleting = BuildUpdateMetadata(ctx, 1, 6, {{"b", 0}}, {"b"});
  CHECK(deleting.topic_states[0].partition_states[0].leader == kLeaderDuringDelete);

  auto lai = BuildLeaderAndIsr(ctx, 1, 6, 1, ctx.AllPartitions(), true);
  REQUIRE(lai.topic_states.size() == 2);
  CHECK(lai.topic_states[0].topic_name == "a");
  REQUIRE(lai.topic_states[0].partition_states.size() == 1);  // a-0 is not on broker 1
  CHECK(lai.topic_states[0].partition_states[0].partition_index == 1);
  CHECK(lai.topic_states[0].partition_states[0].is_new);
  REQUIRE(lai.live_leaders.size() == 2);

  auto sr = BuildStopReplica(1, 6, {{"a", 0}, {"a", 1}}, true);
  REQUIRE(sr.topic_states.size() == 1);
  CHECK(sr.topic_states[0].partition_states.size() == 2);
  CHECK(sr.topic_states[0].partition_states[0].delete_partition);
}

TEST_CASE("partitions by topic and broker") {
  Context ctx = Cluster({1});
  ctx.assignment[{"a", 0}] = {1};
  ctx.assignment[{"a", 1}] = {2};
  ctx.assignment[{"ab", 0}] = {1};
  CHECK(ctx.PartitionsOfTopic("a").size() == 2);
  CHECK(ctx.PartitionsOnBroker(1).size() == 2);
  ctx.RemoveTopic("a");
  CHECK(ctx.AllPartitions() == std::vector<PartitionKey>{{"ab", 0}});
}

}  // namespace
}  // namespace kafka::broker::controller
