#include "daemon/broker/group/coordinator.h"

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "common/protocol/error_code.h"
#include "common/protocol/writer.h"

namespace kafka::group {
namespace {

using protocol::ErrorCode;
using protocol::ToWire;
using namespace std::chrono_literals;

template <typename T>
using Slot = std::shared_ptr<std::optional<T>>;

constexpr int16_t kNoError = 0;

struct Harness {
  boost::asio::io_context io;
  InMemoryGroupStore store{io};
  GroupConfig config;
  int64_t now_ms = 1'000'000;
  std::unique_ptr<GroupCoordinator> coord;

  explicit Harness(int32_t initial_delay_ms = 30) {
    config.offsets_topic_num_partitions = 1;
    config.group_min_session_timeout_ms = 10;
    config.group_initial_rebalance_delay_ms = initial_delay_ms;
    config.clock = [this] { return now_ms; };
    Start();
  }
  void Start() {
    coord = std::make_unique<GroupCoordinator>(io, store, config);
    coord->OnBecomeCoordinator(0);
    Poll();
    REQUIRE_FALSE(coord->IsLoading(0));
  }
  void Poll() {
    io.restart();
    io.poll();
  }
  // Runs the io_context until pred() holds or the deadline passes.
  template <typename Pred>
  bool RunUntil(Pred pred, std::chrono::milliseconds limit = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_one_for(5ms);
    }
    return pred();
  }
  void RunFor(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }

