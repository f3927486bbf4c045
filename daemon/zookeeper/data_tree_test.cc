#include "daemon/zookeeper/data_tree.h"

#include <catch2/catch.hpp>

#include "daemon/zookeeper/prep.h"

using namespace zkserver;

namespace {

// Prep + apply, as the server does; returns the error code.
struct Harness {
  DataTree tree;
  int64_t zxid = 0;
  int64_t session = 0x100;
  std::vector<Id> auth{Id{"ip", "127.0.0.1"}};
  std::vector<WatchEvent> events;
  std::vector<DataTree::OpResult> results;

  int32_t Write(const WriteOp& w) {
    Prep prep(tree);
    PrepContext ctx{session, &auth, zxid + 1, 1000 + zxid};
    Txn txn;
    int32_t rc = prep.PrepareOne(ctx, w, &txn);
    if (rc != err::kOk) return rc;
    ++zxid;
    results.clear();
    tree.Apply(txn, &results, &events);
    return rc;
  }
  int32_t Create(const std::string& path, const std::string& data = "", int32_t flags = 0) {
    return Write(WriteOp{op::kCreate, path, data, false, OpenAcl(), flags, -1});
  }
  int32_t Delete(const std::string& path, int32_t version = -1) {
    return Write(WriteOp{op::kDelete, path, "", false, {}, 0, version});
  }
  int32_t SetData(const std::string& path, const std::string& data, int32_t version = -1) {
    return Write(WriteOp{op::kSetData, path, data, false, {}, 0, version});
  }
  Stat StatOf(const std::string& path) { return tree.StatOf(*tree.Find(path)); }
};

}  // namespace

TEST_CASE("a fresh tree has the zookeeper system nodes", "[zkserver][tree]") {
  DataTree t;
  REQUIRE(t.Find("/zookeeper"));
  REQUIRE(t.Find("/zookeeper/quota"));
  REQUIRE(t.Find("/zookeeper/config"));
  CHECK(t.node_count() == 5);
  CHECK(t.approximate_data_size() == 44);
  CHECK(t.StatOf(*t.Find("/")).cversion == -1);  // ZooKeeper reports 2*0 - 1
}

TEST_CASE("new node stat: czxid == mzxid == pzxid, ctime == mtime", "[zkserver][tree]") {
  Harness h;
  REQUIRE(h.Create("/a", "hello") == err::kOk);
  Stat s = h.StatOf("/a");
  CHECK(s.czxid == 1);
  CHECK(s.mzxid == 1);
  CHECK(s.pzxid == 1);
  CHECK(s.ctime == s.mtime);
  CHECK(s.version == 0);
  CHECK(s.data_length == 5);
  CHECK(s.num_children == 0);
  REQUIRE(h.SetData("/a", "x") == err::kOk);
  s = h.StatOf("/a");
  CHECK(s.mzxid == 2);
  CHECK(s.pzxid == 1);  // setData does not touch pzxid
  CHECK(s.version == 1);
  CHECK(h.SetData("/a", "y", 0) == err::kBadVersion);
  CHECK(h.SetData("/nope", "y") == err::kNoNode);
}

TEST_CASE("child create sets parent pzxid only", "[zkserver][tree]") {
  Harness h;
  REQUIRE(h.Create("/p") == err::kOk);
  REQUIRE(h.Create("/p/c") == err::kOk);
  Stat p = h.StatOf("/p");
  CHECK(p.pzxid == 2);
  CHECK(p.mzxid == 1);
  CHECK(p.version == 0);
  CHECK(p.cversion == 1);
  REQUIRE(h.Delete("/p/c") == err::kOk);
  p = h.StatOf("/p");
  CHECK(p.pzxid == 3);
  CHECK(p.cversion == 2);
}

TEST_CASE("sequential suffix counts creates, cversion counts creates and deletes",
          "[zkserver][tree]") {
  Harness h;
  REQUIRE(h.Create("/s") == err::kOk);
  REQUIRE(h.Create("/s/n-", "", flags::kSequential) == err::kOk);
  CHECK(h.results[0].path == "/s/n-0000000000");
  REQUIRE(h.Create("/s/n-", "", flags::kSequential) == err::kOk);
  CHECK(h.results[0].path == "/s/n-0000000001");
  REQUIRE(h.Create("/s/plain") == err::kOk);
  REQUIRE(h.Delete("/s/plain") == err::kOk);
  CHECK(h.StatOf("/s").cversion == 4);
  REQUIRE(h.Create("/s/n-", "", flags::kSequential) == err::kOk);
  CHECK(h.results[0].path == "/s/n-0000000003");
  REQUIRE(h.Create("/s/", "", flags::kSequential) == err::kOk);
  CHECK(h.results[0].path == "/s/0000000004");
}

