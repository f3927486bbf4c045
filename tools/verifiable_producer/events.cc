#include "tools/verifiable_producer/events.h"

#include <chrono>
#include <cstdio>
#include <limits>

#include "common/protocol/error_code.h"

namespace kafka::tools {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json Event(const std::string& name) {
  Json j;
  j["timestamp"] = WallClockMs();
  j["name"] = name;
  return j;
}

void PrintEvent(const Json& event, bool flush) {
  std::string line = event.dump();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  if (flush) std::fflush(stdout);
}

std::string JavaExceptionClass(int16_t code) {
  namespace pr = kafka::protocol;
  const std::string prefix = "class org.apache.kafka.common.errors.";
  // The few whose class name is not the error name in CamelCase.
  switch (static_cast<pr::ErrorCode>(code)) {
    case pr::ErrorCode::kRequestTimedOut:
      return prefix + "TimeoutException";
    case pr::ErrorCode::kCorruptMessage:
      return prefix + "CorruptRecordException";
    case pr::ErrorCode::kMessageTooLarge:
      return prefix + "RecordTooLargeException";
    case pr::ErrorCode::kUnknownServerError:
      return prefix + "UnknownServerException";
    case pr::ErrorCode::kNetworkException:
      return prefix + "NetworkException";
    default:
      break;
  }
  std::string name(pr::ErrorName(code));
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? c : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    upper = false;
  }
  if (out.empty()) out = "Unknown";
  return prefix + out + "Exception";
}

int64_t ThrottleAllowance(int64_t per_second, int64_t elapsed_ms) {
  if (per_second <= 0) return std::numeric_limits<int64_t>::max();
  if (elapsed_ms < 0) elapsed_ms = 0;
  return 1 + per_second * elapsed_ms / 1000;
}

}  // namespace kafka::tools
