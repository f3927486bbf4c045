// zoo.cfg parsing for zookeeper-server: ZooKeeper's standalone keys with their
// defaults, the server.N ensemble lines (kept for later) and the dataDir/myid file.
// Unknown keys are warned about; a missing dataDir or a malformed value is an
// InvalidArgument naming the key.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/config/properties.h"
#include "common/util/status.h"

namespace zkserver {

struct ServerLine {
  std::string host;
  int quorum_port = 0;
  int election_port = 0;
  int client_port = 0;  // 0 if not given
  std::string role;     // "participant" or "observer"
};

struct ServerConfig {
  int tick_time = 2000;
  int init_limit = 10;
  int sync_limit = 5;
  std::string data_dir;
  std::string data_log_dir;  // defaults to data_dir
  int client_port = 2181;
  std::string client_port_address = "0.0.0.0";
  int max_client_cnxns = 60;  // per IP, 0 = unlimited
  int min_session_timeout = 0;  // resolved: 2 * tickTime unless set
  int max_session_timeout = 0;  // resolved: 20 * tickTime unless set
  int snap_retain_count = 3;
  int purge_interval_hours = 0;
  bool four_letter_all = false;
  std::set<std::string> four_letter_whitelist{"srvr"};
  int64_t jute_max_buffer = 0xfffff;
  int64_t snap_count = 100000;
  bool force_sync = true;
  // Ensemble: serve reads to canBeReadOnly clients while there is no quorum
  // (Apache's -Dreadonlymode.enabled, accepted here as a zoo.cfg key too).
  bool read_only_enabled = false;
  std::map<int64_t, ServerLine> servers;
  int64_t my_id = 0;

  bool FourLetterAllowed(const std::string& cmd) const {
    // ZooKeeper always allows srvr, whatever the whitelist says.
    return four_letter_all || cmd == "srvr" || four_letter_whitelist.count(cmd) != 0;
  }
};

// Parses and validates; warns about unknown keys on the zkserver logger.
util::Result<ServerConfig> ParseServerConfig(const config::Properties& props);
// Loads `path`, parses, and reads dataDir/myid if present.
util::Result<ServerConfig> LoadServerConfig(const std::string& path);

}  // namespace zkserver