  Slot<protocol::JoinGroupResponse> Join(const std::string& group, const std::string& member_id,
                                         int16_t version = 3,
                                         std::optional<std::string> instance = std::nullopt,
                                         int32_t session_ms = 2000, int32_t rebalance_ms = 1000,
                                         std::string metadata = "md") {
    protocol::JoinGroupRequest r;
    r.group_id = group;
    r.session_timeout_ms = session_ms;
    r.rebalance_timeout_ms = rebalance_ms;
    r.member_id = member_id;
    r.group_instance_id = instance;
    r.protocol_type = "consumer";
    r.protocols.push_back({"range", metadata, {}});
    r.protocols.push_back({"roundrobin", metadata + "-rr", {}});
    auto slot = std::make_shared<std::optional<protocol::JoinGroupResponse>>();
    coord->JoinGroup(r, version, ClientInfo{"client", "/127.0.0.1"},
                     [slot](protocol::JoinGroupResponse resp) { *slot = std::move(resp); });
    return slot;
  }
  Slot<protocol::SyncGroupResponse> Sync(
      const std::string& group, const std::string& member_id, int32_t generation,
      std::vector<std::pair<std::string, std::string>> assignments = {},
      std::optional<std::string> instance = std::nullopt) {
    protocol::SyncGroupRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.generation_id = generation;
    r.group_instance_id = instance;
    for (auto& [m, a] : assignments) r.assignments.push_back({m, a, {}});
    auto slot = std::make_shared<std::optional<protocol::SyncGroupResponse>>();
    coord->SyncGroup(r, 3, [slot](protocol::SyncGroupResponse resp) { *slot = std::move(resp); });
    return slot;
  }
  int16_t Heartbeat(const std::string& group, const std::string& member_id, int32_t generation,
                    std::optional<std::string> instance = std::nullopt) {
    protocol::HeartbeatRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.generation_id = generation;
    r.group_instance_id = instance;
    int16_t out = -100;
    coord->Heartbeat(r, 3, [&](protocol::HeartbeatResponse resp) { out = resp.error_code; });
    return out;
  }
  Slot<protocol::OffsetCommitResponse> Commit(const std::string& group,
                                              const std::string& member_id, int32_t generation,
                                              const std::string& topic, int32_t partition,
                                              int64_t offset, int16_t version = 7) {
    protocol::OffsetCommitRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.generation_id = generation;
    protocol::OffsetCommitRequest::OffsetCommitRequestTopic t;
    t.name = topic;
    protocol::OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = partition;
    p.committed_offset = offset;
    p.committed_leader_epoch = 3;
    p.committed_metadata = "meta";
    t.partitions.push_back(p);
    r.topics.push_back(t);
    auto slot = std::make_shared<std::optional<protocol::OffsetCommitResponse>>();
    coord->OffsetCommit(r, version,
                        [slot](protocol::OffsetCommitResponse resp) { *slot = std::move(resp); });
    return slot;
  }
  int16_t CommitNow(const std::string& group, const std::string& member_id, int32_t generation,
                    const std::string& topic, int32_t partition, int64_t offset) {
    auto s = Commit(group, member_id, generation, topic, partition, offset);
    REQUIRE(RunUntil([&] { return s->has_value(); }));
    return (*s)->topics.at(0).partitions.at(0).error_code;
  }
  protocol::OffsetFetchResponse Fetch(const std::string& group,
                                      std::optional<std::vector<std::pair<std::string, int32_t>>> tps,
                                      int16_t version = 7) {
    protocol::OffsetFetchRequest r;
    r.group_id = group;
    if (tps) {
      r.topics.emplace();
      for (auto& [t, p] : *tps) {
        protocol::OffsetFetchRequest::OffsetFetchRequestTopic rt;
        rt.name = t;
        rt.partition_indexes.push_back(p);
        r.topics->push_back(rt);
      }
    }
    protocol::OffsetFetchResponse out;
    coord->OffsetFetch(r, version, [&](protocol::OffsetFetchResponse resp) { out = std::move(resp); });
    return out;
  }
  protocol::DescribeGroupsResponse::DescribedGroup Describe(const std::string& group) {
    protocol::DescribeGroupsRequest r;
    r.groups.push_back(group);
    protocol::DescribeGroupsResponse out;
    coord->DescribeGroups(r, 5, [&](protocol::DescribeGroupsResponse resp) { out = std::move(resp); });
    REQUIRE(out.groups.size() == 1);
    return out.groups[0];
  }
  int16_t Leave(const std::string& group, const std::string& member_id) {
    protocol::LeaveGroupRequest r;
    r.group_id = group;
    r.member_id = member_id;
    int16_t out = -100;
    coord->LeaveGroup(r, 1, [&](protocol::LeaveGroupResponse resp) { out = resp.error_code; });
    return out;
  }
  int16_t DeleteGroup(const std::string& group) {
    int16_t out = -100;
    coord->DeleteGroups({group}, [&](GroupCoordinator::DeleteGroupsResult r) {
      REQUIRE(r.size() == 1);
      out = r[0].second;
    });
    return out;
  }
};

template <typename T>
bool Ready(const Slot<T>& s) {
  return s->has_value();
}

// Two dynamic members in a Stable group "g": returns (leader id, follower id, generation).
struct TwoMembers {
  std::string leader, follower;
  int32_t generation = 0;
};

TwoMembers FormStableGroup(Harness& h, const std::string& group = "g") {
  auto a = h.Join(group, "");
  auto b = h.Join(group, "");
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  REQUIRE((*a)->error_code == kNoError);
  REQUIRE((*b)->error_code == kNoError);
  TwoMembers t{(*a)->member_id, (*b)->member_id, (*a)->generation_id};
  auto sf = h.Sync(group, t.follower, t.generation);
  auto sl = h.Sync(group, t.leader, t.generation, {{t.leader, "A0"}, {t.follower, "A1"}});
  REQUIRE(h.RunUntil([&] { return Ready(sf) && Ready(sl); }));
  REQUIRE(h.coord->StateOf(group) == GroupState::kStable);
  return t;
}

TEST_CASE("two members join: same generation, the first is leader and sees both") {
  Harness h;
  auto a = h.Join("g", "");
  h.Poll();
  CHECK_FALSE(Ready(a));  // initial rebalance delay
  CHECK(h.coord->StateOf("g") == GroupState::kPreparingRebalance);
  auto b = h.Join("g", "");
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  const auto& ra = **a;
  const auto& rb = **b;
  CHECK(ra.error_code == kNoError);
  CHECK(rb.error_code == kNoError);
  CHECK(ra.generation_id == 1);
  CHECK(rb.generation_id == 1);
  CHECK(ra.protocol_name == "range");
  CHECK(ra.leader == ra.member_id);
  CHECK(rb.leader == ra.member_id);
  CHECK(ra.member_id.rfind("client-", 0) == 0);
  CHECK(ra.member_id.size() == std::string("client-").size() + 36);
  REQUIRE(ra.members.size() == 2);
  CHECK(ra.members[0].member_id == ra.member_id);
  CHECK(ra.members[1].member_id == rb.member_id);
  CHECK(ra.members[0].metadata == "md");
  CHECK(rb.members.empty());
  CHECK(h.coord->StateOf("g") == GroupState::kCompletingRebalance);
}

TEST_CASE("protocol selection picks one every member supports") {
  Harness h;
  protocol::JoinGroupRequest r;
  r.group_id = "p";
  r.session_timeout_ms = 1000;
  r.rebalance_timeout_ms = 1000;
  r.protocol_type = "consumer";
  r.protocols = {{"range", "x", {}}, {"roundrobin", "y", {}}};
  std::optional<protocol::JoinGroupResponse> a, b, c;
  h.coord->JoinGroup(r, 3, {}, [&](auto resp) { a = resp; });
  r.protocols = {{"roundrobin", "y", {}}, {"sticky", "z", {}}};
  h.coord->JoinGroup(r, 3, {}, [&](auto resp) { b = resp; });
  r.protocols = {{"sticky", "z", {}}};
  h.coord->JoinGroup(r, 3, {}, [&](auto resp) { c = resp; });
  REQUIRE(c);
  CHECK(c->error_code == ToWire(ErrorCode::kInconsistentGroupProtocol));
  REQUIRE(h.RunUntil([&] { return a && b; }));
  CHECK(a->protocol_name == "roundrobin");
  CHECK(a->members.at(0).metadata == "y");
}

TEST_CASE("sync distributes the leader's assignment; followers wait for it") {
  Harness h;
  auto a = h.Join("g", "");
  auto b = h.Join("g", "");
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  std::string leader = (*a)->member_id, follower = (*b)->member_id;
  auto sf = h.Sync("g", follower, 1);
  h.Poll();
  CHECK_FALSE(Ready(sf));
  auto sl = h.Sync("g", leader, 1, {{leader, "assign-A"}, {follower, "assign-B"}});
  CHECK_FALSE(Ready(sl));  // answered after the group record is stored
  REQUIRE(h.RunUntil([&] { return Ready(sf) && Ready(sl); }));
  CHECK((*sl)->error_code == kNoError);
  CHECK((*sl)->assignment == "assign-A");
  CHECK((*sf)->assignment == "assign-B");
  CHECK(h.coord->StateOf("g") == GroupState::kStable);
  // A late sync in Stable gets the stored assignment straight away.
  auto again = h.Sync("g", follower, 1);
  REQUIRE(Ready(again));
  CHECK((*again)->assignment == "assign-B");
  // Wrong generation / unknown member.
  CHECK((*h.Sync("g", follower, 7))->error_code == ToWire(ErrorCode::kIllegalGeneration));
  CHECK((*h.Sync("g", "nobody", 1))->error_code == ToWire(ErrorCode::kUnknownMemberId));
  // The group record is in the store.
  CHECK_FALSE(h.store.Records(0).empty());
}

TEST_CASE("a third member triggers a rebalance; heartbeats see REBALANCE_IN_PROGRESS") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  CHECK(h.Heartbeat("g", t.follower, t.generation) == kNoError);
  auto c = h.Join("g", "");
  h.Poll();
  CHECK_FALSE(Ready(c));
  CHECK(h.coord->StateOf("g") == GroupState::kPreparingRebalance);
  CHECK(h.Heartbeat("g", t.leader, t.generation) == ToWire(ErrorCode::kRebalanceInProgress));
  CHECK(h.Heartbeat("g", t.follower, t.generation) == ToWire(ErrorCode::kRebalanceInProgress));
  auto a = h.Join("g", t.leader);
  auto b = h.Join("g", t.follower);
  // Everyone rejoined: completes without waiting for the rebalance timeout.
  h.Poll();
  REQUIRE(Ready(a));
  REQUIRE(Ready(b));
  REQUIRE(Ready(c));
  CHECK((*a)->generation_id == 2);
  CHECK((*c)->generation_id == 2);
  CHECK((*a)->leader == t.leader);
  CHECK((*a)->members.size() == 3);
  CHECK(h.coord->StateOf("g") == GroupState::kCompletingRebalance);
  // Old generation is fenced.
  CHECK(h.Heartbeat("g", t.follower, t.generation) == ToWire(ErrorCode::kIllegalGeneration));
  CHECK(h.Heartbeat("g", t.follower, 2) == kNoError);
}

