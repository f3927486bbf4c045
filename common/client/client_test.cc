#include "common/client/client.h"

#include <catch2/catch.hpp>

#include "common/client/tool_support.h"

namespace kafka::client {

namespace pr = kafka::protocol;

TEST_CASE("bootstrap lists parse like Kafka's") {
  auto a = ParseBootstrap("localhost:9092, 127.0.0.1:9093,[::1]:9094");
  REQUIRE(a.ok());
  REQUIRE(a->size() == 3);
  CHECK((*a)[0].host == "localhost");
  CHECK((*a)[0].port == 9092);
  CHECK((*a)[1].host == "127.0.0.1");
  CHECK((*a)[2].host == "::1");
  CHECK((*a)[2].port == 9094);
  CHECK(!ParseBootstrap("").ok());
  CHECK(!ParseBootstrap("localhost").ok());
  CHECK(!ParseBootstrap("localhost:x").ok());
  CHECK(!ParseBootstrap("localhost:70000").ok());
}

TEST_CASE("resolving a numeric address needs no lookup") {
  auto r = ResolveHost("127.0.0.1", Ms(10));
  REQUIRE(r.ok());
  CHECK(*r == "127.0.0.1");
}

pr::Record Rec(std::string key, std::string value) {
  pr::Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

TEST_CASE("fetched records below the fetch offset are skipped, partial tails tolerated") {
  pr::BatchBuildOptions o;
  o.base_offset = 10;
  o.base_timestamp = 1000;
  o.compression = pr::Compression::kLz4;
  auto b1 = pr::BuildBatch(o, {Rec("k1", "a"), Rec("k2", "b"), Rec("k3", "c")});
  REQUIRE(b1.ok());
  o.base_offset = 13;
  o.compression = pr::Compression::kNone;
  auto b2 = pr::BuildBatch(o, {Rec("k4", "d")});
  REQUIRE(b2.ok());
  std::string blob = *b1 + *b2 + b2->substr(0, 30);

  FetchedPartition out;
  REQUIRE(DecodeFetchedRecords(blob, 2, 11, &out).ok());
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[0].offset == 11);
  CHECK(*out.records[0].value == "b");
  CHECK(out.records[0].partition == 2);
  CHECK(out.records[2].offset == 13);
  CHECK(out.records[2].timestamp == 1000);
  CHECK(out.next_offset == 14);
  CHECK(!out.too_small);

  FetchedPartition only_partial;
  REQUIRE(DecodeFetchedRecords(b2->substr(0, 70), 0, 13, &only_partial).ok());
  CHECK(only_partial.records.empty());
  CHECK(only_partial.too_small);
  CHECK(only_partial.next_offset == 13);
}

TEST_CASE("control batches advance the offset without records") {
  pr::BatchBuildOptions o;
  o.base_offset = 5;
  o.control = true;
  auto b = pr::BuildBatch(o, {Rec("\0\0\0\0", "")});
  REQUIRE(b.ok());
  FetchedPartition out;
  REQUIRE(DecodeFetchedRecords(*b, 0, 5, &out).ok());
  CHECK(out.records.empty());
  CHECK(out.next_offset == 6);
}

TEST_CASE("errors are described with the broker's message first") {
  CHECK(DescribeError(36, std::string("Topic 'x' already exists.")) == "Topic 'x' already exists.");
  CHECK(DescribeError(3).find("UNKNOWN_TOPIC_OR_PARTITION") == 0);
}

TEST_CASE("k=v lists and client properties") {
  auto kv = ParseKeyValues({"a=1", "key.separator==", "b=x=y"});
  REQUIRE(kv.ok());
  CHECK(kv->at("a") == "1");
  CHECK(kv->at("key.separator") == "=");
  CHECK(kv->at("b") == "x=y");
  auto bad = ParseKeyValues({"novalue"});
  REQUIRE(!bad.ok());
  CHECK(bad.status().message() == "Invalid property: novalue");

  ClientOptions o;
  REQUIRE(ApplyClientProperties({{"client.id", "me"}, {"request.timeout.ms", "1234"},
                                 {"default.api.timeout.ms", "500"}},
                                &o)
              .ok());
  CHECK(o.client_id == "me");
  CHECK(o.request_timeout == Ms(1234));
  CHECK(o.retry_timeout == Ms(500));
  CHECK(!ApplyClientProperties({{"request.timeout.ms", "abc"}}, &o).ok());
}

}  // namespace kafka::client
