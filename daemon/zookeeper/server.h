// ZkServer: the standalone ZooKeeper-compatible server.
//
// Pipeline (ZooKeeper's Prep -> Sync -> Final, on one io thread plus the log
// thread):
//   1. prep: a write is validated against the tree and becomes a Txn with the
//      next zxid (prep.h);
//   2. the Txn is applied to the DataTree at once, so the next request's prep
//      sees it (this replaces ZooKeeper's outstanding-changes list), and its
//      framed record is queued to the SyncProcessor (group-committed fsync);
//   3. final: the reply and the watch events it fired are queued on their
//      connections tagged with the zxid they depend on, and released only once
//      the log is durable up to that zxid.
// Reads are answered from the tree but tagged with the newest applied zxid, so
// no client ever observes state that a crash could lose, and every connection's
// output stays in request order (events before the reply that caused them).
//
// Sessions: ids are ZooKeeper-style ((time << 24) >>> 8 | myid << 56), creation
// and close are transactions, expiry runs on tick-wide buckets (ExpiryQueue), a
// dropped TCP connection does not end a session.
//
// Threads: everything here runs on the io_context's single thread except the
// SyncProcessor's log thread, which only calls back via asio::post.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/util/status.h"
#include "common/zk/jute.h"
#include "daemon/zookeeper/data_tree.h"
#include "daemon/zookeeper/expiry_queue.h"
#include "daemon/zookeeper/sync_processor.h"
#include "daemon/zookeeper/zk_config.h"

namespace spdlog {
class logger;
}

namespace zkserver {

inline constexpr const char* kVersionString = "3.8.0-kafka-cpp, built on 2026-01-01 00:00 UTC";

class ZkServer;
class Connection;
namespace quorum {
class QuorumPeer;
}

// Ensemble mode (daemon/zookeeper/quorum/DESIGN.md) plugs in through these
// hooks; without one installed the server is standalone and none is called.
class QuorumHooks {
 public:
  virtual ~QuorumHooks() = default;
  // After recovery and the log thread's start, before clients are accepted.
  virtual util::Status Start() = 0;
  // The log thread made the log durable up to `zxid` (replaces OnDurable).
  virtual void OnLocalDurable(int64_t zxid) = 0;
  // Records committed this io turn were handed to the log (leader: propose).
  virtual void OnFlushed(int64_t first_zxid, int64_t last_zxid, const std::string& records) = 0;
  enum class Route { kLocal, kForwarded, kReject };
  // Called for every client frame before it is handled.
  virtual Route RouteFrame(Connection& c, std::string_view frame) = 0;
  // A frame sent to a proxy connection (a follower's client, on the leader).
  virtual void ProxySend(Connection& c, std::string frame, int64_t zxid) = 0;
  // Leader: runs session expiry and container reaping.
  virtual bool leading() const = 0;
  virtual std::string Mode() const = 0;  // "leader" / "follower" / "looking"
  virtual void MntrLines(std::string* out) const = 0;
};

// One client TCP connection. Owned by shared_ptr (the server's table and the
// pending async operations); lives on the io thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ZkServer* server, boost::asio::ip::tcp::socket socket, uint64_t id);

  void Start();
  // Closes the socket now and unregisters from the server.
  void Close();
  // Stops reading; closes once every queued frame has been written.
  void CloseAfterFlush();
  // For a peer that broke framing while possibly still sending: half-closes
  // (the peer sees EOF) and discards its input for a short while, so it is not
  // hit by a reset in the middle of its write. Bounded in bytes and time.
  void LingerClose();
  // Queues a frame; it is written once the log is durable up to `zxid`.
  void Enqueue(std::string frame, int64_t zxid);
  // Releases queued frames up to `durable` and starts writing.
  void Release(int64_t durable);
  bool has_held() const { return released_ < out_.size(); }

  uint64_t id() const { return id_; }
  int64_t session_id() const { return session_id_; }
  bool closed() const { return closed_; }
  const std::string& remote_ip() const { return remote_ip_; }
  const std::string& remote() const { return remote_; }

