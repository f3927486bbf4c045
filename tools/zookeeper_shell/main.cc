// zookeeper-shell: Kafka's bin/zookeeper-shell.sh (zkCli) as a native binary.
//
//   zookeeper-shell host:port[,host:port...][/chroot] [-timeout ms] [-waitforconnection] [cmd args...]
//
// With a command it runs it once and exits (0 on success, 1 with the message on
// stderr); without one it reads commands from stdin, with a prompt only when
// stdin is a terminal. `-server host:port` (zkCli's form) is accepted too.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "common/util/logging.h"
#include "common/zk/client.h"
#include "tools/zookeeper_shell/shell.h"

namespace {

constexpr int kDefaultSessionTimeoutMs = 30000;  // zkCli's default
constexpr int kDefaultConnectWaitMs = 5000;      // bounded unless -waitforconnection
constexpr int kMaxRequestWaitMs = 10000;

// zkCli's prompt shows ZooKeeper.States names.
const char* StateName(zk::KeeperState s) {
  switch (s) {
    case zk::KeeperState::kSyncConnected: return "CONNECTED";
    case zk::KeeperState::kDisconnected: return "CONNECTING";
    case zk::KeeperState::kExpired:
    case zk::KeeperState::kClosed: return "CLOSED";
    case zk::KeeperState::kAuthFailed: return "AUTH_FAILED";
    default: return "CONNECTING";
  }
}

int Usage() {
  std::cerr << "USAGE: zookeeper-shell zookeeper_host:port[/path] [-timeout ms] "
               "[-waitforconnection] [args...]\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server;
  int timeout_ms = kDefaultSessionTimeoutMs;
  bool wait_for_connection = false;
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!command.empty()) {
      command.push_back(a);
    } else if (a == "-server" && i + 1 < argc) {
      server = argv[++i];
    } else if (a == "-timeout" && i + 1 < argc) {
      try {
        timeout_ms = std::stoi(argv[++i]);
      } catch (const std::exception&) {
        timeout_ms = 0;
      }
      if (timeout_ms <= 0) {
        std::cerr << "-timeout needs a positive number of milliseconds\n";
        return 1;
      }
    } else if (a == "-waitforconnection") {
      wait_for_connection = true;
    } else if (a == "-r") {
      // Read-only mode is not supported; it only matters for partitioned ensembles.
    } else if ((a == "-zk-tls-config-file" || a == "-client-configuration") && i + 1 < argc) {
      std::cerr << a << " is not supported (TLS is not available)\n";
      return 1;
    } else if (server.empty()) {
      server = a;
    } else {
      command.push_back(a);
    }
  }
  if (server.empty()) return Usage();
  util::logging::Init("warn");

  zk::ClientOptions opts;
  opts.connect_string = server;
  opts.session_timeout = std::chrono::milliseconds(timeout_ms);
  opts.request_timeout = std::chrono::milliseconds(std::min(timeout_ms, kMaxRequestWaitMs));
  const auto connect_wait = std::chrono::milliseconds(
      wait_for_connection ? timeout_ms : std::min(timeout_ms, kDefaultConnectWaitMs));

  const bool interactive = command.empty();
  const bool tty = isatty(STDIN_FILENO) != 0;
  std::cout << "Connecting to " << server << "\n";
  if (interactive) {
    std::cout << "Welcome to ZooKeeper!\n";
    if (!tty) std::cout << "JLine support is disabled\n";
  }
  std::cout << std::flush;

  // Session changes after the first connection (Disconnected, SyncConnected,
  // Expired) are printed like zkCli's default watcher does.
  std::atomic<zkshell::Shell*> printer{nullptr};
  zk::SyncClient client(opts);
  client.SetStateListener([&printer, first = true](zk::KeeperState s) mutable {
    if (std::exchange(first, false)) return;  // the first connection: printed below
    zkshell::Shell* shell = printer.load();
    if (shell && s != zk::KeeperState::kClosed) {
      shell->PrintEvent(zk::WatchedEvent{static_cast<int32_t>(zk::EventType::kNone),
                                         static_cast<int32_t>(s), ""});
    }
  });
  auto connected = client.Connect(connect_wait);
  if (!connected.ok()) {
    if (connected.code() == zk::ErrorCode::kBadArguments) {
      std::cerr << "Invalid connect string: " << server << "\n";
    } else {
      std::cerr << zk::KeeperErrorMessage(connected.err, "") << " (could not connect to " << server
                << " within " << connect_wait.count() << " ms)\n";
    }
    return 1;
  }

  int rc = 0;
  zkshell::Shell shell(client, std::cout, std::cerr);
  shell.PrintEvent(zk::WatchedEvent{static_cast<int32_t>(zk::EventType::kNone),
                                    static_cast<int32_t>(zk::KeeperState::kSyncConnected), ""});
  printer = &shell;
  if (!interactive) {
    rc = shell.Execute(command);
    // Like zkCli's one-shot mode: the session is left to time out, so an
    // ephemeral made here outlives the command.
    printer = nullptr;
    client.Close(/*end_session=*/false);
  } else {
    std::string line;
    bool quit = false;
    for (int n = 0; !quit; ++n) {
      if (tty) std::cout << "[zk: " << server << "(" << StateName(client.state()) << ") " << n
                         << "] " << std::flush;
      if (!std::getline(std::cin, line)) break;
      shell.Execute(zkshell::Shell::Tokenize(line), &quit);
    }
    printer = nullptr;
    client.Close();
    // zkCli's watcher reports the closed session after `quit`.
    if (quit) {
      shell.PrintEvent(zk::WatchedEvent{static_cast<int32_t>(zk::EventType::kNone),
                                        static_cast<int32_t>(zk::KeeperState::kClosed), ""});
    }
  }
  return rc;
}
