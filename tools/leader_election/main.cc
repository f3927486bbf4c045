// kafka-leader-election: Kafka's LeaderElectionCommand. Sends ElectLeaders to
// the controller for one partition (--topic/--partition), a JSON list
// (--path-to-json-file) or every partition (--all-topic-partitions, a null
// list) and prints the outcome as Kafka does (election.h). Per-partition
// failures are printed on stdout as Kafka's println does, repeated on stderr
// after "Error: N replica(s) could not be elected", and the exit status is 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/tool_support.h"
#include "common/log/file.h"
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "tools/leader_election/election.h"

namespace {

namespace pr = kafka::protocol;
namespace po = cli::po;
using Clock = std::chrono::steady_clock;

int Failure(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-leader-election.sh",
                    "This tool attempts to elect a new leader for a set of topic partitions. The "
                    "type of elections supported are preferred replicas and unclean replicas.");
  opts.Add()
      ("admin.config", po::value<std::string>()->value_name("config file"),
       "Configuration properties files to pass to the admin client")
      ("all-topic-partitions", "Perform election on all of the eligible topic partitions based on "
       "the type of election (see the --election-type flag). Not allowed if --topic or "
       "--path-to-json-file is specified.")
      ("bootstrap-server", po::value<std::string>()->value_name("host:port"),
       "A hostname and port for the broker to connect to, in the form host:port. Multiple "
       "comma separated URLs can be given. REQUIRED.")
      ("election-type", po::value<std::string>()->value_name("election type"),
       "Type of election to attempt. Possible values are \"preferred\" for preferred leader "
       "election or \"unclean\" for unclean leader election. If preferred election is selection, "
       "the election is only performed if the current leader is not the preferred leader for "
       "the topic partition. If unclean election is selected, the election is only performed if "
       "there are no leader for the topic partition. REQUIRED.")
      ("help", "Print usage information.")
      ("partition", po::value<int>()->value_name("partition id"),
       "Partition id for which to perform an election. REQUIRED if --topic is specified.")
      ("path-to-json-file", po::value<std::string>()->value_name("Path to JSON file"),
       "The JSON file with the list of partition for which leader elections should be "
       "performed. This is an example format. \n{\"partitions\":\n\t[{\"topic\": \"foo\", "
       "\"partition\": 1},\n\t {\"topic\": \"foobar\", \"partition\": 2}]\n}\nNot allowed if "
       "--all-topic-partitions or --topic flags are specified.")
      ("topic", po::value<std::string>()->value_name("topic name"),
       "Name of topic for which to perform an election. Not allowed if --path-to-json-file or "
       "--all-topic-partitions is specified.")
      ("version", "Display Kafka version.");
  if (argc <= 1) {
    opts.PrintUsage(std::cerr);
    return 1;
  }
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  std::string missing;
  if (!opts.Has("election-type")) missing = "election-type";
  if (!opts.Has("bootstrap-server")) missing = missing.empty() ? "bootstrap-server" : "bootstrap-server, " + missing;
  if (!missing.empty()) return opts.Fail("Missing required option(s): " + missing);
  const int selectors = opts.Has("topic") + opts.Has("all-topic-partitions") + opts.Has("path-to-json-file");
  if (selectors != 1) {
    return opts.Fail("One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file");
  }
  if (opts.Has("topic") && !opts.Has("partition")) return opts.Fail("Missing required option(s): partition");
  if (opts.Has("partition") && !opts.Has("topic")) return opts.Fail("Option partition is only allowed if topic is used");
  std::string type = opts.Get<std::string>("election-type");
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
  if (type != "PREFERRED" && type != "UNCLEAN") {
    return opts.Fail("Invalid value \"" + opts.Get<std::string>("election-type") +
                     "\" for option election-type: expected preferred or unclean");
  }

