#include "common/net/framed_server.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <exception>
#include <string_view>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common/util/logging.h"

namespace kafka::net {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

spdlog::logger& Log() {
  static const std::shared_ptr<spdlog::logger> logger = util::logging::Get("net");
  return *logger;
}

// Read chunk size; pipelined small requests arrive several per read.
constexpr size_t kReadChunk = 64 * 1024;
// A frame's buffer grows with the bytes that actually arrive, so a client that claims
// a large (but allowed) size and sends little costs little memory.
constexpr size_t kInitialFrameReserve = 64 * 1024;

bool IsExpected(const boost::system::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor;
}

// Completion handler for co_spawn: logs what escaped the coroutine (never `detached`,
// which would swallow it).
struct LogException {
  const char* what;
  void operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      Log().warn("[{}] coroutine ended with exception: {}", what, ex.what());
    } catch (...) {
      Log().warn("[{}] coroutine ended with unknown exception", what);
    }
  }
};

}  // namespace

// One client connection: the read loop (a coroutine), the ordered response queue, the
// writer (one async_write at a time) and the watchdog timer (idle and frame deadlines).
// Owned by the server's registry while open, and by coroutines and Responders while
// they reference it.
class Connection : public ConnectionContext, public std::enable_shared_from_this<Connection> {
 public:
  Connection(FramedServer* server, tcp::socket socket, uint64_t id, const std::string& listener,
             const tcp::endpoint& peer)
      : server_(server),
        options_(server->options_),
        socket_(std::move(socket)),
        watchdog_(socket_.get_executor()),
        resume_(socket_.get_executor()),
        in_(kReadChunk) {
    id_ = id;
    peer_address_ = peer.address();
    peer_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    listener_ = listener;
    boost::system::error_code ec;
    local_port_ = socket_.local_endpoint(ec).port();
    executor_ = socket_.get_executor();
    last_activity_ = Clock::now();
  }

  void Start() {
    ArmWatchdog();
    auto self = shared_from_this();
    asio::co_spawn(executor_, ReadLoop(), [self](std::exception_ptr e) {
      LogException{"read loop"}(e);
      self->Close("read loop ended");
    });
  }

  // Idempotent. Pending and later responses are dropped.
  void Close(std::string_view reason) {
    if (!open_) return;
    auto self = shared_from_this();  // the registry may hold the last reference
    open_ = false;
    Log().debug("[{}] closing connection {}: {}", peer_, id_, reason);
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    watchdog_.cancel();
    resume_.cancel();
    if (server_ != nullptr) {
      server_->Forget(this);
      server_ = nullptr;
    }
  }

  void Complete(uint64_t sequence, Reply reply, bool dropped) {
    if (!open_ || slots_.empty() || sequence < slots_.front().sequence) return;
    size_t index = sequence - slots_.front().sequence;
    if (index >= slots_.size()) return;
    Slot& slot = slots_[index];
    if (slot.ready) return;
    if (dropped) {
      Log().warn("[{}] request dropped by its handler without a reply; closing", peer_);
    }
    slot.ready = true;
    slot.reply = std::move(reply);
    if (slot.reply.kind == Reply::Kind::kSend) {
      uint32_t size = static_cast<uint32_t>(slot.reply.body.size());
      slot.prefix = {static_cast<unsigned char>(size >> 24), static_cast<unsigned char>(size >> 16),
                     static_cast<unsigned char>(size >> 8), static_cast<unsigned char>(size)};
      output_bytes_ += slot.reply.body.size() + 4;
    } else if (slot.reply.kind == Reply::Kind::kClose) {
      closing_ = true;  // read nothing more; close when this slot's turn comes
    }
    last_activity_ = Clock::now();
    Flush();
  }

 private:
  struct Slot {
    uint64_t sequence = 0;
    bool ready = false;
    Reply reply;
    std::array<unsigned char, 4> prefix{};
  };

