// Text of kafka-broker-api-versions, as Kafka's NodeApiVersions prints it:
//   host:port (id: 1 rack: null) -> (
//   <TAB>Produce(0): 3 to 7 [usable: 7],
//   <TAB>ApiVersions(18): 0 to 3 [usable: 3]
//   )
// "usable" is the highest version both the broker and this client speak.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace kafka::tools {

using VersionRanges = std::map<int16_t, std::pair<int16_t, int16_t>>;

// Versions this client implements, by API key (our codec's ranges).
const VersionRanges& ClientVersions();

std::string FormatApiVersions(const VersionRanges& broker, const VersionRanges& client);

std::string NodeLine(const std::string& host, int32_t port, int32_t id,
                     const std::optional<std::string>& rack);

}  // namespace kafka::tools
