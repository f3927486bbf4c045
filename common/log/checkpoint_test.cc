#include "common/log/checkpoint.h"

#include <catch2/catch.hpp>

#include "common/log/file.h"
#include "common/log/leader_epoch_cache.h"
#include "common/log/testing/batch_builder.h"

namespace kafka::log {
namespace {

using testing::FreshTestDir;
using testing::ReadFileOrDie;
using testing::WriteFileOrDie;

TEST_CASE("offset checkpoint round-trips in Kafka's text format", "[log]") {
  std::string dir = FreshTestDir("ckpt_roundtrip");
  std::string path = dir + "/" + kRecoveryPointCheckpoint;
  OffsetMap m{{{"orders", 0}, 42}, {{"my-topic.x", 11}, 7}};
  REQUIRE(WriteOffsetCheckpoint(path, m).ok());
  CHECK(ReadFileOrDie(path) == "0\n2\nmy-topic.x 11 7\norders 0 42\n");
  auto back = ReadOffsetCheckpoint(path);
  REQUIRE(back.ok());
  CHECK(*back == m);
  CHECK_FALSE(PathExists(path + ".tmp"));
}

TEST_CASE("a missing checkpoint reads as empty", "[log]") {
  std::string dir = FreshTestDir("ckpt_missing");
  auto m = ReadOffsetCheckpoint(dir + "/nope");
  REQUIRE(m.ok());
  CHECK(m->empty());
}

TEST_CASE("a malformed checkpoint is corruption", "[log]") {
  std::string dir = FreshTestDir("ckpt_malformed");
  std::string path = dir + "/c";
  for (const char* text : {"1\n0\n", "0\n2\nt 0 1\n", "0\n1\nt x 1\n", "0\n1\nt 0\n", "", "0\n"}) {
    WriteFileOrDie(path, text);
    CHECK(ReadOffsetCheckpoint(path).status().IsCorruption());
  }
}

TEST_CASE("a stale .tmp beside a checkpoint is ignored and replaced", "[log]") {
  std::string dir = FreshTestDir("ckpt_tmp");
  std::string path = dir + "/" + kReplicationCheckpoint;
  REQUIRE(WriteOffsetCheckpoint(path, {{{"t", 0}, 5}}).ok());
  // A crash after writing the temp file but before the rename.
  WriteFileOrDie(path + ".tmp", "0\n1\nt 0 99\n");
  auto m = ReadOffsetCheckpoint(path);
  REQUIRE(m.ok());
  CHECK(m->at({"t", 0}) == 5);
  REQUIRE(WriteOffsetCheckpoint(path, {{{"t", 0}, 6}}).ok());
  CHECK(ReadOffsetCheckpoint(path)->at({"t", 0}) == 6);
  CHECK_FALSE(PathExists(path + ".tmp"));
}

TEST_CASE("leader epoch cache assigns, persists and answers EndOffsetFor", "[log]") {
  std::string dir = FreshTestDir("epoch_cache");
  std::string path = dir + "/" + kLeaderEpochCheckpoint;
  auto cache = LeaderEpochCache::Load(path);
  REQUIRE(cache.ok());
  CHECK(cache->EndOffsetFor(0, 10) == EpochEntry{kUndefinedEpoch, kUndefinedEpochOffset});
  REQUIRE(cache->Assign(1, 0).ok());
  REQUIRE(cache->Assign(1, 5).ok());  // already covered: no-op
  REQUIRE(cache->Assign(3, 10).ok());
  REQUIRE(cache->Assign(5, 20).ok());
  CHECK(ReadFileOrDie(path) == "0\n3\n1 0\n3 10\n5 20\n");

  CHECK(cache->EndOffsetFor(5, 30) == EpochEntry{5, 30});          // latest: LEO
  CHECK(cache->EndOffsetFor(3, 30) == EpochEntry{3, 20});          // next epoch's start
  CHECK(cache->EndOffsetFor(4, 30) == EpochEntry{3, 20});          // unknown: floor epoch
  CHECK(cache->EndOffsetFor(0, 30) == EpochEntry{0, 0});           // below all
  CHECK(cache->EndOffsetFor(9, 30) == EpochEntry{kUndefinedEpoch, kUndefinedEpochOffset});

  auto reloaded = LeaderEpochCache::Load(path);
  REQUIRE(reloaded.ok());
  CHECK(reloaded->entries() == cache->entries());
}

TEST_CASE("leader epoch cache truncation hooks", "[log]") {
  std::string dir = FreshTestDir("epoch_truncate");
  auto cache = LeaderEpochCache::Load(dir + "/e");
  REQUIRE(cache.ok());
  REQUIRE(cache->Assign(1, 0).ok());
  REQUIRE(cache->Assign(2, 10).ok());
  REQUIRE(cache->Assign(3, 20).ok());
  REQUIRE(cache->TruncateFromEnd(15).ok());
  CHECK(cache->entries() == std::vector<EpochEntry>{{1, 0}, {2, 10}});
  REQUIRE(cache->TruncateFromStart(12).ok());
  CHECK(cache->entries() == std::vector<EpochEntry>{{2, 12}});
  // A new epoch starting below an existing entry's start replaces it.
  REQUIRE(cache->Assign(4, 11).ok());
  CHECK(cache->entries() == std::vector<EpochEntry>{{4, 11}});
  REQUIRE(cache->Clear().ok());
  CHECK(LeaderEpochCache::Load(dir + "/e")->entries().empty());
}

TEST_CASE("a non-increasing leader epoch checkpoint is corruption", "[log]") {
  std::string dir = FreshTestDir("epoch_bad");
  WriteFileOrDie(dir + "/e", "0\n2\n3 10\n2 20\n");
  CHECK(LeaderEpochCache::Load(dir + "/e").status().IsCorruption());
}

}  // namespace
}  // namespace kafka::log