  size_t Buffered() const { return in_end_ - in_begin_; }

  bool ShouldPause() const {
    return slots_.size() >= options_.max_in_flight || output_bytes_ >= options_.max_output_bytes;
  }

  // Reads whatever is available into the input buffer. False when the connection ended.
  asio::awaitable<bool> ReadMore() {
    if (in_begin_ > 0) {
      std::memmove(in_.data(), in_.data() + in_begin_, Buffered());
      in_end_ -= in_begin_;
      in_begin_ = 0;
    }
    boost::system::error_code ec;
    auto target = asio::buffer(in_.data() + in_end_, in_.size() - in_end_);
    size_t n = co_await socket_.async_read_some(target, asio::redirect_error(asio::use_awaitable, ec));
    if (!open_) co_return false;
    if (ec) {
      if (ec == asio::error::eof) {
        Close(partial_ ? "peer closed in the middle of a frame" : "peer closed");
      } else if (IsExpected(ec)) {
        Close(ec.message());
      } else {
        Log().debug("[{}] read error: {}", peer_, ec.message());
        Close(ec.message());
      }
      co_return false;
    }
    in_end_ += n;
    last_activity_ = Clock::now();
    if (!partial_) StartFrame();
    co_return true;
  }

  // The first bytes of a frame are here: its read deadline starts now.
  void StartFrame() {
    partial_ = true;
    frame_started_ = Clock::now();
    if (frame_started_ + options_.frame_read_timeout < watchdog_.expiry()) ArmWatchdog();
  }

  asio::awaitable<void> ReadLoop() {
    for (;;) {
      while (open_ && !closing_ && ShouldPause()) {
        paused_ = true;
        resume_.expires_at(Clock::time_point::max());
        boost::system::error_code ec;
        co_await resume_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      paused_ = false;
      if (!open_ || closing_) co_return;
      if (Buffered() > 0) StartFrame();  // resumed with part of the next frame buffered

      while (Buffered() < 4) {
        if (!co_await ReadMore()) co_return;
      }
      const unsigned char* p = reinterpret_cast<const unsigned char*>(in_.data() + in_begin_);
      int32_t size = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                          (uint32_t{p[2]} << 8) | uint32_t{p[3]});
      in_begin_ += 4;
      if (size < 0 || size > options_.max_frame_bytes) {
        Log().warn("[{}] closing: invalid frame size {} (max {})", peer_, size,
                   options_.max_frame_bytes);
        Close("invalid frame size");
        co_return;
      }
      std::string frame;
      frame.reserve(std::min<size_t>(static_cast<size_t>(size), kInitialFrameReserve));
      while (frame.size() < static_cast<size_t>(size)) {
        if (Buffered() == 0 && !co_await ReadMore()) co_return;
        size_t take = std::min(Buffered(), static_cast<size_t>(size) - frame.size());
        if (frame.size() + take > frame.capacity()) {  // grow, but never past the frame size
          frame.reserve(std::min(static_cast<size_t>(size), std::max(frame.size() + take, 2 * frame.capacity())));
        }
        frame.append(in_.data() + in_begin_, take);
        in_begin_ += take;
      }
      partial_ = false;
      if (Buffered() > 0) StartFrame();
      if (closing_) co_return;
      Dispatch(std::move(frame));
    }
  }

  void Dispatch(std::string frame) {
    uint64_t sequence = next_sequence_++;
    Slot slot;
    slot.sequence = sequence;
    slots_.push_back(std::move(slot));
    if (server_ == nullptr) return;
    try {
      server_->handler_(*this, std::move(frame), Responder(shared_from_this(), sequence));
    } catch (const std::exception& e) {
      Log().warn("[{}] handler threw: {}; closing", peer_, e.what());
      Close("handler threw");
    } catch (...) {
      Log().warn("[{}] handler threw; closing", peer_);
      Close("handler threw");
    }
  }

