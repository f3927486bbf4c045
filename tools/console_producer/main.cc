// kafka-console-producer: reads lines from stdin and produces them to a topic,
// with the options of Kafka's kafka-console-producer.sh. Unlike Kafka's tool it
// exits non-zero (after saying why) when any record was not acknowledged.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/partitioner.h"
#include "common/client/tool_support.h"
#include "common/protocol/compression.h"
#include "common/protocol/record_batch.h"
#include "common/util/logging.h"
#include "tools/console_producer/line_reader.h"

namespace {

namespace pr = kafka::protocol;
namespace po = cli::po;
using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads lines from fd 0 without stdio buffering, so poll() tells the truth.
class StdinLines {
 public:
  // Waits up to `timeout_ms` (-1: forever) for a line. Returns 1 with a line,
  // 0 on timeout, -1 at EOF (a last unterminated line is returned first).
  int Next(std::string* line, int timeout_ms) {
    while (true) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        *line = buf_.substr(0, nl);
        if (!line->empty() && line->back() == '\r') line->pop_back();
        buf_.erase(0, nl + 1);
        return 1;
      }
      if (eof_) {
        if (buf_.empty()) return -1;
        *line = std::move(buf_);
        buf_.clear();
        return 1;
      }
      pollfd p{0, POLLIN, 0};
      int rc = poll(&p, 1, timeout_ms);
      if (rc == 0) return 0;
      if (rc < 0 && errno == EINTR) continue;
      char chunk[65536];
      ssize_t n = read(0, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  std::string buf_;
  bool eof_ = false;
};

struct Pending {
  std::vector<pr::Record> records;
  std::vector<std::pair<std::optional<std::string>, size_t>> shapes;  // for error messages
  int64_t base_timestamp = 0;
  size_t bytes = 0;
  Clock::time_point first;
};

class Sender {
 public:
  Sender(kafka::client::Client& client, std::string topic, int16_t acks, int32_t timeout_ms,
         pr::Compression compression, size_t batch_size, int64_t linger_ms, bool sync)
      : client_(client),
        topic_(std::move(topic)),
        acks_(acks),
        timeout_ms_(timeout_ms),
        compression_(compression),
        batch_size_(batch_size),
        linger_ms_(linger_ms),
        sync_(sync),
        partitioner_(std::random_device{}()) {}

  void Add(kafka::tools::LineRecord r) {
    if (!topic_error_.empty()) {
      // The topic could not be found once: fail the rest at once, not after
      // another metadata wait per line.
      Pending p;
      p.shapes.emplace_back(r.key, r.value.size());
      ReportFailed(p, topic_error_);
      return;
    }
    if (partitions_ < 0 && !LoadPartitions(r)) return;
    const int32_t p = partitioner_.Partition(r.key, partitions_);
    Pending& b = pending_[p];
    const int64_t now = NowMs();
    if (b.records.empty()) {
      b.base_timestamp = now;
      b.first = Clock::now();
    }
    pr::Record rec;
    rec.timestamp_delta = now - b.base_timestamp;
    rec.key = r.key;
    rec.value = std::move(r.value);
    b.bytes += rec.value->size() + (rec.key ? rec.key->size() : 0) + 16;
    b.shapes.emplace_back(rec.key, rec.value->size());
    b.records.push_back(std::move(rec));
    if (sync_ || b.bytes >= batch_size_) Flush(false);
  }

  // Milliseconds until the oldest batch is due (-1: nothing pending).
  int DueInMs() const {
    int best = -1;
    for (const auto& [p, b] : pending_) {
      if (b.records.empty()) continue;
      auto due = b.first + std::chrono::milliseconds(linger_ms_) - Clock::now();
      int ms = static_cast<int>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(due).count()));
      if (best < 0 || ms < best) best = ms;
    }
    return best;
  }

  // Sends due batches (all when `all`).
  void Flush(bool all) {
    std::map<int32_t, std::string> batches;
    std::map<int32_t, Pending> sent;
    for (auto it = pending_.begin(); it != pending_.end();) {
      Pending& b = it->second;
      const bool due = sync_ || all || b.bytes >= batch_size_ ||
                       Clock::now() >= b.first + std::chrono::milliseconds(linger_ms_);
      if (b.records.empty() || !due) {
        ++it;
        continue;
      }
      pr::BatchBuildOptions o;
      o.compression = compression_;
      o.base_timestamp = b.base_timestamp;
      auto batch = pr::BuildBatch(o, b.records);
      if (!batch.ok()) {
        ReportFailed(b, batch.status().message());
      } else {
        batches[it->first] = std::move(*batch);
        sent[it->first] = std::move(b);
      }
      partitioner_.OnBatchSent(it->first);
      it = pending_.erase(it);
    }
    if (batches.empty()) return;
    auto res = client_.Produce(topic_, batches, acks_, timeout_ms_);
    for (auto& [p, b] : sent) {
      if (!res.ok()) {
        ReportFailed(b, res.status().message());
        continue;
      }
      auto it = res->find(p);
      if (it == res->end()) {
        ReportFailed(b, "no answer for partition " + std::to_string(p));
      } else if (it->second.code != 0) {
        ReportFailed(b, kafka::client::DescribeError(it->second.code, it->second.message));
      }
    }
  }

