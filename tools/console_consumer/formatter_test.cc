#include "tools/console_consumer/formatter.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

client::ConsumedRecord Rec() {
  client::ConsumedRecord r;
  r.partition = 2;
  r.offset = 41;
  r.timestamp = 1700000000123;
  r.key = "k";
  r.value = "v";
  return r;
}

TEST_CASE("value only by default") {
  CHECK(FormatRecord(Rec(), {}) == "v\n");
}

TEST_CASE("all columns in Kafka's order") {
  FormatterOptions f;
  REQUIRE(ApplyFormatterProperties({{"print.key", "true"},
                                    {"print.partition", "true"},
                                    {"print.offset", "true"},
                                    {"print.timestamp", "true"},
                                    {"key.separator", "|"}},
                                   &f)
              .ok());
  CHECK(FormatRecord(Rec(), f) == "CreateTime:1700000000123|Partition:2|Offset:41|k|v\n");
  auto r = Rec();
  r.key.reset();
  r.log_append_time = true;
  CHECK(FormatRecord(r, f) == "LogAppendTime:1700000000123|Partition:2|Offset:41|null|v\n");
}

TEST_CASE("without the value the last column ends the line") {
  FormatterOptions f;
  REQUIRE(ApplyFormatterProperties({{"print.key", "true"}, {"print.value", "false"}}, &f).ok());
  CHECK(FormatRecord(Rec(), f) == "k\n");
  FormatterOptions h;
  REQUIRE(ApplyFormatterProperties({{"print.headers", "true"}}, &h).ok());
  auto r = Rec();
  CHECK(FormatRecord(r, h) == "NO_HEADERS\tv\n");
  r.headers = {{"a", "1"}, {"b", std::nullopt}};
  CHECK(FormatRecord(r, h) == "a:1,b:null\tv\n");
}

}  // namespace kafka::tools
