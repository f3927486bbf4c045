// kafka-verifiable-consumer: Kafka's VerifiableConsumer. Consumes one topic
// and prints one JSON event per line on stdout: startup_complete,
// partitions_assigned / partitions_revoked, records_consumed (per poll: count
// and per partition count/minOffset/maxOffset), record_data for every record
// with --verbose, offsets_committed after each synchronous commit (when
// --enable-autocommit is not given), shutdown_complete.
//
// Group mode (--group-id) uses common/client's GroupMember (eager protocol,
// range or roundrobin). Our extension: without --group-id the tool reads every
// partition of the topic from offset 0 without a group (nothing is committed),
// which is what the replication checks need to read back a whole topic.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/group_member.h"
#include "common/client/tool_support.h"
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "tools/verifiable_producer/events.h"

namespace {

namespace pr = kafka::protocol;
namespace po = cli::po;
using kafka::tools::Event;
using kafka::tools::Json;
using kafka::tools::PrintEvent;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

bool ParseInt(const std::string& s, int64_t* out) {
  try {
    size_t used = 0;
    *out = std::stoll(s, &used);
    return used == s.size();
  } catch (const std::exception&) {
    return false;
  }
}

struct Settings {
  std::string topic;
  std::string group_id;
  int64_t max_messages = -1;
  bool verbose = false;
  bool autocommit = false;
  Ms autocommit_interval{5000};
  int64_t reset = -2;  // ListOffsets timestamp: -2 earliest, -1 latest, 0 none
  kafka::client::GroupOptions group;
};

class Consumer {
 public:
  Consumer(kafka::client::Client& client, Settings s) : client_(client), s_(std::move(s)) {}

  int Run() {
    PrintEvent(Event("startup_complete"));
    int rc = 0;
    if (!s_.group_id.empty()) {
      member_ = std::make_unique<kafka::client::GroupMember>(&client_, s_.group);
      if (auto st = Rejoin(); !st.ok()) {
        util::logging::Get("verifiable-consumer")->error("Error during processing, terminating consumer process: {}", st.message());
        rc = 1;
      }
    } else if (auto st = AssignAll(); !st.ok()) {
      util::logging::Get("verifiable-consumer")->error("Error during processing, terminating consumer process: {}", st.message());
      rc = 1;
    }
    if (rc == 0) rc = Loop();
    Close();
    PrintEvent(Event("shutdown_complete"));
    return rc;
  }

 private:
  bool Finished() const { return s_.max_messages >= 0 && consumed_ >= s_.max_messages; }

  Json PartitionList(const std::vector<int32_t>& parts) const {
    Json list = Json::array();
    for (int32_t p : parts) {
      Json e;
      e["topic"] = s_.topic;
      e["partition"] = p;
      list.push_back(e);
    }
    return list;
  }

  std::vector<int32_t> Owned() const {
    std::vector<int32_t> out;
    for (const auto& [p, off] : positions_) out.push_back(p);
    return out;
  }

  util::Status AssignAll() {
    auto t = client_.TopicMetadata(s_.topic, false);
    if (!t.ok()) return t.status();
    std::vector<int32_t> parts;
    for (const auto& p : (*t)->partitions) parts.push_back(p.partition_index);
    std::sort(parts.begin(), parts.end());
    for (int32_t p : parts) positions_[p] = 0;
    Json j = Event("partitions_assigned");
    j["partitions"] = PartitionList(parts);
    PrintEvent(j);
    return util::Status::OK();
  }