TEST_CASE("members that do not rejoin within the rebalance timeout are removed") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  auto c = h.Join("g", "", 3, std::nullopt, 2000, 200);
  auto a = h.Join("g", t.leader, 3, std::nullopt, 2000, 200);
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(c); }));
  CHECK((*a)->generation_id == t.generation + 1);
  CHECK((*a)->members.size() == 2);  // the silent follower is gone
  CHECK(h.Heartbeat("g", t.follower, (*a)->generation_id) == ToWire(ErrorCode::kUnknownMemberId));
}

TEST_CASE("session timeout removes a member and rebalances") {
  Harness h;
  auto a = h.Join("g", "", 3, std::nullopt, 400, 1000);
  auto b = h.Join("g", "", 3, std::nullopt, 400, 1000);
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  std::string leader = (*a)->member_id, follower = (*b)->member_id;
  auto sl = h.Sync("g", leader, 1, {{leader, "x"}, {follower, "y"}});
  auto sf = h.Sync("g", follower, 1);
  REQUIRE(h.RunUntil([&] { return Ready(sl) && Ready(sf); }));
  // Only the leader heartbeats.
  bool rebalancing = false;
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    h.RunFor(20ms);
    int16_t e = h.Heartbeat("g", leader, 1);
    if (e == ToWire(ErrorCode::kRebalanceInProgress)) {
      rebalancing = true;
      break;
    }
    REQUIRE(e == kNoError);
  }
  REQUIRE(rebalancing);
  CHECK(h.coord->FindGroup("g")->members.size() == 1);
  auto again = h.Join("g", leader, 3, std::nullopt, 400, 1000);
  h.Poll();
  REQUIRE(Ready(again));
  CHECK((*again)->generation_id == 2);
  CHECK((*again)->members.size() == 1);
}

TEST_CASE("MEMBER_ID_REQUIRED (KIP-394) from JoinGroup v4") {
  Harness h;
  auto first = h.Join("g", "", 4);
  REQUIRE(Ready(first));
  CHECK((*first)->error_code == ToWire(ErrorCode::kMemberIdRequired));
  std::string id = (*first)->member_id;
  CHECK(id.rfind("client-", 0) == 0);
  CHECK(h.coord->StateOf("g") == GroupState::kEmpty);
  auto second = h.Join("g", id, 4);
  REQUIRE(h.RunUntil([&] { return Ready(second); }));
  CHECK((*second)->error_code == kNoError);
  CHECK((*second)->member_id == id);
  CHECK((*second)->leader == id);
  // An id the coordinator never handed out is unknown.
  auto bogus = h.Join("g", "client-made-up", 4);
  REQUIRE(Ready(bogus));
  CHECK((*bogus)->error_code == ToWire(ErrorCode::kUnknownMemberId));
}

