#include "tools/console_consumer/formatter.h"

namespace kafka::tools {

util::Status ApplyFormatterProperties(const std::map<std::string, std::string>& props,
                                      FormatterOptions* out) {
  auto flag = [&](const char* key, bool* target) {
    auto it = props.find(key);
    if (it != props.end()) *target = it->second == "true" || it->second == "TRUE" || it->second == "True";
  };
  flag("print.timestamp", &out->print_timestamp);
  flag("print.partition", &out->print_partition);
  flag("print.offset", &out->print_offset);
  flag("print.headers", &out->print_headers);
  flag("print.key", &out->print_key);
  flag("print.value", &out->print_value);
  if (auto it = props.find("key.separator"); it != props.end()) out->key_separator = it->second;
  if (auto it = props.find("line.separator"); it != props.end()) out->line_separator = it->second;
  if (auto it = props.find("headers.separator"); it != props.end()) out->headers_separator = it->second;
  if (auto it = props.find("null.literal"); it != props.end()) out->null_literal = it->second;
  return util::Status::OK();
}

std::string FormatRecord(const client::ConsumedRecord& r, const FormatterOptions& f) {
  std::string out;
  auto sep = [&](bool column) { out += column ? f.key_separator : f.line_separator; };
  auto text = [&](const std::optional<std::string>& v) { out += v ? *v : f.null_literal; };
  if (f.print_timestamp) {
    out += (r.log_append_time ? "LogAppendTime:" : "CreateTime:") + std::to_string(r.timestamp);
    sep(f.print_partition || f.print_offset || f.print_headers || f.print_key || f.print_value);
  }
  if (f.print_partition) {
    out += "Partition:" + std::to_string(r.partition);
    sep(f.print_offset || f.print_headers || f.print_key || f.print_value);
  }
  if (f.print_offset) {
    out += "Offset:" + std::to_string(r.offset);
    sep(f.print_headers || f.print_key || f.print_value);
  }
  if (f.print_headers) {
    if (r.headers.empty()) {
      out += "NO_HEADERS";
    } else {
      for (size_t i = 0; i < r.headers.size(); ++i) {
        if (i) out += f.headers_separator;
        out += r.headers[i].key + ":";
        text(r.headers[i].value);
      }
    }
    sep(f.print_key || f.print_value);
  }
  if (f.print_key) {
    text(r.key);
    sep(f.print_value);
  }
  if (f.print_value) {
    text(r.value);
    out += f.line_separator;
  }
  return out;
}

}  // namespace kafka::tools
