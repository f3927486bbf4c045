// kafka-console-consumer: prints a topic's records to stdout with the options
// and output of Kafka's kafka-console-consumer.sh. "Processed a total of N
// messages" goes to stderr at exit.
//
// With --group (or group.id in the consumer properties), or with neither a
// group nor --partition (then an automatic "console-consumer-<n>" group, as
// Kafka does), it consumes as a group member: partitions come from the group,
// positions from the committed offsets (auto.offset.reset otherwise), and after
// every printed round it commits exactly the next offset after the last printed
// record, so a later run in the same group continues with the next record. An
// automatic group falls back to reading every partition directly when the
// broker has no group APIs. With --partition it reads that partition directly.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/group_member.h"
#include "common/client/tool_support.h"
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "tools/console_consumer/formatter.h"

namespace {

namespace pr = kafka::protocol;
namespace po = cli::po;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

long g_processed = 0;

int Finish(int code) {
  std::fflush(stdout);
  std::fprintf(stderr, "Processed a total of %ld messages\n", g_processed);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-console-consumer.sh",
                    "This tool helps to read data from Kafka topics and outputs it to standard output.");
  opts.Add()
      ("bootstrap-server", po::value<std::string>()->value_name("server to connect to"),
       "REQUIRED: The server(s) to connect to.")
      ("consumer-property", po::value<std::vector<std::string>>()->value_name("consumer_prop"),
       "A mechanism to pass user-defined properties in the form key=value to the consumer.")
      ("consumer.config", po::value<std::string>()->value_name("config file"),
       "Consumer config properties file. Note that [consumer-property] takes precedence over this config.")
      ("formatter", po::value<std::string>()->value_name("class"),
       "The name of a class to use for formatting kafka messages for display. (default: "
       "kafka.tools.DefaultMessageFormatter)")
      ("from-beginning", "If the consumer does not already have an established offset to consume "
       "from, start with the earliest message present in the log rather than the latest message.")
      ("group", po::value<std::string>()->value_name("consumer group id"),
       "The consumer group id of the consumer.")
      ("help", "Print usage information.")
      ("isolation-level", po::value<std::string>(),
       "Set to read_committed in order to filter out transactional messages which are not "
       "committed. Set to read_uncommitted to read all messages. (default: read_uncommitted)")
      ("max-messages", po::value<long>()->value_name("num_messages"),
       "The maximum number of messages to consume before exiting. If not set, consumption is continual.")
      ("offset", po::value<std::string>()->value_name("consume offset"),
       "The offset to consume from (a non-negative number), or 'earliest' which means from "
       "beginning, or 'latest' which means from end (default: latest)")
      ("partition", po::value<int>()->value_name("partition"),
       "The partition to consume from. Consumption starts from the end of the partition unless "
       "'--offset' is specified.")
      ("property", po::value<std::vector<std::string>>()->value_name("prop"),
       "The properties to initialize the message formatter. Default properties include:\n"
       " print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n"
       " print.partition=true|false\n print.headers=true|false\n print.value=true|false\n"
       " key.separator=<key.separator>\n line.separator=<line.separator>\n"
       " headers.separator=<line.separator>\n null.literal=<null.literal>")
      ("skip-message-on-error", "If there is an error when processing a message, skip it instead of halt.")
      ("timeout-ms", po::value<long>()->value_name("timeout_ms"),
       "If specified, exit if no message is available for consumption for the specified interval.")
      ("topic", po::value<std::string>()->value_name("topic"), "The topic to consume on.")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("bootstrap-server")) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  if (!opts.Has("topic")) return opts.Fail("Exactly one of include/topic is required.");
  if (opts.Has("from-beginning") && opts.Has("offset")) {
    return opts.Fail("Options from-beginning and offset cannot be specified together.");
  }
  if (opts.Has("offset") && !opts.Has("partition")) {
    return opts.Fail("The partition is required when offset is specified.");
  }
  // Start position: -2 earliest, -1 latest, else an offset.
  int64_t start = opts.Has("from-beginning") ? -2 : -1;
  if (opts.Has("offset")) {
    const std::string& o = opts.Get<std::string>("offset");
    if (o == "earliest") {
      start = -2;
    } else if (o == "latest") {
      start = -1;
    } else {
      try {
        size_t used = 0;
        start = std::stoll(o, &used);
        if (used != o.size() || start < 0) throw std::invalid_argument(o);
      } catch (const std::exception&) {
        return opts.Fail("The provided offset value '" + o +
                         "' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
      }
    }
  }
  int8_t isolation = 0;
  if (opts.Has("isolation-level")) {
    const std::string& lvl = opts.Get<std::string>("isolation-level");
    if (lvl == "read_committed") isolation = 1;
    else if (lvl != "read_uncommitted") {
      return opts.Fail("Invalid value " + lvl + " for configuration isolation.level: String must be one of: read_committed, read_uncommitted");
    }
  }
  const long max_messages = opts.Has("max-messages") ? opts.Get<long>("max-messages") : -1;
  const long timeout_ms = opts.Has("timeout-ms") ? opts.Get<long>("timeout-ms") : -1;
  const bool skip_errors = opts.Has("skip-message-on-error");

  kafka::tools::FormatterOptions fmt;
  if (opts.Has("property")) {
    auto kv = kafka::client::ParseKeyValues(opts.Get<std::vector<std::string>>("property"));
    if (!kv.ok()) return opts.Fail(kv.status().message());
    (void)kafka::tools::ApplyFormatterProperties(*kv, &fmt);
  }
  std::map<std::string, std::string> props;
  if (opts.Has("consumer.config")) {
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("consumer.config"), &props);
    if (!st.ok()) return opts.Fail(st.message());
  }
  if (opts.Has("consumer-property")) {
    auto kv = kafka::client::ParseKeyValues(opts.Get<std::vector<std::string>>("consumer-property"));
    if (!kv.ok()) return opts.Fail(kv.status().message());
    for (auto& [k, v] : *kv) props[k] = v;
  }
  if (props.count("isolation.level") && !opts.Has("isolation-level")) {
    isolation = props["isolation.level"] == "read_committed" ? 1 : 0;
  }
  // Group id: --group, group.id from --consumer-property/--consumer.config
  // (they must agree, as in Kafka), or an automatic one without --partition.
  std::string group_id;
  bool auto_group = false;
  if (opts.Has("group")) group_id = opts.Get<std::string>("group");
  if (auto it = props.find("group.id"); it != props.end()) {
    if (!group_id.empty() && group_id != it->second) {
      return opts.Fail("The group ids provided in different places (directly using '--group', via "
                       "'--consumer-property', or via '--consumer.config') do not match. Detected "
                       "group ids: '" + group_id + "', '" + it->second + "'");
    }
    group_id = it->second;
  }
  if (!group_id.empty() && opts.Has("partition")) {
    return opts.Fail("Options group and partition cannot be specified together.");
  }
  if (group_id.empty() && !opts.Has("partition")) {
    std::random_device rd;
    group_id = "console-consumer-" + std::to_string(std::uniform_int_distribution<int>(0, 99999)(rd));
    auto_group = true;
  }
  int64_t reset_policy = opts.Has("from-beginning") ? -2 : -1;
  bool reset_none = false;  // auto.offset.reset=none: no committed offset is an error
  if (auto it = props.find("auto.offset.reset"); it != props.end() && !opts.Has("from-beginning")) {
    if (it->second == "earliest") reset_policy = -2;
    else if (it->second == "latest") reset_policy = -1;
    else if (it->second == "none") reset_none = true;
    else {
      return opts.Fail("Invalid value " + it->second + " for configuration auto.offset.reset: String "
                       "must be one of: latest, earliest, none");
    }
  }
  kafka::client::GroupOptions gopts;
  gopts.group_id = group_id;
  gopts.topics = {opts.Get<std::string>("topic")};
  {
    auto ms = [&](const char* key, kafka::client::Ms* out) -> bool {
      auto it = props.find(key);
      if (it == props.end()) return true;
      try {
        *out = kafka::client::Ms(std::stol(it->second));
        return out->count() > 0;
      } catch (const std::exception&) {
        return false;
      }
    };
    for (auto [key, out] : {std::pair{"session.timeout.ms", &gopts.session_timeout},
                            std::pair{"heartbeat.interval.ms", &gopts.heartbeat_interval},
                            std::pair{"max.poll.interval.ms", &gopts.rebalance_timeout}}) {
      if (!ms(key, out)) return opts.Fail(std::string("Invalid value for configuration ") + key);
    }
    if (auto it = props.find("partition.assignment.strategy"); it != props.end()) {
      gopts.assignors.clear();
      std::string list = it->second;
      for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        std::string name = list.substr(pos, comma - pos);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (name.find("RoundRobin") != std::string::npos || name == "roundrobin") {
          gopts.assignors.push_back("roundrobin");
        } else if (name.find("Range") != std::string::npos || name == "range") {
          gopts.assignors.push_back("range");
        } else if (!name.empty()) {
          return opts.Fail("Unsupported partition.assignment.strategy " + name +
                           " (supported: range, roundrobin)");
        }
        pos = comma + 1;
      }
      if (gopts.assignors.empty()) gopts.assignors = {"range"};
    }
  }
  int32_t max_partition_bytes = 1048576;
  if (props.count("max.partition.fetch.bytes")) {
    max_partition_bytes = std::max(1024, std::atoi(props["max.partition.fetch.bytes"].c_str()));
  }

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = opts.Get<std::string>("bootstrap-server");
  copts.client_id = "console-consumer";
  if (auto st = kafka::client::ApplyClientProperties(props, &copts); !st.ok()) return opts.Fail(st.message());

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto log = util::logging::Get("kafka-console-consumer");
  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return Finish(1);
  const std::string topic = opts.Get<std::string>("topic");
  const auto started = Clock::now();
  auto timed_out = [&](Clock::time_point since) {
    return timeout_ms >= 0 && Clock::now() - since >= std::chrono::milliseconds(timeout_ms);
  };

  // Wait for the topic (the Java consumer waits too; bounded by --timeout-ms).
  std::vector<int32_t> partitions;
  while (true) {
    auto md = client.Metadata(std::vector<std::string>{topic}, false);
    if (md.ok()) {
      for (const auto& t : md->topics) {
        if (t.name == topic && t.error_code == 0) {
          for (const auto& p : t.partitions) partitions.push_back(p.partition_index);
        }
      }
    } else {
      log->warn("metadata: {}", md.status().message());
    }
    if (!partitions.empty()) break;
    if (g_stop) return Finish(0);
    if (timed_out(started)) {
      log->error("Error processing message, terminating consumer process: TimeoutException");
      return Finish(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (opts.Has("partition")) {
    const int32_t p = opts.Get<int>("partition");
    if (std::find(partitions.begin(), partitions.end(), p) == partitions.end()) {
      std::fprintf(stderr, "Error: partition %d of topic %s does not exist\n", p, topic.c_str());
      return Finish(1);
    }
    partitions = {p};
  }

  std::map<int32_t, int64_t> positions;
  auto reset = [&](const std::vector<int32_t>& parts, int64_t where) -> util::Status {
    std::map<int32_t, int64_t> ts;
    for (int32_t p : parts) ts[p] = where;
    auto offs = client.ListOffsets(topic, ts, isolation);
    if (!offs.ok()) return offs.status();
    for (auto& [p, o] : *offs) positions[p] = o;
    return util::Status::OK();
  };

  // Group mode. An automatic group needs the broker's group APIs; without them
  // read every partition directly (what this tool did before groups existed).
  std::unique_ptr<kafka::client::GroupMember> member;
  if (!group_id.empty()) {
    kafka::client::Connection* any = client.Any();
    const bool has_groups = any && any->PickVersion(11, 0, 6) >= 0 && any->PickVersion(10, 0, 4) >= 0;
    if (!has_groups && auto_group) {
      log->info("broker has no group coordinator; reading all partitions without a group");
    } else if (!has_groups) {
      std::fprintf(stderr, "Error: the broker does not support consumer groups (no JoinGroup/FindCoordinator)\n");
      return Finish(1);
    } else {
      member = std::make_unique<kafka::client::GroupMember>(&client, gopts);
    }
  }
  // Offsets printed past but not yet committed (group mode): partition -> next offset.
  std::map<int32_t, int64_t> committed;
  const kafka::client::Ms group_timeout = gopts.rebalance_timeout + copts.request_timeout;
  auto commit_progress = [&]() -> util::Status {
    kafka::client::TopicOffsets out;
    for (auto& [p, pos] : positions) {
      auto it = committed.find(p);
      if (it == committed.end() || it->second != pos) out[topic][p] = pos;
    }
    if (out.empty()) return util::Status::OK();
    auto st = member->Commit(out, copts.request_timeout);
    if (st.ok()) {
      for (auto& [p, pos] : out[topic]) committed[p] = pos;
    }
    return st;
  };
  // (Re)join: commit what was printed (before the partitions are revoked), join,
  // commit again with the new generation if the first commit was refused, then
  // start each assigned partition at its committed offset.
  auto join = [&]() -> util::Status {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto pre = commit_progress();
      if (!pre.ok()) log->debug("commit before rejoin: {}", pre.message());
      UTIL_RETURN_IF_ERROR(member->Join(group_timeout));
      auto post = commit_progress();
      if (!post.ok()) {
        log->debug("commit after rejoin: {}", post.message());
        continue;
      }
      std::vector<int32_t> mine;
      if (auto it = member->assignment().find(topic); it != member->assignment().end()) mine = it->second;
      auto got = member->FetchCommitted(copts.request_timeout);
      if (!got.ok()) return got.status();
      positions.clear();
      committed.clear();
      std::vector<int32_t> fresh;
      for (int32_t p : mine) {
        auto t = got->find(topic);
        if (t != got->end() && t->second.count(p)) {
          positions[p] = committed[p] = t->second.at(p);
        } else {
          fresh.push_back(p);
        }
      }
      if (!fresh.empty() && reset_none) {
        std::string list;
        for (int32_t p : fresh) list += (list.empty() ? "" : ", ") + topic + "-" + std::to_string(p);
        return util::Status::InvalidArgument("Undefined offset with no reset policy for partitions: [" + list + "]");
      }
      if (!fresh.empty()) UTIL_RETURN_IF_ERROR(reset(fresh, reset_policy));
      return util::Status::OK();
    }
    return util::Status::Unavailable("the group kept rebalancing");
  };
  // Leaves after committing; a refused commit (rebalance) is retried after a rejoin.
  auto finish_group = [&](int code) {
    if (!member) return Finish(code);
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto st = commit_progress();
      if (st.ok()) break;
      log->debug("final commit: {}", st.message());
      if (!member->NeedsRejoin() || !member->Join(group_timeout).ok()) {
        log->error("could not commit offsets for group {}: {}", group_id, st.message());
        break;
      }
    }
    member->Leave();
    return Finish(code);
  };

  if (member) {
    if (auto st = join(); !st.ok()) {
      std::fprintf(stderr, "Error: could not join group %s: %s\n", group_id.c_str(), st.message().c_str());
      return Finish(1);
    }
  } else if (start < 0) {
    if (auto st = reset(partitions, start); !st.ok()) {
      std::fprintf(stderr, "Error: %s\n", st.message().c_str());
      return Finish(1);
    }
  } else {
    for (int32_t p : partitions) positions[p] = start;
  }

  auto last_message = Clock::now();
  while (!g_stop && (max_messages < 0 || g_processed < max_messages)) {
    if (member && member->NeedsRejoin()) {
      if (auto st = join(); !st.ok()) {
        log->error("Error processing message, terminating consumer process: {}", st.message());
        return finish_group(1);
      }
    }
    if (positions.empty()) {  // nothing assigned to us (yet)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (timed_out(last_message)) {
        log->error("Error processing message, terminating consumer process: TimeoutException");
        break;
      }
      continue;
    }
    auto got = client.Fetch(topic, positions, 500, max_partition_bytes, isolation, skip_errors);
    if (!got.ok()) {
      log->error("Error processing message, terminating consumer process: {}", got.status().message());
      return finish_group(1);
    }
    std::vector<int32_t> out_of_range;
    bool refresh = false;
    std::string out;
    const auto before_round = positions;  // to commit nothing of a round stdout refused
    for (auto& [p, fp] : *got) {
      if (fp.error == static_cast<int16_t>(pr::ErrorCode::kOffsetOutOfRange)) {
        out_of_range.push_back(p);
        continue;
      }
      if (fp.error != 0) {
        refresh = true;
        continue;
      }
      for (const auto& r : fp.records) {
        if (max_messages >= 0 && g_processed >= max_messages) break;
        out += kafka::tools::FormatRecord(r, fmt);
        ++g_processed;
        positions[p] = r.offset + 1;
      }
      if (max_messages < 0 || g_processed < max_messages) positions[p] = std::max(positions[p], fp.next_offset);
      if (!fp.records.empty()) last_message = Clock::now();
      if (fp.too_small) {
        // A batch bigger than the per-partition limit: ask for more next time
        // (the Java consumer makes the same progress guarantee).
        max_partition_bytes = std::min(max_partition_bytes * 2, 64 << 20);
        log->debug("partition {}: raising max.partition.fetch.bytes to {}", p, max_partition_bytes);
      }
    }
    if (!out.empty()) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
        positions = before_round;
        return finish_group(1);  // stdout closed (e.g. | head)
      }
    }
    // Commit only what reached stdout.
    if (member && !out.empty()) {
      if (auto st = commit_progress(); !st.ok()) log->debug("commit: {}", st.message());
    }
    if (!out_of_range.empty()) {
      log->warn("offset out of range for {} partition(s) of {}; resetting", out_of_range.size(), topic);
      if (auto st = reset(out_of_range, reset_policy); !st.ok()) log->warn("{}", st.message());
    }
    if (refresh) {
      (void)client.Metadata(std::vector<std::string>{topic}, false);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (timed_out(last_message) && (max_messages < 0 || g_processed < max_messages)) {
      log->error("Error processing message, terminating consumer process: TimeoutException");
      break;
    }
  }
  return finish_group(0);
}
