#include "tools/verifiable_producer/events.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

TEST_CASE("events start with timestamp and name, then fields in insertion order") {
  Json j = Event("producer_send_success");
  j["key"] = nullptr;
  j["value"] = "0";
  j["topic"] = "t";
  j["partition"] = 0;
  j["offset"] = 5;
  const std::string s = j.dump();
  REQUIRE(s.rfind("{\"timestamp\":", 0) == 0);
  CHECK(s.find(",\"name\":\"producer_send_success\",\"key\":null,\"value\":\"0\",\"topic\":\"t\","
               "\"partition\":0,\"offset\":5}") != std::string::npos);
}

TEST_CASE("Java exception class names for error codes") {
  CHECK(JavaExceptionClass(6) == "class org.apache.kafka.common.errors.NotLeaderOrFollowerException");
  CHECK(JavaExceptionClass(20) ==
        "class org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException");
  CHECK(JavaExceptionClass(7) == "class org.apache.kafka.common.errors.TimeoutException");
  CHECK(JavaExceptionClass(3) == "class org.apache.kafka.common.errors.UnknownTopicOrPartitionException");
}

TEST_CASE("throttle allowance") {
  CHECK(ThrottleAllowance(-1, 5) == INT64_MAX);
  CHECK(ThrottleAllowance(100, 0) == 1);
  CHECK(ThrottleAllowance(100, 1000) == 101);
  CHECK(ThrottleAllowance(10, 150) == 2);
}

}  // namespace kafka::tools
