// kafka-consumer-groups: lists, describes, resets and deletes consumer groups
// with the options and output of Kafka's kafka-consumer-groups.sh
// (ConsumerGroupCommand). Group state and members come from DescribeGroups,
// committed offsets from OffsetFetch at the group coordinator, log end offsets
// from ListOffsets. Brokers without DescribeGroups (librdkafka's mock) still
// get offsets; member columns are then "-".
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/consumer_protocol.h"
#include "common/client/group.h"
#include "common/client/group_member.h"
#include "common/client/tool_support.h"
#include "common/protocol/error_code.h"
#include "common/protocol/messages/all.h"
#include "common/util/logging.h"
#include "tools/consumer_groups/group_format.h"

namespace {

namespace pr = kafka::protocol;
namespace kc = kafka::client;
namespace kt = kafka::tools;
namespace po = cli::po;

void Error(const std::string& msg) { std::fprintf(stderr, "Error: %s\n", msg.c_str()); }

struct Described {
  bool supported = false;  // broker answered DescribeGroups
  std::string state;       // Empty, Stable, PreparingRebalance, CompletingRebalance, Dead
  std::string protocol;
  std::string coordinator;  // "host:port (id)"
  std::vector<pr::DescribeGroupsResponse::DescribedGroupMember> members;
};

class Tool {
 public:
  Tool(kc::Client* client) : client_(client) {}

  kc::Connection* Coordinator(const std::string& group, std::string* err) {
    auto it = coordinators_.find(group);
    if (it != coordinators_.end() && it->second->is_open()) return it->second.get();
    auto info = kc::FindGroupCoordinator(*client_, group, client_->options().request_timeout);
    if (!info.ok()) {
      *err = info.status().message();
      return nullptr;
    }
    auto conn = std::make_unique<kc::Connection>(info->address, client_->options().client_id);
    if (auto st = conn->Open(client_->options().request_timeout); !st.ok()) {
      *err = st.message();
      return nullptr;
    }
    coordinator_names_[group] =
        info->address.ToString() + " (" + std::to_string(info->node_id) + ")";
    auto* raw = conn.get();
    coordinators_[group] = std::move(conn);
    return raw;
  }

  std::optional<Described> Describe(const std::string& group, std::string* err) {
    kc::Connection* c = Coordinator(group, err);
    if (!c) return std::nullopt;
    Described d;
    d.coordinator = coordinator_names_[group];
    if (c->PickVersion(15, pr::DescribeGroupsRequest::kVersions.lo,
                       pr::DescribeGroupsRequest::kVersions.hi) < 0) {
      return d;
    }
    pr::DescribeGroupsRequest req;
    req.groups = {group};
    auto resp = c->Call<pr::DescribeGroupsResponse>(req, client_->options().request_timeout);
    if (!resp.ok()) {
      *err = resp.status().message();
      return std::nullopt;
    }
    if (resp->groups.empty()) {
      *err = "empty DescribeGroups answer";
      return std::nullopt;
    }
    const auto& g = resp->groups.front();
    if (g.error_code != 0) {
      *err = kc::DescribeError(g.error_code);
      return std::nullopt;
    }
    d.supported = true;
    d.state = g.group_state;
    d.protocol = g.protocol_data;
    d.members = g.members;
    return d;
  }

  // Committed offsets of the group over every topic in the cluster (explicit
  // partitions: librdkafka's mock does not answer the "all topics" form).
  std::optional<kc::TopicOffsets> Committed(const std::string& group, std::string* err,
                                            const std::optional<kc::TopicPartitions>& only = {}) {
    kc::Connection* c = Coordinator(group, err);
    if (!c) return std::nullopt;
    kc::TopicPartitions which;
    if (only) {
      which = *only;
    } else {
      auto md = client_->Metadata(std::nullopt, false);
      if (!md.ok()) {
        *err = md.status().message();
        return std::nullopt;
      }
      for (const auto& t : md->topics) {
        if (t.error_code != 0 || t.is_internal) continue;
        for (const auto& p : t.partitions) which[t.name].push_back(p.partition_index);
      }
    }
    if (which.empty()) return kc::TopicOffsets{};
    auto got = kc::FetchCommittedOffsets(*c, group, which, client_->options().request_timeout);
    if (!got.ok()) {
      *err = got.status().message();
      return std::nullopt;
    }
    return *got;
  }

