// kafka-topics: create, delete, describe, list or change topics, with the
// options, output and messages of Kafka's kafka-topics.sh (TopicCommand).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/tool_support.h"
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "tools/kafka_topics/topic_format.h"

namespace {

namespace pr = kafka::protocol;
using kafka::client::Client;
using kafka::tools::PartitionView;
using kafka::tools::TopicView;
namespace po = cli::po;

// Kafka prints this on stdout, then logs the exception; exit code 1.
int CommandError(const std::string& message) {
  std::printf("Error while executing topic command : %s\n", message.c_str());
  std::fflush(stdout);
  util::logging::Get("kafka-topics")->error("{}", message);
  return 1;
}

std::vector<TopicView> Topics(const pr::MetadataResponse& md) {
  std::vector<TopicView> out;
  for (const auto& t : md.topics) {
    if (t.error_code != 0) continue;
    TopicView v;
    v.name = t.name;
    v.internal = t.is_internal;
    for (const auto& p : t.partitions) {
      v.partitions.push_back({p.partition_index, p.leader_id, p.replica_nodes, p.isr_nodes});
    }
    std::sort(v.partitions.begin(), v.partitions.end(),
              [](const PartitionView& a, const PartitionView& b) { return a.partition < b.partition; });
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(),
            [](const TopicView& a, const TopicView& b) { return a.name < b.name; });
  return out;
}

struct Args {
  std::string topic;
  bool has_topic = false;
  bool if_exists = false;
  bool exclude_internal = false;
};

// Topics matching --topic (all when absent), or the "does not exist" error.
util::Result<std::vector<TopicView>> Select(Client& client, const Args& a, bool must_exist) {
  auto md = client.Metadata(std::nullopt);
  if (!md.ok()) return md.status();
  std::vector<TopicView> out;
  for (auto& t : Topics(*md)) {
    if (a.exclude_internal && t.internal) continue;
    if (a.has_topic && !kafka::tools::TopicMatches(a.topic, t.name)) continue;
    out.push_back(std::move(t));
  }
  if (must_exist && a.has_topic && out.empty() && !a.if_exists) {
    return util::Status::NotFound("Topic '" + a.topic + "' does not exist as expected");
  }
  return out;
}

// Parses "1:2,3:4" (partition 0 on brokers 1 and 2, partition 1 on 3 and 4).
util::Result<std::map<int32_t, std::vector<int32_t>>> ParseAssignment(const std::string& s) {
  std::map<int32_t, std::vector<int32_t>> out;
  int32_t partition = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    start = comma + 1;
    std::vector<int32_t> ids;
    size_t p = 0;
    while (p <= part.size()) {
      size_t colon = part.find(':', p);
      if (colon == std::string::npos) colon = part.size();
      std::string id = part.substr(p, colon - p);
      p = colon + 1;
      try {
        size_t used = 0;
        int v = std::stoi(id, &used);
        if (used != id.size()) throw std::invalid_argument(id);
        if (std::find(ids.begin(), ids.end(), v) != ids.end()) {
          return util::Status::InvalidArgument("Partition replica lists may not contain duplicate entries: " + std::to_string(v));
        }
        ids.push_back(v);
      } catch (const std::exception&) {
        return util::Status::InvalidArgument("For input string: \"" + id + "\"");
      }
    }
    out[partition++] = ids;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-topics.sh", "Create, delete, describe, or change a topic.");
  opts.Add()
      ("alter", "Alter the number of partitions, replica assignment, and/or configuration for the topic.")
      ("bootstrap-server", po::value<std::string>()->value_name("server to connect to"),
       "REQUIRED: The Kafka server to connect to.")
      ("command-config", po::value<std::string>()->value_name("command config property file"),
       "Property file containing configs to be passed to Admin Client. This is used only with "
       "--bootstrap-server option for describing and altering broker configs.")
      ("config", po::value<std::vector<std::string>>()->value_name("name=value"),
       "A topic configuration override for the topic being created or altered.")
      ("create", "Create a new topic.")
      ("delete", "Delete a topic")
      ("describe", "List details for the given topics.")
      ("exclude-internal", "exclude internal topics when running list or describe command. The "
       "internal topics will be listed by default")
      ("help", "Print usage information.")
      ("if-exists", "if set when altering or deleting or describing topics, the action will only "
       "execute if the topic exists.")
      ("if-not-exists", "if set when creating topics, the action will only execute if the topic "
       "does not already exist.")
      ("list", "List all available topics.")
      ("partitions", po::value<int>()->value_name("# of partitions"),
       "The number of partitions for the topic being created or altered (WARNING: If partitions "
       "are increased for a topic that has a key, the partition logic or ordering of the messages "
       "will be affected). If not supplied for create, defaults to the cluster default.")
      ("replica-assignment",
       po::value<std::string>()->value_name(
           "broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , "
           "broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ..."),
       "A list of manual partition-to-broker assignments for the topic being created or altered.")
      ("replication-factor", po::value<int>()->value_name("replication factor"),
       "The replication factor for each partition in the topic being created. If not supplied, "
       "defaults to the cluster default.")
      ("topic", po::value<std::string>()->value_name("topic"),
       "The topic to create, alter, describe or delete. It also accepts a regular expression, "
       "except for --create option. Put topic name in double quotes and use the '\\' prefix to "
       "escape regular expression symbols; e.g. \"test\\.topic\".")
      ("topics-with-overrides", "if set when describing topics, only show topics that have "
       "overridden configs")
      ("at-min-isr-partitions", "if set when describing topics, only show partitions whose isr "
       "count is equal to the configured minimum.")
      ("under-min-isr-partitions", "if set when describing topics, only show partitions whose isr "
       "count is less than the configured minimum.")
      ("unavailable-partitions", "if set when describing topics, only show partitions whose "
       "leader is not available")
      ("under-replicated-partitions", "if set when describing topics, only show under replicated "
       "partitions")
      ("version", "Display Kafka version.");
  if (argc <= 1) {
    opts.PrintUsage(std::cerr);
    return 1;
  }
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  const int actions = opts.Has("create") + opts.Has("list") + opts.Has("alter") +
                      opts.Has("describe") + opts.Has("delete");
  if (actions != 1) {
    return opts.Fail("Command must include exactly one action: --list, --describe, --create, --alter or --delete");
  }
  if (!opts.Has("bootstrap-server")) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  if ((opts.Has("create") || opts.Has("alter") || opts.Has("delete")) && !opts.Has("topic")) {
    return opts.Fail("Missing required argument \"[topic]\"");
  }
  if (opts.Has("if-not-exists") && !opts.Has("create")) {
    return opts.Fail("Option \"[if-not-exists]\" can't be used with option \"[" +
                     std::string(opts.Has("list") ? "list" : opts.Has("alter") ? "alter" : opts.Has("describe") ? "describe" : "delete") + "]\"");
  }
  if (opts.Has("replication-factor") && !opts.Has("create")) {
    return opts.Fail("Option \"[replication-factor]\" can't be used with option \"[" +
                     std::string(opts.Has("list") ? "list" : opts.Has("alter") ? "alter" : opts.Has("describe") ? "describe" : "delete") + "]\"");
  }
  if (opts.Has("create") && opts.Has("replica-assignment") &&
      (opts.Has("partitions") || opts.Has("replication-factor"))) {
    return opts.Fail("Option \"[replica-assignment]\" can't be used with option \"[partitions]\" or \"[replication-factor]\"");
  }
  // The describe filters: each only with --describe and never two together (Kafka's checkInvalidArgs).
  {
    const char* kFilters[] = {"under-replicated-partitions", "unavailable-partitions",
                              "under-min-isr-partitions", "at-min-isr-partitions",
                              "topics-with-overrides"};
    const char* kOthers[] = {"alter", "create", "delete", "list"};
    for (const char* f : kFilters) {
      if (!opts.Has(f)) continue;
      for (const char* o : kOthers) {
        if (opts.Has(o)) return opts.Fail(std::string("Option \"[") + f + "]\" can't be used with option \"[" + o + "]\"");
      }
      for (const char* g : kFilters) {
        if (g != f && opts.Has(g)) {
          return opts.Fail(std::string("Option \"[") + f + "]\" can't be used with option \"[" + g + "]\"");
        }
      }
    }
  }
  if (opts.Has("alter") && !opts.Has("partitions")) {
    return opts.Fail("Option \"[alter]\" requires \"[partitions]\" (use kafka-configs to change configurations)");
  }

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = opts.Get<std::string>("bootstrap-server");
  copts.client_id = "adminclient-1";
  if (opts.Has("command-config")) {
    std::map<std::string, std::string> props;
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>("command-config"), &props);
    if (st.ok()) st = kafka::client::ApplyClientProperties(props, &copts);
    if (!st.ok()) return opts.Fail(st.message());
  }

