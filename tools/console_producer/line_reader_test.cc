#include "tools/console_producer/line_reader.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

TEST_CASE("plain lines are keyless values") {
  auto r = ParseLine("a\tb", {}, 1);
  REQUIRE(r.ok());
  CHECK(!r->key);
  CHECK(r->value == "a\tb");
}

TEST_CASE("parse.key splits at the first separator") {
  LineFormat f;
  f.parse_key = true;
  f.key_separator = ":";
  auto r = ParseLine("k1:v:1", f, 1);
  REQUIRE(r.ok());
  CHECK(*r->key == "k1");
  CHECK(r->value == "v:1");
  auto e = ParseLine("novalue", f, 3);
  REQUIRE(!e.ok());
  CHECK(e.status().message() == "No key separator found on line number 3: 'novalue'");
  f.ignore_error = true;
  auto i = ParseLine("novalue", f, 3);
  REQUIRE(i.ok());
  CHECK(!i->key);
  CHECK(i->value == "novalue");
}

TEST_CASE("an empty key is a key") {
  LineFormat f;
  f.parse_key = true;
  auto r = ParseLine("\tv", f, 1);
  REQUIRE(r.ok());
  CHECK(*r->key == "");
  CHECK(r->value == "v");
}

}  // namespace kafka::tools
