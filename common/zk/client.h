// Asynchronous ZooKeeper client on Boost.Asio, and a blocking facade for tools.
//
// zk::Client speaks the ZooKeeper client protocol (records in common/zk/proto.h) to
// a server or ensemble given as a connect string "host1:2181,host2:2181/chroot".
// It works like Apache ZooKeeper's Java client:
//  - hosts are tried in random order; a session is created with the requested
//    timeout and the server's negotiated timeout is used from then on;
//  - a ping goes out after timeout/3 without traffic; a connection that hears
//    nothing for 2/3 of the timeout is dropped;
//  - after a dropped connection it reconnects (to the next host, with backoff
//    after each full round of failures) and re-attaches the same session (id and
//    password), then re-arms the watches with SetWatches and re-sends auth;
//  - the server reporting the session as expired ends the client: every request
//    fails with SessionExpired, watchers get a (None, Expired) event and the state
//    listener sees KeeperState::kExpired; the owner makes a new Client;
//  - requests in flight when a connection drops fail with ConnectionLoss;
//    requests made while disconnected wait for the next connection; a request not
//    answered within request_timeout fails with OperationTimeout;
//  - watches are one-shot, set per call by passing a Watcher.
//
// Threading: every public method may be called from any thread; the work is
// posted to a strand of the io_context, and every callback, watcher and state
// notification runs on that strand, in protocol order. The Client stays alive
// while it has pending work; call Close() before dropping it (SyncClient does).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/util/status.h"
#include "common/zk/proto.h"

namespace zk {

struct HostPort {
  std::string host;
  uint16_t port = 2181;
};

// "h1:2181,h2,[::1]:2182/chroot" -> hosts (port 2181 when omitted) and chroot
// ("" for none or "/"). Fails on an empty host list, a bad port or an invalid chroot.
struct ConnectString {
  std::vector<HostPort> hosts;
  std::string chroot;
};
util::Result<ConnectString> ParseConnectString(std::string_view s);

struct ClientOptions {
  std::string connect_string;
  std::chrono::milliseconds session_timeout{10000};
  // Bound on every request, from submission to reply (0: the session timeout).
  std::chrono::milliseconds request_timeout{0};
  bool randomize_hosts = true;
  // Largest reply frame accepted; bigger ones drop the connection.
  int32_t max_frame_bytes = 64 << 20;
};

struct WatchedEvent {
  int32_t type = 0;   // EventType
  int32_t state = 0;  // KeeperState
  std::string path;   // relative to the chroot
};
using Watcher = std::function<void(const WatchedEvent&)>;

// Session state changes: kSyncConnected, kDisconnected, kExpired, kAuthFailed, kClosed.
using StateListener = std::function<void(KeeperState)>;

// The outcome of one request: a ZooKeeper error code (0 = ZOK) and, on success,
// the value.
template <typename T>
struct Reply {
  int32_t err = 0;
  T value{};
  bool ok() const { return err == 0; }
  ErrorCode code() const { return static_cast<ErrorCode>(err); }
  // util::Result view for callers that only care about success; see ToStatus().
  util::Result<T> ToResult(std::string_view path = {}) &&;
};

// Maps a ZooKeeper error to a util::Status (NoNode -> NotFound, NodeExists ->
// AlreadyExists, timeouts -> Timeout, ConnectionLoss/SessionExpired/Closing ->
// Unavailable, BadArguments/InvalidACL -> InvalidArgument, BadVersion/NotEmpty ->
// Aborted, else Internal) with KeeperErrorMessage() as the message.
util::Status ToStatus(int32_t err, std::string_view path = {});

template <typename T>
util::Result<T> Reply<T>::ToResult(std::string_view path) && {
  if (err != 0) return ToStatus(err, path);
  return std::move(value);
}

template <typename T>
using Callback = std::function<void(Reply<T>)>;

struct Empty {};
struct CreateResult {
  std::string path;  // the actual path (with the sequence suffix), chroot removed
  Stat stat;
};
struct DataResult {
  std::string data;      // null data reads as empty...
  bool is_null = false;  // ...and sets this (zkCli prints "null")
  Stat stat;
};
struct ChildrenResult {
  std::vector<std::string> children;  // names, unsorted (as the server sends them)
  Stat stat;
};
struct AclResult {
  AclList acl;
  Stat stat;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  // Fails on a bad connect string.
  static util::Result<std::shared_ptr<Client>> Create(boost::asio::io_context& io,
                                                      ClientOptions options);
  ~Client();