 private:
  friend class ZkServer;
  friend class quorum::QuorumPeer;
  struct Out {
    std::string bytes;
    int64_t zxid;
  };
  void Read();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void ProcessInput();
  void ProcessFrames();
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec, size_t n, size_t count);
  void MaybeResumeRead();
  bool OverOutputLimit() const;
  // Keeps the server-wide count of buffered request bytes in step with in_.
  void AccountInput();

  ZkServer* server_;
  boost::asio::ip::tcp::socket socket_;
  uint64_t id_;
  std::string remote_ip_;
  std::string remote_;  // "/ip:port"
  std::array<char, 64 * 1024> chunk_;
  std::string in_;
  std::deque<Out> out_;
  size_t released_ = 0;  // out_[0, released_) may be written
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool lingering_ = false;
  bool in_batch_ = false;  // ProcessInput is running: defer StartWrite
  size_t linger_bytes_ = 0;
  std::chrono::steady_clock::time_point linger_since_;
  bool got_first_bytes_ = false;
  bool registered_held_ = false;
  bool connect_had_read_only_ = true;  // old clients omit the flag; so does our reply
  bool proxy_ = false;                 // ensemble leader: stands for a follower's client
  bool read_only_ = false;             // session served in read-only mode (no quorum)
  size_t accounted_input_ = 0;         // this connection's share of input_bytes_

  // Session state (0 until a ConnectRequest succeeded).
  int64_t session_id_ = 0;
  int32_t session_timeout_ = 0;
  std::vector<Id> auth_;
  std::chrono::steady_clock::time_point created_;
  // Stats for 4lw.
  uint64_t received_ = 0;
  uint64_t sent_ = 0;
  int64_t last_cxid_ = 0;
  int64_t last_zxid_ = 0;
  const char* last_op_ = "NA";
  int64_t established_ms_ = 0;   // wall clock
  int64_t last_response_ms_ = 0;
  int64_t last_latency_ = 0;
  int64_t min_latency_ = -1;
  int64_t max_latency_ = 0;
  int64_t total_latency_ = 0;
  uint64_t latency_count_ = 0;
};

class ZkServer {
 public:
  explicit ZkServer(ServerConfig config);
  ~ZkServer();

  // Recovers the database, binds the client port and starts the log thread.
  util::Status Start();
  // Runs the io loop until Stop() or SIGTERM/SIGINT.
  void Run();
  // Graceful stop (from any thread).
  void Stop();

  // Ensemble read-only mode (readonlymode.enabled, while there is no quorum):
  // canBeReadOnly clients get sessions that are local to this server (as
  // Apache's ReadOnlyZooKeeperServer), reads are served from the local tree,
  // writes answer NOTREADONLY. Turning it off closes every read-only
  // connection, so those clients go and find a read-write server.
  void SetReadOnly(bool on);
  bool read_only() const { return read_only_mode_; }

  // Ensemble mode; must be called before Start().
  void SetQuorum(std::unique_ptr<QuorumHooks> q) { quorum_ = std::move(q); }

  int bound_port() const { return bound_port_; }
  boost::asio::io_context& io() { return io_; }
  const DataTree& tree() const { return tree_; }

 private:
  friend class Connection;
  friend class quorum::QuorumPeer;

  // --- server.cc: lifecycle, accept, sessions, durability.
  util::Status Recover();
  void Accept();
  void OnTick();
  void ScheduleTick();
  void OnDurable(int64_t zxid);
  void OnConnectionClosed(Connection* c);
  int64_t NowMs() const;       // wall clock, for txn times
  int64_t MonoMs() const;      // monotonic, for expiry
  int64_t NextSessionId();
  void ExpireSession(int64_t session_id);
  void ReapContainers();
  // Assigns the next zxid, logs and applies `txn`; dispatches fired watches.
  void Commit(Txn& txn, std::vector<DataTree::OpResult>* results);
  void DispatchEvents(const std::vector<WatchEvent>& events, int64_t zxid);
  void Send(Connection& c, std::string frame, int64_t zxid);
  void MaybeSnapshot();
  // Hands the records committed during this io turn to the log thread at once.
  void FlushToLog();