  std::optional<int64_t> Offset(const std::string& topic, int32_t partition, int64_t ts) {
    auto got = client_->ListOffsets(topic, {{partition, ts}});
    if (!got.ok() || !got->count(partition)) return std::nullopt;
    return got->at(partition);
  }

  kc::Client* client_;
  std::map<std::string, std::unique_ptr<kc::Connection>> coordinators_;
  std::map<std::string, std::string> coordinator_names_;
};

std::vector<std::string> ListGroups(kc::Client& client, std::string* err) {
  std::set<std::string> out;
  auto md = client.Metadata(std::vector<std::string>{}, false);
  if (!md.ok()) {
    *err = md.status().message();
    return {};
  }
  bool any = false;
  for (const auto& b : md->brokers) {
    auto conn = client.Broker(b.node_id);
    if (!conn.ok()) continue;
    if ((*conn)->PickVersion(16, pr::ListGroupsRequest::kVersions.lo,
                             pr::ListGroupsRequest::kVersions.hi) < 0) {
      *err = "The broker does not support LIST_GROUPS";
      return {};
    }
    auto resp = (*conn)->Call<pr::ListGroupsResponse>(pr::ListGroupsRequest{}, client.options().request_timeout);
    if (!resp.ok() || resp->error_code != 0) continue;
    any = true;
    for (const auto& g : resp->groups) {
      if (g.protocol_type == kc::kConsumerProtocolType || g.protocol_type.empty()) out.insert(g.group_id);
    }
  }
  if (!any) *err = "no broker answered ListGroups";
  return {out.begin(), out.end()};
}

// "t", "t:0,2" -> topic and partitions (empty: all).
std::pair<std::string, std::vector<int32_t>> ParseTopicArg(const std::string& s) {
  auto colon = s.find(':');
  if (colon == std::string::npos) return {s, {}};
  std::vector<int32_t> parts;
  std::string list = s.substr(colon + 1);
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    if (comma > pos) parts.push_back(std::stoi(list.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return {s.substr(0, colon), parts};
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-consumer-groups.sh",
                    "This tool helps to list all consumer groups, describe a consumer group, delete "
                    "consumer group info, or reset consumer group offsets.");
  opts.Add()
      ("all-groups", "Apply to all consumer groups.")
      ("all-topics", "Consider all topics assigned to a group in the `reset-offsets` process.")
      ("bootstrap-server", po::value<std::string>()->value_name("server to connect to"),
       "REQUIRED: The server(s) to connect to.")
      ("command-config", po::value<std::string>()->value_name("command config property file"),
       "Property file containing configs to be passed to Admin Client and Consumer.")
      ("delete", "Pass in groups to delete topic partition offsets and ownership information over "
       "the entire consumer group.")
      ("delete-offsets", "Delete offsets of consumer group. Supports one consumer group at the time, "
       "and multiple topics.")
      ("describe", "Describe consumer group and list offset lag (number of messages not yet "
       "processed) related to given group.")
      ("dry-run", "Only show results without executing changes on Consumer Groups. Supported "
       "operations: reset-offsets.")
      ("execute", "Execute operation. Supported operations: reset-offsets.")
      ("group", po::value<std::vector<std::string>>()->value_name("consumer group"),
       "The consumer group we wish to act on.")
      ("help", "Print usage information.")
      ("list", "List all consumer groups.")
      ("members", "Describe members of the group. This option may be used with '--describe' and "
       "'--bootstrap-server' options only.")
      ("offsets", "Describe the group and list all topic partitions in the group along with their "
       "offset lag. This is the default sub-action.")
      ("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at the time, "
       "and instances should be inactive.")
      ("shift-by", po::value<long>()->value_name("Long: number-of-offsets"),
       "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative.")
      ("state", "Describe the group state. This option may be used with '--describe' and "
       "'--bootstrap-server' options only.")
      ("timeout", po::value<long>()->value_name("timeout (ms)"),
       "The timeout that can be set for some use cases. (default: 5000)")
      ("to-current", "Reset offsets to current offset.")
      ("to-datetime", po::value<std::string>()->value_name("String: datetime"),
       "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'")
      ("to-earliest", "Reset offsets to earliest offset.")
      ("to-latest", "Reset offsets to latest offset.")
      ("to-offset", po::value<long>()->value_name("Long: offset"), "Reset offsets to a specific offset.")
      ("topic", po::value<std::vector<std::string>>()->value_name("topic"),
       "The topic whose consumer group information should be deleted or topic whose should be "
       "included in the reset offset process. In `reset-offsets` case, partitions can be specified "
       "using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the "
       "process.")
      ("verbose", "Provide additional information, if any, when describing the group.")
      ("version", "Display Kafka version.");
  if (argc <= 1) {
    opts.PrintUsage(std::cerr);
    return 1;
  }
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  int actions = 0;
  for (const char* a : {"list", "describe", "delete", "reset-offsets", "delete-offsets"}) actions += opts.Has(a);
  if (actions != 1) {
    return opts.Fail("Command must include exactly one action: --list, --describe, --delete, "
                     "--reset-offsets, --delete-offsets");
  }
  if (!opts.Has("bootstrap-server")) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  std::vector<std::string> groups;
  if (opts.Has("group")) groups = opts.Get<std::vector<std::string>>("group");
  const bool all_groups = opts.Has("all-groups");
  if ((opts.Has("describe") || opts.Has("delete")) && groups.empty() && !all_groups) {
    return opts.Fail("Option [" + std::string(opts.Has("describe") ? "describe" : "delete") +
                     "] takes one of these options: [all-groups], [group]");
  }
  if ((opts.Has("reset-offsets") || opts.Has("delete-offsets")) && groups.size() != 1 && !all_groups) {
    return opts.Fail("Option [" + std::string(opts.Has("reset-offsets") ? "reset-offsets" : "delete-offsets") +
                     "] takes one of these options: [all-groups], [group]");
  }

  std::optional<int64_t> datetime;
  if (opts.Has("reset-offsets")) {
    // --reset-offsets option rules, checked before connecting.
    int specs = 0;
    for (const char* s : {"to-earliest", "to-latest", "to-offset", "shift-by", "to-datetime", "to-current"}) specs += opts.Has(s);
    if (specs != 1) {
      return opts.Fail("Option [reset-offsets] takes exactly one of these options: [to-datetime], "
                       "[by-duration], [to-earliest], [to-latest], [shift-by], [from-file], [to-current], [to-offset]");
    }
    if (opts.Has("topic") == opts.Has("all-topics")) {
      return opts.Fail("Option [reset-offsets] takes exactly one of these options: [all-topics], [topic]");
    }
    if (opts.Has("dry-run") && opts.Has("execute")) {
      return opts.Fail("Option [reset-offsets] takes at most one of these options: [dry-run], [execute]");
    }
    if (opts.Has("to-datetime")) {
      datetime = kt::ParseDateTime(opts.Get<std::string>("to-datetime"));
      if (!datetime) {
        return opts.Fail("Error parsing timestamp. It does not follow the format "
                         "'YYYY-MM-DDTHH:mm:SS.sss' or 'YYYY-MM-DDTHH:mm:SS.sssZ'");
      }
    }
  }

  std::map<std::string, std::string> props;
  if (opts.Has("command-config")) {
    auto st = kc::LoadPropertiesFile(opts.Get<std::string>("command-config"), &props);
    if (!st.ok()) return opts.Fail(st.message());
  }
  kc::ClientOptions copts;
  copts.bootstrap_servers = opts.Get<std::string>("bootstrap-server");
  copts.client_id = "kafka-consumer-groups";
  if (auto st = kc::ApplyClientProperties(props, &copts); !st.ok()) return opts.Fail(st.message());
  kc::Client client(copts);
  if (!kc::BootstrapOrReport(client)) return 1;
  Tool tool(&client);

  if (opts.Has("list") || all_groups) {
    std::string err;
    auto listed = ListGroups(client, &err);
    if (!err.empty()) {
      Error("Executing consumer group command failed due to " + err);
      return 1;
    }
    if (opts.Has("list")) {
      for (const auto& g : listed) std::printf("%s\n", g.c_str());
      return 0;
    }
    groups = listed;
  }

  // ---- --describe ----
  if (opts.Has("describe")) {
    const bool members = opts.Has("members"), state = opts.Has("state");
    if (members && state) return opts.Fail("Option [describe] takes at most one of these options: [members], [offsets], [state]");
    int rc = 0;
    for (const auto& group : groups) {
      std::string err;
      auto d = tool.Describe(group, &err);
      if (!d) {
        Error("Executing consumer group command failed due to " + err);
        rc = 1;
        continue;
      }
      if (!d->supported) {
        std::fprintf(stderr, "Note: the broker does not support DescribeGroups; state and members "
                             "of '%s' are unknown.\n", group.c_str());
      } else if (d->state == "Dead") {
        Error("Consumer group '" + group + "' does not exist.");
        continue;
      } else if (d->state == "Empty") {
        std::fprintf(stderr, "\nConsumer group '%s' has no active members.\n", group.c_str());
      } else if (d->state == "PreparingRebalance" || d->state == "CompletingRebalance") {
        std::fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", group.c_str());
      }
      if (state) {
        kt::StateRow row{group, d->coordinator, d->supported ? d->protocol : "-",
                         d->supported ? d->state : "-", static_cast<int32_t>(d->members.size())};
        std::fputs(kt::FormatState({row}).c_str(), stdout);
        continue;
      }
      if (members) {
        std::vector<kt::MemberRow> rows;
        for (const auto& m : d->members) {
          auto a = kc::DecodeAssignment(m.member_assignment);
          kt::MemberRow r{group, m.member_id, m.client_host, m.client_id, 0, ""};
          std::vector<std::pair<std::string, std::vector<int32_t>>> tps;
          if (a.ok()) {
            for (const auto& [t, ps] : a->partitions) {
              r.partitions += static_cast<int32_t>(ps.size());
              tps.emplace_back(t, ps);
            }
          }
          r.assignment = kt::FormatAssignment(tps);
          rows.push_back(r);
        }
        if (!rows.empty()) std::fputs(kt::FormatMembers(rows, opts.Has("verbose")).c_str(), stdout);
        continue;
      }
      // Offsets (default).
      auto committed = tool.Committed(group, &err);
      if (!committed) {
        Error("Executing consumer group command failed due to " + err);
        rc = 1;
        continue;
      }
      std::vector<kt::OffsetRow> rows;
      std::set<std::pair<std::string, int32_t>> seen;
      auto add = [&](const std::string& t, int32_t p, kt::OffsetRow r) {
        r.group = group;
        r.topic = t;
        r.partition = p;
        if (auto it = committed->find(t); it != committed->end() && it->second.count(p)) {
          r.current_offset = it->second.at(p);
        }
        r.log_end_offset = tool.Offset(t, p, -1);
        seen.insert({t, p});
        rows.push_back(r);
      };
      for (const auto& m : d->members) {
        auto a = kc::DecodeAssignment(m.member_assignment);
        kt::OffsetRow base;
        base.consumer_id = m.member_id;
        base.host = m.client_host;
        base.client_id = m.client_id;
        bool any = false;
        if (a.ok()) {
          for (const auto& [t, ps] : a->partitions) {
            for (int32_t p : ps) {
              add(t, p, base);
              any = true;
            }
          }
        }
        if (!any) {
          base.group = group;
          base.topic = "-";
          rows.push_back(base);
        }
      }
      for (const auto& [t, ps] : *committed) {
        for (const auto& [p, off] : ps) {
          if (!seen.count({t, p})) add(t, p, kt::OffsetRow{});
        }
      }
      if (rows.empty()) {
        if (!d->supported) Error("Consumer group '" + group + "' does not exist.");
        continue;
      }
      std::fputs(kt::FormatOffsets(rows).c_str(), stdout);
    }
    return rc;
  }

  // ---- --delete ----
  if (opts.Has("delete")) {
    std::map<std::string, std::string> failed;
    for (const auto& group : groups) {
      std::string err;
      kc::Connection* c = tool.Coordinator(group, &err);
      if (c && c->PickVersion(42, 0, 2) < 0) err = "The broker does not support DELETE_GROUPS";
      if (c && err.empty()) {
        pr::DeleteGroupsRequest req;
        req.groups_names = {group};
        auto resp = c->Call<pr::DeleteGroupsResponse>(req, copts.request_timeout);
        if (!resp.ok()) {
          err = resp.status().message();
        } else {
          for (const auto& r : resp->results) {
            if (r.error_code == static_cast<int16_t>(pr::ErrorCode::kNonEmptyGroup)) {
              err = "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.";
            } else if (r.error_code == static_cast<int16_t>(pr::ErrorCode::kGroupIdNotFound)) {
              err = "org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.";
            } else if (r.error_code != 0) {
              err = kc::DescribeError(r.error_code);
            }
          }
        }
      }
      if (!err.empty()) failed[group] = err;
    }
    if (failed.empty()) {
      std::string list;
      for (const auto& g : groups) list += (list.empty() ? "'" : ", '") + g + "'";
      std::printf("Deletion of requested consumer groups (%s) was successful.\n", list.c_str());
      return 0;
    }
    Error("Deletion of some consumer groups failed:");
    for (const auto& [g, e] : failed) std::fprintf(stderr, "* Group '%s' could not be deleted due to: %s\n", g.c_str(), e.c_str());
    return 1;
  }

  // ---- --reset-offsets / --delete-offsets: one group, a topic selection ----
  const std::string group = groups.front();
  std::string err;
  std::vector<std::pair<std::string, std::vector<int32_t>>> selected;
  if (opts.Has("topic")) {
    for (const auto& t : opts.Get<std::vector<std::string>>("topic")) {
      try {
        selected.push_back(ParseTopicArg(t));
      } catch (const std::exception&) {
        return opts.Fail("Invalid topic partition list: " + t);
      }
    }
  }
  if (opts.Has("delete-offsets")) {
    if (selected.empty()) return opts.Fail("Option [delete-offsets] takes the following options: [topic]");
    kc::Connection* c = tool.Coordinator(group, &err);
    if (!c) {
      Error("Executing consumer group command failed due to " + err);
      return 1;
    }
    if (c->PickVersion(47, 0, 0) < 0) {
      Error("Executing consumer group command failed due to The broker does not support OFFSET_DELETE");
      return 1;
    }
    pr::OffsetDeleteRequest req;
    req.group_id = group;
    for (auto& [t, ps] : selected) {
      if (ps.empty()) {
        auto md = client.TopicMetadata(t, false);
        if (md.ok()) for (const auto& p : (*md)->partitions) ps.push_back(p.partition_index);
      }
      pr::OffsetDeleteRequest::OffsetDeleteRequestTopic rt;
      rt.name = t;
      for (int32_t p : ps) rt.partitions.push_back({p, {}});
      req.topics.push_back(rt);
    }
    auto resp = c->Call<pr::OffsetDeleteResponse>(req, copts.request_timeout);
    if (!resp.ok()) {
      Error("Executing consumer group command failed due to " + resp.status().message());
      return 1;
    }
    if (resp->error_code != 0) {
      Error("Executing consumer group command failed due to " + kc::DescribeError(resp->error_code));
      return 1;
    }
    bool all_ok = true;
    std::string table;
    char buf[512];
    std::snprintf(buf, sizeof(buf), "\n%-30s %-15s %-15s\n", "TOPIC", "PARTITION", "STATUS");
    table += buf;
    for (const auto& t : resp->topics) {
      for (const auto& p : t.partitions) {
        all_ok &= p.error_code == 0;
        std::snprintf(buf, sizeof(buf), "%-30s %-15d %-15s\n", t.name.c_str(), p.partition_index,
                      p.error_code == 0 ? "Successful" : kc::DescribeError(p.error_code).c_str());
        table += buf;
      }
    }
    std::printf("%s\n%s", all_ok ? ("Request succeed for deleting offsets with topic " + [&] {
      std::string s;
      for (const auto& t : resp->topics) s += (s.empty() ? "" : ",") + t.name;
      return s;
    }() + " group " + group).c_str() : "Request failed for deleting offsets of some partitions", table.c_str());
    return all_ok ? 0 : 1;
  }

  const bool execute = opts.Has("execute");
  if (!execute && !opts.Has("dry-run")) {
    std::printf("WARN: No action will be performed as the --execute option is missing.In a future "
                "major release, the default behavior of this command will be to prompt the user "
                "before executing the reset rather than doing a dry run. You should add the "
                "--dry-run option explicitly if you are scripting this command and want to keep "
                "the current default behavior without prompting.\n");
  }
  auto d = tool.Describe(group, &err);
  if (!d) {
    Error("Executing consumer group command failed due to " + err);
    return 1;
  }
  if (d->supported && d->state != "Empty" && d->state != "Dead") {
    Error("Assignments can only be reset if the group '" + group +
          "' is inactive, but the current state is " + d->state + ".");
    return 0;
  }
  auto committed = tool.Committed(group, &err);
  if (!committed) {
    Error("Executing consumer group command failed due to " + err);
    return 1;
  }
  kc::TopicPartitions targets;
  if (opts.Has("all-topics")) {
    for (const auto& [t, ps] : *committed) for (const auto& [p, o] : ps) targets[t].push_back(p);
  }
  for (const auto& [t, ps] : selected) {
    if (!ps.empty()) {
      targets[t] = ps;
      continue;
    }
    auto md = client.TopicMetadata(t, false);
    if (!md.ok()) {
      Error("Executing consumer group command failed due to " + md.status().message());
      return 1;
    }
    for (const auto& p : (*md)->partitions) targets[t].push_back(p.partition_index);
  }
  std::vector<kt::ResetRow> rows;
  kc::TopicOffsets to_commit;
  for (auto& [t, ps] : targets) {
    std::sort(ps.begin(), ps.end());
    std::map<int32_t, int64_t> earliest_q, latest_q;
    for (int32_t p : ps) earliest_q[p] = -2, latest_q[p] = -1;
    auto earliest = client.ListOffsets(t, earliest_q);
    auto latest = client.ListOffsets(t, latest_q);
    if (!earliest.ok() || !latest.ok()) {
      Error("Executing consumer group command failed due to " +
            (!earliest.ok() ? earliest.status() : latest.status()).message());
      return 1;
    }
    std::map<int32_t, int64_t> at_time;
    if (datetime) {
      std::map<int32_t, int64_t> q;
      for (int32_t p : ps) q[p] = *datetime;
      auto got = client.ListOffsets(t, q);
      if (got.ok()) at_time = *got;
    }
    for (int32_t p : ps) {
      const int64_t lo = (*earliest)[p], hi = (*latest)[p];
      std::optional<int64_t> current;
      if (auto it = committed->find(t); it != committed->end() && it->second.count(p)) current = it->second.at(p);
      int64_t target = 0;
      if (opts.Has("to-earliest")) {
        target = lo;
      } else if (opts.Has("to-latest")) {
        target = hi;
      } else if (opts.Has("to-offset")) {
        target = opts.Get<long>("to-offset");
      } else if (opts.Has("to-current")) {
        target = current.value_or(hi);
      } else if (opts.Has("shift-by")) {
        if (!current) {
          Error("Executing consumer group command failed due to Cannot shift offset for partition " +
                t + "-" + std::to_string(p) + " since there is no current committed offset");
          return 1;
        }
        target = *current + opts.Get<long>("shift-by");
      } else {
        auto it = at_time.find(p);
        target = it != at_time.end() && it->second >= 0 ? it->second : hi;
      }
      target = std::clamp(target, lo, hi);
      rows.push_back({group, t, p, target});
      to_commit[t][p] = target;
    }
  }
  if (execute && !to_commit.empty()) {
    kc::Connection* c = tool.Coordinator(group, &err);
    if (!c) {
      Error("Executing consumer group command failed due to " + err);
      return 1;
    }
    auto res = kc::CommitOffsets(*c, group, -1, "", to_commit, copts.request_timeout);
    if (!res.ok()) {
      Error("Executing consumer group command failed due to " + res.status().message());
      return 1;
    }
    // Brokers that refuse commits from outside the group (librdkafka's mock
    // answers UNKNOWN_MEMBER_ID even for an empty group): commit as a
    // short-lived member of the (inactive) group instead.
    bool refused = false;
    for (const auto& [tp, code] : *res) {
      refused |= code == static_cast<int16_t>(pr::ErrorCode::kUnknownMemberId) ||
                 code == static_cast<int16_t>(pr::ErrorCode::kIllegalGeneration);
    }
    if (refused) {
      kc::GroupOptions g;
      g.group_id = group;
      for (const auto& [t, ps] : to_commit) g.topics.push_back(t);
      g.session_timeout = kc::Ms(6000);
      g.rebalance_timeout = kc::Ms(6000);
      kc::GroupMember member(&client, g);
      auto st = member.Join(kc::Ms(60000));
      if (st.ok()) st = member.Commit(to_commit, copts.request_timeout);
      member.Leave();
      if (!st.ok()) {
        Error("Executing consumer group command failed due to " + st.message());
        return 1;
      }
      res = std::map<std::pair<std::string, int32_t>, int16_t>{};
    }
    for (const auto& [tp, code] : *res) {
      if (code != 0) {
        Error("Executing consumer group command failed due to " + kc::DescribeError(code) +
              " (" + tp.first + "-" + std::to_string(tp.second) + ")");
        return 1;
      }
    }
  }
  std::fputs(kt::FormatReset(rows).c_str(), stdout);
  return 0;
}
