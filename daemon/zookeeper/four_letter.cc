// Four-letter words: plain-text admin commands answered on a fresh connection
// whose first four bytes spell a known command, then the connection closes.
// Output follows ZooKeeper 3.8 (ZOOKEEPER-4LW-SAMPLES.txt); commands outside
// 4lw.commands.whitelist get ZooKeeper's "not executed" line.
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/util/logging.h"
#include "daemon/zookeeper/server.h"

namespace zkserver {
namespace {

const std::set<std::string>& KnownCommands() {
  static const std::set<std::string> kKnown = {"ruok", "dump", "conf", "cons", "crst", "dirs",
                                               "envi", "gtmk", "isro", "mntr", "srst", "srvr",
                                               "stat", "stmk", "wchc", "wchp", "wchs", "hash"};
  return kKnown;
}

std::string Hex(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

int64_t DirSize(const std::string& dir) {
  int64_t total = 0;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  while (dirent* e = ::readdir(d)) {
    struct stat st {};
    std::string p = dir + "/" + e->d_name;
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += st.st_size;
  }
  ::closedir(d);
  return total;
}

int OpenFdCount() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n - 1;  // the directory stream itself
}

}  // namespace

// Java's Double.toString of a value rounded to 4 decimals (as ZooKeeper's
// AvgMinMaxCounter reports): "0.0", "1.9261", "17.0".
std::string FormatJavaDouble(double v) {
  double r = std::round(v * 10000.0) / 10000.0;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4f", r);
  std::string s = buf;
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

bool ZkServer::HandleFourLetter(Connection& c, std::string_view word) {
  std::string cmd(word);
  if (!KnownCommands().count(cmd)) return false;
  std::string out;
  if (!config_.FourLetterAllowed(cmd)) {
    out = cmd + " is not executed because it is not in the whitelist.\n";
  } else {
    out = FourLetterOutput(cmd, c);
  }
  log_->debug("[{}] four-letter word '{}'", c.remote_, cmd);
  c.session_id_ = -1;
  c.Enqueue(std::move(out), 0);
  c.CloseAfterFlush();
  return true;
}

std::string ZkServer::ConnectionLine(const Connection& c) const {
  // ServerCnxn.dumpConnectionInfo: "[interest ops]" is 1 while reading, 0 otherwise.
  size_t queued = c.out_.size() - c.released_;
  std::string s = " " + c.remote_ + "[" + (c.closing_ || c.session_id_ <= 0 ? "0" : "1") +
                  "](queued=" + std::to_string(queued) + ",recved=" +
                  std::to_string(c.received_) + ",sent=" + std::to_string(c.sent_);
  if (c.session_id_ > 0) {
    s += ",sid=" + Hex(c.session_id_) + ",lop=" + c.last_op_ +
         ",est=" + std::to_string(c.established_ms_) +
         ",to=" + std::to_string(c.session_timeout_);
    if (c.last_cxid_ >= 0) s += ",lcxid=" + Hex(c.last_cxid_);
    s += ",lzxid=" + Hex(c.last_zxid_) + ",lresp=" + std::to_string(c.last_response_ms_) +
         ",llat=" + std::to_string(c.last_latency_) +
         ",minlat=" + std::to_string(c.min_latency_ < 0 ? 0 : c.min_latency_) +
         ",avglat=" +
         std::to_string(c.latency_count_ ? c.total_latency_ / static_cast<int64_t>(c.latency_count_) : 0) +
         ",maxlat=" + std::to_string(c.max_latency_);
  }
  return s + ")\n";
}

std::string ZkServer::FourLetterOutput(const std::string& cmd, const Connection& self) {
  const std::string version = kVersionString;
  double avg = latency_count_ ? static_cast<double>(total_latency_) / latency_count_ : 0.0;
  int64_t min_lat = min_latency_ < 0 ? 0 : min_latency_;
  size_t outstanding = 0;
  for (Connection* c : held_conns_) outstanding += c->out_.size() - c->released_;
  std::string out;

  auto stats_tail = [&]() {
    std::string s;
    s += "Latency min/avg/max: " + std::to_string(min_lat) + "/" + FormatJavaDouble(avg) + "/" +
         std::to_string(max_latency_) + "\n";
    s += "Received: " + std::to_string(packets_received_) + "\n";
    s += "Sent: " + std::to_string(packets_sent_) + "\n";
    s += "Connections: " + std::to_string(conns_.size()) + "\n";
    s += "Outstanding: " + std::to_string(outstanding) + "\n";
    s += "Zxid: " + Hex(tree_.last_zxid()) + "\n";
    s += "Mode: " + (quorum_ ? quorum_->Mode() : std::string("standalone")) + "\n";
    s += "Node count: " + std::to_string(tree_.node_count()) + "\n";
    return s;
  };

  if (cmd == "ruok") return "imok";
  if (cmd == "isro") {
    // Apache: "null" while no server runs (an ensemble member without quorum
    // and without read-only mode), "ro" in read-only mode.
    if (read_only_mode_) return "ro";
    if (quorum_ && quorum_->Mode() == "looking") return "null";
    return "rw";
  }
  if (cmd == "srvr") return "Zookeeper version: " + version + "\n" + stats_tail();
  if (cmd == "stat") {
    out = "Zookeeper version: " + version + "\nClients:\n";
    for (const auto& [id, c] : conns_) out += ConnectionLine(*c);
    out += "\n";
    return out + stats_tail();
  }
  if (cmd == "cons") {
    for (const auto& [id, c] : conns_) out += ConnectionLine(*c);
    return out + "\n";
  }
  if (cmd == "crst") {
    for (auto& [id, c] : conns_) c->received_ = c->sent_ = 0;
    return "Connection stats reset.\n";
  }
  if (cmd == "srst") {
    packets_received_ = packets_sent_ = 0;
    min_latency_ = -1;
    max_latency_ = total_latency_ = 0;
    latency_count_ = 0;
    return "Server stats reset.\n";
  }
  if (cmd == "conf") {
    out += "clientPort=" + std::to_string(bound_port_) + "\n";
    out += "secureClientPort=-1\n";
    out += "dataDir=" + snap_dir_ + "\n";
    out += "dataDirSize=" + std::to_string(DirSize(snap_dir_)) + "\n";
    out += "dataLogDir=" + log_dir_ + "\n";
    out += "dataLogSize=" + std::to_string(DirSize(log_dir_)) + "\n";
    out += "tickTime=" + std::to_string(config_.tick_time) + "\n";
    out += "maxClientCnxns=" + std::to_string(config_.max_client_cnxns) + "\n";
    out += "minSessionTimeout=" + std::to_string(config_.min_session_timeout) + "\n";
    out += "maxSessionTimeout=" + std::to_string(config_.max_session_timeout) + "\n";
    out += "clientPortListenBacklog=-1\n";
    out += "serverId=" + std::to_string(config_.my_id) + "\n";
    return out;
  }
  if (cmd == "dirs") {
    return "datadir_size: " + std::to_string(DirSize(snap_dir_)) +
           "\nlogdir_size: " + std::to_string(DirSize(log_dir_)) + "\n";
  }
  if (cmd == "envi") {
    char host[256] = {0};
    ::gethostname(host, sizeof(host) - 1);
    char cwd[4096] = {0};
    if (!::getcwd(cwd, sizeof(cwd) - 1)) cwd[0] = '\0';
    struct utsname uts {};
    ::uname(&uts);
    const char* user = std::getenv("USER");
    const char* home = std::getenv("HOME");
    out = "Environment:\n";
    out += "zookeeper.version=" + version + "\n";
    out += std::string("host.name=") + host + "\n";
    out += "java.version=n/a (native C++ server)\n";
    out += "java.vendor=n/a\n";
    out += "os.name=Linux\n";
    out += std::string("os.arch=") + uts.machine + "\n";
    out += std::string("os.version=") + uts.release + "\n";
    out += std::string("user.name=") + (user ? user : "") + "\n";
    out += std::string("user.home=") + (home ? home : "") + "\n";
    out += std::string("user.dir=") + cwd + "\n";
    return out;
  }
  if (cmd == "wchs") {
    // Like ZooKeeper, only data (getData/exists) watches are summarised.
    auto [watchers, paths, total] = tree_.DataWatchSummary();
    return std::to_string(watchers) + " connections watching " + std::to_string(paths) +
           " paths\nTotal watches:" + std::to_string(total) + "\n";
  }
  if (cmd == "dump") {
    out = "SessionTracker dump:\nSession Sets (" + std::to_string(expiry_.size()) + ")/(" +
          std::to_string(tree_.sessions().size()) + "):\n";
    out += "ephemeral nodes dump:\nSessions with Ephemerals (";
    std::string body;
    size_t with = 0;
    for (const auto& [id, s] : tree_.sessions()) {
      auto paths = tree_.EphemeralsOf(id);
      if (paths.empty()) continue;
      ++with;
      body += Hex(id) + ":\n";
      for (const auto& p : paths) body += "\t" + p + "\n";
    }
    out += std::to_string(with) + "):\n" + body;
    out += "Connections with Ephemerals (" + std::to_string(conns_.size()) + "):\n";
    return out;
  }
  if (cmd == "gtmk") return "1570\n";
  if (cmd == "stmk") return "1570\n";
  if (cmd == "hash") return "No digest in the history.\n";
  if (cmd == "wchc" || cmd == "wchp") return "";
  if (cmd == "mntr") {
    auto line = [&out](const std::string& k, const std::string& v) {
      out += k + "\t" + v + "\n";
    };
    struct rlimit rl {};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    int64_t uptime = MonoMs();
    line("zk_version", version);
    line("zk_server_state", quorum_ ? quorum_->Mode() : std::string("standalone"));
    line("zk_ephemerals_count", std::to_string(tree_.ephemeral_count()));
    line("zk_num_alive_connections", std::to_string(conns_.size()));
    line("zk_avg_latency", FormatJavaDouble(avg));
    line("zk_outstanding_requests", std::to_string(outstanding));
    line("zk_znode_count", std::to_string(tree_.node_count()));
    line("zk_global_sessions", std::to_string(tree_.sessions().size()));
    line("zk_non_mtls_remote_conn_count", "0");
    line("zk_packets_sent", std::to_string(packets_sent_));
    line("zk_packets_received", std::to_string(packets_received_));
    line("zk_connection_drop_probability", "0.0");
    line("zk_watch_count", std::to_string(tree_.watch_count()));
    line("zk_auth_failed_count", std::to_string(auth_failed_));
    line("zk_min_latency", std::to_string(min_lat));
    line("zk_max_file_descriptor_count", std::to_string(rl.rlim_cur));
    line("zk_approximate_data_size", std::to_string(tree_.approximate_data_size()));
    line("zk_open_file_descriptor_count", std::to_string(OpenFdCount()));
    line("zk_local_sessions", "0");
    line("zk_uptime", std::to_string(uptime));
    line("zk_max_latency", std::to_string(max_latency_));
    line("zk_outstanding_tls_handshake", "0");
    line("zk_proposal_count", "0");
    line("zk_connection_rejected", std::to_string(rejected_connections_));
    line("zk_snap_count", "0");
    line("zk_fsync_count", std::to_string(sync_ ? sync_->fsync_count() : 0));
    if (quorum_) quorum_->MntrLines(&out);
    return out;
  }
  (void)self;
  return "";
}

}  // namespace zkserver