  long failed() const { return failed_; }

 private:
  bool LoadPartitions(const kafka::tools::LineRecord& r) {
    // The Java producer asks with auto-creation allowed (the broker decides).
    auto t = client_.TopicMetadata(topic_, true);
    if (!t.ok()) {
      Pending p;
      p.shapes.emplace_back(r.key, r.value.size());
      std::string why = t.status().message();
      if (t.status().IsNotFound()) {
        why = "Topic " + topic_ + " not present in metadata after " +
              std::to_string(client_.options().retry_timeout.count()) + " ms.";
      }
      ReportFailed(p, why);
      topic_error_ = why;
      return false;
    }
    partitions_ = static_cast<int32_t>((*t)->partitions.size());
    return true;
  }

  void ReportFailed(const Pending& b, const std::string& why) {
    auto log = util::logging::Get("kafka-console-producer");
    for (const auto& [key, size] : b.shapes) {
      log->error("Error when sending message to topic {} with key: {}, value: {} bytes with error: {}",
                 topic_, key ? std::to_string(key->size()) + " bytes" : std::string("null"), size, why);
      ++failed_;
    }
  }

  kafka::client::Client& client_;
  std::string topic_;
  int16_t acks_;
  int32_t timeout_ms_;
  pr::Compression compression_;
  size_t batch_size_;
  int64_t linger_ms_;
  bool sync_;
  kafka::client::Partitioner partitioner_;
  int32_t partitions_ = -1;
  std::string topic_error_;
  std::map<int32_t, Pending> pending_;
  long failed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-console-producer.sh",
                    "This tool helps to read data from standard input and publish it to Kafka.");
  opts.Add()
      ("batch-size", po::value<int>()->value_name("size"),
       "Number of bytes to send in a single batch if they are not being sent synchronously. "
       "(default: 16384)")
      ("bootstrap-server", po::value<std::string>()->value_name("server to connect to"),
       "REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to. The "
       "broker list string in the form HOST1:PORT1,HOST2:PORT2.")
      ("broker-list", po::value<std::string>()->value_name("broker-list"),
       "DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.")
      ("compression-codec", po::value<std::string>()->value_name("compression-codec")->implicit_value("gzip"),
       "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified "
       "without value, then it defaults to 'gzip'")
      ("help", "Print usage information.")
      ("linger-ms", po::value<int64_t>()->value_name("linger ms"),
       "Same as --timeout: how long a batch waits for more messages (linger.ms).")
      ("producer-property", po::value<std::vector<std::string>>()->value_name("producer_prop"),
       "A mechanism to pass user-defined properties in the form key=value to the producer.")
      ("producer.config", po::value<std::string>()->value_name("config file"),
       "Producer config properties file. Note that [producer-property] takes precedence over "
       "this config.")
      ("property", po::value<std::vector<std::string>>()->value_name("prop"),
       "A mechanism to pass user-defined properties in the form key=value to the message reader. "
       "Default properties include:\n parse.key=false\n key.separator=\\t\n ignore.error=false")
      ("request-required-acks", po::value<std::string>()->value_name("request required acks"),
       "The required `acks` of the producer requests (default: -1)")
      ("request-timeout-ms", po::value<int>()->value_name("request timeout ms"),
       "The ack timeout of the producer requests. Value must be non-negative and non-zero. "
       "(default: 1500)")
      ("sync", "If set message send requests to the brokers are synchronously, one at a time as "
       "they arrive.")
      ("timeout", po::value<int64_t>()->value_name("timeout_ms"),
       "If set and the producer is running in asynchronous mode, this gives the maximum amount of "
       "time a message will queue awaiting sufficient batch size. The value is given in ms. "
       "(default: 1000)")
      ("topic", po::value<std::string>()->value_name("topic"),
       "REQUIRED: The topic id to produce messages to.")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("topic")) return opts.Fail("Missing required argument \"[topic]\"");
  const auto bootstrap_arg = opts.FirstOf({"bootstrap-server", "broker-list"});
  if (!bootstrap_arg) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  const std::string bootstrap = *bootstrap_arg;

  // Producer properties: file, then --producer-property, then the dedicated options.
  std::map<std::string, std::string> props;
  if (opts.Has("producer.config")) {
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("producer.config"), &props);
    if (!st.ok()) return opts.Fail(st.message());
  }
  if (opts.Has("producer-property")) {
    auto kv = kafka::client::ParseKeyValues(opts.Get<std::vector<std::string>>("producer-property"));
    if (!kv.ok()) return opts.Fail(kv.status().message());
    for (auto& [k, v] : *kv) props[k] = v;
  }
  if (!props.count("acks") || opts.Has("request-required-acks")) {
    props["acks"] = opts.Has("request-required-acks") ? opts.Get<std::string>("request-required-acks") : "-1";
  }
  if (opts.Has("compression-codec")) props["compression.type"] = opts.Get<std::string>("compression-codec");
  if (opts.Has("batch-size")) props["batch.size"] = std::to_string(opts.Get<int>("batch-size"));
  if (opts.Has("timeout")) props["linger.ms"] = std::to_string(opts.Get<int64_t>("timeout"));
  if (opts.Has("linger-ms")) props["linger.ms"] = std::to_string(opts.Get<int64_t>("linger-ms"));
  if (!props.count("linger.ms")) props["linger.ms"] = "1000";
  if (opts.Has("request-timeout-ms")) props["request.timeout.ms"] = std::to_string(opts.Get<int>("request-timeout-ms"));
  if (!props.count("request.timeout.ms")) props["request.timeout.ms"] = "1500";

  auto number = [&](const std::string& key, int64_t fallback, int64_t* out) -> bool {
    auto it = props.find(key);
    if (it == props.end()) {
      *out = fallback;
      return true;
    }
    try {
      size_t used = 0;
      *out = std::stoll(it->second, &used);
      return used == it->second.size();
    } catch (const std::exception&) {
      return false;
    }
  };
  int16_t acks = -1;
  const std::string& acks_s = props["acks"];
  if (acks_s == "all" || acks_s == "-1") {
    acks = -1;
  } else if (acks_s == "0" || acks_s == "1") {
    acks = static_cast<int16_t>(std::stoi(acks_s));
  } else {
    return opts.Fail("Invalid value " + acks_s + " for configuration acks: String must be one of: all, -1, 0, 1");
  }
  pr::Compression compression = pr::Compression::kNone;
  if (props.count("compression.type") && !pr::ParseCompression(props["compression.type"], &compression)) {
    return opts.Fail("Invalid value " + props["compression.type"] +
                     " for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd");
  }
  int64_t batch_size = 0, linger_ms = 0, request_timeout = 0;
  if (!number("batch.size", 16384, &batch_size) || batch_size < 0) return opts.Fail("Invalid value for configuration batch.size");
  if (!number("linger.ms", 1000, &linger_ms) || linger_ms < 0) return opts.Fail("Invalid value for configuration linger.ms");
  if (!number("request.timeout.ms", 1500, &request_timeout) || request_timeout <= 0) {
    return opts.Fail("Invalid value for configuration request.timeout.ms");
  }

  kafka::tools::LineFormat fmt;
  if (opts.Has("property")) {
    auto kv = kafka::client::ParseKeyValues(opts.Get<std::vector<std::string>>("property"));
    if (!kv.ok()) return opts.Fail(kv.status().message());
    for (const auto& [k, v] : *kv) {
      if (k == "parse.key") fmt.parse_key = v == "true";
      else if (k == "key.separator") fmt.key_separator = v;
      else if (k == "ignore.error") fmt.ignore_error = v == "true";
    }
  }

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = bootstrap;
  copts.client_id = "console-producer";
  if (auto st = kafka::client::ApplyClientProperties(props, &copts); !st.ok()) return opts.Fail(st.message());
  // The broker-side ack timeout is request.timeout.ms; our socket waits longer.
  copts.request_timeout = std::chrono::milliseconds(std::max<int64_t>(request_timeout + 5000, 10000));
  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;

  Sender sender(client, opts.Get<std::string>("topic"), acks, static_cast<int32_t>(request_timeout),
                compression, static_cast<size_t>(batch_size), linger_ms, opts.Has("sync"));
  const bool interactive = isatty(0);
  StdinLines in;
  std::string line;
  long line_number = 0;
  bool prompt = true;
  int exit_code = 0;
  while (true) {
    if (interactive && prompt) {
      std::fputs(">", stdout);
      std::fflush(stdout);
      prompt = false;
    }
    const int rc = in.Next(&line, sender.DueInMs());
    if (rc < 0) break;
    if (rc == 0) {
      sender.Flush(false);
      continue;
    }
    prompt = true;
    auto rec = kafka::tools::ParseLine(line, fmt, ++line_number);
    if (!rec.ok()) {
      // Kafka's reader throws and the producer stops here.
      std::fprintf(stderr, "Error: %s\n", rec.status().message().c_str());
      exit_code = 1;
      break;
    }
    sender.Add(std::move(*rec));
  }
  sender.Flush(true);
  if (sender.failed() > 0) {
    std::fprintf(stderr, "Error: %ld message(s) were not acknowledged by the broker\n", sender.failed());
    return 1;
  }
  return exit_code;
}