  // Commits the current positions (what has been handed out so far).
  void Commit(bool report) {
    if (!member_) return;
    kafka::client::TopicOffsets out;
    for (const auto& [p, pos] : positions_) {
      auto it = committed_.find(p);
      if (it == committed_.end() || it->second != pos) out[s_.topic][p] = pos;
    }
    if (out.empty()) return;
    auto st = member_->Commit(out, client_.options().request_timeout);
    if (st.ok()) {
      for (const auto& [p, pos] : out[s_.topic]) committed_[p] = pos;
    }
    if (!report) return;
    Json j = Event("offsets_committed");
    Json offsets = Json::array();
    for (const auto& [p, pos] : out[s_.topic]) {
      Json e;
      e["topic"] = s_.topic;
      e["partition"] = p;
      e["offset"] = pos;
      offsets.push_back(e);
    }
    j["offsets"] = offsets;
    if (!st.ok()) j["error"] = st.message();
    j["success"] = st.ok();
    PrintEvent(j);
  }

  void Revoke() {
    if (positions_.empty()) return;
    if (s_.autocommit) Commit(false);
    Json j = Event("partitions_revoked");
    j["partitions"] = PartitionList(Owned());
    PrintEvent(j);
    positions_.clear();
    committed_.clear();
  }

  // Revoke (eager protocol), join, then start each assigned partition at its
  // committed offset or by the reset policy.
  util::Status Rejoin() {
    Revoke();
    const Ms timeout = s_.group.rebalance_timeout + client_.options().request_timeout;
    UTIL_RETURN_IF_ERROR(member_->Join(timeout));
    std::vector<int32_t> mine;
    if (auto it = member_->assignment().find(s_.topic); it != member_->assignment().end()) {
      mine = it->second;
    }
    std::sort(mine.begin(), mine.end());
    auto got = member_->FetchCommitted(client_.options().request_timeout);
    if (!got.ok()) return got.status();
    std::map<int32_t, int64_t> fresh;
    for (int32_t p : mine) {
      auto t = got->find(s_.topic);
      if (t != got->end() && t->second.count(p)) {
        positions_[p] = committed_[p] = t->second.at(p);
      } else {
        fresh[p] = s_.reset;
      }
    }
    if (!fresh.empty()) {
      if (s_.reset == 0) {
        return util::Status::InvalidArgument("Undefined offset with no reset policy for partitions of " + s_.topic);
      }
      auto offs = client_.ListOffsets(s_.topic, fresh);
      if (!offs.ok()) return offs.status();
      for (const auto& [p, o] : *offs) positions_[p] = o;
    }
    Json j = Event("partitions_assigned");
    j["partitions"] = PartitionList(mine);
    PrintEvent(j);
    return util::Status::OK();
  }

