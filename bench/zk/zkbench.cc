// zkbench: a ZooKeeper load generator on the official async C client
// (libzookeeper_mt), used to compare our zookeeper-server with Apache
// ZooKeeper 3.8 under exactly the same client and workload.
//
// Load mode runs these phases in order (see /work/shared/ZOOKEEPER.md):
// warm-up, create, get_data, set_data, exists, get_children, delete,
// sess_cycle (+ sess_connect / eph_create / sess_close), watch_rtt.
// Requests go round-robin over K sessions with at most `cap` outstanding in
// total; latency is submit -> completion callback. Each phase is bounded by
// its op count and a 60 s limit. With --server-pid each phase also reports
// the server's and zkbench's own CPU time per op. Output: one JSON object
// per phase on stdout (lines starting with '{'), then a human-readable table.
//
// --wait-ready mode measures the time until the first successful
// exists("/") on a new session: it polls TCP (every --poll-us, default 1 ms),
// then tries sessions in windows of 300 ms. It prints the epoch ns of that
// reply, and the ms since --since (epoch ns) or since its own start. Start it
// before the server so that its own start-up is not counted.

#include <arpa/inet.h>
#include <dirent.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kSessionTimeoutMs = 10000;  // what the reference runs asked for
constexpr int kDataSize = 100;
constexpr int kChildren = 1000;
constexpr int64_t kPhaseLimitNs = 60'000'000'000;  // per phase
constexpr int64_t kGraceNs = 10'000'000'000;       // drain after the limit
constexpr int64_t kConnectTimeoutNs = 10'000'000'000;

// --resolve-every-poll: keep the C client's default host re-resolution.
bool g_resolve_every_poll = false;
// --server-pid: whose CPU time to report per phase (0: none).
int g_server_pid = 0;

int64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t RealNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// CPU time used so far by the server and by this process (all threads,
// incl. the C client's). For the server, /proc/PID/stat's utime+stime
// counts exited threads too but only in 10 ms ticks; the per-thread
// /proc/PID/task/TID/schedstat is exact to the ns but forgets threads that
// exit. ServerCpuNs uses the exact sum unless the ticks say clearly more.
struct CpuSnap {
  int64_t server_ticks_ns = -1;
  std::map<long, int64_t> server_threads_ns;  // tid -> time on CPU
  int64_t client_ns = 0;
};

int64_t ServerTicksNs(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return -1;
  size_t paren = line.rfind(')');  // comm may contain spaces
  if (paren == std::string::npos) return -1;
  // Fields after ")": state(3) ... utime(14) stime(15).
  long long utime = 0, stime = 0;
  if (std::sscanf(line.c_str() + paren + 1,
                  " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld",
                  &utime, &stime) != 2) {
    return -1;
  }
  return (utime + stime) * (1'000'000'000 / sysconf(_SC_CLK_TCK));
}

CpuSnap TakeCpu() {
  CpuSnap c;
  rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    c.client_ns = (int64_t{ru.ru_utime.tv_sec} + ru.ru_stime.tv_sec) *
                      1'000'000'000 +
                  (int64_t{ru.ru_utime.tv_usec} + ru.ru_stime.tv_usec) * 1000;
  }
  if (g_server_pid <= 0) return c;
  c.server_ticks_ns = ServerTicksNs(g_server_pid);
  std::string dir = "/proc/" + std::to_string(g_server_pid) + "/task";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::ifstream f(dir + "/" + e->d_name + "/schedstat");
      long long on_cpu = 0;
      if (f >> on_cpu) c.server_threads_ns[std::atol(e->d_name)] = on_cpu;
    }
    closedir(d);
  }
  return c;
}

// Server CPU ns between two snapshots, or -1 if unknown.
int64_t ServerCpuNs(const CpuSnap& a, const CpuSnap& b) {
  if (a.server_ticks_ns < 0 || b.server_ticks_ns < 0) return -1;
  int64_t exact = 0;
  for (const auto& [tid, ns] : b.server_threads_ns) {
    auto it = a.server_threads_ns.find(tid);
    exact += ns - (it == a.server_threads_ns.end() ? 0 : it->second);
  }
  int64_t ticks = b.server_ticks_ns - a.server_ticks_ns;
  constexpr int64_t kTickSlackNs = 20'000'000;  // two ticks of rounding
  return ticks > exact + kTickSlackNs ? ticks : exact;
}

