#include "daemon/broker/group/records.h"

#include <catch2/catch.hpp>

namespace kafka::group {
namespace {

TEST_CASE("JavaStringHashCode matches java.lang.String.hashCode") {
  CHECK(JavaStringHashCode("") == 0);
  CHECK(JavaStringHashCode("a") == 97);
  CHECK(JavaStringHashCode("ab") == 97 * 31 + 98);
  CHECK(JavaStringHashCode("console-consumer-12345") == 158455506);
  CHECK(JavaStringHashCode("my-group") == -1906497762);
  // Non-ASCII: hashed over UTF-16 code units, a surrogate pair for U+1F600.
  CHECK(JavaStringHashCode("h\xC3\xA9llo") == 103094734);
  CHECK(JavaStringHashCode("\xF0\x9F\x98\x80grp") == 1276929186);
  // The classic string whose hashCode is Integer.MIN_VALUE.
  CHECK(JavaStringHashCode("polygenelubricants") == INT32_MIN);
}

TEST_CASE("PartitionFor is Utils.abs(hashCode) % partitions") {
  CHECK(PartitionFor("", 50) == 0);
  CHECK(PartitionFor("a", 50) == 47);
  CHECK(PartitionFor("console-consumer-12345", 50) == 6);
  CHECK(PartitionFor("my-group", 50) == 12);
  CHECK(PartitionFor("polygenelubricants", 50) == 0);  // abs(MIN_VALUE) is 0 in Kafka
  CHECK(PartitionFor("a", 1) == 0);
}

TEST_CASE("offset commit key bytes are Kafka's key version 1") {
  std::string k = EncodeOffsetKey(OffsetKey{"g", "t", 3});
  CHECK(k == std::string("\x00\x01\x00\x01g\x00\x01t\x00\x00\x00\x03", 12));
  auto d = DecodeKey(k);
  REQUIRE(d);
  CHECK(std::get<OffsetKey>(*d) == OffsetKey{"g", "t", 3});
  // Version 0 keys have the same layout.
  auto d0 = DecodeKey(std::string("\x00\x00\x00\x01g\x00\x01t\x00\x00\x00\x03", 12));
  REQUIRE(d0);
  CHECK(std::get<OffsetKey>(*d0).partition == 3);
}

TEST_CASE("group metadata key bytes are Kafka's key version 2") {
  std::string k = EncodeGroupKey(GroupKey{"grp"});
  CHECK(k == std::string("\x00\x02\x00\x03grp", 7));
  auto d = DecodeKey(k);
  REQUIRE(d);
  CHECK(std::get<GroupKey>(*d).group == "grp");
  CHECK_FALSE(DecodeKey(std::string("\x00\x03\x00\x00", 4)));
  CHECK_FALSE(DecodeKey(std::string("\x00", 1)));
}

TEST_CASE("offset value v3 and v1 layouts") {
  OffsetValue v;
  v.offset = 5;
  v.leader_epoch = 2;
  v.metadata = "m";
  v.commit_timestamp = 7;
  std::string b = EncodeOffsetValue(v);
  CHECK(b == std::string("\x00\x03"
                         "\x00\x00\x00\x00\x00\x00\x00\x05"
                         "\x00\x00\x00\x02"
                         "\x00\x01m"
                         "\x00\x00\x00\x00\x00\x00\x00\x07",
                         2 + 8 + 4 + 3 + 8));
  CHECK(DecodeOffsetValue(b) == v);

  v.expire_timestamp = 9;
  b = EncodeOffsetValue(v);
  CHECK(b.substr(0, 2) == std::string("\x00\x01", 2));
  CHECK(b.size() == 2 + 8 + 3 + 8 + 8);
  auto d = DecodeOffsetValue(b);
  REQUIRE(d);
  CHECK(d->offset == 5);
  CHECK(d->leader_epoch == -1);  // v1 has no leader epoch
  CHECK(d->expire_timestamp == 9);
  CHECK_FALSE(DecodeOffsetValue(b.substr(0, 10)));
}

TEST_CASE("group value v3 round trip and truncation") {
  GroupValue g;
  g.protocol_type = "consumer";
  g.generation = 4;
  g.protocol = "range";
  g.leader = "m1";
  g.current_state_timestamp = 1234;
  MemberValue m;
  m.member_id = "m1";
  m.group_instance_id = "i1";
  m.client_id = "c";
  m.client_host = "/127.0.0.1";
  m.rebalance_timeout_ms = 300000;
  m.session_timeout_ms = 10000;
  m.subscription = std::string("\x00\x01\x02", 3);
  m.assignment = "asg";
  g.members.push_back(m);
  m.member_id = "m2";
  m.group_instance_id.reset();
  g.members.push_back(m);
  std::string b = EncodeGroupValue(g);
  CHECK(b.substr(0, 2) == std::string("\x00\x03", 2));
  CHECK(DecodeGroupValue(b) == g);
  for (size_t n = 0; n < b.size(); ++n) CHECK_FALSE(DecodeGroupValue(b.substr(0, n)));
  // An empty group: null protocol and leader.
  GroupValue e;
  e.protocol_type = "consumer";
  e.generation = 5;
  e.current_state_timestamp = 1;
  CHECK(DecodeGroupValue(EncodeGroupValue(e)) == e);
}

}  // namespace
}  // namespace kafka::group
