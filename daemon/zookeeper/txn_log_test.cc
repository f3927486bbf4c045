#include "daemon/zookeeper/txn_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace zkserver;
namespace fs = std::filesystem;

namespace {

std::string FreshDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/txnlog_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Txn MakeCreate(int64_t zxid, const std::string& path) {
  Txn t;
  t.zxid = zxid;
  t.time = 1000 + zxid;
  t.type = op::kCreate;
  t.session_id = 5;
  t.path = path;
  t.data = "data-" + path;
  t.acl = OpenAcl();
  t.value = static_cast<int32_t>(zxid);
  return t;
}

std::vector<Txn> ReadAll(const std::string& dir, ReplayStats* stats = nullptr) {
  std::vector<Txn> out;
  auto r = ReadTxnLog(dir, 0, [&](const Txn& t) { out.push_back(t); });
  REQUIRE(r.ok());
  if (stats) *stats = *r;
  return out;
}

}  // namespace

TEST_CASE("txn log records round-trip across files", "[zkserver][txnlog]") {
  std::string dir = FreshDir("roundtrip");
  {
    TxnLogWriter w(dir);
    std::string batch = EncodeRecord(MakeCreate(1, "/a")) + EncodeRecord(MakeCreate(2, "/b"));
    REQUIRE(w.Append(1, batch).ok());
    REQUIRE(w.Sync().ok());
    w.Roll();
    Txn multi;
    multi.zxid = 3;
    multi.type = op::kMulti;
    multi.ops = {MakeCreate(3, "/c"), MakeCreate(3, "/d")};
    for (auto& o : multi.ops) o.time = multi.time;
    REQUIRE(w.Append(3, EncodeRecord(multi)).ok());
    REQUIRE(w.Sync().ok());
  }
  CHECK(ListLogs(dir).size() == 2);
  auto txns = ReadAll(dir);
  REQUIRE(txns.size() == 3);
  CHECK(txns[0] == MakeCreate(1, "/a"));
  CHECK(txns[2].ops.size() == 2);
  CHECK(txns[2].ops[1].path == "/d");
  // Replaying from zxid 2 skips earlier records.
  std::vector<int64_t> zxids;
  auto r = ReadTxnLog(dir, 2, [&](const Txn& t) { zxids.push_back(t.zxid); });
  REQUIRE(r.ok());
  CHECK(zxids == std::vector<int64_t>{3});
}

TEST_CASE("a torn tail is truncated at the last valid record", "[zkserver][txnlog]") {
  std::string dir = FreshDir("torn");
  std::string path;
  {
    TxnLogWriter w(dir);
    REQUIRE(w.Append(1, EncodeRecord(MakeCreate(1, "/a")) + EncodeRecord(MakeCreate(2, "/b")))
                .ok());
    std::string third = EncodeRecord(MakeCreate(3, "/c"));
    REQUIRE(w.Append(3, third.substr(0, third.size() - 3)).ok());  // torn write
    REQUIRE(w.Sync().ok());
    path = w.current_path();
  }
  ReplayStats stats;
  auto txns = ReadAll(dir, &stats);
  CHECK(txns.size() == 2);
  CHECK(stats.truncated);
  CHECK(stats.last_zxid == 2);
  CHECK(fs::file_size(path) < kPreallocBytes);  // cut at the torn record
  // Reading again finds a clean log.
  auto again = ReadAll(dir, &stats);
  CHECK(again.size() == 2);
  CHECK_FALSE(stats.truncated);
}

TEST_CASE("a CRC mismatch stops replay and drops later files", "[zkserver][txnlog]") {
  std::string dir = FreshDir("crc");
  std::string first_path;
  {
    TxnLogWriter w(dir);
    REQUIRE(w.Append(1, EncodeRecord(MakeCreate(1, "/a")) + EncodeRecord(MakeCreate(2, "/b")))
                .ok());
    REQUIRE(w.Sync().ok());
    first_path = w.current_path();
    w.Roll();
    REQUIRE(w.Append(3, EncodeRecord(MakeCreate(3, "/c"))).ok());
    REQUIRE(w.Sync().ok());
  }
  // Flip one payload byte of the second record.
  auto end_of_records = kLogHeaderSize + EncodeRecord(MakeCreate(1, "/a")).size() +
                        EncodeRecord(MakeCreate(2, "/b")).size();
  {
    std::fstream f(first_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(end_of_records) - 2);
    f.put('X');
  }
  ReplayStats stats;
  auto txns = ReadAll(dir, &stats);
  REQUIRE(txns.size() == 1);
  CHECK(txns[0].path == "/a");
  CHECK(stats.truncated);
  CHECK(ListLogs(dir).size() == 1);
}

TEST_CASE("zero fill after the last record is a clean end", "[zkserver][txnlog]") {
  std::string dir = FreshDir("zerofill");
  {
    TxnLogWriter w(dir);
    REQUIRE(w.Append(1, EncodeRecord(MakeCreate(1, "/a")) + std::string(100, '\0')).ok());
  }
  ReplayStats stats;
  auto txns = ReadAll(dir, &stats);
  CHECK(txns.size() == 1);
  CHECK_FALSE(stats.truncated);
}

TEST_CASE("txn log truncation drops the tail after a zxid", "[zkserver][txnlog]") {
  std::string dir = FreshDir("truncate");
  {
    TxnLogWriter w(dir);
    REQUIRE(w.Append(1, EncodeRecord(MakeCreate(1, "/a")) + EncodeRecord(MakeCreate(2, "/b")) +
                            EncodeRecord(MakeCreate(3, "/c")))
                .ok());
    REQUIRE(w.Sync().ok());
    w.Roll();
    REQUIRE(w.Append(4, EncodeRecord(MakeCreate(4, "/d"))).ok());
    REQUIRE(w.Sync().ok());
  }
  REQUIRE(ListLogs(dir).size() == 2);
  REQUIRE(TruncateTxnLog(dir, 2).ok());
  CHECK(ListLogs(dir).size() == 1);
  ReplayStats stats;
  auto txns = ReadAll(dir, &stats);
  REQUIRE(txns.size() == 2);
  CHECK(txns.back().path == "/b");
  CHECK_FALSE(stats.truncated);  // a clean end, not a torn tail
  // Appending after the cut starts a new file and replays in order.
  {
    TxnLogWriter w(dir);
    REQUIRE(w.Append(5, EncodeRecord(MakeCreate(5, "/e"))).ok());
    REQUIRE(w.Sync().ok());
  }
  txns = ReadAll(dir);
  REQUIRE(txns.size() == 3);
  CHECK(txns.back().zxid == 5);
  // Truncating at or past the end changes nothing.
  REQUIRE(TruncateTxnLog(dir, 9).ok());
  CHECK(ReadAll(dir).size() == 3);
}
