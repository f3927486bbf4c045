#include "common/zk/jute.h"

#include <catch2/catch.hpp>

using zk::jute::Reader;
using zk::jute::Writer;

TEST_CASE("jute primitives round-trip big-endian", "[zk][jute]") {
  Writer w;
  w.Int(-2);
  w.Long(0x0102030405060708LL);
  w.Bool(true);
  w.String("/a");
  w.Buffer(std::nullopt);
  w.Buffer(std::string("xy"));
  const std::string& d = w.data();
  CHECK(d.substr(0, 4) == std::string("\xff\xff\xff\xfe", 4));
  CHECK(d.substr(4, 8) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));

  Reader r(d);
  CHECK(r.Int() == -2);
  CHECK(r.Long() == 0x0102030405060708LL);
  CHECK(r.Bool());
  CHECK(r.String() == "/a");
  CHECK_FALSE(r.Buffer().has_value());
  CHECK(r.Buffer() == std::optional<std::string>("xy"));
  CHECK(r.ok());
  CHECK(r.AtEnd());
}

TEST_CASE("jute reader errors are sticky and never allocate past the input", "[zk][jute]") {
  Writer w;
  w.Int(1 << 30);  // a buffer claiming 1 GiB with 0 bytes behind it
  Reader r(w.data());
  CHECK_FALSE(r.Buffer().has_value());
  CHECK_FALSE(r.ok());
  CHECK(r.Int() == 0);
  CHECK(r.String().empty());

  Writer neg;
  neg.Int(-5);
  Reader rn(neg.data());
  rn.Buffer();
  CHECK_FALSE(rn.ok());

  Writer cnt;
  cnt.Int(1000);
  Reader rc(cnt.data());
  CHECK(rc.Count(4) == 0);
  CHECK_FALSE(rc.ok());

  Reader truncated(std::string_view("\x00\x00", 2));
  CHECK(truncated.Int() == 0);
  CHECK_FALSE(truncated.ok());
}

TEST_CASE("PatchInt fills a length prefix written afterwards", "[zk][jute]") {
  Writer w;
  w.Int(0);
  w.String("abc");
  w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
  Reader r(w.data());
  CHECK(r.Int() == 7);
}
