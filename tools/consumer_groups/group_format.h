// Output tables of kafka-consumer-groups, laid out like Kafka's
// ConsumerGroupCommand: left-aligned columns separated by one space, the
// variable-width columns (group, topic, consumer id, host, ...) as wide as their
// longest value but at least 15, a blank line before the header, "-" for
// unknown values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kafka::tools {

struct OffsetRow {
  std::string group;
  std::string topic;      // "-" for a member without partitions
  std::optional<int32_t> partition;
  std::optional<int64_t> current_offset;
  std::optional<int64_t> log_end_offset;
  std::string consumer_id = "-";
  std::string host = "-";
  std::string client_id = "-";
};
// GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID.
// LAG = log end - current when both are known.
std::string FormatOffsets(const std::vector<OffsetRow>& rows);

struct MemberRow {
  std::string group;
  std::string consumer_id;
  std::string host;
  std::string client_id;
  int32_t partitions = 0;
  std::string assignment;  // "topic(0,1),other(2)" for --verbose
};
std::string FormatMembers(const std::vector<MemberRow>& rows, bool verbose);

struct StateRow {
  std::string group;
  std::string coordinator;  // "host:port (id)"
  std::string assignment_strategy;
  std::string state;
  int32_t members = 0;
};
std::string FormatState(const std::vector<StateRow>& rows);

struct ResetRow {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t new_offset = 0;
};
// GROUP TOPIC PARTITION NEW-OFFSET.
std::string FormatReset(const std::vector<ResetRow>& rows);

// "t(0,1),u(3)" as Kafka prints a member's assignment with --verbose.
std::string FormatAssignment(const std::vector<std::pair<std::string, std::vector<int32_t>>>& tps);

// Parses "YYYY-MM-DDTHH:mm:SS.sss" (UTC, optional zone suffix Z or +hh:mm) to
// epoch milliseconds.
std::optional<int64_t> ParseDateTime(const std::string& s);

}  // namespace kafka::tools
