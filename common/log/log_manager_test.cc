#include "common/log/log_manager.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "common/log/file.h"
#include "common/log/testing/batch_builder.h"

namespace kafka::log {
namespace {

using testing::BuildSimpleBatch;
using testing::FreshTestDir;
using testing::ReadFileOrDie;
using testing::WriteFileOrDie;

std::unique_ptr<LogManager> OpenOrDie(const std::vector<std::string>& dirs,
                                      const LogConfig& config = {}) {
  auto m = LogManager::Open(dirs, config);
  INFO(m.status().ToString());
  REQUIRE(m.ok());
  return std::move(*m);
}

TEST_CASE("partition dir names parse as Kafka's <topic>-<partition>", "[log]") {
  CHECK(ParsePartitionDirName("orders-3") == TopicPartition{"orders", 3});
  CHECK(ParsePartitionDirName("my-topic-12") == TopicPartition{"my-topic", 12});
  CHECK_FALSE(ParsePartitionDirName("orders"));
  CHECK_FALSE(ParsePartitionDirName("orders-"));
  CHECK_FALSE(ParsePartitionDirName("-3"));
  CHECK_FALSE(ParsePartitionDirName("orders-x"));
  CHECK_FALSE(ParsePartitionDirName("bad topic-1"));
}

TEST_CASE("log manager creates, finds and spreads partitions over log dirs", "[log]") {
  std::string a = FreshTestDir("lm_create_a"), b = FreshTestDir("lm_create_b");
  auto m = OpenOrDie({a, b});
  auto p0 = m->GetOrCreate({"t", 0});
  auto p1 = m->GetOrCreate({"t", 1});
  REQUIRE(p0.ok());
  REQUIRE(p1.ok());
  CHECK(*m->GetOrCreate({"t", 0}) == *p0);
  CHECK(m->Get({"t", 0}) == *p0);
  CHECK(m->Get({"t", 9}) == nullptr);
  CHECK(IsDirectory(a + "/t-0"));
  CHECK(IsDirectory(b + "/t-1"));
  CHECK(m->GetOrCreate({"bad name", 0}).status().IsInvalidArgument());
  CHECK(m->Partitions().size() == 2);
}

TEST_CASE("a clean shutdown writes checkpoints and the marker, and reopens", "[log]") {
  std::string dir = FreshTestDir("lm_clean");
  {
    auto m = OpenOrDie({dir});
    PartitionLog* log = *m->GetOrCreate({"orders", 0});
    REQUIRE(log->Append(BuildSimpleBatch(3, 100), 2).ok());
    REQUIRE(log->Append(BuildSimpleBatch(2, 200), 2).ok());
    log->SetHighWatermark(3);
    REQUIRE(m->Shutdown().ok());
  }
  CHECK(PathExists(dir + "/" + kCleanShutdownFile));
  CHECK(ReadFileOrDie(dir + "/" + kRecoveryPointCheckpoint) == "0\n1\norders 0 5\n");
  CHECK(ReadFileOrDie(dir + "/" + kReplicationCheckpoint) == "0\n1\norders 0 3\n");
  CHECK(ReadFileOrDie(dir + "/" + kLogStartCheckpoint) == "0\n1\norders 0 0\n");
  CHECK(ReadFileOrDie(dir + "/orders-0/" + kLeaderEpochCheckpoint) == "0\n1\n2 0\n");

  auto m = OpenOrDie({dir});
  // The marker is consumed so that a crash from now on forces recovery.
  CHECK_FALSE(PathExists(dir + "/" + kCleanShutdownFile));
  PartitionLog* log = m->Get({"orders", 0});
  REQUIRE(log != nullptr);
  CHECK(log->log_end_offset() == 5);
  CHECK(log->high_watermark() == 3);
  CHECK(log->LatestEpoch() == 2);
}

TEST_CASE("an unclean stop recovers a torn tail on the next open", "[log]") {
  std::string dir = FreshTestDir("lm_unclean");
  size_t first = 0;
  {
    auto m = OpenOrDie({dir});
    PartitionLog* log = *m->GetOrCreate({"t", 0});
    REQUIRE(log->Append(BuildSimpleBatch(3, 100), 0).ok());
    first = log->active_segment().size();
    REQUIRE(log->Append(BuildSimpleBatch(3, 100), 0).ok());
    REQUIRE(m->CheckpointAll().ok());
    // Destroyed without Shutdown(): no marker.
  }
  CHECK_FALSE(PathExists(dir + "/" + kCleanShutdownFile));
  std::string seg = dir + "/t-0/00000000000000000000.log";
  WriteFileOrDie(seg, ReadFileOrDie(seg).substr(0, first + 20));
  auto m = OpenOrDie({dir});
  CHECK(m->Get({"t", 0})->log_end_offset() == 3);
  CHECK(std::filesystem::file_size(seg) == first);
}

TEST_CASE("the lock file prevents a second manager on the same log dir", "[log]") {
  std::string a = FreshTestDir("lm_lock_a"), b = FreshTestDir("lm_lock_b");
  auto m = OpenOrDie({a});
  auto second = LogManager::Open({b, a}, LogConfig{});
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().IsUnavailable());
  CHECK(second.status().message().find("locked") != std::string::npos);
  CHECK(PathExists(a + "/" + kLockFile));
  // Released on shutdown.
  REQUIRE(m->Shutdown().ok());
  CHECK(LogManager::Open({a}, LogConfig{}).ok());
}

TEST_CASE("a second process cannot open a locked log dir", "[log]") {
  std::string dir = FreshTestDir("lm_lock_process");
  auto m = OpenOrDie({dir});
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto other = LogManager::Open({dir}, LogConfig{});
    ::_exit(other.ok() ? 0 : other.status().IsUnavailable() ? 3 : 4);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
}

TEST_CASE("delete renames to a -delete dir, removes it, and drops checkpoints", "[log]") {
  std::string dir = FreshTestDir("lm_delete");
  auto m = OpenOrDie({dir});
  PartitionLog* log = *m->GetOrCreate({"gone", 0});
  REQUIRE(log->Append(BuildSimpleBatch(1, 1), 0).ok());
  REQUIRE(m->GetOrCreate({"kept", 0}).ok());
  REQUIRE(m->Delete({"gone", 0}).ok());
  CHECK(m->Get({"gone", 0}) == nullptr);
  CHECK(m->Delete({"gone", 0}).IsNotFound());
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    CHECK(e.path().filename().string().find("gone") == std::string::npos);
  }
  REQUIRE(m->CheckpointAll().ok());
  CHECK(ReadFileOrDie(dir + "/" + kRecoveryPointCheckpoint) == "0\n1\nkept 0 0\n");
  // Recreated empty, from offset 0.
  CHECK((*m->GetOrCreate({"gone", 0}))->log_end_offset() == 0);
}

