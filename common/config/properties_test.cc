#include "common/config/properties.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

using config::Properties;

namespace {

Properties MustParse(std::string_view text) {
  util::Result<Properties> r = Properties::Parse(text);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string Value(const Properties& p, const std::string& key) {
  std::optional<std::string> v = p.Get(key);
  INFO("key: " << key);
  REQUIRE(v.has_value());
  return *v;
}

}  // namespace

TEST_CASE("key terminators: '=', ':' and whitespace", "[config]") {
  Properties p = MustParse(
      "a=1\n"
      "b:2\n"
      "c 3\n"
      "d\t4\n"
      "e\f5\n"
      "f = 6\n"
      "g : 7\n"
      "h    8\n"
      "i =9\n"
      "j= 10\n");
  CHECK(Value(p, "a") == "1");
  CHECK(Value(p, "b") == "2");
  CHECK(Value(p, "c") == "3");
  CHECK(Value(p, "d") == "4");
  CHECK(Value(p, "e") == "5");
  CHECK(Value(p, "f") == "6");
  CHECK(Value(p, "g") == "7");
  CHECK(Value(p, "h") == "8");
  CHECK(Value(p, "i") == "9");
  CHECK(Value(p, "j") == "10");
  CHECK(p.entries().size() == 10);
}

TEST_CASE("only the first separator counts; later ones belong to the value", "[config]") {
  Properties p = MustParse(
      "url=http://host:80/a=b\n"
      "k:v=w\n"
      "x = = y\n"
      "m :: n\n"
      "s  t u\n");
  CHECK(Value(p, "url") == "http://host:80/a=b");
  CHECK(Value(p, "k") == "v=w");
  CHECK(Value(p, "x") == "= y");  // whitespace, then one '=', then whitespace, then value
  CHECK(Value(p, "m") == ": n");
  CHECK(Value(p, "s") == "t u");
}

TEST_CASE("leading whitespace is dropped, trailing whitespace of a value is kept", "[config]") {
  Properties p = MustParse("   \t\fkey=value  \n  other = x\t\n");
  CHECK(Value(p, "key") == "value  ");
  CHECK(Value(p, "other") == "x\t");
}

TEST_CASE("empty values and keys without a value", "[config]") {
  Properties p = MustParse("empty=\nbare\ncolon:\nspaced =   \n=novalue-key\n");
  CHECK(Value(p, "empty").empty());
  CHECK(Value(p, "bare").empty());
  CHECK(Value(p, "colon").empty());
  CHECK(Value(p, "spaced").empty());
  CHECK(Value(p, "") == "novalue-key");  // Java allows the empty key too
}

TEST_CASE("comment lines start with # or ! after optional whitespace", "[config]") {
  Properties p = MustParse(
      "# a comment\n"
      "! another\n"
      "   # indented comment=1\n"
      "\t! indented bang:2\n"
      "key=value # not a comment\n"
      "k2=!also value\n");
  CHECK(p.entries().size() == 2);
  CHECK(Value(p, "key") == "value # not a comment");
  CHECK(Value(p, "k2") == "!also value");
}

TEST_CASE("a comment ending in a backslash does not continue", "[config]") {
  Properties p = MustParse("# comment \\\nkey=value\n");
  CHECK(p.entries().size() == 1);
  CHECK(Value(p, "key") == "value");
}

TEST_CASE("blank and whitespace-only lines are skipped", "[config]") {
  Properties p = MustParse("\n\n   \n\t\f\na=1\n\n  \nb=2");
  CHECK(p.entries().size() == 2);
  CHECK(Value(p, "a") == "1");
  CHECK(Value(p, "b") == "2");
}

TEST_CASE("an empty or comment-only input has no entries", "[config]") {
  CHECK(MustParse("").entries().empty());
  CHECK(MustParse("# only\n! comments").entries().empty());
  CHECK(MustParse("\n\r\n\r").entries().empty());
}

TEST_CASE("an odd number of trailing backslashes continues the line", "[config]") {
  Properties p = MustParse(
      "list=a,\\\n"
      "     b,\\\n"
      "\t\tc\n"
      "next=1\n");
  CHECK(Value(p, "list") == "a,b,c");
  CHECK(Value(p, "next") == "1");
}

TEST_CASE("an even number of trailing backslashes is literal and does not continue", "[config]") {
  Properties p = MustParse(
      "two=a\\\\\n"
      "four=b\\\\\\\\\n"
      "three=c\\\\\\\n"
      "   d\n");
  CHECK(Value(p, "two") == "a\\");
  CHECK(Value(p, "four") == "b\\\\");
  // Three: one escaped backslash plus a continuation.
  CHECK(Value(p, "three") == "c\\d");
  CHECK(p.entries().size() == 3);
}

TEST_CASE("a continuation line is never a comment and keeps its separators", "[config]") {
  Properties p = MustParse(
      "a=1\\\n"
      "  # still value\n"
      "b\\\n"
      "  key=2\n");
  CHECK(Value(p, "a") == "1# still value");
  CHECK(Value(p, "bkey") == "2");
}

TEST_CASE("continuation can span the key and separator", "[config]") {
  Properties p = MustParse("lo\\\n   ng\\\n  =\\\n   value\n");
  CHECK(Value(p, "long") == "value");
}

TEST_CASE("a continuation into a blank line ends the logical line", "[config]") {
  Properties p = MustParse("a=1\\\n\nb=2\n");
  CHECK(Value(p, "a") == "1");
  CHECK(Value(p, "b") == "2");
  Properties q = MustParse("a=1\\\n   \t\nb=2\n");
  CHECK(Value(q, "a") == "1");
  CHECK(Value(q, "b") == "2");
}

TEST_CASE("a trailing backslash at end of input is dropped", "[config]") {
  CHECK(Value(MustParse("key=value\\"), "key") == "value");
  CHECK(Value(MustParse("key=value\\\n"), "key") == "value");
  CHECK(Value(MustParse("key=value\\\\"), "key") == "value\\");
  CHECK(Value(MustParse("key\\"), "key").empty());
}

TEST_CASE("CRLF and CR line endings, also inside continuations", "[config]") {
  Properties p = MustParse("a=1\r\nb=2\rc=3\r\n\r\nd=x\\\r\n   y\re=z\\\r  w\r\n# c\rf=6");
  CHECK(Value(p, "a") == "1");
  CHECK(Value(p, "b") == "2");
  CHECK(Value(p, "c") == "3");
  CHECK(Value(p, "d") == "xy");
  CHECK(Value(p, "e") == "zw");
  CHECK(Value(p, "f") == "6");
  CHECK(p.entries().size() == 6);
}

TEST_CASE("escapes \\t \\n \\r \\f \\\\ in keys and values", "[config]") {
  Properties p = MustParse("k\\tey=a\\tb\\nc\\rd\\fe\\\\f\n");
  CHECK(Value(p, "k\tey") == "a\tb\nc\rd\fe\\f");
}

TEST_CASE("\\uXXXX escapes decode to UTF-8", "[config]") {
  Properties p = MustParse(
      "ascii=\\u0041\\u0062\n"
      "latin=\\u00e9\\u00E9\n"
      "bmp=\\u20AC\n"
      "pair=\\uD83D\\uDE00\n"
      "lone=\\uD83Dx\n"
      "low=\\uDE00\n"
      "k\\u003dey=v\n"
      "nul=a\\u0000b\n");
  CHECK(Value(p, "ascii") == "Ab");
  CHECK(Value(p, "latin") == "\xC3\xA9\xC3\xA9");
  CHECK(Value(p, "bmp") == "\xE2\x82\xAC");
  CHECK(Value(p, "pair") == "\xF0\x9F\x98\x80");
  CHECK(Value(p, "lone") == "\xEF\xBF\xBDx");
  CHECK(Value(p, "low") == "\xEF\xBF\xBD");
  CHECK(Value(p, "k=ey") == "v");  // an escaped '=' never terminates the key
  CHECK(Value(p, "nul") == std::string("a\0b", 3));
}

TEST_CASE("UTF-8 bytes pass through unchanged", "[config]") {
  Properties p = MustParse("name=caf\xC3\xA9\n");
  CHECK(Value(p, "name") == "caf\xC3\xA9");
}

TEST_CASE("a malformed \\u escape is InvalidArgument naming the line", "[config]") {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c :
       {Case{"a=\\u12G4", 1}, Case{"a=1\nb=\\u12", 2}, Case{"x=1\n\n# c\nk\\uzzzz=v", 4},
        Case{"a=1\\\n  2\nb=\\u", 3}, Case{"a=\\\n  \\u00", 1}}) {
    util::Result<Properties> r = Properties::Parse(c.text);
    INFO(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message() ==
          "line " + std::to_string(c.line) + ": malformed \\uxxxx encoding");
  }
}