  // Called on every session state change (on the client's strand). Set before Start().
  void SetStateListener(StateListener listener);
  // Starts connecting; requests may be issued right away and wait for the session.
  void Start();
  // Closes the session (closeSession, bounded wait) and the connection; pending
  // requests fail with kClosing. `done` runs on the strand when finished. With
  // end_session false only the connection is closed and the server keeps the
  // session (and its ephemerals) until it times out, as zkCli's one-shot mode does.
  void Close(std::function<void()> done = {}, bool end_session = true);

  // Create with any mode. Sequential modes return the generated name. TTL modes
  // need ttl_ms > 0. Uses create2 (or createContainer / createTTL).
  // data nullopt is stored as null (zkCli `create /p` without data).
  void Create(std::string path, std::optional<std::string> data, CreateMode mode,
              Callback<CreateResult> cb, AclList acl = OpenAclUnsafe(), int64_t ttl_ms = 0);
  // Shorthands for the common modes (open ACL).
  void CreateEphemeral(std::string path, std::string data, Callback<CreateResult> cb) {
    Create(std::move(path), std::move(data), CreateMode::kEphemeral, std::move(cb));
  }
  // `prefix` gets the parent's 10-digit sequence number appended.
  void CreateSequential(std::string prefix, std::string data, bool ephemeral,
                        Callback<CreateResult> cb) {
    Create(std::move(prefix), std::move(data),
           ephemeral ? CreateMode::kEphemeralSequential : CreateMode::kPersistentSequential,
           std::move(cb));
  }
  void Delete(std::string path, int32_t version, Callback<Empty> cb);
  // err is NoNode when the node is absent; a watcher is then armed for its creation.
  void Exists(std::string path, Watcher watcher, Callback<Stat> cb);
  void GetData(std::string path, Watcher watcher, Callback<DataResult> cb);
  void SetData(std::string path, std::string data, int32_t version, Callback<Stat> cb);
  // getChildren2: names plus the parent's Stat.
  void GetChildren(std::string path, Watcher watcher, Callback<ChildrenResult> cb);
  void GetAcl(std::string path, Callback<AclResult> cb);
  void SetAcl(std::string path, AclList acl, int32_t version, Callback<Stat> cb);
  // Returns the synced path.
  void Sync(std::string path, Callback<std::string> cb);
  // All-or-nothing. On failure err is the first failing op's error and value still
  // holds the per-op results (ZOK before it, RuntimeInconsistency after it).
  // Only getChildren/getData ops: sent as multiRead, each result stands alone
  // (failed reads are error results; err stays ZOK).
  void Multi(std::vector<MultiOp> ops, Callback<std::vector<MultiResult>> cb);
  // addAuth ("digest", "user:password"); remembered and re-sent on reconnect.
  void AddAuth(std::string scheme, std::string auth, Callback<Empty> cb);

  // The current session (0 before the first connection) and its negotiated
  // timeout. Safe to read from any thread.
  int64_t session_id() const { return session_id_.load(); }
  std::chrono::milliseconds negotiated_timeout() const {
    return std::chrono::milliseconds(negotiated_ms_.load());
  }
  const std::string& chroot() const { return chroot_; }

 private:
  enum class State { kIdle, kConnecting, kHandshake, kConnected, kClosing, kClosed, kExpired,
                     kAuthFailed };
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  using Clock = std::chrono::steady_clock;
  // Completion for a sent request: body is null on a local failure.
  using Handler = std::function<void(int32_t err, jute::Reader* body)>;

  struct Request {
    int32_t xid = 0;
    std::string frame;
    Handler handler;  // emptied once completed
    Clock::time_point deadline;
  };
  enum class WatchKind { kData, kExist, kChild };

  Client(boost::asio::io_context& io, ClientOptions options, ConnectString cs);

  // All below run on the strand.
  void Submit(OpCode op, std::string body, Handler handler);
  template <typename Rec>
  void SubmitRecord(OpCode op, const Rec& rec, Handler handler);
  void StartConnect();
  void OnConnected(uint64_t gen);
  void ReadHeader(uint64_t gen);
  void ReadBody(uint64_t gen, uint32_t len);
  void OnFrame(std::string_view frame);
  void OnHandshake(std::string_view frame);
  void OnEvent(const WatcherEvent& ev);
  void Flush();
  void SendSpecial(std::string frame);
  void SendSessionSetup();
  void DropConnection(const char* why);
  void ScheduleReconnect();
  void Tick();
  void Terminate(State state, int32_t err, KeeperState notify);
  void FailAll(int32_t err, bool include_unsent);
  void Notify(KeeperState s);
  void AddWatch(WatchKind kind, const std::string& path, Watcher w);
  int32_t TerminalError() const;