  int Loop() {
    auto log = util::logging::Get("verifiable-consumer");
    auto last_autocommit = Clock::now();
    while (!g_stop.load() && !Finished()) {
      if (member_ && member_->NeedsRejoin()) {
        if (auto st = Rejoin(); !st.ok()) {
          log->error("Error during processing, terminating consumer process: {}", st.message());
          return 1;
        }
      }
      if (positions_.empty()) {
        std::this_thread::sleep_for(Ms(100));
        continue;
      }
      auto got = client_.Fetch(s_.topic, positions_, 500, 1048576, 0);
      if (!got.ok()) {
        log->error("Error during processing, terminating consumer process: {}", got.status().message());
        return 1;
      }
      bool refresh = false;
      std::map<int32_t, int64_t> out_of_range;
      int64_t total = 0;
      Json summaries = Json::array();
      std::string records_out;
      for (auto& [p, fp] : *got) {
        if (fp.error == static_cast<int16_t>(pr::ErrorCode::kOffsetOutOfRange)) {
          out_of_range[p] = s_.reset == 0 ? -2 : s_.reset;
          continue;
        }
        if (fp.error != 0) {
          refresh = true;
          continue;
        }
        total += static_cast<int64_t>(fp.records.size());
        size_t take = fp.records.size();
        if (s_.max_messages >= 0) {
          take = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(take), s_.max_messages - consumed_));
        }
        if (take > 0) {
          Json e;
          e["topic"] = s_.topic;
          e["partition"] = p;
          e["count"] = take;
          e["minOffset"] = fp.records.front().offset;
          e["maxOffset"] = fp.records[take - 1].offset;
          summaries.push_back(e);
          if (s_.verbose) {
            for (size_t i = 0; i < take; ++i) {
              const auto& r = fp.records[i];
              Json d = Event("record_data");
              d["key"] = r.key ? Json(*r.key) : Json(nullptr);
              d["value"] = r.value ? Json(*r.value) : Json(nullptr);
              d["topic"] = s_.topic;
              d["partition"] = p;
              d["offset"] = r.offset;
              records_out += d.dump() + "\n";
            }
          }
          consumed_ += static_cast<int64_t>(take);
          positions_[p] = fp.records[take - 1].offset + 1;
        }
        if (take == fp.records.size()) positions_[p] = std::max(positions_[p], fp.next_offset);
        if (Finished()) break;
      }
      if (total > 0) {
        std::fwrite(records_out.data(), 1, records_out.size(), stdout);
        Json j = Event("records_consumed");
        j["count"] = total;
        j["partitions"] = summaries;
        PrintEvent(j);
        if (!s_.autocommit) Commit(true);
      }
      if (s_.autocommit && Clock::now() - last_autocommit >= s_.autocommit_interval) {
        Commit(false);
        last_autocommit = Clock::now();
      }
      if (!out_of_range.empty()) {
        auto offs = client_.ListOffsets(s_.topic, out_of_range);
        if (offs.ok()) {
          for (const auto& [p, o] : *offs) positions_[p] = o;
        } else {
          log->warn("{}", offs.status().message());
        }
      }
      if (refresh) {
        (void)client_.Metadata(std::vector<std::string>{s_.topic}, false);
        std::this_thread::sleep_for(Ms(100));
      }
    }
    return 0;
  }

  void Close() {
    if (!member_) return;
    if (s_.autocommit) Commit(false);
    if (!positions_.empty()) {
      Json j = Event("partitions_revoked");
      j["partitions"] = PartitionList(Owned());
      PrintEvent(j);
    }
    member_->Leave();
  }

  kafka::client::Client& client_;
  Settings s_;
  std::unique_ptr<kafka::client::GroupMember> member_;
  std::map<int32_t, int64_t> positions_;
  std::map<int32_t, int64_t> committed_;
  int64_t consumed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-verifiable-consumer.sh",
                    "This tool consumes messages from a specific topic and emits consumer events "
                    "(e.g. group rebalances, received messages, and offsets committed) as JSON "
                    "objects to STDOUT.");
  opts.Add()
      ("assignment-strategy", po::value<std::string>()->value_name("ASSIGNMENT-STRATEGY"),
       "Set assignment strategy (e.g. org.apache.kafka.clients.consumer.RoundRobinAssignor, or "
       "range / roundrobin) (default: org.apache.kafka.clients.consumer.RangeAssignor)")
      ("bootstrap-server", po::value<std::string>()->value_name("HOST1:PORT1[,HOST2:PORT2[...]]"),
       "REQUIRED: The server(s) to connect to. Comma-separated list of Kafka brokers in the form "
       "HOST1:PORT1,HOST2:PORT2,...")
      ("broker-list", po::value<std::string>()->value_name("HOST1:PORT1[,HOST2:PORT2[...]]"),
       "DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.")
      ("consumer.config", po::value<std::string>()->value_name("CONFIG_FILE"),
       "Consumer config properties file (config options shared with command line parameters "
       "will be overridden).")
      ("enable-autocommit", "Enable offset auto-commit on consumer (default: false)")
      ("group-id", po::value<std::string>()->value_name("GROUP_ID"),
       "The groupId shared among members of the consumer group. Extension of this tool: when "
       "omitted, every partition of the topic is read from offset 0 without a group and no "
       "offsets are committed.")
      ("help", "Print usage information.")
      ("max-messages", po::value<int64_t>()->value_name("MAX-MESSAGES"),
       "Consume this many messages. If -1 (the default), the consumer will consume until the "
       "process is killed externally (default: -1)")
      ("reset-policy", po::value<std::string>()->value_name("RESETPOLICY"),
       "Set reset policy (must be either 'earliest', 'latest', or 'none' (default: earliest)")
      ("session-timeout", po::value<int>()->value_name("TIMEOUT_MS"),
       "Set the consumer's session timeout (default: 30000)")
      ("topic", po::value<std::string>()->value_name("TOPIC"),
       "REQUIRED: Consumes messages from this topic.")
      ("verbose", "Enable to log individual consumed records (default: false)")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("topic")) return opts.Fail("Missing required argument \"[topic]\"");
  const auto bootstrap_arg = opts.FirstOf({"bootstrap-server", "broker-list"});
  if (!bootstrap_arg) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  const std::string bootstrap = *bootstrap_arg;
  std::map<std::string, std::string> props;
  if (opts.Has("consumer.config")) {
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("consumer.config"), &props);
    if (!st.ok()) return opts.Fail(st.message());
  }

  Settings s;
  s.topic = opts.Get<std::string>("topic");
  if (opts.Has("group-id")) s.group_id = opts.Get<std::string>("group-id");
  if (opts.Has("max-messages")) s.max_messages = opts.Get<int64_t>("max-messages");
  s.verbose = opts.Has("verbose");
  s.autocommit = opts.Has("enable-autocommit");
  const std::string reset = opts.Has("reset-policy") ? opts.Get<std::string>("reset-policy")
                            : props.count("auto.offset.reset") ? props["auto.offset.reset"]
                                                                : "earliest";
  if (reset == "earliest") {
    s.reset = -2;
  } else if (reset == "latest") {
    s.reset = -1;
  } else if (reset == "none") {
    s.reset = 0;
  } else {
    return opts.Fail("Invalid value " + reset + " for configuration auto.offset.reset: String must be one of: latest, earliest, none");
  }
  s.group.group_id = s.group_id;
  s.group.topics = {s.topic};
  int64_t session = opts.Has("session-timeout") ? opts.Get<int>("session-timeout") : 30000;
  int64_t heartbeat = std::min<int64_t>(3000, std::max<int64_t>(1, session / 3));
  int64_t poll_interval = 300000, commit_interval = 5000;
  auto number = [&](const std::string& key, int64_t* out) -> bool {
    auto it = props.find(key);
    return it == props.end() || (ParseInt(it->second, out) && *out >= 0);
  };
  if (!number("heartbeat.interval.ms", &heartbeat) || !number("max.poll.interval.ms", &poll_interval) ||
      !number("auto.commit.interval.ms", &commit_interval) ||
      (!opts.Has("session-timeout") && !number("session.timeout.ms", &session))) {
    return opts.Fail("Invalid numeric value in the consumer config");
  }
  s.group.session_timeout = Ms(session);
  s.group.heartbeat_interval = Ms(std::max<int64_t>(1, heartbeat));
  s.group.rebalance_timeout = Ms(poll_interval);
  s.autocommit_interval = Ms(commit_interval);
  if (opts.Has("assignment-strategy")) {
    std::string a = opts.Get<std::string>("assignment-strategy");
    if (a == "range" || a.find("RangeAssignor") != std::string::npos) {
      s.group.assignors = {"range"};
    } else if (a == "roundrobin" || a.find("RoundRobinAssignor") != std::string::npos) {
      s.group.assignors = {"roundrobin"};
    } else {
      return opts.Fail("Unsupported assignment strategy " + a + " (range or roundrobin)");
    }
  } else {
    s.group.assignors = {"range"};
  }

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = bootstrap;
  copts.client_id = "consumer-" + (s.group_id.empty() ? std::string("verifiable") : s.group_id) + "-1";
  auto st = kafka::client::ApplyClientProperties(props, &copts);
  if (!st.ok()) return opts.Fail(st.message());

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;
  Consumer consumer(client, std::move(s));
  return consumer.Run();
}