  // Writes the ready responses at the head of the queue, in order, in one gather write.
  void Flush() {
    if (!open_ || writing_) return;
    bool popped = false;
    while (!slots_.empty() && slots_.front().ready &&
           slots_.front().reply.kind == Reply::Kind::kNoResponse) {
      slots_.pop_front();
      popped = true;
    }
    if (!slots_.empty() && slots_.front().ready &&
        slots_.front().reply.kind == Reply::Kind::kClose) {
      Close("handler asked to close");
      return;
    }
    write_buffers_.clear();
    write_count_ = 0;
    for (const Slot& slot : slots_) {
      if (!slot.ready || slot.reply.kind == Reply::Kind::kClose) break;
      if (slot.reply.kind == Reply::Kind::kSend) {
        write_buffers_.push_back(asio::buffer(slot.prefix));
        write_buffers_.push_back(asio::buffer(slot.reply.body));
      }
      ++write_count_;
    }
    if (!write_buffers_.empty()) {
      writing_ = true;
      auto self = shared_from_this();
      asio::async_write(socket_, write_buffers_,
                        [self](const boost::system::error_code& ec, size_t) { self->OnWritten(ec); });
    }
    if (popped) Resume();
  }

  void OnWritten(const boost::system::error_code& ec) {
    writing_ = false;
    if (!open_) return;
    if (ec) {
      if (!IsExpected(ec)) Log().debug("[{}] write error: {}", peer_, ec.message());
      Close(ec.message());
      return;
    }
    for (size_t i = 0; i < write_count_; ++i) {
      if (slots_.front().reply.kind == Reply::Kind::kSend) {
        output_bytes_ -= slots_.front().reply.body.size() + 4;
      }
      slots_.pop_front();
    }
    write_count_ = 0;
    last_activity_ = Clock::now();
    Flush();
    Resume();
  }

  void Resume() {
    if (paused_ && !ShouldPause()) resume_.cancel();
  }

  Clock::time_point Deadline() const {
    Clock::time_point deadline = last_activity_ + options_.idle_timeout;
    if (partial_ && !paused_) deadline = std::min(deadline, frame_started_ + options_.frame_read_timeout);
    return deadline;
  }

  // One wait outstanding; a deadline that moves later is picked up when the timer fires.
  // The timer never sleeps longer than frame_read_timeout, so a frame that starts later
  // never needs to re-arm it (no timer churn per request on a busy connection).
  void ArmWatchdog() {
    watchdog_.expires_at(std::min(Deadline(), Clock::now() + options_.frame_read_timeout));
    auto self = shared_from_this();
    watchdog_.async_wait([self](const boost::system::error_code& ec) { self->OnWatchdog(ec); });
  }

  void OnWatchdog(const boost::system::error_code& ec) {
    if (!open_ || ec == asio::error::operation_aborted) return;
    Clock::time_point now = Clock::now();
    if (now < Deadline()) {
      ArmWatchdog();
      return;
    }
    if (partial_ && !paused_ && now >= frame_started_ + options_.frame_read_timeout) {
      Log().warn("[{}] closing: frame not complete within {} ms", peer_,
                 options_.frame_read_timeout.count());
      Close("frame read timeout");
    } else {
      Log().debug("[{}] closing idle connection after {} ms", peer_, options_.idle_timeout.count());
      Close("idle");
    }
  }

  FramedServer* server_;  // null once closed
  const ServerOptions options_;
  tcp::socket socket_;
  asio::steady_timer watchdog_;
  asio::steady_timer resume_;  // cancelled to wake a paused read loop

  std::vector<char> in_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  bool partial_ = false;  // some bytes of the next frame have arrived
  bool paused_ = false;   // the read loop waits for the queue to drain
  bool closing_ = false;  // a handler asked to close; read no more
  Clock::time_point frame_started_;
  Clock::time_point last_activity_;

