#include "daemon/zookeeper/snapshot.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "daemon/zookeeper/txn_log.h"

using namespace zkserver;
namespace fs = std::filesystem;

namespace {

std::string FreshDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/snap_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Apply(DataTree& t, Txn txn) { t.Apply(txn, nullptr, nullptr); }

DataTree Sample() {
  DataTree t;
  Txn s;
  s.type = op::kCreateSession;
  s.zxid = 1;
  s.session_id = 77;
  s.value = 6000;
  s.password = "0123456789abcdef";
  Apply(t, s);
  Txn c;
  c.type = op::kCreate;
  c.zxid = 2;
  c.time = 1234;
  c.path = "/a";
  c.data = "hello";
  c.acl = {Acl{perm::kRead, Id{"digest", "u:x"}}};
  c.value = 1;
  Apply(t, c);
  c.zxid = 3;
  c.path = "/a/e";
  c.data = "";
  c.acl = OpenAcl();
  c.ephemeral_owner = 77;
  Apply(t, c);
  Txn sd;
  sd.type = op::kSetData;
  sd.zxid = 4;
  sd.path = "/a";
  sd.data = "v2";
  sd.value = 1;
  Apply(t, sd);
  return t;
}

}  // namespace

TEST_CASE("snapshot round-trips tree, stats and sessions", "[zkserver][snapshot]") {
  DataTree t = Sample();
  std::string bytes = SerializeSnapshot(t, 4);
  DataTree loaded;
  int64_t zxid = 0;
  REQUIRE(DeserializeSnapshot(bytes, &loaded, &zxid).ok());
  CHECK(zxid == 4);
  CHECK(loaded.node_count() == t.node_count());
  CHECK(loaded.approximate_data_size() == t.approximate_data_size());
  for (const char* p : {"/", "/zookeeper", "/zookeeper/config", "/a", "/a/e"}) {
    REQUIRE(loaded.Find(p));
    CHECK(loaded.StatOf(*loaded.Find(p)) == t.StatOf(*t.Find(p)));
    CHECK(*loaded.Find(p)->acl == *t.Find(p)->acl);
  }
  CHECK(loaded.Find("/a")->data == "v2");
  REQUIRE(loaded.FindSession(77));
  CHECK(loaded.FindSession(77)->password == "0123456789abcdef");
  CHECK(loaded.EphemeralsOf(77) == std::vector<std::string>{"/a/e"});
}

TEST_CASE("a corrupt snapshot is skipped for an older valid one", "[zkserver][snapshot]") {
  std::string dir = FreshDir("corrupt");
  DataTree t = Sample();
  REQUIRE(WriteSnapshotFile(dir, 3, SerializeSnapshot(t, 3)).ok());
  std::string newer = SerializeSnapshot(t, 4);
  newer[newer.size() / 2] ^= 0x5a;
  REQUIRE(WriteSnapshotFile(dir, 4, newer).ok());
  DataTree loaded;
  int64_t zxid = 0;
  REQUIRE(LoadLatestSnapshot(dir, &loaded, &zxid).ok());
  CHECK(zxid == 3);
  CHECK(loaded.Find("/a/e"));
}

TEST_CASE("purge keeps the newest snapshots and the logs they need", "[zkserver][snapshot]") {
  std::string dir = FreshDir("purge");
  DataTree t;
  for (int64_t z : {10, 20, 30, 40}) REQUIRE(WriteSnapshotFile(dir, z, SerializeSnapshot(t, z)).ok());
  for (int64_t z : {1, 15, 25, 35}) {
    std::ofstream(dir + "/log." + ZxidHex(z)) << "x";
  }
  PurgeOldFiles(dir, dir, 3);
  auto snaps = ListSnapshots(dir);
  REQUIRE(snaps.size() == 3);
  CHECK(snaps.back().zxid == 20);
  auto logs = ListLogs(dir);
  REQUIRE(logs.size() == 3);
  CHECK(logs.front().start_zxid == 15);
}
