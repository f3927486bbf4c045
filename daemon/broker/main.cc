// kafka-server: the broker binary. Usage as Kafka's kafka-server-start.sh:
//   kafka-server config/server.properties [--override key=value]...
// Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 when start-up fails (bad
// config, log.dirs locked by another process, ZooKeeper unreachable) or the
// ZooKeeper session is lost, 2 on bad arguments.
#include <malloc.h>

#include <csignal>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "common/util/logging.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/config/broker_config.h"

int main(int argc, char** argv) {
  using namespace kafka::broker;
  util::logging::Init("info");
  // Request frames and record buffers are often above glibc's default 128 KiB mmap
  // threshold: each would be a fresh mmap (page faults, zeroing) and munmap.
  // Keep them on the heap and let it hold on to freed memory.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  std::signal(SIGPIPE, SIG_IGN);
  auto args = ParseCommandLine(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "%s\nUSAGE: kafka-server server.properties [--override property=value]*\n",
                 args.status().message().c_str());
    return 2;
  }
  auto log = util::logging::Get("broker");
  auto config = BrokerConfig::Load(args->properties_path, args->overrides);
  if (!config.ok()) {
    log->error("invalid configuration: {}", config.status().ToString());
    return 1;
  }
  boost::asio::io_context io;
  Broker broker(io, std::move(*config));
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool signalled = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    signalled = true;
    broker.Stop(0);
  });
  if (auto s = broker.Start(); !s.ok()) {
    if (signalled || broker.stopping()) {
      log->info("start-up interrupted");
    } else {
      log->error("fatal error during start-up: {}", s.ToString());
    }
    (void)broker.Finish();
    return signalled ? 0 : 1;
  }
  if (io.stopped()) io.restart();
  io.run();
  signals.cancel();
  if (auto s = broker.Finish(); !s.ok()) {
    log->error("shutdown: {}", s.ToString());
    return 1;
  }
  return broker.exit_code();
}