TEST_CASE("a pending member that never rejoins expires after its session timeout") {
  Harness h;
  auto a = h.Join("g", "", 4, std::nullopt, 100);
  REQUIRE((*a)->error_code == ToWire(ErrorCode::kMemberIdRequired));
  CHECK(h.coord->FindGroup("g")->pending_members.size() == 1);
  REQUIRE(h.RunUntil([&] { return h.coord->FindGroup("g")->pending_members.empty(); }));
}

TEST_CASE("static member rejoins without a rebalance; the old id is fenced") {
  Harness h;
  auto a = h.Join("g", "", 5, "i1");
  auto b = h.Join("g", "", 5, "i2");
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  CHECK((*a)->error_code == kNoError);  // static members skip MEMBER_ID_REQUIRED
  std::string old_a = (*a)->member_id, id_b = (*b)->member_id;
  auto sl = h.Sync("g", old_a, 1, {{old_a, "A"}, {id_b, "B"}}, "i1");
  auto sf = h.Sync("g", id_b, 1, {}, "i2");
  REQUIRE(h.RunUntil([&] { return Ready(sl) && Ready(sf); }));

  // i1 restarts: joins with no member id and the same protocols.
  auto again = h.Join("g", "", 5, "i1");
  REQUIRE(h.RunUntil([&] { return Ready(again); }));
  CHECK((*again)->error_code == kNoError);
  CHECK((*again)->generation_id == 1);
  std::string new_a = (*again)->member_id;
  CHECK(new_a != old_a);
  CHECK((*again)->leader == old_a);  // old leader id: no trivial reassignment
  CHECK((*again)->members.empty());
  CHECK(h.coord->StateOf("g") == GroupState::kStable);
  auto s = h.Sync("g", new_a, 1, {}, "i1");
  REQUIRE(Ready(s));
  CHECK((*s)->assignment == "A");
  CHECK(h.Heartbeat("g", id_b, 1, "i2") == kNoError);
  // The old incarnation is fenced.
  CHECK(h.Heartbeat("g", old_a, 1, "i1") == ToWire(ErrorCode::kFencedInstanceId));
  CHECK((*h.Sync("g", old_a, 1, {}, "i1"))->error_code == ToWire(ErrorCode::kFencedInstanceId));
  auto fenced_join = h.Join("g", old_a, 5, "i1");
  REQUIRE(Ready(fenced_join));
  CHECK((*fenced_join)->error_code == ToWire(ErrorCode::kFencedInstanceId));
  CHECK(h.Commit("g", old_a, 1, "t", 0, 1)->has_value());
  // The new id is the leader now.
  CHECK(h.coord->FindGroup("g")->leader_id == new_a);
}

TEST_CASE("static member rejoining with different protocols triggers a rebalance") {
  Harness h;
  auto a = h.Join("g", "", 5, "i1");
  REQUIRE(h.RunUntil([&] { return Ready(a); }));
  auto s = h.Sync("g", (*a)->member_id, 1, {{(*a)->member_id, "A"}}, "i1");
  REQUIRE(h.RunUntil([&] { return Ready(s); }));
  protocol::JoinGroupRequest r;
  r.group_id = "g";
  r.session_timeout_ms = 1000;
  r.rebalance_timeout_ms = 1000;
  r.group_instance_id = "i1";
  r.protocol_type = "consumer";
  r.protocols = {{"roundrobin", "other", {}}};
  std::optional<protocol::JoinGroupResponse> j;
  h.coord->JoinGroup(r, 5, {}, [&](auto resp) { j = resp; });
  REQUIRE(h.RunUntil([&] { return j.has_value(); }));
  CHECK(j->generation_id == 2);
  CHECK(j->protocol_name == "roundrobin");
}

TEST_CASE("members that never send SyncGroup are removed after the rebalance timeout") {
  Harness h;
  auto a = h.Join("g", "", 3, std::nullopt, 2000, 150);
  auto b = h.Join("g", "", 3, std::nullopt, 2000, 150);
  REQUIRE(h.RunUntil([&] { return Ready(a) && Ready(b); }));
  std::string leader = (*a)->member_id, follower = (*b)->member_id;
  auto sl = h.Sync("g", leader, 1, {{leader, "x"}, {follower, "y"}});
  REQUIRE(h.RunUntil([&] { return Ready(sl); }));
  CHECK(h.coord->StateOf("g") == GroupState::kStable);
  // The follower never syncs: dropped, and the group rebalances without it.
  REQUIRE(h.RunUntil([&] { return h.coord->StateOf("g") == GroupState::kPreparingRebalance; }));
  CHECK_FALSE(h.coord->FindGroup("g")->Has(follower));
  CHECK(h.Heartbeat("g", leader, 1) == ToWire(ErrorCode::kRebalanceInProgress));
}

TEST_CASE("static members: id prefix, unknown instance ids") {
  Harness h;
  auto a = h.Join("g", "", 5, "inst-1");
  REQUIRE(h.RunUntil([&] { return Ready(a); }));
  CHECK((*a)->member_id.rfind("inst-1-", 0) == 0);
  CHECK(h.Heartbeat("g", (*a)->member_id, 1, "other") == ToWire(ErrorCode::kUnknownMemberId));
  // LeaveGroup by instance id only (administrative removal).
  protocol::LeaveGroupRequest r;
  r.group_id = "g";
  r.members.push_back({"", "inst-1", {}});
  r.members.push_back({"", "nope", {}});
  protocol::LeaveGroupResponse resp;
  h.coord->LeaveGroup(r, 4, [&](auto x) { resp = x; });
  REQUIRE(resp.members.size() == 2);
  CHECK(resp.members[0].error_code == kNoError);
  CHECK(resp.members[1].error_code == ToWire(ErrorCode::kUnknownMemberId));
  CHECK(h.coord->StateOf("g") == GroupState::kEmpty);
}

