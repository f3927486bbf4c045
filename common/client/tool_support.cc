#include "common/client/tool_support.h"

#include <charconv>
#include <cstdio>

#include "common/config/properties.h"

namespace kafka::client {

util::Result<std::map<std::string, std::string>> ParseKeyValues(
    const std::vector<std::string>& items, const std::string& what) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return util::Status::InvalidArgument("Invalid " + what + ": " + item);
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

util::Status LoadPropertiesFile(const std::string& path, std::map<std::string, std::string>* out) {
  auto props = config::Properties::Load(path);
  if (!props.ok()) return props.status();
  for (const auto& [k, v] : props->entries()) (*out)[k] = v;
  return util::Status::OK();
}

util::Status ApplyClientProperties(const std::map<std::string, std::string>& props,
                                   ClientOptions* opts) {
  auto number = [&](const std::string& key, Ms* target) -> util::Status {
    auto it = props.find(key);
    if (it == props.end()) return util::Status::OK();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 0) {
      return util::Status::InvalidArgument("Invalid value " + it->second + " for configuration " + key);
    }
    *target = Ms(v);
    return util::Status::OK();
  };
  if (auto it = props.find("client.id"); it != props.end()) opts->client_id = it->second;
  if (auto it = props.find("bootstrap.servers"); it != props.end() && opts->bootstrap_servers.empty()) {
    opts->bootstrap_servers = it->second;
  }
  UTIL_RETURN_IF_ERROR(number("request.timeout.ms", &opts->request_timeout));
  UTIL_RETURN_IF_ERROR(number("default.api.timeout.ms", &opts->retry_timeout));
  return util::Status::OK();
}

bool BootstrapOrReport(Client& client) {
  auto st = client.Bootstrap();
  if (st.ok()) return true;
  std::fprintf(stderr, "Error: %s\n", st.message().c_str());
  return false;
}

}  // namespace kafka::client
