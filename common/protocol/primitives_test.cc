#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "common/protocol/error_code.h"
#include "common/protocol/reader.h"
#include "common/protocol/writer.h"

namespace kafka::protocol {
namespace {

std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

TEST_CASE("fixed-width integers are big-endian and round-trip", "[protocol]") {
  Writer w;
  w.Int8(-2);
  w.Int16(0x1234);
  w.Uint16(0xfffe);
  w.Int32(-1);
  w.Int64(0x0102030405060708);
  w.Float64(1.5);
  w.Bool(true);
  CHECK(Hex(w.data().substr(0, 3)) == "fe1234");
  Reader r(w.data());
  CHECK(r.Int8() == -2);
  CHECK(r.Int16() == 0x1234);
  CHECK(r.Uint16() == 0xfffe);
  CHECK(r.Int32() == -1);
  CHECK(r.Int64() == 0x0102030405060708);
  CHECK(r.Float64() == 1.5);
  CHECK(r.Bool());
  CHECK(r.AtEnd());
}

TEST_CASE("varints use zigzag and LEB128 as Kafka does", "[protocol]") {
  Writer w;
  w.Varint(0);
  w.Varint(-1);
  w.Varint(1);
  w.Varint(-64);
  w.Varint(64);
  CHECK(Hex(w.data()) == "0001027f8001");
  Writer w2;
  w2.Uvarint(300);
  CHECK(Hex(w2.data()) == "ac02");
  for (int64_t v : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max(), int64_t{1} << 40}) {
    Writer x;
    x.Varlong(v);
    Reader r(x.data());
    CHECK(r.Varlong() == v);
    CHECK(r.AtEnd());
  }
  for (int32_t v : {0, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    Writer x;
    x.Varint(v);
    Reader r(x.data());
    CHECK(r.Varint() == v);
    CHECK(r.AtEnd());
  }
}

TEST_CASE("an overlong varint fails the reader", "[protocol]") {
  std::string six(6, '\xff');
  Reader r(six);
  r.Uvarint();
  CHECK_FALSE(r.ok());
  std::string wide("\xff\xff\xff\xff\x7f", 5);  // > 32 bits
  Reader r2(wide);
  r2.Uvarint();
  CHECK_FALSE(r2.ok());
}

TEST_CASE("strings and bytes, classic and compact, with nulls", "[protocol]") {
  Writer w;
  w.String("ab");
  w.NullableString(std::nullopt);
  w.CompactString("xyz");
  w.CompactNullableString(std::nullopt);
  w.Bytes("q");
  w.NullableBytes(std::nullopt);
  w.CompactBytes("");
  CHECK(Hex(w.data()) == "00026162ffff0478797a0000000001" "71ffffffff01");
  Reader r(w.data());
  CHECK(r.String() == "ab");
  CHECK_FALSE(r.NullableString().has_value());
  CHECK(r.CompactString() == "xyz");
  CHECK_FALSE(r.CompactNullableString().has_value());
  CHECK(r.Bytes() == "q");
  CHECK_FALSE(r.NullableBytes().has_value());
  CHECK(r.CompactBytes().empty());
  CHECK(r.AtEnd());
}

TEST_CASE("uuid round-trips", "[protocol]") {
  Uuid u;
  for (int i = 0; i < 16; ++i) u.bytes[i] = static_cast<uint8_t>(i * 7);
  Writer w;
  w.Uuid(u);
  Reader r(w.data());
  CHECK(r.Uuid() == u);
  CHECK(r.AtEnd());
}

TEST_CASE("a huge length with few bytes behind it fails without allocating", "[protocol]") {
  Writer w;
  w.Int32(0x7fffffff);
  w.Raw("0123456789");
  {
    Reader r(w.data());
    CHECK_FALSE(r.NullableBytes().has_value());
    CHECK_FALSE(r.ok());
    // Sticky: later reads return defaults.
    CHECK(r.Int32() == 0);
    CHECK(r.String().empty());
    CHECK(r.remaining() == 0);
  }
  {
    Reader r(w.data());
    CHECK(r.ArrayLen(1) == -1);
    CHECK_FALSE(r.ok());
  }
  {
    Writer c;
    c.Uvarint(0xffffffffu);
    c.Raw("abc");
    Reader r(c.data());
    CHECK(r.CompactArrayLen(1) == -1);
    CHECK_FALSE(r.ok());
    Reader r2(c.data());
    r2.CompactString();
    CHECK_FALSE(r2.ok());
  }
}

TEST_CASE("array counts are checked against element sizes", "[protocol]") {
  Writer w;
  w.ArrayLen(3);
  w.Int32(1);
  w.Int32(2);  // only 8 bytes for 3 int32s
  Reader r(w.data());
  CHECK(r.ArrayLen(4) == -1);
  CHECK_FALSE(r.ok());
  Reader r2(w.data());
  CHECK(r2.ArrayLen(2) == 3);
  CHECK(r2.ok());
  Writer n;
  n.ArrayLen(-1);
  n.CompactArrayLen(-1);
  Reader r3(n.data());
  CHECK(r3.ArrayLen(4) == -1);
  CHECK(r3.CompactArrayLen(4) == -1);
  CHECK(r3.AtEnd());
  Writer neg;
  neg.ArrayLen(-5);
  Reader r4(neg.data());
  r4.ArrayLen(1);
  CHECK_FALSE(r4.ok());
}

TEST_CASE("random bytes never crash the primitive reader", "[protocol]") {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string buf(rng() % 64, '\0');
    for (auto& ch : buf) ch = static_cast<char>(rng());
    Reader r(buf);
    for (int k = 0; k < 20; ++k) {
      switch (rng() % 8) {
        case 0: r.CompactNullableString(); break;
        case 1: r.NullableString(); break;
        case 2: r.NullableBytes(); break;
        case 3: r.ArrayLen(1); break;
        case 4: r.CompactArrayLen(1); break;
        case 5: r.Varlong(); break;
        case 6: r.Uuid(); break;
        default: r.Int64(); break;
      }
    }
    CHECK(r.remaining() <= buf.size());
  }
}

TEST_CASE("error codes have Kafka's names and retriability", "[protocol]") {
  CHECK(ErrorName(3) == "UNKNOWN_TOPIC_OR_PARTITION");
  CHECK(ErrorName(ErrorCode::kTopicAlreadyExists) == "TOPIC_ALREADY_EXISTS");
  CHECK(ErrorName(-1) == "UNKNOWN_SERVER_ERROR");
  CHECK(ErrorName(0) == "NONE");
  CHECK(ErrorName(35) == "UNSUPPORTED_VERSION");
  CHECK(ErrorName(79) == "MEMBER_ID_REQUIRED");
  CHECK(ErrorName(30000) == "UNKNOWN");
  CHECK(IsRetriable(ErrorCode::kNotLeaderOrFollower));
  CHECK_FALSE(IsRetriable(ErrorCode::kTopicAlreadyExists));
  int16_t code = 0;
  REQUIRE(ErrorCodeFromName("NOT_COORDINATOR", &code));
  CHECK(code == 16);
  CHECK_FALSE(ErrorCodeFromName("NOPE", &code));
  CHECK_FALSE(ErrorDescription(27).empty());
}

}  // namespace
}  // namespace kafka::protocol
