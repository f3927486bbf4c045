#include "tools/consumer_groups/group_format.h"

#include <catch2/catch.hpp>

namespace kafka::tools {
namespace {

TEST_CASE("offsets table uses Kafka's columns and widths", "[consumer_groups]") {
  OffsetRow a;
  a.group = "test-consumer-group";
  a.topic = "latency-test";
  a.partition = 0;
  a.current_offset = 8302;
  a.log_end_offset = 8310;
  OffsetRow b = a;
  b.partition = 1;
  b.current_offset.reset();
  std::string want =
      "\n"
      "GROUP               TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
      "CONSUMER-ID     HOST            CLIENT-ID\n"
      "test-consumer-group latency-test    0          8302            8310            8               "
      "-               -               -\n"
      "test-consumer-group latency-test    1          -               8310            -               "
      "-               -               -\n";
  CHECK(FormatOffsets({a, b}) == want);
}

TEST_CASE("members, state and reset tables", "[consumer_groups]") {
  MemberRow m{"g", "console-consumer-1234", "/127.0.0.1", "console-consumer", 2, "t(0,1)"};
  CHECK(FormatMembers({m}, false) ==
        "\nGROUP           CONSUMER-ID           HOST            CLIENT-ID        #PARTITIONS\n"
        "g               console-consumer-1234 /127.0.0.1      console-consumer 2\n");
  CHECK(FormatMembers({m}, true).find("#PARTITIONS  ASSIGNMENT\n") != std::string::npos);
  CHECK(FormatMembers({m}, true).find("2            t(0,1)\n") != std::string::npos);
  StateRow s{"g", "localhost:9092 (1)", "range", "Stable", 2};
  CHECK(FormatState({s}) ==
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n"
        "g               localhost:9092 (1)        range                Stable          2\n");
  CHECK(FormatReset({{"g", "t", 3, 17}}) ==
        "\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n"
        "g               t               3          17\n");
  CHECK(FormatAssignment({{"t", {0, 1}}, {"u", {2}}}) == "t(0,1),u(2)");
}

TEST_CASE("--to-datetime parsing", "[consumer_groups]") {
  CHECK(ParseDateTime("1970-01-01T00:00:01.500") == std::optional<int64_t>(1500));
  CHECK(ParseDateTime("2021-03-04T05:06:07.000Z") == std::optional<int64_t>(1614834367000));
  CHECK(ParseDateTime("2021-03-04T06:06:07.000+01:00") == std::optional<int64_t>(1614834367000));
  CHECK(!ParseDateTime("2021-03-04").has_value());
  CHECK(!ParseDateTime("2021-13-04T00:00:00.000").has_value());
}

}  // namespace
}  // namespace kafka::tools