  pr::ElectLeadersRequest req;
  req.election_type = type == "PREFERRED" ? pr::ElectLeadersRequest::kPreferred
                                          : pr::ElectLeadersRequest::kUnclean;
  std::vector<kafka::tools::TopicPartition> wanted;
  if (opts.Has("topic")) {
    wanted.emplace_back(opts.Get<std::string>("topic"), opts.Get<int>("partition"));
  } else if (opts.Has("path-to-json-file")) {
    auto text = kafka::log::ReadWholeFile(opts.Get<std::string>("path-to-json-file"));
    if (!text.ok()) return Failure(text.status().message());
    auto parsed = kafka::tools::ParseElectionJson(*text);
    if (!parsed.ok()) return Failure(parsed.status().message());
    wanted = *parsed;
  }
  if (!opts.Has("all-topic-partitions")) {
    req.topic_partitions.emplace();
    std::map<std::string, std::vector<int32_t>> grouped;
    for (const auto& [t, p] : wanted) grouped[t].push_back(p);
    for (auto& [t, ps] : grouped) req.topic_partitions->push_back({t, ps, {}});
  }

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = opts.Get<std::string>("bootstrap-server");
  copts.client_id = "adminclient-1";
  if (opts.Has("admin.config")) {
    std::map<std::string, std::string> props;
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("admin.config"), &props);
    if (st.ok()) st = kafka::client::ApplyClientProperties(props, &copts);
    if (!st.ok()) return opts.Fail(st.message());
  }
  req.timeout_ms = static_cast<int32_t>(copts.request_timeout.count());

  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;

  // The controller answers; NOT_CONTROLLER (it moved) is retried on fresh metadata.
  const auto deadline = Clock::now() + copts.retry_timeout;
  pr::ElectLeadersResponse resp;
  while (true) {
    auto conn = client.Controller();
    if (!conn.ok()) return Failure(conn.status().message());
    const int16_t v = (*conn)->PickVersion(static_cast<int16_t>(pr::ApiKey::kElectLeaders), 0, 2);
    if (v < 0) return Failure("The broker does not support ElectLeaders");
    if (v == 0 && req.election_type != pr::ElectLeadersRequest::kPreferred) {
      return Failure("The broker supports only preferred leader election (ElectLeaders v0)");
    }
    auto r = (*conn)->CallAt<pr::ElectLeadersResponse>(req, v, copts.request_timeout + std::chrono::milliseconds(5000));
    if (!r.ok()) {
      std::printf("Error while making request\n");
      return Failure(r.status().message());
    }
    if (r->error_code == static_cast<int16_t>(pr::ErrorCode::kNotController) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      (void)client.Metadata(std::vector<std::string>{});
      continue;
    }
    resp = std::move(*r);
    break;
  }
  if (resp.error_code == static_cast<int16_t>(pr::ErrorCode::kClusterAuthorizationFailed)) {
    std::printf("Not authorized to perform leader election\n");
    return Failure("Not authorized to perform leader election");
  }
  if (resp.error_code != 0) return Failure(kafka::client::DescribeError(resp.error_code));

  std::map<kafka::tools::TopicPartition, kafka::tools::PartitionOutcome> results;
  for (const auto& t : resp.replica_election_results) {
    for (const auto& p : t.partition_result) {
      results[{t.topic, p.partition_id}] = {p.error_code, p.error_message};
    }
  }
  auto report = kafka::tools::FormatElection(type, results);
  std::fwrite(report.stdout_text.data(), 1, report.stdout_text.size(), stdout);
  std::fflush(stdout);
  if (report.failed > 0) {
    std::fprintf(stderr, "Error: %zu replica(s) could not be elected\n", report.failed);
    size_t pos = 0;
    const std::string& s = report.stdout_text;
    while (pos < s.size()) {
      size_t nl = s.find('\n', pos);
      std::string line = s.substr(pos, nl - pos);
      if (line.rfind("Error completing", 0) == 0) std::fprintf(stderr, "  %s\n", line.c_str());
      pos = nl + 1;
    }
    return 1;
  }
  return 0;
}