TEST_CASE("heartbeat errors: unknown member, illegal generation, unknown group") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  CHECK(h.Heartbeat("g", "nobody", t.generation) == ToWire(ErrorCode::kUnknownMemberId));
  CHECK(h.Heartbeat("g", t.leader, t.generation + 1) == ToWire(ErrorCode::kIllegalGeneration));
  CHECK(h.Heartbeat("nope", t.leader, 1) == ToWire(ErrorCode::kUnknownMemberId));
  CHECK(h.Heartbeat("", t.leader, 1) == ToWire(ErrorCode::kInvalidGroupId));
}

TEST_CASE("offset commit and fetch") {
  Harness h;
  SECTION("standalone consumer: generation -1 on a group that does not exist") {
    h.store.set_hold_appends(true);
    auto c = h.Commit("solo", "", -1, "t", 0, 42);
    h.Poll();
    CHECK_FALSE(Ready(c));  // acknowledged only after the append
    CHECK(h.Fetch("solo", {{{"t", 0}}}).topics.at(0).partitions.at(0).committed_offset == -1);
    h.store.set_hold_appends(false);
    h.store.ReleaseHeld();
    REQUIRE(Ready(c));
    CHECK((*c)->topics.at(0).partitions.at(0).error_code == kNoError);
    auto f = h.Fetch("solo", {{{"t", 0}, {"t", 1}, {"u", 5}}});
    CHECK(f.error_code == kNoError);
    REQUIRE(f.topics.size() == 3);
    CHECK(f.topics[0].partitions[0].committed_offset == 42);
    CHECK(f.topics[0].partitions[0].metadata == "meta");
    CHECK(f.topics[0].partitions[0].committed_leader_epoch == 3);
    CHECK(f.topics[1].partitions[0].committed_offset == -1);
    CHECK(f.topics[2].partitions[0].committed_offset == -1);
    // Null topics: everything committed.
    h.CommitNow("solo", "", -1, "a", 2, 7);
    auto all = h.Fetch("solo", std::nullopt);
    REQUIRE(all.topics.size() == 2);
    CHECK(all.topics[0].name == "a");
    CHECK(all.topics[1].partitions.at(0).committed_offset == 42);
    CHECK(h.coord->StateOf("solo") == GroupState::kEmpty);
    // v8: batched groups.
    protocol::OffsetFetchRequest r8;
    r8.groups.push_back({"solo", std::nullopt, {}});
    r8.groups.push_back({"none", std::nullopt, {}});
    protocol::OffsetFetchResponse out;
    h.coord->OffsetFetch(r8, 8, [&](auto resp) { out = resp; });
    REQUIRE(out.groups.size() == 2);
    CHECK(out.groups[0].topics.size() == 2);
    CHECK(out.groups[1].topics.empty());
  }
  SECTION("group members commit with their generation") {
    TwoMembers t = FormStableGroup(h);
    CHECK(h.CommitNow("g", t.follower, t.generation, "t", 0, 10) == kNoError);
    CHECK(h.CommitNow("g", t.follower, t.generation + 1, "t", 0, 11) ==
          ToWire(ErrorCode::kIllegalGeneration));
    CHECK(h.CommitNow("g", "stranger", t.generation, "t", 0, 12) ==
          ToWire(ErrorCode::kUnknownMemberId));
    CHECK(h.CommitNow("g", "", -1, "t", 0, 13) == ToWire(ErrorCode::kUnknownMemberId));
    CHECK(h.CommitNow("other", "m", 3, "t", 0, 14) == ToWire(ErrorCode::kIllegalGeneration));
    CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 10);
  }
  SECTION("append failures are mapped as Kafka does") {
    h.store.set_append_error(ToWire(ErrorCode::kNotLeaderOrFollower));
    CHECK(h.CommitNow("solo", "", -1, "t", 0, 1) == ToWire(ErrorCode::kNotCoordinator));
    h.store.set_append_error(ToWire(ErrorCode::kMessageTooLarge));
    CHECK(h.CommitNow("solo", "", -1, "t", 0, 1) == ToWire(ErrorCode::kInvalidCommitOffsetSize));
    CHECK(h.Fetch("solo", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == -1);
  }
  SECTION("v1 fetch reports group errors per partition") {
    h.coord->OnResign(0);
    auto f = h.Fetch("g", {{{"t", 0}}}, 1);
    CHECK(f.topics.at(0).partitions.at(0).error_code == ToWire(ErrorCode::kNotCoordinator));
    auto f2 = h.Fetch("g", {{{"t", 0}}}, 2);
    CHECK(f2.error_code == ToWire(ErrorCode::kNotCoordinator));
  }
}

