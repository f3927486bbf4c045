#include "daemon/broker/offsets_store.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "common/protocol/error_code.h"

namespace kafka::broker {
namespace {

using protocol::ErrorCode;
using protocol::ToWire;

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  auto dir = std::filesystem::path(base ? base : "/tmp") / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

struct Fixture {
  boost::asio::io_context io;
  MetadataCache cache;
  std::unique_ptr<ReplicaManager> replicas;

  explicit Fixture(const std::string& name, int32_t leader = 0) {
    auto logs = log::LogManager::Open({TempDir(name)}, log::LogConfig{});
    REQUIRE(logs.ok());
    replicas = std::make_unique<ReplicaManager>(io, std::move(*logs));
    TopicInfo topic;
    PartitionInfo p;
    p.replicas = {0};
    p.leader = leader;
    p.isr = {0};
    topic.partitions[0] = p;
    topic.partitions[1] = p;
    cache.SetTopic(kOffsetsTopic, topic);
    for (int32_t i : {0, 1}) {
      REQUIRE(replicas->EnsurePartition({kOffsetsTopic, i}, log::LogConfig{}, leader == 0, 0).ok());
    }
  }
  ~Fixture() { (void)replicas->Shutdown(); }
};

TEST_CASE("OffsetsStore appends batches and loads them back in offset order") {
  Fixture f("store_roundtrip");
  OffsetsStore store(f.io, *f.replicas, f.cache, 0, 5000);
  std::vector<int16_t> errors;
  store.Append(1, {{"k1", std::string("v1")}, {"k2", std::string("v2")}},
               [&](int16_t e) { errors.push_back(e); });
  store.Append(1, {{"k1", std::nullopt}}, [&](int16_t e) { errors.push_back(e); });
  CHECK(errors.empty());  // completions are posted, never inline
  f.io.run();
  f.io.restart();
  CHECK(errors == std::vector<int16_t>{0, 0});

  std::optional<std::vector<group::LoadedRecord>> loaded;
  int16_t load_error = -1;
  store.Load(1, [&](int16_t e, std::vector<group::LoadedRecord> r) {
    load_error = e;
    loaded = std::move(r);
  });
  f.io.run();
  f.io.restart();
  REQUIRE(loaded);
  CHECK(load_error == 0);
  REQUIRE(loaded->size() == 3);
  CHECK((*loaded)[0].key == "k1");
  CHECK((*loaded)[0].value == std::optional<std::string>("v1"));
  CHECK((*loaded)[1].offset == 1);
  CHECK((*loaded)[2].offset == 2);
  CHECK(!(*loaded)[2].value);  // tombstone

  // Another partition is independent and empty.
  loaded.reset();
  store.Load(0, [&](int16_t, std::vector<group::LoadedRecord> r) { loaded = std::move(r); });
  f.io.run();
  REQUIRE(loaded);
  CHECK(loaded->empty());
}

TEST_CASE("OffsetsStore refuses partitions this broker does not lead") {
  Fixture f("store_not_leader", /*leader=*/1);
  OffsetsStore store(f.io, *f.replicas, f.cache, 0, 5000);
  int16_t error = 0;
  store.Append(0, {{"k", std::string("v")}}, [&](int16_t e) { error = e; });
  store.Append(7, {{"k", std::string("v")}}, [&](int16_t) {});
  f.io.run();
  CHECK(error == ToWire(ErrorCode::kNotLeaderOrFollower));
}

}  // namespace
}  // namespace kafka::broker