TEST_CASE("any other escaped character stands for itself", "[config]") {
  Properties p = MustParse("a=\\x\\y\\z\\q\\\"\\'\\#\\!\n");
  CHECK(Value(p, "a") == "xyzq\"'#!");
}

TEST_CASE("escaped separators and whitespace stay in the key", "[config]") {
  Properties p = MustParse(
      "a\\=b=c\n"
      "x\\:y:z\n"
      "with\\ space = v\n"
      "tab\\\tkey v2\n"
      "\\#notcomment=1\n"
      "\\!bang=2\n"
      "\\ lead=3\n");
  CHECK(Value(p, "a=b") == "c");
  CHECK(Value(p, "x:y") == "z");
  CHECK(Value(p, "with space") == "v");
  CHECK(Value(p, "tab\tkey") == "v2");
  CHECK(Value(p, "#notcomment") == "1");
  CHECK(Value(p, "!bang") == "2");
  CHECK(Value(p, " lead") == "3");
}

TEST_CASE("an escaped backslash before a separator does not escape it", "[config]") {
  Properties p = MustParse("a\\\\=b\n");
  CHECK(Value(p, "a\\") == "b");
}

TEST_CASE("escaped leading whitespace in a value is kept", "[config]") {
  Properties p = MustParse("k = \\  v\n");
  CHECK(Value(p, "k") == "  v");
}