struct Options {
  std::string host = "127.0.0.1:2181";
  int sessions = 4;
  int cap = 128;
  int ops = 10000;
  int children_ops = 2000;
  int watch_rounds = 500;
  int sess_cycles = 400;
  int warmup = 2000;
  std::string label;
  bool wait_ready = false;
  int64_t since_ns = 0;
  int timeout_s = 60;
  int poll_us = 1000;
  bool verbose = false;
};

// One measured phase: latencies of completed ops and error counts.
struct PhaseResult {
  std::string name;
  int64_t requested = 0;
  int64_t completed = 0;
  int64_t errors = 0;
  double secs = 0;
  double rate = 0;  // completed per second; shared rows reuse a parent rate
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
  bool timed_out = false;
  std::string note;
  double server_cpu_ms = -1, client_cpu_ms = -1;

  void SetCpu(const CpuSnap& a, const CpuSnap& b) {
    client_cpu_ms = (b.client_ns - a.client_ns) / 1e6;
    int64_t server = ServerCpuNs(a, b);
    if (server >= 0) server_cpu_ms = server / 1e6;
  }
  // CPU per completed op in µs, or -1.
  double PerOp(double ms) const {
    return ms >= 0 && completed > 0 ? ms * 1000 / completed : -1;
  }
};

void FillLatencies(std::vector<int64_t> lat_ns, PhaseResult* r) {
  lat_ns.erase(std::remove(lat_ns.begin(), lat_ns.end(), -1), lat_ns.end());
  if (lat_ns.empty()) return;
  std::sort(lat_ns.begin(), lat_ns.end());
  auto rank = [&](double p) {
    size_t i = static_cast<size_t>(std::ceil(p * lat_ns.size()));
    return lat_ns[std::max<size_t>(i, 1) - 1] / 1000.0;
  };
  r->p50_us = rank(0.50);
  r->p99_us = rank(0.99);
  r->max_us = lat_ns.back() / 1000.0;
  double sum = 0;
  for (int64_t v : lat_ns) sum += v;
  r->mean_us = sum / lat_ns.size() / 1000.0;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

void PrintJson(const Options& opt, const PhaseResult& r) {
  std::printf(
      "{\"phase\":\"%s\",\"label\":\"%s\",\"k\":%d,\"cap\":%d,"
      "\"requested\":%" PRId64 ",\"ops\":%" PRId64 ",\"errors\":%" PRId64
      ",\"secs\":%.4f,\"ops_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
      "\"max_us\":%.1f,\"mean_us\":%.1f,\"server_cpu_ms\":%.1f,"
      "\"client_cpu_ms\":%.1f,\"server_cpu_us_per_op\":%.2f,"
      "\"client_cpu_us_per_op\":%.2f,\"timed_out\":%s,\"note\":\"%s\"}\n",
      r.name.c_str(), JsonEscape(opt.label).c_str(), opt.sessions, opt.cap,
      r.requested, r.completed, r.errors, r.secs, r.rate, r.p50_us, r.p99_us,
      r.max_us, r.mean_us, r.server_cpu_ms, r.client_cpu_ms,
      r.PerOp(r.server_cpu_ms), r.PerOp(r.client_cpu_ms),
      r.timed_out ? "true" : "false", JsonEscape(r.note).c_str());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Sessions.

// Connection state of one zhandle, set from its watcher (completion thread).
struct SessionState {
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
  bool failed = false;
};

void SessionWatcher(zhandle_t* zh, int type, int state, const char*, void*) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* s = static_cast<SessionState*>(const_cast<void*>(zoo_get_context(zh)));
  if (s == nullptr) return;
  std::lock_guard<std::mutex> lock(s->mu);
  if (state == ZOO_CONNECTED_STATE) {
    s->connected = true;
  } else if (state == ZOO_EXPIRED_SESSION_STATE ||
             state == ZOO_AUTH_FAILED_STATE) {
    s->failed = true;
  } else {
    s->connected = false;
  }
  s->cv.notify_all();
}

// Starts a session and waits until it is connected or `timeout_ns` passes.
// Returns nullptr (with the handle closed) on failure.
zhandle_t* Connect(const std::string& host, SessionState* st,
                   int64_t timeout_ns) {
  zhandle_t* zh = zookeeper_init(host.c_str(), SessionWatcher,
                                 kSessionTimeoutMs, nullptr, st, 0);
  if (zh == nullptr) return nullptr;
  // By default the client re-resolves the host list with getaddrinfo on
  // every poll of its IO loop (netlink socket + /etc reads, ~6 syscalls),
  // which made the client, not the server, the bottleneck. Hosts here are
  // fixed IPs: resolve once.
  if (!g_resolve_every_poll) zoo_set_servers_resolution_delay(zh, -1);
  std::unique_lock<std::mutex> lock(st->mu);
  bool ok = st->cv.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] {
    return st->connected || st->failed;
  });
  bool connected = ok && st->connected;
  lock.unlock();
  if (!connected) {
    zookeeper_close(zh);
    return nullptr;
  }
  return zh;
}

