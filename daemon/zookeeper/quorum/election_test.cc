#include "daemon/zookeeper/quorum/election.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace zkserver::quorum;

namespace {
const std::set<int64_t> kThree{1, 2, 3};
}

TEST_CASE("votes order by epoch, then zxid, then sid") {
  CHECK(Vote{1, 100, 3} < Vote{2, 0, 1});
  CHECK(Vote{2, 5, 3} < Vote{2, 6, 1});
  CHECK(Vote{2, 6, 1} < Vote{2, 6, 2});
  CHECK_FALSE(Vote{2, 6, 2} < Vote{2, 6, 2});
}

TEST_CASE("alone, a server does not elect itself") {
  ElectionState e(1, kThree);
  e.Start(0, 0);
  CHECK_FALSE(e.Decided());
}

TEST_CASE("two of three converge on the larger zxid") {
  ElectionState a(1, kThree), b(2, kThree);
  a.Start(1, (int64_t{1} << 32) | 7);  // longer log
  b.Start(1, (int64_t{1} << 32) | 5);
  CHECK(b.HandleNotification(a.Mine()));  // b adopts a's vote
  CHECK(b.proposal().sid == 1);
  REQUIRE(b.Decided());
  CHECK(b.Decided()->sid == 1);
  CHECK_FALSE(a.HandleNotification(b.Mine()));
  REQUIRE(a.Decided());
  CHECK(a.Decided()->sid == 1);
}

TEST_CASE("equal logs elect the largest sid") {
  std::vector<ElectionState> s;
  for (int64_t id : {1, 2, 3}) {
    s.emplace_back(id, kThree);
    s.back().Start(0, 0);
  }
  // Everybody hears everybody (twice, as re-broadcasts would do).
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& from : s) {
      for (auto& to : s) to.HandleNotification(from.Mine());
    }
  }
  for (auto& e : s) {
    REQUIRE(e.Decided());
    CHECK(e.Decided()->sid == 3);
  }
}

TEST_CASE("a higher round resets the tally") {
  ElectionState a(1, kThree);
  a.Start(0, 10);
  a.Start(0, 10);  // round 2
  ElectionState b(2, kThree);
  b.Start(0, 20);  // round 1
  CHECK(b.HandleNotification(a.Mine()));
  CHECK(b.round() == 2);
  CHECK(b.proposal().sid == 2);  // its own vote is still better
  CHECK(a.HandleNotification(b.Mine()));
  CHECK(a.proposal().sid == 2);
  REQUIRE(a.Decided());
  CHECK(a.Decided()->sid == 2);
}

TEST_CASE("a restarted server joins the running leader") {
  ElectionState e(3, kThree);
  e.Start(0, 0);
  Vote leader{4, (int64_t{4} << 32) | 9, 1};
  e.HandleNotification(Notification{1, 7, PeerState::kLeading, leader});
  CHECK_FALSE(e.Decided());  // the leader alone could be stale
  e.HandleNotification(Notification{2, 7, PeerState::kFollowing, leader});
  REQUIRE(e.Decided());
  CHECK(*e.Decided() == leader);
}

TEST_CASE("follower reports need the leader's own LEADING") {
  ElectionState e(3, kThree);
  e.Start(0, 0);
  Vote leader{4, 99, 1};
  e.HandleNotification(Notification{2, 7, PeerState::kFollowing, leader});
  CHECK_FALSE(e.Decided());
  e.HandleNotification(Notification{1, 7, PeerState::kLeading, leader});
  REQUIRE(e.Decided());
  CHECK(e.Decided()->sid == 1);
}

TEST_CASE("unknown senders are ignored") {
  ElectionState e(1, kThree);
  e.Start(0, 0);
  CHECK_FALSE(e.HandleNotification(Notification{9, 1, PeerState::kLooking, Vote{9, 9, 9}}));
  CHECK(e.proposal().sid == 1);
}