TEST_CASE("the last duplicate key wins", "[config]") {
  Properties p = MustParse("a=1\nb=x\na=2\na:3\n");
  CHECK(Value(p, "a") == "3");
  CHECK(p.entries().size() == 2);
}

TEST_CASE("a realistic server.properties", "[config]") {
  Properties p = MustParse(
      "############################# Server Basics #############################\n"
      "# The id of the broker.\n"
      "broker.id=0\n"
      "listeners=PLAINTEXT://127.0.0.1:9092\n"
      "log.dirs=/tmp/kafka-logs\n"
      "num.partitions=1\n"
      "zookeeper.connect=localhost:2181\n"
      "zookeeper.connection.timeout.ms=18000\n");
  CHECK(Value(p, "listeners") == "PLAINTEXT://127.0.0.1:9092");
  CHECK(p.GetInt("broker.id", -1).value() == 0);
  CHECK(p.GetInt("zookeeper.connection.timeout.ms", 0).value() == 18000);
  CHECK(p.GetString("zookeeper.connect", "") == "localhost:2181");
}

TEST_CASE("Has, Get and GetString fall back when absent", "[config]") {
  Properties p = MustParse("a=1\nempty=\n");
  CHECK(p.Has("a"));
  CHECK(p.Has("empty"));
  CHECK_FALSE(p.Has("b"));
  CHECK_FALSE(p.Get("b").has_value());
  CHECK(p.GetString("b", "fb") == "fb");
  CHECK(p.GetString("empty", "fb").empty());
}

