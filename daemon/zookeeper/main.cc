// zookeeper-server: standalone ZooKeeper-compatible coordination server.
// Usage: zookeeper-server [-Dreadonlymode.enabled=true] <zoo.cfg>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "common/util/logging.h"
#include "daemon/zookeeper/quorum/peer.h"
#include "daemon/zookeeper/server.h"
#include "daemon/zookeeper/zk_config.h"

int main(int argc, char** argv) {
  util::logging::Init("info");
  auto log = util::logging::Get("zkserver");
  // Java-style system properties before the config file, as Apache's
  // SERVER_JVMFLAGS carry them; only readonlymode.enabled is read.
  std::optional<bool> read_only;
  int arg = 1;
  for (; arg < argc && std::string(argv[arg]).rfind("-D", 0) == 0; ++arg) {
    std::string prop = argv[arg] + 2;
    if (prop == "readonlymode.enabled=true") read_only = true;
    else if (prop == "readonlymode.enabled=false") read_only = false;
    else log->warn("ignoring unknown system property {}", prop);
  }
  if (argc - arg != 1 || std::string(argv[arg]) == "--help" || std::string(argv[arg]) == "-h") {
    std::fprintf(stderr, "Usage: %s [-Dreadonlymode.enabled=true] <zoo.cfg>\n", argv[0]);
    return argc - arg == 1 ? 0 : 2;
  }
  auto cfg = zkserver::LoadServerConfig(argv[arg]);
  if (!cfg.ok()) {
    log->error("invalid configuration: {}", cfg.status().ToString());
    return 1;
  }
  if (read_only) cfg->read_only_enabled = *read_only;
  bool ensemble = cfg->servers.count(cfg->my_id) != 0;
  zkserver::ZkServer server(std::move(*cfg));
  if (ensemble) server.SetQuorum(std::make_unique<zkserver::quorum::QuorumPeer>(&server));
  util::Status s = server.Start();
  if (!s.ok()) {
    log->error("cannot start: {}", s.ToString());
    return 1;
  }
  server.Run();
  log->info("zookeeper-server stopped");
  return 0;
}