// ---------------------------------------------------------------------------
// Pipelined CRUD phases.

enum class Kind { kCreate, kGet, kSet, kExists, kChildren, kDelete };

struct PipeState;

struct OpCtx {
  PipeState* st;
  int64_t idx;
  int64_t t0;
};

// Shared by the submitting thread and the K completion threads. Leaked on
// purpose when a phase times out with requests still outstanding, because
// their completions may still arrive later.
struct PipeState {
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  int low_water = 0;  // wake the submitter when outstanding drops to this
  int64_t completed = 0;
  int64_t errors = 0;
  int64_t last_done_ns = 0;
  std::vector<int64_t> lat_ns;
  std::vector<OpCtx> ctx;

  void Done(const void* data, bool ok) {
    int64_t now = MonoNs();
    const auto* c = static_cast<const OpCtx*>(data);
    std::lock_guard<std::mutex> lock(mu);
    lat_ns[c->idx] = now - c->t0;
    --outstanding;
    ++completed;
    if (!ok) ++errors;
    last_done_ns = now;
    if (outstanding == low_water || outstanding == 0) cv.notify_all();
  }
};

void StringDone(int rc, const char*, const void* data) {
  const auto* c = static_cast<const OpCtx*>(data);
  c->st->Done(data, rc == ZOK);
}

void DataDone(int rc, const char*, int len, const Stat*, const void* data) {
  const auto* c = static_cast<const OpCtx*>(data);
  c->st->Done(data, rc == ZOK && len == kDataSize);
}

void StatDone(int rc, const Stat*, const void* data) {
  const auto* c = static_cast<const OpCtx*>(data);
  c->st->Done(data, rc == ZOK);
}

void ChildrenDone(int rc, const String_vector* v, const void* data) {
  const auto* c = static_cast<const OpCtx*>(data);
  c->st->Done(data, rc == ZOK && v != nullptr && v->count == kChildren);
}

void VoidDone(int rc, const void* data) {
  const auto* c = static_cast<const OpCtx*>(data);
  c->st->Done(data, rc == ZOK);
}

class Bench {
 public:
  explicit Bench(Options opt) : opt_(std::move(opt)) {
    data_.assign(kDataSize, 'x');
  }

  int Run();

 private:
  PhaseResult Pipelined(const std::string& name, Kind kind,
                        const std::string& prefix, int64_t count,
                        int64_t modulo);
  int Submit(Kind kind, zhandle_t* zh, const std::string& prefix,
             int64_t modulo, OpCtx* c);
  PhaseResult Unreported(const std::string& name, Kind kind,
                         const std::string& prefix, int64_t count,
                         int64_t modulo);
  std::vector<PhaseResult> SessCycle();
  PhaseResult WatchRtt();
  bool CreateSync(const std::string& path);
  void Report(const PhaseResult& r);

  Options opt_;
  std::string data_;
  std::string base_;
  std::vector<zhandle_t*> zh_;
  std::vector<std::unique_ptr<SessionState>> states_;
  std::vector<PhaseResult> results_;
  int64_t total_errors_ = 0;
};

int Bench::Submit(Kind kind, zhandle_t* zh, const std::string& prefix,
                  int64_t modulo, OpCtx* c) {
  std::string path = prefix;
  if (kind != Kind::kChildren) path += std::to_string(c->idx % modulo);
  switch (kind) {
    case Kind::kCreate:
      return zoo_acreate(zh, path.c_str(), data_.data(), kDataSize,
                         &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, StringDone, c);
    case Kind::kGet:
      return zoo_aget(zh, path.c_str(), 0, DataDone, c);
    case Kind::kSet:
      return zoo_aset(zh, path.c_str(), data_.data(), kDataSize, -1, StatDone,
                      c);
    case Kind::kExists:
      return zoo_aexists(zh, path.c_str(), 0, StatDone, c);
    case Kind::kChildren:
      return zoo_aget_children(zh, path.c_str(), 0, ChildrenDone, c);
    case Kind::kDelete:
      return zoo_adelete(zh, path.c_str(), -1, VoidDone, c);
  }
  return ZBADARGUMENTS;
}