TEST_CASE("GetInt trims, accepts signs and rejects junk and overflow", "[config]") {
  Properties p = MustParse(
      "plain=42\n"
      "spaced =  17  \n"
      "neg=-5\n"
      "plus=+8\n"
      "max=9223372036854775807\n"
      "min=-9223372036854775808\n"
      "over=9223372036854775808\n"
      "junk=abc\n"
      "partial=12abc\n"
      "float=1.5\n"
      "empty=\n"
      "sign=-\n"
      "double=++1\n");
  CHECK(p.GetInt("plain", 0).value() == 42);
  CHECK(p.GetInt("spaced", 0).value() == 17);
  CHECK(p.GetInt("neg", 0).value() == -5);
  CHECK(p.GetInt("plus", 0).value() == 8);
  CHECK(p.GetInt("max", 0).value() == INT64_MAX);
  CHECK(p.GetInt("min", 0).value() == INT64_MIN);
  CHECK(p.GetInt("absent", 99).value() == 99);
  for (const char* key : {"over", "junk", "partial", "float", "empty", "sign", "double"}) {
    INFO(key);
    util::Result<int64_t> r = p.GetInt(key, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
  }
  CHECK(p.GetInt("junk", 0).status().message() ==
        "Invalid value 'abc' for configuration key 'junk': not an integer");
  CHECK(p.GetInt("over", 0).status().message() ==
        "Invalid value '9223372036854775808' for configuration key 'over': out of range");
}

TEST_CASE("GetBool accepts true/false in any case and nothing else", "[config]") {
  Properties p = MustParse("a=true\nb=FALSE\nc=True \nd=yes\ne=1\nf=\n");
  CHECK(p.GetBool("a", false).value() == true);
  CHECK(p.GetBool("b", true).value() == false);
  CHECK(p.GetBool("c", false).value() == true);
  CHECK(p.GetBool("absent", true).value() == true);
  for (const char* key : {"d", "e", "f"}) {
    INFO(key);
    CHECK(p.GetBool(key, false).status().IsInvalidArgument());
  }
  CHECK(p.GetBool("d", false).status().message() ==
        "Invalid value 'yes' for configuration key 'd': expected true or false");
}

TEST_CASE("Set adds or replaces a value", "[config]") {
  Properties p = MustParse("a=1\n");
  p.Set("a", "2");
  p.Set("b", "3");
  CHECK(Value(p, "a") == "2");
  CHECK(Value(p, "b") == "3");
}

TEST_CASE("entries are sorted by key", "[config]") {
  Properties p = MustParse("c=3\na=1\nb=2\n");
  std::string keys;
  for (const auto& [k, v] : p.entries()) keys += k;
  CHECK(keys == "abc");
}

TEST_CASE("UnknownKeys honours known keys and prefixes", "[config]") {
  Properties p = MustParse("broker.id=1\nlog.dirs=/x\nlistener.name.a=1\ntypo.key=2\nzzz=3\n");
  std::vector<std::string> unknown = p.UnknownKeys({"broker.id", "log.dirs"}, {"listener.name."});
  CHECK(unknown == std::vector<std::string>{"typo.key", "zzz"});
  CHECK(p.UnknownKeys({"broker.id", "log.dirs", "listener.name.a", "typo.key", "zzz"}).empty());
}

TEST_CASE("WarnUnknown logs one warning per unknown key", "[config]") {
  Properties p = MustParse("known=1\nbad.one=2\nbad.two=3\n");
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_pattern("%l %v");
  p.WarnUnknown(logger, {"known"});
  CHECK(out.str() ==
        "warning unknown configuration key 'bad.one' ignored\n"
        "warning unknown configuration key 'bad.two' ignored\n");
}

TEST_CASE("Load reads a file and names the path on errors", "[config]") {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = tmp ? tmp : "/tmp";
  std::string path = dir + "/server.properties";
  {
    std::ofstream f(path, std::ios::binary);
    f << "# test\r\nbroker.id=7\r\nlog.dirs=/a,\\\r\n  /b\r\n";
  }
  util::Result<Properties> p = Properties::Load(path);
  REQUIRE(p.ok());
  CHECK(p->GetInt("broker.id", 0).value() == 7);
  CHECK(Value(*p, "log.dirs") == "/a,/b");

  util::Result<Properties> missing = Properties::Load(dir + "/does-not-exist.properties");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().IsIOError());
  CHECK(missing.status().message().find("does-not-exist.properties") != std::string::npos);

  std::string bad = dir + "/bad.properties";
  {
    std::ofstream f(bad, std::ios::binary);
    f << "a=1\nb=\\uXYZW\n";
  }
  util::Result<Properties> r = Properties::Load(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message() == bad + ": line 2: malformed \\uxxxx encoding");
}
