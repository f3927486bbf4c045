#include "tools/leader_election/election.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

TEST_CASE("JSON partition lists as Kafka's tool reads them") {
  auto ok = ParseElectionJson(R"({"partitions":[{"topic":"foo","partition":1},{"topic":"bar","partition":2}]})");
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[0] == TopicPartition{"foo", 1});
  auto dup = ParseElectionJson(R"({"partitions":[{"topic":"a","partition":0},{"topic":"a","partition":0}]})");
  REQUIRE(!dup.ok());
  CHECK(dup.status().message() == "Replica election data contains duplicate partitions: a-0");
  CHECK(!ParseElectionJson("{").ok());
  CHECK(!ParseElectionJson(R"({"partitions":[{"topic":"a"}]})").ok());
}

TEST_CASE("results printed as Kafka's LeaderElectionCommand") {
  std::map<TopicPartition, PartitionOutcome> r;
  r[{"t", 0}] = {0, std::nullopt};
  r[{"t", 1}] = {84, std::string("Leader election not needed for topic partition")};
  r[{"t", 2}] = {0, std::nullopt};
  auto rep = FormatElection("PREFERRED", r);
  CHECK(rep.failed == 0);
  CHECK(rep.stdout_text ==
        "Successfully completed leader election (PREFERRED) for partitions t-0, t-2\n"
        "Valid replica already elected for partitions t-1\n");
  r[{"u", 0}] = {80, std::string("Failed to elect leader for partition u-0 under strategy PreferredReplicaPartitionLeaderElectionStrategy")};
  rep = FormatElection("PREFERRED", r);
  CHECK(rep.failed == 1);
  CHECK(rep.stdout_text.find("Error completing leader election (PREFERRED) for partition: u-0: "
                             "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect") !=
        std::string::npos);
}

}  // namespace kafka::tools
