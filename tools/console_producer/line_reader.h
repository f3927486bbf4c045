// Turns console-producer input lines into records the way Kafka's
// LineMessageReader does: with parse.key=true the key is everything before the
// first key.separator and the value everything after it.
#pragma once

#include <optional>
#include <string>

#include "common/util/status.h"

namespace kafka::tools {

struct LineRecord {
  std::optional<std::string> key;
  std::string value;
};

struct LineFormat {
  bool parse_key = false;
  std::string key_separator = "\t";
  bool ignore_error = false;  // a line without separator becomes a keyless record
};

// `line` without its line terminator. `line_number` counts from 1 (for errors).
util::Result<LineRecord> ParseLine(const std::string& line, const LineFormat& fmt, long line_number);

}  // namespace kafka::tools