  Args a;
  a.has_topic = opts.Has("topic");
  if (a.has_topic) a.topic = opts.Get<std::string>("topic");
  a.if_exists = opts.Has("if-exists");
  a.exclude_internal = opts.Has("exclude-internal");

  // Validate create arguments before touching the network, as Kafka does.
  kafka::client::TopicSpec spec;
  if (opts.Has("create")) {
    spec.name = a.topic;
    if (opts.Has("partitions")) {
      spec.partitions = opts.Get<int>("partitions");
      if (spec.partitions < 1) return CommandError("The partitions must be greater than 0");
    }
    if (opts.Has("replication-factor")) {
      int rf = opts.Get<int>("replication-factor");
      if (rf < 1 || rf > 32767) {
        return CommandError("The replication factor must be between 1 and 32767 inclusive");
      }
      spec.replication_factor = static_cast<int16_t>(rf);
    }
    if (opts.Has("config")) {
      auto kv = kafka::client::ParseKeyValues(opts.Get<std::vector<std::string>>("config"), "config");
      if (!kv.ok()) return CommandError(kv.status().message());
      for (const auto& [k, v] : *kv) spec.configs.emplace_back(k, v);
    }
    if (opts.Has("replica-assignment")) {
      auto asg = ParseAssignment(opts.Get<std::string>("replica-assignment"));
      if (!asg.ok()) return CommandError(asg.status().message());
      spec.assignment = *asg;
    }
  }

  Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;

