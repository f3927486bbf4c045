// Pieces every console tool shares: "k=v" option lists, --command-config /
// --producer.config property files applied to ClientOptions, and the one
// bootstrap failure message all tools print.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/client/client.h"
#include "common/util/status.h"

namespace kafka::client {

// Splits "k=v" items (value may contain '='). An item without '=' is an error
// naming it, e.g. "Invalid property: abc".
util::Result<std::map<std::string, std::string>> ParseKeyValues(
    const std::vector<std::string>& items, const std::string& what = "property");

// Reads a Java properties file into `out` (later keys win).
util::Status LoadPropertiesFile(const std::string& path, std::map<std::string, std::string>* out);

// Applies client.id, request.timeout.ms and default.api.timeout.ms from `props`.
util::Status ApplyClientProperties(const std::map<std::string, std::string>& props,
                                   ClientOptions* opts);

// Bootstraps; on failure prints "Error: <why>" to stderr and returns false.
bool BootstrapOrReport(Client& client);

}  // namespace kafka::client