TEST_CASE("create and delete errors", "[zkserver][tree]") {
  Harness h;
  CHECK(h.Create("/a/b") == err::kNoNode);
  REQUIRE(h.Create("/a") == err::kOk);
  CHECK(h.Create("/a") == err::kNodeExists);
  CHECK(h.Create("bad") == err::kBadArguments);
  CHECK(h.Create("/a/") == err::kBadArguments);
  // ZooKeeper looks the parent up before validating, so these are NoNode.
  CHECK(h.Create("/a//b") == err::kNoNode);
  CHECK(h.Create("/a/./b") == err::kNoNode);
  CHECK(h.Create("/a/..") == err::kBadArguments);
  CHECK(h.Create(std::string("/a\x01", 3)) == err::kBadArguments);
  REQUIRE(h.Create("/a/b") == err::kOk);
  CHECK(h.Delete("/a") == err::kNotEmpty);
  CHECK(h.Delete("/a/b", 5) == err::kBadVersion);
  CHECK(h.Delete("/zookeeper") == err::kBadArguments);
  CHECK(h.Delete("/x") == err::kNoNode);
  REQUIRE(h.Create("/e", "", flags::kEphemeral) == err::kOk);
  CHECK(h.Create("/e/c") == err::kNoChildrenForEphemerals);
  CHECK(h.Write(WriteOp{op::kCreate, "/noacl", "", false, {}, 0, -1}) == err::kInvalidAcl);
  CHECK(h.Write(WriteOp{op::kCreate, "/t", "", false, OpenAcl(), 5, -1}) == err::kUnimplemented);
}

TEST_CASE("multi is all-or-nothing with ZooKeeper's per-op results", "[zkserver][tree]") {
  Harness h;
  REQUIRE(h.Create("/m", "v") == err::kOk);
  int64_t zxid_before = h.tree.last_zxid();
  std::vector<WriteOp> ops{
      WriteOp{op::kCreate, "/m/a", "", false, OpenAcl(), 0, -1},
      WriteOp{op::kCheck, "/m", "", false, {}, 0, 7},  // wrong version
      WriteOp{op::kDelete, "/m", "", false, {}, 0, -1},
  };
  Prep prep(h.tree);
  PrepContext ctx{h.session, &h.auth, h.zxid + 1, 5};
  Txn txn;
  std::vector<int32_t> errors;
  CHECK(prep.PrepareMulti(ctx, ops, &txn, &errors) == err::kBadVersion);
  CHECK(errors == std::vector<int32_t>{err::kOk, err::kBadVersion, err::kRuntimeInconsistency});
  CHECK_FALSE(h.tree.Find("/m/a"));
  CHECK(h.tree.last_zxid() == zxid_before);

  // Later ops see earlier ones: create a child then delete the parent fails.
  ops = {WriteOp{op::kCreate, "/m/a", "", false, OpenAcl(), 0, -1},
         WriteOp{op::kDelete, "/m", "", false, {}, 0, -1}};
  CHECK(prep.PrepareMulti(ctx, ops, &txn, &errors) == err::kNotEmpty);

  ops = {WriteOp{op::kCreate, "/m/a", "", false, OpenAcl(), 0, -1},
         WriteOp{op::kSetData, "/m/a", "z", false, {}, 0, 0},
         WriteOp{op::kCheck, "/m", "", false, {}, 0, 0},
         WriteOp{op::kCreate, "/m/s-", "", false, OpenAcl(), flags::kSequential, -1},
         WriteOp{op::kCreate, "/m/s-", "", false, OpenAcl(), flags::kSequential, -1}};
  REQUIRE(prep.PrepareMulti(ctx, ops, &txn, &errors) == err::kOk);
  std::vector<DataTree::OpResult> results;
  h.tree.Apply(txn, &results, nullptr);
  REQUIRE(results.size() == 5);
  CHECK(results[1].stat.version == 1);
  CHECK(results[3].path == "/m/s-0000000001");
  CHECK(results[4].path == "/m/s-0000000002");
  Stat a = h.StatOf("/m/a");
  CHECK(a.czxid == a.mzxid);  // one zxid for all ops
  CHECK(h.tree.Find("/m/a")->data == "z");
}