  if (opts.Has("create")) {
    if (spec.name.find('.') != std::string::npos || spec.name.find('_') != std::string::npos) {
      std::printf("WARNING: Due to limitations in metric names, topics with a period ('.') or "
                  "underscore ('_') could collide. To avoid issues it is best to use either, "
                  "but not both.\n");
    }
    auto res = client.CreateTopics({spec});
    if (!res.ok()) return CommandError(res.status().message());
    const auto& e = res->front();
    if (e.code == static_cast<int16_t>(pr::ErrorCode::kTopicAlreadyExists) && opts.Has("if-not-exists")) {
      return 0;
    }
    if (e.code != 0) return CommandError(e.message);
    std::printf("Created topic %s.\n", spec.name.c_str());
    return 0;
  }

  if (opts.Has("list")) {
    auto topics = Select(client, a, false);
    if (!topics.ok()) return CommandError(topics.status().message());
    for (const auto& t : *topics) std::printf("%s\n", t.name.c_str());
    return 0;
  }

  if (opts.Has("delete")) {
    auto topics = Select(client, a, true);
    if (!topics.ok()) return CommandError(topics.status().message());
    std::vector<std::string> names;
    for (const auto& t : *topics) {
      if (t.internal) return CommandError("Topic " + t.name + " is a kafka internal topic and is not allowed to be marked for deletion.");
      names.push_back(t.name);
    }
    if (names.empty()) return 0;
    auto res = client.DeleteTopics(names);
    if (!res.ok()) return CommandError(res.status().message());
    for (const auto& e : *res) {
      if (e.code != 0) return CommandError(e.message);
    }
    return 0;
  }

  if (opts.Has("alter")) {
    auto topics = Select(client, a, true);
    if (!topics.ok()) return CommandError(topics.status().message());
    std::vector<std::pair<std::string, int32_t>> counts;
    for (const auto& t : *topics) {
      if (t.internal) return CommandError("The number of partitions for the internal topics cannot be changed.");
      counts.emplace_back(t.name, opts.Get<int>("partitions"));
    }
    if (counts.empty()) return 0;
    auto res = client.CreatePartitions(counts);
    if (!res.ok()) return CommandError(res.status().message());
    for (const auto& e : *res) {
      if (e.code != 0) return CommandError(e.message);
    }
    return 0;
  }

  // --describe
  auto topics = Select(client, a, true);
  if (!topics.ok()) return CommandError(topics.status().message());
  kafka::tools::DescribeFilter filter;
  filter.under_replicated = opts.Has("under-replicated-partitions");
  filter.unavailable = opts.Has("unavailable-partitions");
  filter.under_min_isr = opts.Has("under-min-isr-partitions");
  filter.at_min_isr = opts.Has("at-min-isr-partitions");
  const bool overrides = opts.Has("topics-with-overrides");
  std::vector<std::string> names;
  for (const auto& t : *topics) names.push_back(t.name);
  if (!names.empty()) {
    auto cfg = client.DescribeTopicConfigs(names);
    if (cfg.ok()) {
      for (auto& t : *topics) {
        for (const auto& r : cfg->results) {
          if (r.resource_name != t.name || r.error_code != 0) continue;
          for (const auto& c : r.configs) {
            // Kafka shows every entry that is not a plain default (source 5).
            const bool is_default = c.config_source >= 0 ? c.config_source == 5 : c.is_default;
            if (!is_default) t.configs.emplace_back(c.name, c.value.value_or("null"));
            if (c.name == "min.insync.replicas" && c.value) {
              try {
                t.min_isr = std::stoi(*c.value);
              } catch (const std::exception&) {
              }
            }
          }
        }
      }
    } else {
      util::logging::Get("kafka-topics")->debug("DescribeConfigs: {}", cfg.status().message());
    }
  }
  std::set<int32_t> live;
  for (const auto& b : client.cached().brokers) live.insert(b.node_id);
  for (auto& t : *topics) {
    // As Kafka's admin client: a leader that is not a live broker is no leader.
    for (auto& p : t.partitions) {
      if (p.leader >= 0 && !live.count(p.leader)) p.leader = -1;
    }
    if (overrides) {
      // Kafka prints only the topic lines of topics with overrides.
      if (!t.configs.empty()) std::printf("%s\n", kafka::tools::TopicLine(t).c_str());
      continue;
    }
    if (!filter.any()) std::printf("%s\n", kafka::tools::TopicLine(t).c_str());
    for (const auto& p : t.partitions) {
      if (!kafka::tools::PartitionSelected(p, filter, live, t.min_isr)) continue;
      std::printf("%s\n", kafka::tools::PartitionLine(t.name, p).c_str());
    }
  }
  return 0;
}