  std::deque<Slot> slots_;  // front: oldest request not yet answered (references stay valid)
  uint64_t next_sequence_ = 0;
  size_t output_bytes_ = 0;
  bool writing_ = false;
  size_t write_count_ = 0;  // slots covered by the write in progress
  std::vector<asio::const_buffer> write_buffers_;
};

// --- Responder ---

Responder::Responder(std::shared_ptr<Connection> connection, uint64_t sequence)
    : connection_(std::move(connection)), sequence_(sequence) {}

Responder::Responder(Responder&& other) noexcept
    : connection_(std::move(other.connection_)), sequence_(other.sequence_) {
  other.connection_.reset();
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (connection_) connection_->Complete(sequence_, Reply::Close(), /*dropped=*/true);
    connection_ = std::move(other.connection_);
    sequence_ = other.sequence_;
    other.connection_.reset();
  }
  return *this;
}

Responder::~Responder() {
  if (connection_) connection_->Complete(sequence_, Reply::Close(), /*dropped=*/true);
}

void Responder::Complete(Reply reply) {
  if (!connection_) return;
  std::shared_ptr<Connection> connection = std::move(connection_);
  connection_.reset();
  connection->Complete(sequence_, std::move(reply), /*dropped=*/false);
}

bool Responder::connection_open() const { return connection_ && connection_->is_open(); }

// --- MakeHandler ---

namespace {

asio::awaitable<void> RunAsync(std::shared_ptr<const AsyncHandler> handler, ConnectionContext& ctx,
                               std::string frame, Responder responder) {
  Reply reply = co_await (*handler)(ctx, std::move(frame));
  responder.Complete(std::move(reply));
}

}  // namespace

Handler MakeHandler(AsyncHandler handler) {
  auto shared = std::make_shared<const AsyncHandler>(std::move(handler));
  return [shared](ConnectionContext& ctx, std::string frame, Responder responder) {
    asio::co_spawn(ctx.executor(), RunAsync(shared, ctx, std::move(frame), std::move(responder)),
                   LogException{"request"});
  };
}

// --- FramedServer ---

FramedServer::FramedServer(asio::io_context& io, ServerOptions options, Handler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.max_in_flight == 0) options_.max_in_flight = 1;
}

FramedServer::~FramedServer() { DoStop(); }

namespace {

util::Result<tcp::endpoint> ResolveListen(asio::io_context& io, const ListenEndpoint& ep,
                                          bool dual_stack) {
  if (ep.host.empty()) {
    return dual_stack ? tcp::endpoint(tcp::v6(), ep.port) : tcp::endpoint(tcp::v4(), ep.port);
  }
  boost::system::error_code ec;
  std::string host = ep.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, ep.port);
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(ep.port), ec);
  if (ec || results.empty()) {
    return util::Status::IOError("cannot resolve listener host '" + ep.host +
                                 "': " + (ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint();
}

}  // namespace

util::Status FramedServer::Start() {
  for (const ListenEndpoint& ep : options_.endpoints) {
    std::string where = ep.host + ":" + std::to_string(ep.port);
    std::unique_ptr<tcp::acceptor> acceptor;
    boost::system::error_code ec;
    // An empty host binds all interfaces: IPv6 dual-stack where available, else IPv4.
    for (bool dual_stack : {true, false}) {
      if (!dual_stack && !ep.host.empty()) break;
      auto endpoint = ResolveListen(io_, ep, dual_stack && ep.host.empty());
      if (!endpoint.ok()) {
        DoStop();
        return endpoint.status();
      }
      acceptor = std::make_unique<tcp::acceptor>(io_);
      ec.clear();
      acceptor->open(endpoint->protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec && endpoint->protocol() == tcp::v6() && ep.host.empty()) {
        acceptor->set_option(asio::ip::v6_only(false), ec);
      }
      if (!ec) acceptor->bind(*endpoint, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (!ec) break;
      boost::system::error_code ignored;
      acceptor->close(ignored);
    }
    if (ec) {
      DoStop();
      return util::Status::IOError("cannot listen on " + where + ": " + ec.message());
    }
    bound_ports_.push_back(acceptor->local_endpoint(ec).port());
    Log().info("listening on {}://{}:{}", ep.name, ep.host, bound_ports_.back());
    acceptors_.push_back(std::move(acceptor));
  }
  stopped_ = false;
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    asio::co_spawn(io_, AcceptLoop(i), LogException{"accept loop"});
  }
  return util::Status::OK();
}

asio::awaitable<void> FramedServer::AcceptLoop(size_t index) {
  tcp::acceptor& acceptor = *acceptors_[index];
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_ || !acceptor.is_open()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Typically EMFILE: back off instead of spinning.
      Log().warn("accept failed on port {}: {}", bound_ports_[index], ec.message());
      asio::steady_timer backoff(io_, std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped_) co_return;
      continue;
    }
    Admit(std::move(socket), index);
  }
}

