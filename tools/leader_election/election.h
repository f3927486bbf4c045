// The parts of kafka-leader-election (Kafka's LeaderElectionCommand) that do
// not touch the network: reading --path-to-json-file
// ({"partitions":[{"topic":"t","partition":0}]}) and turning the per-partition
// results of ElectLeaders into Kafka's output:
//   Successfully completed leader election (PREFERRED) for partitions t-0, t-1
//   Valid replica already elected for partitions t-2
//   Error completing leader election (PREFERRED) for partition: t-3: <exception>
// ELECTION_NOT_NEEDED is the "already elected" case, any other error a failure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/util/status.h"

namespace kafka::tools {

using TopicPartition = std::pair<std::string, int32_t>;

// Parses the JSON file's text. Duplicates are an error, as in Kafka.
util::Result<std::vector<TopicPartition>> ParseElectionJson(const std::string& text);

struct PartitionOutcome {
  int16_t error_code = 0;
  std::optional<std::string> message;
};

struct ElectionReport {
  std::string stdout_text;  // Kafka's println lines
  size_t failed = 0;        // partitions that could not be elected
};

// `type_name` is PREFERRED or UNCLEAN.
ElectionReport FormatElection(const std::string& type_name,
                              const std::map<TopicPartition, PartitionOutcome>& results);

}  // namespace kafka::tools