// Runs `count` ops of one kind on paths prefix<i % modulo> (or on `prefix`
// itself for get_children), round-robin over the sessions, <= cap in flight.
PhaseResult Bench::Pipelined(const std::string& name, Kind kind,
                             const std::string& prefix, int64_t count,
                             int64_t modulo) {
  auto* st = new PipeState();
  // Once at the cap, refill in small bursts: waking the submitter for every
  // completion cost more client CPU than the server under test used.
  st->low_water = opt_.cap - std::max(1, opt_.cap / 16);
  st->lat_ns.assign(count, -1);
  st->ctx.resize(count);
  const int k = static_cast<int>(zh_.size());
  const CpuSnap cpu0 = TakeCpu();
  const int64_t start = MonoNs();
  const int64_t deadline = start + kPhaseLimitNs;
  int64_t submitted = 0;
  bool timed_out = false;
  for (int64_t i = 0; i < count; ++i) {
    {
      std::unique_lock<std::mutex> lock(st->mu);
      if (st->outstanding >= opt_.cap &&
          !st->cv.wait_for(lock, std::chrono::nanoseconds(deadline - MonoNs()),
                           [&] { return st->outstanding <= st->low_water; })) {
        timed_out = true;
        break;
      }
      ++st->outstanding;
    }
    OpCtx* c = &st->ctx[i];
    c->st = st;
    c->idx = i;
    c->t0 = MonoNs();
    int rc = Submit(kind, zh_[i % k], prefix, modulo, c);
    ++submitted;
    if (rc != ZOK) {
      std::lock_guard<std::mutex> lock(st->mu);
      --st->outstanding;
      ++st->errors;
    }
    if (MonoNs() >= deadline) {
      timed_out = i + 1 < count;
      break;
    }
  }
  bool drained;
  {
    std::unique_lock<std::mutex> lock(st->mu);
    int64_t until = std::max(deadline, MonoNs()) + kGraceNs;
    drained = st->cv.wait_for(lock, std::chrono::nanoseconds(until - MonoNs()),
                              [&] { return st->outstanding == 0; });
  }
  PhaseResult r;
  r.SetCpu(cpu0, TakeCpu());
  r.name = name;
  r.requested = count;
  std::vector<int64_t> lat;
  {
    std::lock_guard<std::mutex> lock(st->mu);
    r.completed = st->completed;
    r.errors = st->errors + (count - submitted) + st->outstanding;
    int64_t end = st->last_done_ns > 0 ? st->last_done_ns : MonoNs();
    r.secs = (end - start) / 1e9;
    lat = st->lat_ns;
  }
  r.timed_out = timed_out || !drained;
  r.rate = r.secs > 0 ? r.completed / r.secs : 0;
  FillLatencies(std::move(lat), &r);
  if (drained) delete st;  // otherwise completions may still touch it
  return r;
}

PhaseResult Bench::Unreported(const std::string& name, Kind kind,
                              const std::string& prefix, int64_t count,
                              int64_t modulo) {
  PhaseResult r = Pipelined(name, kind, prefix, count, modulo);
  if (r.errors > 0 || r.timed_out) {
    std::fprintf(stderr, "zkbench: %s: %" PRId64 " errors%s\n", name.c_str(),
                 r.errors, r.timed_out ? " (timed out)" : "");
  }
  return r;
}

bool Bench::CreateSync(const std::string& path) {
  int rc = zoo_create(zh_[0], path.c_str(), data_.data(), kDataSize,
                      &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, nullptr, 0);
  if (rc != ZOK) {
    std::fprintf(stderr, "zkbench: create %s: %s\n", path.c_str(), zerror(rc));
    return false;
  }
  return true;
}

void Bench::Report(const PhaseResult& r) {
  PrintJson(opt_, r);
  total_errors_ += r.errors;
  results_.push_back(r);
}

