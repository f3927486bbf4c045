#include "daemon/zookeeper/zk_config.h"

#include <fstream>
#include <sstream>

#include "common/util/logging.h"

namespace zkserver {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool ParsePort(const std::string& s, int* out) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int v = std::stoi(s);
  if (v < 1 || v > 65535) return false;
  *out = v;
  return true;
}

// server.N=host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]
bool ParseServerLine(const std::string& value, ServerLine* out) {
  std::string main = value;
  std::string client;
  size_t semi = value.find(';');
  if (semi != std::string::npos) {
    main = value.substr(0, semi);
    client = Trim(value.substr(semi + 1));
  }
  std::vector<std::string> parts;
  std::stringstream ss(Trim(main));
  std::string part;
  while (std::getline(ss, part, ':')) parts.push_back(Trim(part));
  if (parts.size() < 3 || parts.size() > 4 || parts[0].empty()) return false;
  out->host = parts[0];
  if (!ParsePort(parts[1], &out->quorum_port) || !ParsePort(parts[2], &out->election_port)) {
    return false;
  }
  out->role = parts.size() == 4 ? parts[3] : "participant";
  if (out->role != "participant" && out->role != "observer") return false;
  if (!client.empty()) {
    size_t colon = client.rfind(':');
    std::string port = colon == std::string::npos ? client : client.substr(colon + 1);
    if (!ParsePort(port, &out->client_port)) return false;
  }
  return true;
}

util::Status IntKey(const config::Properties& p, const std::string& key, int64_t min,
                    int64_t max, int* out) {
  auto v = p.GetInt(key, *out);
  if (!v.ok()) return v.status();
  if (*v < min || *v > max) {
    return util::Status::InvalidArgument("invalid value for " + key + ": " +
                                         std::to_string(*v) + " (allowed " +
                                         std::to_string(min) + ".." + std::to_string(max) + ")");
  }
  *out = static_cast<int>(*v);
  return util::Status::OK();
}

}  // namespace