  // --- requests.cc: frame handling.
  // Returns false to close the connection (malformed / hostile input).
  bool HandleFrame(Connection& c, std::string_view frame);
  bool HandleConnect(Connection& c, std::string_view frame);
  bool HandleRequest(Connection& c, std::string_view frame);
  // A read-only session's write: answered NOTREADONLY (closeSession ends the
  // local session). Returns false for anything else.
  bool HandleReadOnlyWrite(Connection& c, int32_t xid, int32_t type);
  // Returns false if the body does not decode.
  bool HandleOp(Connection& c, int32_t xid, int32_t type, zk::jute::Reader& r);
  static constexpr size_t kReplyHeaderBytes = 20;
  static constexpr size_t kRecoveredRecords = 10000;  // as the peer's DIFF history  // length + xid + zxid + err
  static zk::jute::Writer BeginBody();
  // Sends a reply; `body` (from BeginBody) is used only when err is ZOK.
  void Reply(Connection& c, int32_t xid, int64_t zxid, int32_t err, zk::jute::Writer* body,
             int64_t required_zxid);

  // --- four_letter.cc.
  // If `word` is a known four-letter command, answers it and returns true.
  bool HandleFourLetter(Connection& c, std::string_view word);
  std::string FourLetterOutput(const std::string& cmd, const Connection& self);
  std::string ConnectionLine(const Connection& c) const;

  ServerConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<QuorumHooks> quorum_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer accept_backoff_;
  std::unique_ptr<SyncProcessor> sync_;
  int bound_port_ = 0;
  bool stopping_ = false;
  std::string log_dir_;   // dataLogDir/version-2
  std::string snap_dir_;  // dataDir/version-2

  DataTree tree_;
  int64_t durable_zxid_ = 0;
  // Ensemble leader: zxids it assigns start above newEpoch << 32. Kept apart
  // from the tree's last zxid so replies and reads carry the last committed
  // zxid, not a marker no COMMIT will ever reach.
  int64_t zxid_floor_ = 0;
  bool read_only_mode_ = false;
  // Ensemble: the log records replayed at start (after the snapshot at
  // recovered_base_), so the peer can sync followers by DIFF/TRUNC right
  // after a restart. Handed over (moved) in QuorumPeer::Start.
  std::deque<std::pair<int64_t, std::string>> recovered_records_;
  int64_t recovered_base_ = 0;
  std::unordered_map<int64_t, std::string> ro_sessions_;  // local session -> password
  std::string pending_records_;  // committed this turn, not yet given to the log thread
  int64_t pending_first_zxid_ = 0;
  int64_t pending_last_zxid_ = 0;
  bool flush_posted_ = false;
  int64_t txns_since_snapshot_ = 0;
  int64_t last_container_check_ = 0;
  int64_t last_purge_ = -1;
  ExpiryQueue<int64_t> expiry_;
  std::unordered_map<int64_t, Connection*> session_owner_;  // session -> live connection
  std::unordered_map<int64_t, int32_t> session_timeout_;    // negotiated timeouts
  int64_t next_session_id_ = 0;
  std::mt19937_64 rng_;

  uint64_t next_conn_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> conns_;
  std::unordered_map<std::string, int> conns_per_ip_;
  std::unordered_set<Connection*> held_conns_;
  // Bytes of partial requests buffered over all connections. Past the budget a
  // connection holding a large partial frame is closed, so many half-sent big
  // frames cannot grow memory without bound.
  size_t input_bytes_ = 0;

  std::chrono::steady_clock::time_point start_time_;
  // Stats.
  uint64_t packets_received_ = 0;
  uint64_t packets_sent_ = 0;
  int64_t min_latency_ = -1;
  int64_t max_latency_ = 0;
  int64_t total_latency_ = 0;
  uint64_t latency_count_ = 0;
  uint64_t auth_failed_ = 0;
  uint64_t rejected_connections_ = 0;

  friend std::string FormatJavaDouble(double v);
};

}  // namespace zkserver
