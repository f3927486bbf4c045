#include "tools/broker_api_versions/api_versions_format.h"

#include <set>
#include <vector>

#include "common/protocol/api_key.h"
#include "common/protocol/messages/all.h"

namespace kafka::tools {

namespace pr = kafka::protocol;

namespace {

template <typename T>
void AddRange(VersionRanges& m) {
  m[static_cast<int16_t>(T::kApiKey)] = {T::kVersions.lo, T::kVersions.hi};
}

bool Known(int16_t key) { return pr::ApiKeyName(key) != "Unknown"; }

}  // namespace

const VersionRanges& ClientVersions() {
  static const VersionRanges kRanges = [] {
    VersionRanges m;
    AddRange<pr::ProduceRequest>(m);
    AddRange<pr::FetchRequest>(m);
    AddRange<pr::ListOffsetsRequest>(m);
    AddRange<pr::MetadataRequest>(m);
    AddRange<pr::OffsetCommitRequest>(m);
    AddRange<pr::OffsetFetchRequest>(m);
    AddRange<pr::FindCoordinatorRequest>(m);
    AddRange<pr::JoinGroupRequest>(m);
    AddRange<pr::HeartbeatRequest>(m);
    AddRange<pr::LeaveGroupRequest>(m);
    AddRange<pr::SyncGroupRequest>(m);
    AddRange<pr::DescribeGroupsRequest>(m);
    AddRange<pr::ListGroupsRequest>(m);
    AddRange<pr::ApiVersionsRequest>(m);
    AddRange<pr::CreateTopicsRequest>(m);
    AddRange<pr::DeleteTopicsRequest>(m);
    AddRange<pr::InitProducerIdRequest>(m);
    AddRange<pr::DescribeConfigsRequest>(m);
    AddRange<pr::CreatePartitionsRequest>(m);
    return m;
  }();
  return kRanges;
}

std::string FormatApiVersions(const VersionRanges& broker, const VersionRanges& client) {
  std::set<int16_t> keys;
  for (const auto& [k, r] : broker) keys.insert(k);
  for (const auto& [k, r] : client) keys.insert(k);
  std::vector<std::string> items;
  for (int16_t k : keys) {
    std::string name = Known(k) ? std::string(pr::ApiKeyName(k)) : "UNKNOWN";
    std::string text = name + "(" + std::to_string(k) + "): ";
    auto b = broker.find(k);
    if (b == broker.end()) {
      items.push_back(text + "UNSUPPORTED");
      continue;
    }
    const auto [lo, hi] = b->second;
    text += lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
    auto c = client.find(k);
    if (c != client.end()) {
      const int16_t top = std::min(hi, c->second.second);
      if (top >= std::max(lo, c->second.first)) {
        text += " [usable: " + std::to_string(top) + "]";
      } else if (hi < c->second.first) {
        text += " [unusable: node too old]";
      } else {
        text += " [unusable: node too new]";
      }
    }
    items.push_back(text);
  }
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? ",\n\t" : "\n\t") + items[i];
  }
  out += "\n)";
  return out;
}

std::string NodeLine(const std::string& host, int32_t port, int32_t id,
                     const std::optional<std::string>& rack) {
  return host + ":" + std::to_string(port) + " (id: " + std::to_string(id) +
         " rack: " + rack.value_or("null") + ")";
}

}  // namespace kafka::tools