TEST_CASE("commits of the current generation are accepted during PreparingRebalance") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  auto c = h.Join("g", "");
  h.Poll();
  REQUIRE(h.coord->StateOf("g") == GroupState::kPreparingRebalance);
  CHECK(h.CommitNow("g", t.follower, t.generation, "t", 0, 5) == kNoError);
  // Everyone rejoins: CompletingRebalance rejects commits until the sync.
  auto a = h.Join("g", t.leader);
  auto b = h.Join("g", t.follower);
  h.Poll();
  REQUIRE(h.coord->StateOf("g") == GroupState::kCompletingRebalance);
  CHECK(h.CommitNow("g", t.follower, t.generation + 1, "t", 0, 6) ==
        ToWire(ErrorCode::kRebalanceInProgress));
  CHECK(h.CommitNow("g", t.follower, t.generation, "t", 0, 6) ==
        ToWire(ErrorCode::kIllegalGeneration));
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 5);
}

TEST_CASE("a new coordinator reloads groups and offsets from the store") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  CHECK(h.CommitNow("g", t.leader, t.generation, "t", 0, 100) == kNoError);
  CHECK(h.CommitNow("g", t.leader, t.generation, "t", 0, 101) == kNoError);
  CHECK(h.CommitNow("solo", "", -1, "u", 1, 7) == kNoError);
  h.coord->Shutdown();

  auto other = std::make_unique<GroupCoordinator>(h.io, h.store, h.config);
  other->OnBecomeCoordinator(0);
  // Loading: heartbeats are answered blindly, syncs ask for a rejoin, the
  // rest get the retriable COORDINATOR_LOAD_IN_PROGRESS.
  protocol::HeartbeatRequest hb;
  hb.group_id = "g";
  hb.member_id = t.leader;
  hb.generation_id = t.generation;
  int16_t err = -1;
  other->Heartbeat(hb, 3, [&](auto r) { err = r.error_code; });
  CHECK(err == kNoError);
  protocol::SyncGroupRequest sync;
  sync.group_id = "g";
  other->SyncGroup(sync, 3, [&](auto r) { err = r.error_code; });
  CHECK(err == ToWire(ErrorCode::kRebalanceInProgress));
  protocol::OffsetFetchRequest fetch;
  fetch.group_id = "g";
  protocol::OffsetFetchResponse fr;
  other->OffsetFetch(fetch, 7, [&](auto r) { fr = r; });
  CHECK(fr.error_code == ToWire(ErrorCode::kCoordinatorLoadInProgress));
  h.coord = std::move(other);
  h.Poll();
  REQUIRE_FALSE(h.coord->IsLoading(0));
  CHECK(h.coord->StateOf("g") == GroupState::kStable);
  auto d = h.Describe("g");
  CHECK(d.group_state == "Stable");
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol_data == "range");
  REQUIRE(d.members.size() == 2);
  CHECK(d.members[0].member_id == t.leader);
  CHECK(d.members[0].member_assignment == "A0");
  CHECK(d.members[1].member_assignment == "A1");
  CHECK(d.members[0].client_host == "/127.0.0.1");
  CHECK(h.coord->FindGroup("g")->leader_id == t.leader);
  CHECK(h.coord->FindGroup("g")->generation_id == t.generation);
  CHECK(h.Heartbeat("g", t.follower, t.generation) == kNoError);
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 101);
  CHECK(h.Fetch("solo", {{{"u", 1}}}).topics[0].partitions[0].committed_offset == 7);
  CHECK(h.coord->StateOf("solo") == GroupState::kEmpty);
  // Resigning drops everything: NOT_COORDINATOR.
  h.coord->OnResign(0);
  CHECK(h.Heartbeat("g", t.follower, t.generation) == ToWire(ErrorCode::kNotCoordinator));
  CHECK_FALSE(h.coord->StateOf("g"));
}

TEST_CASE("what reaches __consumer_offsets: Kafka's key and value formats") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  const auto& log = h.store.Records(0);
  REQUIRE(log.size() == 1);
  auto key = DecodeKey(log[0].key);
  REQUIRE(key);
  CHECK(std::get<GroupKey>(*key).group == "g");
  REQUIRE(log[0].value);
  auto gv = DecodeGroupValue(*log[0].value);
  REQUIRE(gv);
  CHECK(gv->protocol_type == "consumer");
  CHECK(gv->generation == 1);
  CHECK(gv->protocol == "range");
  CHECK(gv->leader == t.leader);
  CHECK(gv->current_state_timestamp == h.now_ms);
  REQUIRE(gv->members.size() == 2);
  CHECK(gv->members[1].member_id == t.follower);
  CHECK(gv->members[1].subscription == "md");
  CHECK(gv->members[1].assignment == "A1");
  CHECK(gv->members[1].client_host == "/127.0.0.1");
  CHECK(gv->members[1].session_timeout_ms == 2000);
  CHECK(gv->members[1].rebalance_timeout_ms == 1000);

  // OffsetCommit v2 with a retention time writes value v1 (expire timestamp).
  protocol::OffsetCommitRequest r;
  r.group_id = "g";
  r.member_id = t.leader;
  r.generation_id = t.generation;
  r.retention_time_ms = 5000;
  r.topics.push_back({"t", {{4, 77, -1, std::nullopt, {}}}, {}});
  std::optional<protocol::OffsetCommitResponse> resp;
  h.coord->OffsetCommit(r, 2, [&](auto x) { resp = x; });
  REQUIRE(h.RunUntil([&] { return resp.has_value(); }));
  REQUIRE(log.size() == 2);
  CHECK(std::get<OffsetKey>(*DecodeKey(log[1].key)) == OffsetKey{"g", "t", 4});
  auto ov = DecodeOffsetValue(*log[1].value);
  REQUIRE(ov);
  CHECK(ov->offset == 77);
  CHECK(ov->metadata.empty());
  CHECK(ov->commit_timestamp == h.now_ms);
  CHECK(ov->expire_timestamp == h.now_ms + 5000);
  CHECK((*log[1].value)[1] == 1);  // value version 1
  // ... and v7 (no retention) writes v3 with the leader epoch.
  CHECK(h.CommitNow("g", t.leader, t.generation, "t", 5, 78) == kNoError);
  REQUIRE(log.size() == 3);
  CHECK((*log[2].value)[1] == 3);
  CHECK(DecodeOffsetValue(*log[2].value)->leader_epoch == 3);
}

