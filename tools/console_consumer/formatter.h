// Kafka's DefaultMessageFormatter: which parts of a record kafka-console-consumer
// prints (--property print.timestamp/print.partition/print.offset/print.key/
// print.value/print.headers, key.separator, line.separator, null.literal) and in
// which order: timestamp, partition, offset, headers, key, value.
#pragma once

#include <map>
#include <string>

#include "common/client/client.h"
#include "common/util/status.h"

namespace kafka::tools {

struct FormatterOptions {
  bool print_timestamp = false;
  bool print_partition = false;
  bool print_offset = false;
  bool print_headers = false;
  bool print_key = false;
  bool print_value = true;
  std::string key_separator = "\t";
  std::string line_separator = "\n";
  std::string headers_separator = ",";
  std::string null_literal = "null";
};

// Applies --property entries; unknown keys are ignored as Kafka does.
util::Status ApplyFormatterProperties(const std::map<std::string, std::string>& props,
                                      FormatterOptions* out);

std::string FormatRecord(const client::ConsumedRecord& r, const FormatterOptions& f);

}  // namespace kafka::tools
