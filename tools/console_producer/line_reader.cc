#include "tools/console_producer/line_reader.h"

namespace kafka::tools {

util::Result<LineRecord> ParseLine(const std::string& line, const LineFormat& fmt, long line_number) {
  LineRecord r;
  if (!fmt.parse_key) {
    r.value = line;
    return r;
  }
  size_t pos = fmt.key_separator.empty() ? std::string::npos : line.find(fmt.key_separator);
  if (pos == std::string::npos) {
    if (fmt.ignore_error) {
      r.value = line;
      return r;
    }
    return util::Status::InvalidArgument("No key separator found on line number " +
                                         std::to_string(line_number) + ": '" + line + "'");
  }
  r.key = line.substr(0, pos);
  r.value = line.substr(pos + fmt.key_separator.size());
  return r;
}

}  // namespace kafka::tools