TEST_CASE("resigning answers waiting members NOT_COORDINATOR") {
  Harness h;
  auto a = h.Join("g", "");
  h.Poll();
  REQUIRE_FALSE(Ready(a));
  h.coord->OnResign(0);
  REQUIRE(Ready(a));
  CHECK((*a)->error_code == ToWire(ErrorCode::kNotCoordinator));
  h.RunFor(50ms);  // the cancelled timers fire harmlessly
}

TEST_CASE("leave group, then delete the empty group") {
  Harness h;
  TwoMembers t = FormStableGroup(h);
  CHECK(h.CommitNow("g", t.leader, t.generation, "t", 0, 9) == kNoError);
  CHECK(h.DeleteGroup("g") == ToWire(ErrorCode::kNonEmptyGroup));
  CHECK(h.DeleteGroup("missing") == ToWire(ErrorCode::kGroupIdNotFound));
  CHECK(h.Leave("g", "nobody") == ToWire(ErrorCode::kUnknownMemberId));
  CHECK(h.Leave("g", t.follower) == kNoError);
  CHECK(h.coord->StateOf("g") == GroupState::kPreparingRebalance);
  // v3+ batch leave.
  protocol::LeaveGroupRequest r;
  r.group_id = "g";
  r.members.push_back({t.leader, std::nullopt, {}});
  r.members.push_back({"ghost", std::nullopt, {}});
  protocol::LeaveGroupResponse resp;
  h.coord->LeaveGroup(r, 4, [&](auto x) { resp = x; });
  CHECK(resp.error_code == kNoError);
  REQUIRE(resp.members.size() == 2);
  CHECK(resp.members[0].error_code == kNoError);
  CHECK(resp.members[1].error_code == ToWire(ErrorCode::kUnknownMemberId));
  CHECK(h.coord->StateOf("g") == GroupState::kEmpty);
  CHECK(h.coord->FindGroup("g")->generation_id == t.generation + 1);
  CHECK(h.DeleteGroup("g") == kNoError);
  CHECK_FALSE(h.coord->StateOf("g"));
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == -1);
  CHECK(h.DeleteGroup("g") == ToWire(ErrorCode::kGroupIdNotFound));
  // Tombstones reach the store: a reload does not resurrect the group.
  h.Poll();
  h.coord->Shutdown();
  h.Start();
  CHECK_FALSE(h.coord->StateOf("g"));
}

TEST_CASE("ListGroups with a state filter and DescribeGroups") {
  Harness h;
  FormStableGroup(h, "g1");
  h.CommitNow("solo", "", -1, "t", 0, 1);
  protocol::ListGroupsResponse all;
  h.coord->ListGroups({}, 4, [&](auto r) { all = r; });
  REQUIRE(all.groups.size() == 2);
  CHECK(all.groups[0].group_id == "g1");
  CHECK(all.groups[0].group_state == "Stable");
  CHECK(all.groups[0].protocol_type == "consumer");
  CHECK(all.groups[1].group_id == "solo");
  CHECK(all.groups[1].protocol_type == "");
  protocol::ListGroupsRequest filter;
  filter.states_filter = {"Empty"};
  protocol::ListGroupsResponse empty_only;
  h.coord->ListGroups(filter, 4, [&](auto r) { empty_only = r; });
  REQUIRE(empty_only.groups.size() == 1);
  CHECK(empty_only.groups[0].group_id == "solo");
  CHECK(h.Describe("unknown").group_state == "Dead");
  CHECK(h.Describe("unknown").error_code == kNoError);
  // During a rebalance DescribeGroups hides protocol, metadata and assignments.
  auto c = h.Join("g1", "");
  h.Poll();
  auto d = h.Describe("g1");
  CHECK(d.group_state == "PreparingRebalance");
  CHECK(d.protocol_data.empty());
  CHECK(d.members.at(0).member_assignment.empty());
  CHECK(d.members.at(0).client_id == "client");
}