TEST_CASE("closing a session removes its ephemerals and fires watches", "[zkserver][tree]") {
  Harness h;
  Txn cs;
  cs.type = op::kCreateSession;
  cs.session_id = h.session;
  cs.zxid = ++h.zxid;
  cs.value = 4000;
  cs.password = std::string(16, 'p');
  h.tree.Apply(cs, nullptr, nullptr);
  REQUIRE(h.tree.FindSession(h.session));
  REQUIRE(h.Create("/dir") == err::kOk);
  REQUIRE(h.Create("/dir/e1", "", flags::kEphemeral) == err::kOk);
  REQUIRE(h.Create("/dir/e2", "", flags::kEphemeral | flags::kSequential) == err::kOk);
  CHECK(h.tree.Find("/dir/e1")->ephemeral_owner == h.session);
  CHECK(h.tree.ephemeral_count() == 2);
  h.tree.AddDataWatch("/dir/e1", 7);
  h.tree.AddChildWatch("/dir", 8);
  h.events.clear();
  Txn close;
  close.type = op::kCloseSession;
  close.session_id = h.session;
  close.zxid = ++h.zxid;
  h.tree.Apply(close, nullptr, &h.events);
  CHECK_FALSE(h.tree.Find("/dir/e1"));
  CHECK_FALSE(h.tree.Find("/dir/e2-0000000001"));
  CHECK(h.tree.ephemeral_count() == 0);
  CHECK_FALSE(h.tree.FindSession(h.session));
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0].watcher == 7);
  CHECK(h.events[0].type == event::kNodeDeleted);
  CHECK(h.events[1].watcher == 8);
  CHECK(h.events[1].type == event::kNodeChildrenChanged);
  CHECK(h.StatOf("/dir").pzxid == close.zxid);
}

TEST_CASE("watches are one-shot and fire the right event types", "[zkserver][tree]") {
  Harness h;
  h.tree.AddDataWatch("/w", 1);  // exists watch on a missing node
  REQUIRE(h.Create("/w") == err::kOk);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].type == event::kNodeCreated);
  CHECK(h.events[0].path == "/w");
  h.events.clear();
  REQUIRE(h.SetData("/w", "1") == err::kOk);
  CHECK(h.events.empty());  // already fired
  h.tree.AddDataWatch("/w", 1);
  h.tree.AddChildWatch("/w", 1);
  h.tree.AddChildWatch("/", 2);
  CHECK(h.tree.watch_count() == 3);
  REQUIRE(h.SetData("/w", "2") == err::kOk);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].type == event::kNodeDataChanged);
  h.events.clear();
  h.tree.AddDataWatch("/w", 1);
  REQUIRE(h.Delete("/w") == err::kOk);
  // Watcher 1 gets one NodeDeleted although it had data and child watches.
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0].watcher == 1);
  CHECK(h.events[0].type == event::kNodeDeleted);
  CHECK(h.events[1].watcher == 2);
  CHECK(h.events[1].type == event::kNodeChildrenChanged);
  CHECK(h.tree.watch_count() == 0);
  h.tree.AddDataWatch("/q", 3);
  h.tree.RemoveWatcher(3);
  CHECK(h.tree.watch_count() == 0);
}

TEST_CASE("ACLs: digest auth, auth scheme and permission checks", "[zkserver][tree]") {
  Harness h;
  h.auth.push_back(Id{"digest", "user:x"});
  REQUIRE(h.Write(WriteOp{op::kCreate, "/sec", "d", false, AclList{Acl{perm::kAll, Id{"auth", ""}}},
                          0, -1}) == err::kOk);
  CHECK(h.tree.Find("/sec")->acl->at(0).id == Id{"digest", "user:x"});
  std::vector<Id> other{Id{"ip", "127.0.0.1"}};
  std::swap(h.auth, other);
  CHECK(h.SetData("/sec", "z") == err::kNoAuth);
  CHECK(h.Create("/sec/c") == err::kNoAuth);
  CHECK(h.Write(WriteOp{op::kCreate, "/a2", "", false, AclList{Acl{perm::kAll, Id{"auth", ""}}}, 0,
                        -1}) == err::kInvalidAcl);
  std::swap(h.auth, other);
  CHECK(h.SetData("/sec", "z") == err::kOk);
  REQUIRE(h.Write(WriteOp{op::kSetAcl, "/sec", "", false, OpenAcl(), 0, 0}) == err::kOk);
  CHECK(h.StatOf("/sec").aversion == 1);
  CHECK(h.Write(WriteOp{op::kSetAcl, "/sec", "", false, OpenAcl(), 0, 0}) == err::kBadVersion);
}