  std::string ServerPath(std::string_view path) const;
  std::string ClientPath(std::string_view server_path) const;

  boost::asio::io_context& io_;
  Strand strand_;
  ClientOptions options_;
  std::vector<HostPort> hosts_;
  std::string chroot_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer attempt_timer_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer close_timer_;

  State state_ = State::kIdle;
  uint64_t gen_ = 0;  // bumps on every connection attempt; stale handlers compare it
  size_t next_host_ = 0;
  int failed_attempts_ = 0;
  std::atomic<int64_t> session_id_{0};
  std::string passwd_;
  std::atomic<int64_t> negotiated_ms_{0};
  int64_t last_zxid_ = 0;
  int32_t next_xid_ = 1;
  bool tick_running_ = false;

  std::deque<Request> outgoing_;  // not yet handed to the socket
  std::deque<Request> pending_;   // written, waiting for the reply (xid order)
  std::string special_out_;       // pings, SetWatches, auth: sent before requests
  std::string write_buf_;
  bool writing_ = false;
  Clock::time_point last_send_;
  Clock::time_point last_recv_;

  char len_buf_[4] = {};
  std::string in_buf_;

  std::vector<std::pair<std::string, std::string>> auth_infos_;
  std::deque<Callback<Empty>> auth_waiters_;     // one per auth frame sent, in order
  std::vector<Callback<Empty>> deferred_auth_cbs_;  // AddAuth while disconnected
  std::unordered_map<std::string, std::vector<Watcher>> data_watches_;
  std::unordered_map<std::string, std::vector<Watcher>> exist_watches_;
  std::unordered_map<std::string, std::vector<Watcher>> child_watches_;
  StateListener state_listener_;
  std::vector<std::function<void()>> close_waiters_;
};

// Blocking facade for tools and tests: owns an io_context and its thread.
// Every call waits at most the request timeout (plus a little) and returns
// kOperationTimeout beyond that.
class SyncClient {
 public:
  explicit SyncClient(ClientOptions options);
  ~SyncClient();  // closes the session
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Connects and waits up to `timeout` for the session. Errors: BadArguments
  // (connect string), ConnectionLoss (no server answered in time),
  // SessionExpired, AuthFailed.
  Reply<Empty> Connect(std::chrono::milliseconds timeout);
  // See Client::Close() for end_session.
  void Close(bool end_session = true);
  // Also told about every state change (on the client's thread). Set before Connect().
  void SetStateListener(StateListener listener) { extra_listener_ = std::move(listener); }

  Reply<CreateResult> Create(const std::string& path, const std::optional<std::string>& data,
                             CreateMode mode = CreateMode::kPersistent,
                             const AclList& acl = OpenAclUnsafe(), int64_t ttl_ms = 0);
  Reply<CreateResult> CreateEphemeral(const std::string& path, const std::string& data) {
    return Create(path, data, CreateMode::kEphemeral);
  }
  Reply<CreateResult> CreateSequential(const std::string& prefix, const std::string& data,
                                       bool ephemeral = false) {
    return Create(prefix, data,
                  ephemeral ? CreateMode::kEphemeralSequential : CreateMode::kPersistentSequential);
  }
  Reply<Empty> Delete(const std::string& path, int32_t version = -1);
  // ok with nullopt when the node does not exist.
  Reply<std::optional<Stat>> Exists(const std::string& path, Watcher watcher = {});
  Reply<DataResult> GetData(const std::string& path, Watcher watcher = {});
  Reply<Stat> SetData(const std::string& path, const std::string& data, int32_t version = -1);
  Reply<ChildrenResult> GetChildren(const std::string& path, Watcher watcher = {});
  Reply<AclResult> GetAcl(const std::string& path);
  Reply<Stat> SetAcl(const std::string& path, const AclList& acl, int32_t version = -1);
  Reply<std::string> Sync(const std::string& path);
  Reply<std::vector<MultiResult>> Multi(const std::vector<MultiOp>& ops);
  Reply<Empty> AddAuth(const std::string& scheme, const std::string& auth);

  // Deletes `path` and everything below it (children first), like zkCli deleteall.
  Reply<Empty> DeleteAll(const std::string& path);

  // Latest session state seen (kUnknown before Connect).
  KeeperState state() const;
  Client* client() { return client_.get(); }

 private:
  template <typename T, typename Issue>
  Reply<T> Call(Issue issue);

  ClientOptions options_;
  std::chrono::milliseconds wait_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::shared_ptr<Client> client_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  KeeperState state_ = KeeperState::kUnknown;
  StateListener extra_listener_;
};

}  // namespace zk
