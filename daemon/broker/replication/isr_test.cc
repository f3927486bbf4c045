#include "daemon/broker/replication/isr.h"

#include <catch2/catch.hpp>

using namespace kafka::broker::replication;

TEST_CASE("follower catch-up time follows Kafka's two rules", "[replication][isr]") {
  FollowerState f;
  UpdateFollowerFetch(f, 5, 10, 1000);  // behind, first fetch: not caught up
  CHECK(f.leo == 5);
  CHECK(f.last_caught_up_ms == 0);
  UpdateFollowerFetch(f, 10, 12, 2000);  // reached the LEO of the previous fetch
  CHECK(f.last_caught_up_ms == 1000);
  UpdateFollowerFetch(f, 12, 12, 3000);  // at the LEO now
  CHECK(f.last_caught_up_ms == 3000);
  UpdateFollowerFetch(f, 12, 20, 4000);  // a burst of appends: still caught up at 3000 rules
  CHECK(f.last_caught_up_ms == 3000);
}

TEST_CASE("HW is the min LEO over the ISR and unknown until every member fetched",
          "[replication][isr]") {
  auto followers = InitialFollowers(1, {1, 2, 3}, {1, 2, 3}, 100);
  CHECK(followers.size() == 2);
  CHECK(followers[2].last_caught_up_ms == 100);
  CHECK(HighWatermarkCandidate(1, 50, {1, 2, 3}, followers) == -1);
  UpdateFollowerFetch(followers[2], 40, 50, 200);
  UpdateFollowerFetch(followers[3], 30, 50, 200);
  CHECK(HighWatermarkCandidate(1, 50, {1, 2, 3}, followers) == 30);
  CHECK(HighWatermarkCandidate(1, 50, {1, 2}, followers) == 40);
  CHECK(HighWatermarkCandidate(1, 50, {1}, followers) == 50);
}

TEST_CASE("out-of-sync replicas and rejoining", "[replication][isr]") {
  auto followers = InitialFollowers(1, {1, 2, 3}, {1, 2}, 0);
  CHECK(followers[3].last_caught_up_ms == 0);
  UpdateFollowerFetch(followers[2], 10, 10, 5000);
  CHECK(OutOfSyncReplicas(1, {1, 2, 3}, followers, 5000, 3000) == std::vector<int32_t>{3});
  CHECK(OutOfSyncReplicas(1, {1, 2, 3}, followers, 9000, 3000) == std::vector<int32_t>{2, 3});
  CHECK(OutOfSyncReplicas(1, {1}, followers, 9000, 3000).empty());
  CHECK_FALSE(CanJoinIsr(followers[3], 10, 0));  // LEO unknown
  UpdateFollowerFetch(followers[3], 8, 10, 6000);
  CHECK_FALSE(CanJoinIsr(followers[3], 10, 0));
  CHECK(CanJoinIsr(followers[3], 8, 0));
  CHECK_FALSE(CanJoinIsr(followers[3], 8, 9));  // not yet at the start of this epoch
}