// ---------------------------------------------------------------------------
// sess_cycle: K threads, each repeatedly: connect, create an ephemeral, close.

std::vector<PhaseResult> Bench::SessCycle() {
  const int threads = std::max(1, opt_.sessions);
  const int64_t cycles = opt_.sess_cycles;
  std::vector<int64_t> cycle_ns(cycles, -1), conn_ns(cycles, -1),
      eph_ns(cycles, -1), close_ns(cycles, -1);
  std::atomic<int64_t> next{0}, done{0}, errors{0};
  const CpuSnap cpu0 = TakeCpu();
  const int64_t start = MonoNs();
  const int64_t deadline = start + kPhaseLimitNs;
  std::atomic<bool> timed_out{false};

  auto worker = [&](int t) {
    for (;;) {
      int64_t i = next.fetch_add(1);
      if (i >= cycles) return;
      if (MonoNs() >= deadline) {
        timed_out = true;
        errors.fetch_add(1);
        continue;
      }
      SessionState ss;
      int64_t t0 = MonoNs();
      zhandle_t* zh = Connect(opt_.host, &ss, kConnectTimeoutNs);
      int64_t t1 = MonoNs();
      if (zh == nullptr) {
        errors.fetch_add(1);
        continue;
      }
      std::string path =
          base_ + "/e/t" + std::to_string(t) + "-" + std::to_string(i);
      int rc = zoo_create(zh, path.c_str(), data_.data(), kDataSize,
                          &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, nullptr, 0);
      int64_t t2 = MonoNs();
      int crc = zookeeper_close(zh);
      int64_t t3 = MonoNs();
      if (rc != ZOK || crc != ZOK) {
        errors.fetch_add(1);
        continue;
      }
      conn_ns[i] = t1 - t0;
      eph_ns[i] = t2 - t1;
      close_ns[i] = t3 - t2;
      cycle_ns[i] = t3 - t0;
      done.fetch_add(1);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  const double secs = (MonoNs() - start) / 1e9;
  const CpuSnap cpu1 = TakeCpu();

  // Every ephemeral must be gone once its session's close has returned.
  String_vector left{};
  int rc = zoo_get_children(zh_[0], (base_ + "/e").c_str(), 0, &left);
  int survivors = rc == ZOK ? left.count : -1;
  if (rc == ZOK) deallocate_String_vector(&left);

  std::vector<PhaseResult> out;
  const char* names[] = {"sess_cycle", "sess_connect", "eph_create",
                         "sess_close"};
  std::vector<int64_t>* lats[] = {&cycle_ns, &conn_ns, &eph_ns, &close_ns};
  for (int j = 0; j < 4; ++j) {
    PhaseResult r;
    r.name = names[j];
    r.requested = cycles;
    r.completed = done.load();
    r.secs = secs;
    r.rate = secs > 0 ? r.completed / secs : 0;
    if (j == 0) r.SetCpu(cpu0, cpu1);
    r.timed_out = timed_out.load();
    FillLatencies(*lats[j], &r);
    if (j == 0) {
      r.errors = errors.load() + (survivors != 0 ? 1 : 0);
      r.note = survivors == 0 ? "ephemerals_left=0"
                              : "ephemerals_left=" + std::to_string(survivors);
    } else {
      r.note = "rate shared with sess_cycle";
    }
    out.push_back(r);
  }
  return out;
}

// ---------------------------------------------------------------------------
// watch_rtt: session A watches, session B sets, time until A's event.

struct WatchState {
  std::mutex mu;
  std::condition_variable cv;
  int64_t changed_events = 0;  // total NodeDataChanged events
  int64_t other_events = 0;    // unexpected node events
  int64_t event_ns = 0;
  bool get_done = false, set_done = false;
  int get_rc = 0, set_rc = 0;
};

void WatchFn(zhandle_t*, int type, int, const char*, void* ctx) {
  int64_t now = MonoNs();
  auto* w = static_cast<WatchState*>(ctx);
  if (type == ZOO_SESSION_EVENT) return;
  std::lock_guard<std::mutex> lock(w->mu);
  if (type == ZOO_CHANGED_EVENT) {
    ++w->changed_events;
    w->event_ns = now;
  } else {
    ++w->other_events;
  }
  w->cv.notify_all();
}

void WatchGetDone(int rc, const char*, int, const Stat*, const void* data) {
  auto* w = static_cast<WatchState*>(const_cast<void*>(data));
  std::lock_guard<std::mutex> lock(w->mu);
  w->get_done = true;
  w->get_rc = rc;
  w->cv.notify_all();
}

void WatchSetDone(int rc, const Stat*, const void* data) {
  auto* w = static_cast<WatchState*>(const_cast<void*>(data));
  std::lock_guard<std::mutex> lock(w->mu);
  w->set_done = true;
  w->set_rc = rc;
  w->cv.notify_all();
}

PhaseResult Bench::WatchRtt() {
  PhaseResult r;
  r.name = "watch_rtt";
  r.requested = opt_.watch_rounds;
  SessionState sa, sb;
  zhandle_t* a = Connect(opt_.host, &sa, kConnectTimeoutNs);
  zhandle_t* b = Connect(opt_.host, &sb, kConnectTimeoutNs);
  const std::string path = base_ + "/w";
  if (a == nullptr || b == nullptr || !CreateSync(path)) {
    if (a) zookeeper_close(a);
    if (b) zookeeper_close(b);
    r.errors = r.requested;
    r.note = "setup failed";
    return r;
  }
  // Leaked on timeout: a late watch event may still reference it.
  auto* w = new WatchState();
  std::vector<int64_t> lat(opt_.watch_rounds, -1);
  const CpuSnap cpu0 = TakeCpu();
  const int64_t start = MonoNs();
  const int64_t deadline = start + kPhaseLimitNs;
  int64_t bad_rounds = 0;
  bool stuck = false;
  for (int i = 0; i < opt_.watch_rounds; ++i) {
    if (MonoNs() >= deadline) {
      r.timed_out = true;
      break;
    }
    auto wait = [&](auto pred) {
      std::unique_lock<std::mutex> lock(w->mu);
      return w->cv.wait_for(lock, std::chrono::seconds(10), pred);
    };
    int64_t before;
    {
      std::lock_guard<std::mutex> lock(w->mu);
      w->get_done = w->set_done = false;
      before = w->changed_events;
    }
    if (zoo_awget(a, path.c_str(), WatchFn, w, WatchGetDone, w) != ZOK ||
        !wait([&] { return w->get_done; }) || w->get_rc != ZOK) {
      ++bad_rounds;
      stuck = true;
      break;
    }
    int64_t t0 = MonoNs();
    if (zoo_aset(b, path.c_str(), data_.data(), kDataSize, -1, WatchSetDone,
                 w) != ZOK) {
      ++bad_rounds;
      stuck = true;
      break;
    }
    bool got = wait([&] {
      return w->set_done && w->changed_events > before;
    });
    std::lock_guard<std::mutex> lock(w->mu);
    if (!got || w->set_rc != ZOK) {
      ++bad_rounds;
      stuck = true;
      break;
    }
    if (w->changed_events != before + 1) ++bad_rounds;
    lat[i] = w->event_ns - t0;
    ++r.completed;
  }
  r.secs = (MonoNs() - start) / 1e9;
  r.SetCpu(cpu0, TakeCpu());
  // Events and replies are ordered per session: once a read on A returns,
  // any duplicate event for the rounds above would have been delivered.
  Stat stat;
  zoo_exists(a, path.c_str(), 0, &stat);
  int64_t events, others;
  {
    std::lock_guard<std::mutex> lock(w->mu);
    events = w->changed_events;
    others = w->other_events;
  }
  zookeeper_close(a);
  zookeeper_close(b);
  if (!stuck) delete w;
  r.errors = bad_rounds + (r.requested - r.completed) +
             std::abs(events - r.completed) + others;
  r.note = "events=" + std::to_string(events) +
           " rounds=" + std::to_string(r.completed);
  r.rate = r.secs > 0 ? r.completed / r.secs : 0;
  FillLatencies(std::move(lat), &r);
  zoo_delete(zh_[0], path.c_str(), -1);
  return r;
}

// ---------------------------------------------------------------------------

int Bench::Run() {
  for (int i = 0; i < opt_.sessions; ++i) {
    states_.push_back(std::make_unique<SessionState>());
    zhandle_t* zh = Connect(opt_.host, states_.back().get(), kConnectTimeoutNs);
    if (zh == nullptr) {
      std::fprintf(stderr, "zkbench: cannot connect to %s\n",
                   opt_.host.c_str());
      for (zhandle_t* h : zh_) zookeeper_close(h);
      return 3;
    }
    zh_.push_back(zh);
  }
  base_ = "/zkbench-" + std::to_string(getpid()) + "-" +
          std::to_string(RealNs() % 1000000000);
  if (!CreateSync(base_) || !CreateSync(base_ + "/d") ||
      !CreateSync(base_ + "/k") || !CreateSync(base_ + "/e")) {
    for (zhandle_t* h : zh_) zookeeper_close(h);
    return 3;
  }
  const std::string d = base_ + "/d/n";
  const std::string wu = base_ + "/d/w";
  const std::string kids = base_ + "/k";
  const int64_t n = opt_.ops, u = opt_.warmup;

  if (u > 0) {  // unreported, mostly for the JVM's JIT
    Unreported("warmup_create", Kind::kCreate, wu, u, u);
    Unreported("warmup_get", Kind::kGet, wu, u, u);
    Unreported("warmup_set", Kind::kSet, wu, u, u);
    Unreported("warmup_exists", Kind::kExists, wu, u, u);
    Unreported("warmup_delete", Kind::kDelete, wu, u, u);
  }
  Report(Pipelined("create", Kind::kCreate, d, n, n));
  Report(Pipelined("get_data", Kind::kGet, d, n, n));
  Report(Pipelined("set_data", Kind::kSet, d, n, n));
  Report(Pipelined("exists", Kind::kExists, d, n, n));
  Unreported("setup_children", Kind::kCreate, kids + "/c", kChildren,
             kChildren);
  Report(Pipelined("get_children", Kind::kChildren, kids, opt_.children_ops,
                   1));
  Report(Pipelined("delete", Kind::kDelete, d, n, n));
  Unreported("cleanup_children", Kind::kDelete, kids + "/c", kChildren,
             kChildren);
  for (const PhaseResult& r : SessCycle()) Report(r);
  Report(WatchRtt());

  for (const char* sub : {"/d", "/k", "/e"}) {
    zoo_delete(zh_[0], (base_ + sub).c_str(), -1);
  }
  zoo_delete(zh_[0], base_.c_str(), -1);
  for (zhandle_t* h : zh_) zookeeper_close(h);

  std::printf("\nzkbench %s  -k %d -o %d -n %d -g %d -w %d -e %d -u %d  %s\n",
              opt_.host.c_str(), opt_.sessions, opt_.cap, opt_.ops,
              opt_.children_ops, opt_.watch_rounds, opt_.sess_cycles,
              opt_.warmup, opt_.label.c_str());
  std::printf("%-14s %8s %7s %9s %9s %9s %9s %10s %10s\n", "phase", "ops",
              "errors", "ops/s", "p50 us", "p99 us", "max us", "srv us/op",
              "cli us/op");
  for (const PhaseResult& r : results_) {
    std::printf("%-14s %8" PRId64 " %7" PRId64
                " %9.0f %9.0f %9.0f %9.0f %10.1f %10.1f%s\n",
                r.name.c_str(), r.completed, r.errors, r.rate, r.p50_us,
                r.p99_us, r.max_us, r.PerOp(r.server_cpu_ms),
                r.PerOp(r.client_cpu_ms), r.timed_out ? "  TIMED OUT" : "");
  }
  std::printf("total errors: %" PRId64 "\n", total_errors_);
  return total_errors_ == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------
// --wait-ready

bool TcpOpen(const std::string& host_port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return false;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host_port.substr(0, colon).c_str(),
                  host_port.substr(colon + 1).c_str(), &hints, &res) != 0) {
    return false;
  }
  bool ok = false;
  for (addrinfo* ai = res; ai != nullptr && !ok; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, 0);
    if (fd < 0) continue;
    ok = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

int WaitReady(const Options& opt) {
  const int64_t start_real = opt.since_ns > 0 ? opt.since_ns : RealNs();
  const int64_t deadline = MonoNs() + int64_t{opt.timeout_s} * 1'000'000'000;
  // Only the first host of a connect string is polled over TCP.
  std::string first = opt.host.substr(0, opt.host.find(','));
  int attempts = 0;
  int64_t tcp_ns = 0;  // first accepted TCP connect, for diagnosis
  while (MonoNs() < deadline) {
    if (!TcpOpen(first)) {
      usleep(opt.poll_us);
      continue;
    }
    if (tcp_ns == 0) tcp_ns = RealNs();
    ++attempts;
    SessionState st;
    int64_t window = std::min<int64_t>(300'000'000, deadline - MonoNs());
    zhandle_t* zh = Connect(opt.host, &st, std::max<int64_t>(window, 1));
    if (zh == nullptr) continue;
    Stat stat;
    int rc = zoo_exists(zh, "/", 0, &stat);
    int64_t ready = RealNs();
    zookeeper_close(zh);
    if (rc == ZOK) {
      std::printf(
          "{\"phase\":\"wait_ready\",\"label\":\"%s\",\"ms\":%.2f,"
          "\"ready_epoch_ns\":%" PRId64 ",\"tcp_epoch_ns\":%" PRId64
          ",\"attempts\":%d}\n",
          JsonEscape(opt.label).c_str(), (ready - start_real) / 1e6, ready,
          tcp_ns, attempts);
      return 0;
    }
  }
  std::fprintf(stderr, "zkbench: %s not ready within %d s\n",
               opt.host.c_str(), opt.timeout_s);
  return 1;
}

void Usage() {
  std::fprintf(
      stderr,
      "usage: zkbench [-s host:port] [-k sessions] [-o cap] [-n ops]\n"
      "               [-g get_children ops] [-w watch rounds]\n"
      "               [-e session cycles] [-u warm-up ops] [-l label] [-v]\n"
      "               [--resolve-every-poll] [--server-pid PID]\n"
      "       zkbench --wait-ready [-s host:port] [--since EPOCH_NS]\n"
      "               [--timeout SECONDS] [--poll-us N] [-l label]\n");
}

bool ParseInt(const char* s, int min, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < min || v > 100'000'000) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  enum { kWaitReady = 1000, kSince, kTimeout, kResolve, kPoll, kServerPid };
  static const option long_opts[] = {
      {"wait-ready", no_argument, nullptr, kWaitReady},
      {"since", required_argument, nullptr, kSince},
      {"timeout", required_argument, nullptr, kTimeout},
      {"resolve-every-poll", no_argument, nullptr, kResolve},
      {"poll-us", required_argument, nullptr, kPoll},
      {"server-pid", required_argument, nullptr, kServerPid},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0}};
  int c;
  bool ok = true;
  while ((c = getopt_long(argc, argv, "s:k:o:n:g:w:e:u:l:vh", long_opts,
                          nullptr)) != -1) {
    switch (c) {
      case 's': opt.host = optarg; break;
      case 'k': ok &= ParseInt(optarg, 1, &opt.sessions); break;
      case 'o': ok &= ParseInt(optarg, 1, &opt.cap); break;
      case 'n': ok &= ParseInt(optarg, 1, &opt.ops); break;
      case 'g': ok &= ParseInt(optarg, 0, &opt.children_ops); break;
      case 'w': ok &= ParseInt(optarg, 0, &opt.watch_rounds); break;
      case 'e': ok &= ParseInt(optarg, 0, &opt.sess_cycles); break;
      case 'u': ok &= ParseInt(optarg, 0, &opt.warmup); break;
      case 'l': opt.label = optarg; break;
      case 'v': opt.verbose = true; break;
      case kWaitReady: opt.wait_ready = true; break;
      case kSince: opt.since_ns = std::strtoll(optarg, nullptr, 10); break;
      case kTimeout: ok &= ParseInt(optarg, 1, &opt.timeout_s); break;
      case kResolve: g_resolve_every_poll = true; break;
      case kPoll: ok &= ParseInt(optarg, 100, &opt.poll_us); break;
      case kServerPid: ok &= ParseInt(optarg, 1, &g_server_pid); break;
      case 'h': Usage(); return 0;
      default: ok = false;
    }
  }
  if (!ok || optind != argc) {
    Usage();
    return 2;
  }
  zoo_set_debug_level(opt.verbose ? ZOO_LOG_LEVEL_INFO : ZOO_LOG_LEVEL_ERROR);
  FILE* devnull = nullptr;
  if (opt.wait_ready && !opt.verbose) {
    // Refused and reset connections while the server starts are expected.
    devnull = std::fopen("/dev/null", "w");
    if (devnull != nullptr) zoo_set_log_stream(devnull);
  }
  if (opt.wait_ready) return WaitReady(opt);
  return Bench(opt).Run();
}