TEST_CASE("startup removes leftover -delete dirs and ignores strangers", "[log]") {
  std::string dir = FreshTestDir("lm_leftovers");
  std::string doomed = dir + "/x-0.0123456789abcdef0123456789abcdef-delete";
  REQUIRE(CreateDirs(doomed).ok());
  WriteFileOrDie(doomed + "/00000000000000000000.log", "junk");
  REQUIRE(CreateDirs(dir + "/not a partition").ok());
  auto m = OpenOrDie({dir});
  CHECK_FALSE(PathExists(doomed));
  CHECK(m->Partitions().empty());
}

TEST_CASE("retention runs over every partition", "[log]") {
  std::string dir = FreshTestDir("lm_retention");
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(BuildSimpleBatch(1, 0).size());
  config.retention_ms = 1000;
  auto m = OpenOrDie({dir}, config);
  for (int p = 0; p < 2; ++p) {
    PartitionLog* log = *m->GetOrCreate({"t", p});
    for (int64_t ts : {100, 200, 5000}) REQUIRE(log->Append(BuildSimpleBatch(1, ts), 0).ok());
    log->SetHighWatermark(log->log_end_offset());
  }
  CHECK(m->RunRetention(4000) == 4);
  CHECK(m->Get({"t", 1})->log_start_offset() == 2);
}

TEST_CASE("a damaged offset checkpoint only costs a full recovery", "[log]") {
  std::string dir = FreshTestDir("lm_bad_checkpoint");
  {
    auto m = OpenOrDie({dir});
    REQUIRE((*m->GetOrCreate({"t", 0}))->Append(BuildSimpleBatch(2, 1), 0).ok());
    REQUIRE(m->Shutdown().ok());
  }
  WriteFileOrDie(dir + "/" + kReplicationCheckpoint, "0\n5\ngarbage");
  auto m = OpenOrDie({dir});
  CHECK(m->Get({"t", 0})->log_end_offset() == 2);
  CHECK(m->Get({"t", 0})->high_watermark() == 0);
}

TEST_CASE("internal topics load compacted, never under time retention", "[log]") {
  std::string dir = FreshTestDir("lm_internal");
  {
    auto m = OpenOrDie({dir});
    REQUIRE(m->GetOrCreate({"__consumer_offsets", 3}).ok());
    REQUIRE(m->GetOrCreate({"orders", 0}).ok());
    REQUIRE(m->Shutdown().ok());
  }
  auto m = OpenOrDie({dir});
  CHECK(m->Get({"__consumer_offsets", 3})->config().cleanup_compact);
  CHECK_FALSE(m->Get({"__consumer_offsets", 3})->config().cleanup_delete);
  CHECK_FALSE(m->Get({"orders", 0})->config().cleanup_compact);
  CHECK(m->Get({"orders", 0})->config().cleanup_delete);
}

}  // namespace
}  // namespace kafka::log
