#include "tools/leader_election/election.h"

#include <set>

#include <nlohmann/json.hpp>

#include "common/protocol/error_code.h"
#include "tools/verifiable_producer/events.h"

namespace kafka::tools {

util::Result<std::vector<TopicPartition>> ParseElectionJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return util::Status::InvalidArgument("The JSON file is not valid JSON");
  }
  auto it = j.find("partitions");
  if (it == j.end() || !it->is_array()) {
    return util::Status::InvalidArgument("Replica election data is missing \"partitions\" field");
  }
  std::vector<TopicPartition> out;
  std::set<TopicPartition> seen;
  std::string dups;
  for (const auto& e : *it) {
    if (!e.is_object() || !e.contains("topic") || !e.contains("partition") ||
        !e["topic"].is_string() || !e["partition"].is_number_integer()) {
      return util::Status::InvalidArgument(
          "Replica election data entries need a string \"topic\" and an integer \"partition\"");
    }
    TopicPartition tp{e["topic"].get<std::string>(), e["partition"].get<int32_t>()};
    if (!seen.insert(tp).second) {
      dups += (dups.empty() ? "" : ",") + tp.first + "-" + std::to_string(tp.second);
    }
    out.push_back(tp);
  }
  if (!dups.empty()) {
    return util::Status::InvalidArgument("Replica election data contains duplicate partitions: " + dups);
  }
  return out;
}

ElectionReport FormatElection(const std::string& type_name,
                              const std::map<TopicPartition, PartitionOutcome>& results) {
  namespace pr = kafka::protocol;
  std::vector<std::string> ok, noop;
  std::vector<std::pair<std::string, std::string>> failed;
  for (const auto& [tp, r] : results) {
    const std::string name = tp.first + "-" + std::to_string(tp.second);
    if (r.error_code == 0) {
      ok.push_back(name);
    } else if (r.error_code == static_cast<int16_t>(pr::ErrorCode::kElectionNotNeeded)) {
      noop.push_back(name);
    } else {
      // Java prints the exception: "org.apache.kafka...XxxException: message".
      std::string cls = JavaExceptionClass(r.error_code).substr(6);
      const std::string msg = r.message && !r.message->empty()
                                  ? *r.message
                                  : std::string(pr::ErrorDescription(r.error_code));
      failed.emplace_back(name, cls + ": " + msg);
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  ElectionReport rep;
  if (!ok.empty()) {
    rep.stdout_text += "Successfully completed leader election (" + type_name + ") for partitions " + join(ok) + "\n";
  }
  if (!noop.empty()) {
    rep.stdout_text += "Valid replica already elected for partitions " + join(noop) + "\n";
  }
  for (const auto& [name, why] : failed) {
    rep.stdout_text += "Error completing leader election (" + type_name + ") for partition: " + name + ": " + why + "\n";
  }
  rep.failed = failed.size();
  return rep;
}

}  // namespace kafka::tools
