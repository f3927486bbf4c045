// kafka-broker-api-versions: asks every broker of the cluster which API versions
// it supports and prints them as Kafka's BrokerApiVersionsCommand does.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/tool_support.h"
#include "common/util/logging.h"
#include "tools/broker_api_versions/api_versions_format.h"

namespace po = cli::po;

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-broker-api-versions.sh",
                    "This tool helps to retrieve broker version information.");
  opts.Add()
      ("bootstrap-server", po::value<std::string>()->value_name("server(s) to use for bootstrapping"),
       "REQUIRED: The server to connect to.")
      ("command-config", po::value<std::string>()->value_name("command config property file"),
       "A property file containing configs to be passed to Admin Client.")
      ("help", "Print usage information.")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("bootstrap-server")) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = opts.Get<std::string>("bootstrap-server");
  copts.client_id = "admin-1";
  if (opts.Has("command-config")) {
    std::map<std::string, std::string> props;
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("command-config"), &props);
    if (st.ok()) st = kafka::client::ApplyClientProperties(props, &copts);
    if (!st.ok()) return opts.Fail(st.message());
  }
  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;
  auto brokers = client.cached().brokers;
  std::sort(brokers.begin(), brokers.end(),
            [](const auto& a, const auto& b) { return a.node_id < b.node_id; });
  int rc = 0;
  for (const auto& b : brokers) {
    std::string line = kafka::tools::NodeLine(b.host, b.port, b.node_id, b.rack) + " -> ";
    auto conn = client.Broker(b.node_id);
    if (!conn.ok()) {
      std::printf("%sERROR: %s\n", line.c_str(), conn.status().message().c_str());
      rc = 1;
      continue;
    }
    kafka::tools::VersionRanges ranges((*conn)->broker_versions().begin(),
                                       (*conn)->broker_versions().end());
    std::printf("%s%s\n", line.c_str(),
                kafka::tools::FormatApiVersions(ranges, kafka::tools::ClientVersions()).c_str());
  }
  return rc;
}
