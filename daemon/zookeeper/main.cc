// zookeeper-server: standalone ZooKeeper-compatible coordination server.
// Usage: zookeeper-server <zoo.cfg>
#include <cstdio>
#include <memory>
#include <string>

#include "common/util/logging.h"
#include "daemon/zookeeper/quorum/peer.h"
#include "daemon/zookeeper/server.h"
#include "daemon/zookeeper/zk_config.h"

int main(int argc, char** argv) {
  util::logging::Init("info");
  auto log = util::logging::Get("zkserver");
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(stderr, "Usage: %s <zoo.cfg>\n", argv[0]);
    return argc == 2 ? 0 : 2;
  }
  auto cfg = zkserver::LoadServerConfig(argv[1]);
  if (!cfg.ok()) {
    log->error("invalid configuration: {}", cfg.status().ToString());
    return 1;
  }
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
