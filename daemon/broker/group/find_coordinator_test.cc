#include "daemon/broker/group/find_coordinator.h"

#include <catch2/catch.hpp>

#include "daemon/broker/group/records.h"

namespace kafka::group {
namespace {

CoordinatorLookup Resolve(int8_t key_type, const std::string& key) {
  CoordinatorLookup c;
  if (key_type != 0) {
    c.error_code = 15;  // COORDINATOR_NOT_AVAILABLE
    c.error_message = "no transaction coordinator";
    return c;
  }
  c.node_id = PartitionFor(key, 50);  // pretend the leader id is the partition
  c.host = "127.0.0.1";
  c.port = 9092;
  return c;
}

TEST_CASE("FindCoordinator v0-3: one key, top-level fields") {
  protocol::FindCoordinatorRequest r;
  r.key = "console-consumer-12345";
  auto resp = AnswerFindCoordinator(r, 2, Resolve);
  CHECK(resp.error_code == 0);
  CHECK(resp.node_id == 6);
  CHECK(resp.host == "127.0.0.1");
  CHECK(resp.port == 9092);
  CHECK(resp.coordinators.empty());
  r.key_type = 1;
  resp = AnswerFindCoordinator(r, 2, Resolve);
  CHECK(resp.error_code == 15);
  CHECK(resp.node_id == -1);
  CHECK(resp.port == -1);
  // v0 has no key type: always a group.
  resp = AnswerFindCoordinator(r, 0, Resolve);
  CHECK(resp.error_code == 0);
}

TEST_CASE("FindCoordinator v4: batched keys") {
  protocol::FindCoordinatorRequest r;
  r.coordinator_keys = {"a", "console-consumer-12345"};
  auto resp = AnswerFindCoordinator(r, 4, Resolve);
  REQUIRE(resp.coordinators.size() == 2);
  CHECK(resp.coordinators[0].key == "a");
  CHECK(resp.coordinators[0].node_id == 47);
  CHECK(resp.coordinators[1].node_id == 6);
}

}  // namespace
}  // namespace kafka::group
