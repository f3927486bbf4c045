// Client: a small blocking Kafka client for the command-line tools.
//
// It bootstraps from "host:port,host:port" (first server that answers wins, the
// whole attempt bounded by bootstrap_timeout), keeps the cluster metadata, opens
// one Connection per broker id on demand, and routes requests: admin requests to
// the controller, Produce/ListOffsets/Fetch to partition leaders. Retriable
// errors (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION
// right after a create, broken connections) trigger a metadata refresh and a
// retry until retry_timeout has passed. Single-threaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/client/connection.h"
#include "common/protocol/compression.h"
#include "common/protocol/messages/all.h"
#include "common/protocol/record_batch.h"
#include "common/util/status.h"

namespace kafka::client {

// Parses "host:port,host:port" ("[::1]:9092" allowed). Fails on an empty list or
// a bad port, with Kafka's wording for the tool to print.
util::Result<std::vector<BrokerAddress>> ParseBootstrap(std::string_view list);

struct ClientOptions {
  std::string bootstrap_servers;
  std::string client_id = "kafka-tools";
  Ms bootstrap_timeout{10000};  // all bootstrap servers together
  Ms request_timeout{30000};    // one request
  Ms retry_timeout{15000};      // retries of retriable errors, in total
};

// An error a broker returned for one topic or partition.
struct KafkaError {
  int16_t code = 0;
  std::string message;  // the broker's message, or our description of the code
};
std::string DescribeError(int16_t code, const std::optional<std::string>& message = {});

struct TopicSpec {
  std::string name;
  int32_t partitions = -1;          // -1: broker default
  int16_t replication_factor = -1;  // -1: broker default
  std::map<int32_t, std::vector<int32_t>> assignment;
  std::vector<std::pair<std::string, std::string>> configs;
};

struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;
  bool log_append_time = false;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<protocol::RecordHeader> headers;
};

struct FetchedPartition {
  int16_t error = 0;
  int64_t high_watermark = -1;
  int64_t next_offset = -1;  // where the next fetch starts
  bool too_small = false;    // only a partial batch came back: raise max bytes
  int64_t skipped_batches = 0;  // undecodable batches passed over (skip_bad_batches)
  std::vector<ConsumedRecord> records;
};

class Client {
 public:
  using MetadataResponse = protocol::MetadataResponse;

  explicit Client(ClientOptions opts);

  // Connects to the first reachable bootstrap server and loads broker metadata.
  // The error names every server tried and why it failed.
  util::Status Bootstrap();

  // Metadata for `topics` (nullopt: all topics). Updates the cache.
  util::Result<MetadataResponse> Metadata(const std::optional<std::vector<std::string>>& topics,
                                          bool allow_auto_create = false);
  const MetadataResponse& cached() const { return metadata_; }
  // Partition count of `topic` from fresh metadata; waits out a short
  // UNKNOWN_TOPIC_OR_PARTITION/LEADER_NOT_AVAILABLE phase (topic just created).
  util::Result<const protocol::MetadataResponse::MetadataResponseTopic*> TopicMetadata(
      const std::string& topic, bool allow_auto_create);

  // Connection to a broker id from the metadata (opened on demand), the
  // controller, or any live connection.
  util::Result<Connection*> Broker(int32_t id);
  util::Result<Connection*> Controller();
  Connection* Any() { return bootstrap_.get(); }

  // Admin: one result per topic in request order.
  util::Result<std::vector<KafkaError>> CreateTopics(const std::vector<TopicSpec>& topics,
                                                     bool validate_only = false);
  util::Result<std::vector<KafkaError>> DeleteTopics(const std::vector<std::string>& names);
  util::Result<std::vector<KafkaError>> CreatePartitions(
      const std::vector<std::pair<std::string, int32_t>>& counts);
  // Topic configs (resource type 2) with their sources.
  util::Result<protocol::DescribeConfigsResponse> DescribeTopicConfigs(
      const std::vector<std::string>& names);

  // Sends one batch per partition (grouped per leader) and waits for the acks.
  // Returns the error per partition (code 0 = written) after retrying
  // retriable ones; acks=0 returns all zero once the bytes are sent.
  util::Result<std::map<int32_t, KafkaError>> Produce(const std::string& topic,
                                                      const std::map<int32_t, std::string>& batches,
                                                      int16_t acks, int32_t timeout_ms);

  // Offset for each partition at `timestamp` (-1 latest, -2 earliest).
  util::Result<std::map<int32_t, int64_t>> ListOffsets(const std::string& topic,
                                                       const std::map<int32_t, int64_t>& timestamps,
                                                       int8_t isolation_level = 0);

  // One round of fetches, one request per leader. Partitions whose leader
  // cannot be reached come back with an error code, not a failure.
  util::Result<std::map<int32_t, FetchedPartition>> Fetch(
      const std::string& topic, const std::map<int32_t, int64_t>& offsets, int32_t max_wait_ms,
      int32_t partition_max_bytes, int8_t isolation_level, bool skip_bad_batches = false);

  const ClientOptions& options() const { return opts_; }

 private:
  int32_t LeaderOf(const std::string& topic, int32_t partition) const;
  const protocol::MetadataResponse::MetadataResponseBroker* FindBroker(int32_t id) const;

  ClientOptions opts_;
  std::unique_ptr<Connection> bootstrap_;
  std::map<int32_t, std::unique_ptr<Connection>> brokers_;
  MetadataResponse metadata_;
};

// Decodes a Fetch records blob: skips control batches and records below
// `fetch_offset`, tolerates a partial trailing batch. With `skip_bad_batches`
// a batch that fails its CRC or does not decode is passed over (and counted)
// instead of failing the whole answer.
util::Status DecodeFetchedRecords(std::string_view blob, int32_t partition, int64_t fetch_offset,
                                  FetchedPartition* out, bool skip_bad_batches = false);

}  // namespace kafka::client
