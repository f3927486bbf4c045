// JSON event lines of Kafka's VerifiableProducer / VerifiableConsumer: one
// object per line on stdout, "timestamp" and "name" first, then the fields in
// the order Kafka's Jackson classes declare them. Also the two pieces both
// tools share: Java exception class names for Kafka error codes (the
// "exception" field) and Kafka's ThroughputThrottler arithmetic.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kafka::tools {

using Json = nlohmann::ordered_json;

int64_t WallClockMs();

// {"timestamp":<now ms>,"name":<name>}; callers append their fields.
Json Event(const std::string& name);

// Writes one line to stdout. `flush` makes it visible at once (the test
// harnesses read stdout while the tool runs).
void PrintEvent(const Json& event, bool flush = true);

// "class org.apache.kafka.common.errors.NotLeaderOrFollowerException" for a
// Kafka error code, as Java's exception.getClass().toString() prints it.
std::string JavaExceptionClass(int16_t code);
// Same for the client-side failures that have no error code.
inline constexpr const char* kTimeoutExceptionClass =
    "class org.apache.kafka.common.errors.TimeoutException";
inline constexpr const char* kNetworkExceptionClass =
    "class org.apache.kafka.common.errors.NetworkException";
inline constexpr const char* kKafkaExceptionClass = "class org.apache.kafka.common.KafkaException";

// How many messages may have been sent by `elapsed_ms` after start at
// `per_second` (<= 0: unlimited, returns INT64_MAX). Kafka's throttler lets
// the first message go at once and then keeps sent/elapsed at the target.
int64_t ThrottleAllowance(int64_t per_second, int64_t elapsed_ms);

}  // namespace kafka::tools