void FramedServer::Admit(tcp::socket socket, size_t index) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string peer_text = peer.address().to_string() + ":" + std::to_string(peer.port());
  if (connections_.size() >= options_.max_connections) {
    LogRefusal(peer_text, "max.connections", connections_.size());
    socket.close(ec);
    return;
  }
  size_t& from_ip = per_ip_[peer.address()];
  if (from_ip >= options_.max_connections_per_ip) {
    LogRefusal(peer_text, "max.connections.per.ip", from_ip);
    if (from_ip == 0) per_ip_.erase(peer.address());
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (options_.send_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::send_buffer_size(options_.send_buffer_bytes), ec);
  }
  if (options_.receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(options_.receive_buffer_bytes), ec);
  }
  ++from_ip;
  auto connection = std::make_shared<Connection>(this, std::move(socket), next_connection_id_++,
                                                 options_.endpoints[index].name, peer);
  connections_.emplace(connection.get(), connection);
  Log().debug("[{}] accepted connection {} on {}", peer_text, connection->id(),
              options_.endpoints[index].name);
  connection->Start();
}

// At most one warning per second, so a connection flood does not flood the log too.
void FramedServer::LogRefusal(const std::string& peer, const char* limit, size_t count) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < std::chrono::seconds(1)) {
    ++refusals_not_logged_;
    return;
  }
  last_refusal_log_ = now;
  if (refusals_not_logged_ > 0) {
    Log().warn("[{}] refusing connection: {} connections, limit {} reached ({} more refused since)",
               peer, count, limit, refusals_not_logged_);
  } else {
    Log().warn("[{}] refusing connection: {} connections, limit {} reached", peer, count, limit);
  }
  refusals_not_logged_ = 0;
}

void FramedServer::Forget(Connection* connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  std::shared_ptr<Connection> keep = std::move(it->second);
  connections_.erase(it);
  auto ip = per_ip_.find(connection->peer_address());
  if (ip != per_ip_.end() && --ip->second == 0) per_ip_.erase(ip);
  if (on_close_) {
    try {
      on_close_(*connection);
    } catch (const std::exception& e) {
      Log().warn("[{}] close handler threw: {}", connection->peer(), e.what());
    }
  }
}

void FramedServer::Stop() {
  asio::dispatch(io_, [this] { DoStop(); });
}

void FramedServer::DoStop() {
  if (stopped_ && acceptors_.empty() && connections_.empty()) return;
  stopped_ = true;
  for (auto& acceptor : acceptors_) {
    boost::system::error_code ec;
    acceptor->close(ec);
  }
  std::vector<std::shared_ptr<Connection>> open;
  for (auto& [ptr, connection] : connections_) open.push_back(connection);
  for (auto& connection : open) connection->Close("server stopping");
  connections_.clear();
  per_ip_.clear();
}

}  // namespace kafka::net