util::Result<ServerConfig> ParseServerConfig(const config::Properties& props) {
  static const std::set<std::string> kKnown = {
      "tickTime", "initLimit", "syncLimit", "dataDir", "dataLogDir", "clientPort",
      "clientPortAddress", "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout",
      "autopurge.snapRetainCount", "autopurge.purgeInterval", "4lw.commands.whitelist",
      "jute.maxbuffer", "admin.enableServer", "admin.serverPort", "admin.serverAddress",
      "snapCount", "forceSync", "preAllocSize", "globalOutstandingLimit", "standaloneEnabled",
      "reconfigEnabled", "electionAlg", "quorumListenOnAllIPs", "syncEnabled",
      "secureClientPort", "dynamicConfigFile", "peerType", "leaderServes",
      "maxCnxns", "metricsProvider.className", "audit.enable", "readonlymode.enabled"};
  static const std::vector<std::string> kPrefixes = {"server.", "group.", "weight.",
                                                     "authProvider.", "ssl.", "zookeeper.",
                                                     "metricsProvider."};
  auto log = util::logging::Get("zkserver");
  props.WarnUnknown(*log, kKnown, kPrefixes);

  ServerConfig c;
  UTIL_RETURN_IF_ERROR(IntKey(props, "tickTime", 1, 1000000, &c.tick_time));
  UTIL_RETURN_IF_ERROR(IntKey(props, "initLimit", 1, 1000000, &c.init_limit));
  UTIL_RETURN_IF_ERROR(IntKey(props, "syncLimit", 1, 1000000, &c.sync_limit));
  c.data_dir = Trim(props.GetString("dataDir", ""));
  if (c.data_dir.empty()) return util::Status::InvalidArgument("dataDir is not set");
  c.data_log_dir = Trim(props.GetString("dataLogDir", c.data_dir));
  if (c.data_log_dir.empty()) c.data_log_dir = c.data_dir;
  UTIL_RETURN_IF_ERROR(IntKey(props, "clientPort", 0, 65535, &c.client_port));
  c.client_port_address = Trim(props.GetString("clientPortAddress", c.client_port_address));
  UTIL_RETURN_IF_ERROR(IntKey(props, "maxClientCnxns", 0, 1000000000, &c.max_client_cnxns));
  int min_to = -1, max_to = -1;
  UTIL_RETURN_IF_ERROR(IntKey(props, "minSessionTimeout", -1, INT32_MAX, &min_to));
  UTIL_RETURN_IF_ERROR(IntKey(props, "maxSessionTimeout", -1, INT32_MAX, &max_to));
  c.min_session_timeout = min_to == -1 ? 2 * c.tick_time : min_to;
  c.max_session_timeout = max_to == -1 ? 20 * c.tick_time : max_to;
  if (c.min_session_timeout > c.max_session_timeout) {
    return util::Status::InvalidArgument("minSessionTimeout must not be larger than "
                                         "maxSessionTimeout");
  }
  UTIL_RETURN_IF_ERROR(
      IntKey(props, "autopurge.snapRetainCount", 0, 1000000, &c.snap_retain_count));
  if (c.snap_retain_count < 3) c.snap_retain_count = 3;  // ZooKeeper's minimum
  UTIL_RETURN_IF_ERROR(
      IntKey(props, "autopurge.purgeInterval", -1000000, 1000000, &c.purge_interval_hours));
  if (c.purge_interval_hours < 0) c.purge_interval_hours = 0;

  if (auto wl = props.Get("4lw.commands.whitelist")) {
    c.four_letter_whitelist.clear();
    std::stringstream ss(*wl);
    std::string item;
    while (std::getline(ss, item, ',')) {
      item = Trim(item);
      if (item == "*") c.four_letter_all = true;
      else if (!item.empty()) c.four_letter_whitelist.insert(item);
    }
  }
  auto jute = props.GetInt("jute.maxbuffer", c.jute_max_buffer);
  if (!jute.ok()) return jute.status();
  if (*jute < 1024 || *jute > 0x7fffffff) {
    return util::Status::InvalidArgument("invalid value for jute.maxbuffer: " +
                                         std::to_string(*jute));
  }
  c.jute_max_buffer = *jute;
  auto snap = props.GetInt("snapCount", c.snap_count);
  if (!snap.ok()) return snap.status();
  if (*snap < 2) return util::Status::InvalidArgument("snapCount must be at least 2");
  c.snap_count = *snap;
  auto admin = props.GetBool("admin.enableServer", false);  // accepted, ignored
  if (!admin.ok()) return admin.status();
  auto ro = props.GetBool("readonlymode.enabled", false);
  if (!ro.ok()) return ro.status();
  c.read_only_enabled = *ro;
  std::string force = Trim(props.GetString("forceSync", "yes"));
  c.force_sync = !(force == "no" || force == "false");

  for (const auto& [key, value] : props.entries()) {
    if (key.rfind("server.", 0) != 0) continue;
    std::string id_str = key.substr(7);
    if (id_str.empty() || id_str.find_first_not_of("0123456789") != std::string::npos ||
        id_str.size() > 18) {
      return util::Status::InvalidArgument("invalid server line key: " + key);
    }
    ServerLine line;
    if (!ParseServerLine(value, &line)) {
      return util::Status::InvalidArgument("invalid value for " + key + ": " + value);
    }
    c.servers[std::stoll(id_str)] = line;
  }
  return c;
}

util::Result<ServerConfig> LoadServerConfig(const std::string& path) {
  auto props = config::Properties::Load(path);
  if (!props.ok()) return props.status();
  auto cfg = ParseServerConfig(*props);
  if (!cfg.ok()) return cfg.status().WithContext(path);
  std::ifstream myid(cfg->data_dir + "/myid");
  if (myid) {
    std::string s;
    std::getline(myid, s);
    s = Trim(s);
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
      return util::Status::InvalidArgument(cfg->data_dir + "/myid: not a server id: '" + s +
                                           "'");
    }
    cfg->my_id = std::stoll(s);
  }
  return cfg;
}

}  // namespace zkserver
