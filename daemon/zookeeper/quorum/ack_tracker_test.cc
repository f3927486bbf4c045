#include "daemon/zookeeper/quorum/ack_tracker.h"

#include <catch2/catch.hpp>

using zkserver::quorum::AckTracker;

TEST_CASE("commit needs a strict majority of three") {
  AckTracker t(3);
  CHECK(t.quorum() == 2);
  CHECK_FALSE(t.Ack(1, 5));  // the leader alone
  CHECK(t.committed() == 0);
  CHECK(t.Ack(2, 3));        // follower durable up to 3
  CHECK(t.committed() == 3);
  CHECK(t.Ack(2, 7));
  CHECK(t.committed() == 5);  // limited by the leader's own fsync
  CHECK(t.Ack(1, 9));
  CHECK(t.committed() == 7);
}

TEST_CASE("acks are cumulative and the commit point never goes back") {
  AckTracker t(3);
  t.Ack(1, 10);
  t.Ack(2, 10);
  CHECK(t.committed() == 10);
  CHECK_FALSE(t.Ack(2, 4));  // stale ack ignored
  t.Remove(2);
  CHECK(t.committed() == 10);
  CHECK_FALSE(t.Ack(1, 12));  // alone again: no progress
  CHECK(t.Ack(3, 11));
  CHECK(t.committed() == 11);
}

TEST_CASE("five voters need three") {
  AckTracker t(5);
  t.Ack(1, 10);
  t.Ack(2, 8);
  CHECK(t.committed() == 0);
  t.Ack(3, 6);
  CHECK(t.committed() == 6);
  t.Ack(4, 9);
  CHECK(t.committed() == 8);
}