TEST_CASE("offsets expire after the retention; empty groups then disappear") {
  Harness h;
  h.config.offsets_retention_ms = 1000;
  h.coord->Shutdown();
  h.Start();
  CHECK(h.CommitNow("solo", "", -1, "t", 0, 1) == kNoError);
  h.now_ms += 500;
  CHECK(h.CommitNow("solo", "", -1, "t", 1, 2) == kNoError);
  h.coord->ExpireOffsets(h.now_ms + 600);  // first commit is 1100 ms old, second 600
  CHECK(h.Fetch("solo", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == -1);
  CHECK(h.Fetch("solo", {{{"t", 1}}}).topics[0].partitions[0].committed_offset == 2);
  h.coord->ExpireOffsets(h.now_ms + 1000);
  CHECK_FALSE(h.coord->StateOf("solo"));

  // A consumer group that became Empty: counted from when it became Empty.
  TwoMembers t = FormStableGroup(h);
  CHECK(h.CommitNow("g", t.leader, t.generation, "t", 0, 3) == kNoError);
  h.coord->ExpireOffsets(h.now_ms + 5000);  // active group: kept
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 3);
  h.now_ms += 10000;
  CHECK(h.Leave("g", t.leader) == kNoError);
  CHECK(h.Leave("g", t.follower) == kNoError);
  REQUIRE(h.coord->StateOf("g") == GroupState::kEmpty);
  h.coord->ExpireOffsets(h.now_ms + 999);
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 3);
  h.coord->ExpireOffsets(h.now_ms + 1000);
  CHECK_FALSE(h.coord->StateOf("g"));
  h.Poll();
}

// A ConsumerProtocol subscription v0: topics plus null user data.
std::string Subscription(const std::vector<std::string>& topics) {
  protocol::Writer w;
  w.Int16(0);
  w.ArrayLen(static_cast<int32_t>(topics.size()));
  for (const auto& t : topics) w.String(t);
  w.NullableBytes(std::nullopt);
  return w.Take();
}

TEST_CASE("active consumer groups: unsubscribed topics' offsets expire and can be deleted") {
  Harness h;
  h.config.offsets_retention_ms = 1000;
  h.coord->Shutdown();
  h.Start();
  auto a = h.Join("g", "", 3, std::nullopt, 2000, 1000, Subscription({"t"}));
  REQUIRE(h.RunUntil([&] { return Ready(a); }));
  std::string id = (*a)->member_id;
  auto s = h.Sync("g", id, 1, {{id, "x"}});
  REQUIRE(h.RunUntil([&] { return Ready(s); }));
  REQUIRE(h.coord->FindGroup("g")->subscribed_topics == std::set<std::string>{"t"});
  CHECK(h.CommitNow("g", id, 1, "t", 0, 1) == kNoError);
  CHECK(h.CommitNow("g", id, 1, "old", 0, 2) == kNoError);
  CHECK(h.CommitNow("g", id, 1, "older", 0, 3) == kNoError);

  GroupCoordinator::OffsetDeleteResult del;
  h.coord->DeleteOffsets("g", {{"t", 0}, {"older", 0}}, [&](auto r) { del = r; });
  CHECK(del.error_code == kNoError);
  REQUIRE(del.partitions.size() == 2);
  CHECK(del.partitions[0].second == ToWire(ErrorCode::kGroupSubscribedToTopic));
  CHECK(del.partitions[1].second == kNoError);
  CHECK(h.Fetch("g", {{{"older", 0}}}).topics[0].partitions[0].committed_offset == -1);

  h.coord->ExpireOffsets(h.now_ms + 1000);
  CHECK(h.Fetch("g", {{{"t", 0}}}).topics[0].partitions[0].committed_offset == 1);
  CHECK(h.Fetch("g", {{{"old", 0}}}).topics[0].partitions[0].committed_offset == -1);
  CHECK(h.coord->StateOf("g") == GroupState::kStable);

  h.coord->DeleteOffsets("missing", {{"t", 0}}, [&](auto r) { del = r; });
  CHECK(del.error_code == ToWire(ErrorCode::kGroupIdNotFound));
}

TEST_CASE("SubscriptionTopics reads the consumer protocol prefix") {
  CHECK(SubscriptionTopics(Subscription({"a", "b"})) == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(SubscriptionTopics("md"));
  CHECK_FALSE(SubscriptionTopics(std::string("\x00\x00\x7f\xff\xff\xff", 6)));
}

TEST_CASE("groups on partitions we do not own get NOT_COORDINATOR") {
  Harness h;
  h.config.offsets_topic_num_partitions = 50;
  h.coord = std::make_unique<GroupCoordinator>(h.io, h.store, h.config);
  h.coord->OnBecomeCoordinator(PartitionFor("a", 50));  // 47
  h.Poll();
  auto ok = h.Join("a", "", 4);
  CHECK((*ok)->error_code == ToWire(ErrorCode::kMemberIdRequired));
  auto no = h.Join("console-consumer-12345", "", 4);  // partition 6
  CHECK((*no)->error_code == ToWire(ErrorCode::kNotCoordinator));
  auto bad = h.Join("", "", 4);
  CHECK((*bad)->error_code == ToWire(ErrorCode::kInvalidGroupId));
  auto timeout = h.Join("a", "", 4, std::nullopt, 5);
  CHECK((*timeout)->error_code == ToWire(ErrorCode::kInvalidSessionTimeout));
}

}  // namespace
}  // namespace kafka::group
