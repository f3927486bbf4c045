#include "daemon/broker/replica_assignment.h"

#include <set>

#include <catch2/catch.hpp>

using kafka::broker::AssignReplicasToBrokers;

TEST_CASE("assignment matches Kafka's AdminUtils example", "[broker]") {
  // Kafka's doc comment: 5 brokers, 10 partitions, RF 3, start index 0, shift 0.
  auto a = AssignReplicasToBrokers({0, 1, 2, 3, 4}, 10, 3, 0, 0, 0);
  REQUIRE(a.ok());
  CHECK((*a)[0] == std::vector<int32_t>{0, 1, 2});
  CHECK((*a)[1] == std::vector<int32_t>{1, 2, 3});
  CHECK((*a)[4] == std::vector<int32_t>{4, 0, 1});
  CHECK((*a)[5] == std::vector<int32_t>{0, 2, 3});
  CHECK((*a)[9] == std::vector<int32_t>{4, 1, 2});
}

TEST_CASE("replicas of a partition are distinct and leaders spread", "[broker]") {
  auto a = AssignReplicasToBrokers({3, 1, 2}, 30, 3);
  REQUIRE(a.ok());
  std::map<int32_t, int> leaders;
  for (const auto& [p, r] : *a) {
    CHECK(std::set<int32_t>(r.begin(), r.end()).size() == 3);
    ++leaders[r.front()];
  }
  for (int32_t b : {1, 2, 3}) CHECK(leaders[b] == 10);
}

TEST_CASE("replication factor above live brokers is refused with Kafka's message", "[broker]") {
  auto a = AssignReplicasToBrokers({0}, 1, 3);
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message() == "Replication factor: 3 larger than available brokers: 1.");
  CHECK_FALSE(AssignReplicasToBrokers({0}, 0, 1).ok());
  CHECK_FALSE(AssignReplicasToBrokers({0}, 1, 0).ok());
}

TEST_CASE("added partitions continue after the existing ones", "[broker]") {
  auto a = AssignReplicasToBrokers({0, 1}, 2, 1, 0, 3);
  REQUIRE(a.ok());
  CHECK(a->count(3) == 1);
  CHECK(a->count(4) == 1);
  CHECK(a->count(0) == 0);
}
