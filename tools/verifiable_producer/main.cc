// kafka-verifiable-producer: Kafka's VerifiableProducer. Produces the values
// 0, 1, 2, ... ("P.N" with --value-prefix P) to one topic and prints one JSON
// event per line on stdout: startup_complete, producer_send_success (with
// partition and offset) or producer_send_error for every message, then
// shutdown_complete and tool_data.
//
// Built for the replication tests, so every message is reported exactly once
// and only when its fate is known or can no longer be known:
// * One request per partition in flight (max.in.flight 1): order within a
//   partition is the order of the values. Requests to different leaders go
//   out in parallel (a thread per request, one connection per broker, one
//   request per broker at a time), so a slow or stopped leader holds up only
//   its own partitions.
// * Errors the broker raises before appending (NOT_LEADER_OR_FOLLOWER,
//   LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS) and
//   connections that fail before the request is written are retried after a
//   metadata refresh (the producer follows leader changes), until
//   delivery.timeout.ms (retries=0 in the config turns this off, as Kafka's
//   tool always does).
// * A request that was written but got no answer (timeout, broken connection)
//   and errors that may follow an append (NOT_ENOUGH_REPLICAS_AFTER_APPEND,
//   REQUEST_TIMED_OUT) are reported as producer_send_error: indeterminate,
//   never resent, so a value is never written twice by us.
// SIGTERM/SIGINT stop producing, send what is queued (a second signal gives
// up at once: queued and in-flight messages are reported as errors), then
// print shutdown_complete and tool_data.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/cli/options.h"
#include "common/client/client.h"
#include "common/client/partitioner.h"
#include "common/client/tool_support.h"
#include "common/protocol/compression.h"
#include "common/protocol/error_code.h"
#include "common/protocol/record_batch.h"
#include "common/util/logging.h"
#include "tools/verifiable_producer/events.h"

namespace {

namespace pr = kafka::protocol;
namespace po = cli::po;
using kafka::tools::Event;
using kafka::tools::Json;
using kafka::tools::PrintEvent;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

std::atomic<int> g_signals{0};

void OnSignal(int) { g_signals.fetch_add(1); }

// Errors a leader answers without appending anything: safe to resend.
bool SafeToRetry(int16_t code) {
  switch (static_cast<pr::ErrorCode>(code)) {
    case pr::ErrorCode::kUnknownTopicOrPartition:
    case pr::ErrorCode::kLeaderNotAvailable:
    case pr::ErrorCode::kNotLeaderOrFollower:
    case pr::ErrorCode::kNotEnoughReplicas:
      return true;
    default:
      return false;
  }
}

struct Message {
  std::optional<std::string> key;
  std::string value;
  int64_t timestamp = 0;
  Clock::time_point created;
};

struct Settings {
  std::string topic;
  int64_t max_messages = -1;
  int64_t throughput = -1;
  int16_t acks = -1;
  std::optional<int64_t> create_time;
  std::optional<int> value_prefix;
  std::optional<int> repeating_keys;
  Ms request_timeout{30000};
  Ms delivery_timeout{120000};
  Ms retry_backoff{100};
  bool retries = true;
  size_t batch_size = 16384;
  int64_t linger_ms = 0;
  pr::Compression compression = pr::Compression::kNone;
};

class Producer {
 public:
  Producer(kafka::client::Client& client, Settings s)
      : client_(client), s_(std::move(s)), partitioner_(std::random_device{}()) {}

  ~Producer() {
    for (auto& f : flights_) {
      if (f->thread.joinable()) f->thread.join();
    }
  }

  int Run() {
    PrintEvent(Event("startup_complete"));
    start_ms_ = kafka::tools::WallClockMs();
    const auto start = Clock::now();
    const int64_t max = s_.max_messages < 0 ? INT64_MAX : s_.max_messages;
    int64_t next = 0;
    while (true) {
      const bool stopping = g_signals.load() > 0;
      if (!stopping) {
        const int64_t elapsed = std::chrono::duration_cast<Ms>(Clock::now() - start).count();
        const int64_t allowed = kafka::tools::ThrottleAllowance(s_.throughput, elapsed);
        while (next < max && next < allowed && queued_ < kMaxQueued) Enqueue(next++);
      }
      if (g_signals.load() > 1) ForceStop();
      Reap();
      if (queued_ == 0 && flights_.empty() && (stopping || next >= max)) break;
      Launch(stopping || next >= max);
      std::fflush(stdout);
      // Sleep until a flight lands or the throttler lets the next message go.
      Ms wait(5);
      if (!stopping && next < max && s_.throughput > 0 && queued_ < kMaxQueued) {
        wait = std::min(wait, Ms(std::max<int64_t>(1, 1000 / s_.throughput)));
      } else if (!stopping && next < max && s_.throughput <= 0 && queued_ < kMaxQueued) {
        wait = Ms(0);
      }
      if (wait.count() > 0) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, wait, [this] { return landed_ > 0; });
      }
    }
    Finish();
    return 0;
  }

 private:
  static constexpr size_t kMaxQueued = 10000;

  // One produce request to one leader, on its own thread: a slow or stopped
  // leader holds up only its own partitions. At most one flight per broker
  // (its connection is used by one thread at a time) and per partition.
  struct Flight {
    int32_t leader = -1;
    pr::ProduceRequest req;
    std::map<int32_t, size_t> counts;  // partition -> messages at its queue front
    bool not_sent = false;             // the connection could not be opened
    util::Status status;               // connect / send / receive failure
    std::optional<pr::ProduceResponse> resp;
    bool done = false;                 // guarded by mu_
    std::thread thread;
  };

  void Finish() {
    PrintEvent(Event("shutdown_complete"));
    const int64_t stop_ms = kafka::tools::WallClockMs();
    Json j = Event("tool_data");
    j["sent"] = sent_;
    j["acked"] = acked_;
    j["target_throughput"] = s_.throughput;
    const int64_t span = std::max<int64_t>(1, stop_ms - start_ms_);
    j["avg_throughput"] = 1000.0 * static_cast<double>(acked_) / static_cast<double>(span);
    PrintEvent(j);
  }

  // Second signal: every message not yet acknowledged (in flight included:
  // its fate is unknown) is reported, then the process ends without waiting
  // for the flights.
  [[noreturn]] void ForceStop() {
    FailAll("Producer is closed forcefully.");
    Finish();
    std::fflush(stdout);
    std::_Exit(0);
  }

  std::optional<std::string> NextKey() {
    if (!s_.repeating_keys) return std::nullopt;
    std::string k = std::to_string(key_counter_++);
    if (key_counter_ == *s_.repeating_keys) key_counter_ = 0;
    return k;
  }

  void Enqueue(int64_t i) {
    Message m;
    m.key = NextKey();
    m.value = s_.value_prefix ? std::to_string(*s_.value_prefix) + "." + std::to_string(i)
                              : std::to_string(i);
    m.created = Clock::now();
    if (s_.create_time) {
      // Kafka's tool advances the create time by the time since start, each time.
      m.timestamp = *s_.create_time;
      *s_.create_time += kafka::tools::WallClockMs() - start_ms_;
    } else {
      m.timestamp = kafka::tools::WallClockMs();
    }
    ++sent_;
    if (partitions_ <= 0 && !LoadPartitions()) {
      ReportError(m, kafka::tools::kTimeoutExceptionClass,
                  "Topic " + s_.topic + " not present in metadata after " +
                      std::to_string(client_.options().retry_timeout.count()) + " ms.");
      return;
    }
    int32_t p = partitioner_.Partition(m.key, partitions_);
    // A keyless message does not queue behind a batch in flight when another
    // partition is idle (the Java producer's sticky partitioner moves on when
    // it must open a new batch).
    for (int32_t i = 0; !m.key && i < partitions_ && busy_.count(p); ++i) {
      partitioner_.OnBatchSent(p);
      p = partitioner_.Partition(m.key, partitions_);
    }
    queues_[p].push_back(std::move(m));
    ++queued_;
  }

  bool LoadPartitions() {
    auto t = client_.TopicMetadata(s_.topic, true);
    if (!t.ok()) return false;
    partitions_ = static_cast<int32_t>((*t)->partitions.size());
    md_ = client_.cached();
    return partitions_ > 0;
  }

  // Fresh metadata for the topic from the broker that answered last, else the
  // others in turn; a broker that just failed is asked last for a while, so a
  // stopped (SIGSTOP) broker does not cost a timeout on every refresh.
  void RefreshMetadata() {
    const auto now = Clock::now();
    std::vector<int32_t> order;
    if (good_broker_ >= 0) order.push_back(good_broker_);
    for (const auto& b : md_.brokers) {
      if (b.node_id != good_broker_ && suspect_until_[b.node_id] <= now) order.push_back(b.node_id);
    }
    for (const auto& b : md_.brokers) {
      if (b.node_id != good_broker_ && suspect_until_[b.node_id] > now) order.push_back(b.node_id);
    }
    const Ms timeout = std::min(s_.request_timeout, Ms(5000));
    for (int32_t id : order) {
      auto conn = client_.Broker(id);
      util::Result<pr::MetadataResponse> r =
          conn.ok() ? (*conn)->Call<pr::MetadataResponse>(MetadataFor(s_.topic), timeout)
                    : util::Result<pr::MetadataResponse>(conn.status());
      if (r.ok()) {
        md_ = std::move(*r);
        good_broker_ = id;
        return;
      }
      Suspect(id);
    }
    // Nobody we know answered: the client's own path (bootstrap servers).
    if (client_.Metadata(std::vector<std::string>{s_.topic}).ok()) md_ = client_.cached();
  }

  static pr::MetadataRequest MetadataFor(const std::string& topic) {
    pr::MetadataRequest req;
    req.topics.emplace();
    pr::MetadataRequest::MetadataRequestTopic t;
    t.name = topic;
    req.topics->push_back(t);
    req.allow_auto_topic_creation = false;
    return req;
  }

  void Suspect(int32_t id) {
    suspect_until_[id] = Clock::now() + Ms(10000);
    if (good_broker_ == id) good_broker_ = -1;
  }

  int32_t LeaderOf(int32_t partition) const {
    for (const auto& t : md_.topics) {
      if (t.name != s_.topic) continue;
      for (const auto& p : t.partitions) {
        if (p.partition_index == partition) return t.error_code == 0 ? p.leader_id : -1;
      }
    }
    return -1;
  }

  void ReportSuccess(const Message& m, int32_t partition, int64_t offset) {
    Json j = Event("producer_send_success");
    j["key"] = m.key ? Json(*m.key) : Json(nullptr);
    j["value"] = m.value;
    j["topic"] = s_.topic;
    j["partition"] = partition;
    j["offset"] = offset;
    PrintEvent(j, false);
    ++acked_;
  }

  void ReportError(const Message& m, const std::string& exception, const std::string& message) {
    Json j = Event("producer_send_error");
    j["exception"] = exception;
    j["message"] = message;
    j["topic"] = s_.topic;
    j["key"] = m.key ? Json(*m.key) : Json(nullptr);
    j["value"] = m.value;
    PrintEvent(j, false);
  }

  // Reports and drops the first `n` queued messages of `partition`.
  void Fail(int32_t partition, size_t n, const std::string& exception, const std::string& message) {
    auto& q = queues_[partition];
    for (size_t i = 0; i < n && !q.empty(); ++i) {
      ReportError(q.front(), exception, message);
      q.pop_front();
      --queued_;
    }
  }

  void Succeed(int32_t partition, size_t n, int64_t base_offset) {
    auto& q = queues_[partition];
    for (size_t i = 0; i < n && !q.empty(); ++i) {
      ReportSuccess(q.front(), partition, base_offset < 0 ? -1 : base_offset + static_cast<int64_t>(i));
      q.pop_front();
      --queued_;
    }
  }

  void FailAll(const std::string& message) {
    for (auto& [p, q] : queues_) Fail(p, q.size(), kafka::tools::kKafkaExceptionClass, message);
  }

  // Messages that waited longer than delivery.timeout.ms (and are not in
  // flight) are given up.
  void Expire() {
    const auto now = Clock::now();
    for (auto& [p, q] : queues_) {
      if (busy_.count(p)) continue;
      size_t n = 0;
      while (n < q.size() && now - q[n].created > s_.delivery_timeout) ++n;
      if (n > 0) {
        Fail(p, n, kafka::tools::kTimeoutExceptionClass,
             "Expiring " + std::to_string(n) + " record(s) for " + s_.topic + "-" +
                 std::to_string(p) + ":" + std::to_string(s_.delivery_timeout.count()) +
                 " ms has passed since batch creation");
      }
    }
  }

  // The head of a partition's queue, up to batch.size bytes (at least one).
  size_t TakeBatch(int32_t partition, std::string* batch) {
    const auto& q = queues_[partition];
    std::vector<pr::Record> records;
    size_t bytes = 0;
    const int64_t base_ts = q.front().timestamp;
    for (const auto& m : q) {
      const size_t sz = m.value.size() + (m.key ? m.key->size() : 0) + 16;
      if (!records.empty() && bytes + sz > s_.batch_size) break;
      pr::Record r;
      r.timestamp_delta = m.timestamp - base_ts;
      r.key = m.key;
      r.value = m.value;
      records.push_back(std::move(r));
      bytes += sz;
    }
    pr::BatchBuildOptions o;
    o.compression = s_.compression;
    o.base_timestamp = base_ts;
    auto b = pr::BuildBatch(o, records);
    if (!b.ok()) {
      Fail(partition, records.size(), kafka::tools::kKafkaExceptionClass, b.status().message());
      return 0;
    }
    *batch = std::move(*b);
    return records.size();
  }

  kafka::client::Connection* ConnectionTo(int32_t id) {
    const pr::MetadataResponse::MetadataResponseBroker* b = nullptr;
    for (const auto& x : md_.brokers) {
      if (x.node_id == id) b = &x;
    }
    if (!b) return nullptr;
    kafka::client::BrokerAddress addr{b->host, static_cast<uint16_t>(b->port)};
    auto& c = conns_[id];
    if (!c || c->address().ToString() != addr.ToString()) {
      c = std::make_unique<kafka::client::Connection>(addr, client_.options().client_id);
    }
    return c.get();
  }

  // Runs on the flight's thread; touches only the flight and its connection.
  void Fly(Flight* f, kafka::client::Connection* c) {
    if (!c) {
      f->not_sent = true;
      f->status = util::Status::NotFound("broker " + std::to_string(f->leader) + " not in metadata");
    } else if (!c->is_open() && !(f->status = c->Open(client_.options().bootstrap_timeout)).ok()) {
      f->not_sent = true;
    } else if (s_.acks == 0) {
      f->status = c->SendOnly(f->req, s_.request_timeout);
    } else {
      auto r = c->Call<pr::ProduceResponse>(f->req, s_.request_timeout + Ms(1000));
      if (r.ok()) {
        f->resp = std::move(*r);
      } else {
        f->status = r.status();
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    f->done = true;
    ++landed_;
    cv_.notify_one();
  }

  // Starts a flight to every leader that has none, carrying the queue heads
  // of its idle partitions (after the retry backoff and linger.ms).
  void Launch(bool draining) {
    const auto now = Clock::now();
    if (now < retry_at_) return;
    if (refresh_) {
      RefreshMetadata();
      refresh_ = false;
    }
    Expire();
    std::map<int32_t, std::vector<int32_t>> by_leader;
    for (const auto& [p, q] : queues_) {
      if (q.empty() || busy_.count(p)) continue;
      if (s_.linger_ms > 0 && !draining && now - q.front().created < Ms(s_.linger_ms) &&
          q.size() * 16 < s_.batch_size) {
        continue;
      }
      const int32_t leader = LeaderOf(p);
      if (leader < 0) {
        refresh_ = true;
        retry_at_ = now + s_.retry_backoff;
        continue;
      }
      if (!busy_leaders_.count(leader)) by_leader[leader].push_back(p);
    }
    for (const auto& [leader, parts] : by_leader) {
      auto f = std::make_unique<Flight>();
      f->leader = leader;
      f->req.acks = s_.acks;
      f->req.timeout_ms = static_cast<int32_t>(s_.request_timeout.count());
      pr::ProduceRequest::TopicProduceData td;
      td.name = s_.topic;
      for (int32_t p : parts) {
        std::string batch;
        const size_t n = TakeBatch(p, &batch);
        if (n == 0) continue;
        f->counts[p] = n;
        td.partition_data.push_back({p, std::move(batch), {}});
      }
      if (f->counts.empty()) continue;
      f->req.topic_data.push_back(std::move(td));
      for (const auto& [p, n] : f->counts) {
        busy_.insert(p);
        partitioner_.OnBatchSent(p);  // keyless messages move on to the next partition
      }
      busy_leaders_.insert(leader);
      kafka::client::Connection* c = ConnectionTo(leader);
      Flight* raw = f.get();
      f->thread = std::thread([this, raw, c] { Fly(raw, c); });
      flights_.push_back(std::move(f));
    }
  }

  // Handles every flight that has landed.
  void Reap() {
    for (auto it = flights_.begin(); it != flights_.end();) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!(*it)->done) {
          ++it;
          continue;
        }
        --landed_;
      }
      Flight& f = **it;
      f.thread.join();
      Land(f);
      for (const auto& [p, n] : f.counts) busy_.erase(p);
      busy_leaders_.erase(f.leader);
      it = flights_.erase(it);
    }
  }

  void Land(Flight& f) {
    if (f.not_sent) {
      // Nothing was written: the messages stay queued for the next leader.
      util::logging::Get("verifiable-producer")->debug("{}", f.status.message());
      Suspect(f.leader);
      refresh_ = true;
      retry_at_ = Clock::now() + s_.retry_backoff;
      if (!s_.retries) {
        for (const auto& [p, n] : f.counts) Fail(p, n, kafka::tools::kNetworkExceptionClass, f.status.message());
      }
      return;
    }
    if (s_.acks == 0) {
      for (const auto& [p, n] : f.counts) {
        if (f.status.ok()) {
          Succeed(p, n, -1);
        } else {
          Fail(p, n, kafka::tools::kNetworkExceptionClass, f.status.message());
        }
      }
      if (!f.status.ok()) {
        Suspect(f.leader);
        refresh_ = true;
      }
      return;
    }
    if (!f.resp) {
      // Written, fate unknown: indeterminate, never resent.
      const bool timeout = f.status.code() == util::Status::Code::kTimeout;
      const std::string why =
          timeout ? "Expiring record(s) for " + s_.topic + ": no answer from broker " +
                        std::to_string(f.leader) + " within " +
                        std::to_string(s_.request_timeout.count()) + " ms"
                  : "The server disconnected before a response was received. (" +
                        f.status.message() + ")";
      for (const auto& [p, n] : f.counts) {
        Fail(p, n, timeout ? kafka::tools::kTimeoutExceptionClass : kafka::tools::kNetworkExceptionClass,
             why);
      }
      refresh_ = true;
      Suspect(f.leader);
      return;
    }
    std::set<int32_t> answered;
    for (const auto& tr : f.resp->responses) {
      if (tr.name != s_.topic) continue;
      for (const auto& pp : tr.partition_responses) {
        auto it = f.counts.find(pp.index);
        if (it == f.counts.end() || !answered.insert(pp.index).second) continue;
        if (pp.error_code == 0) {
          Succeed(pp.index, it->second, pp.base_offset);
        } else if (SafeToRetry(pp.error_code) && s_.retries) {
          refresh_ = true;
          retry_at_ = Clock::now() + s_.retry_backoff;
        } else {
          if (SafeToRetry(pp.error_code)) refresh_ = true;
          Fail(pp.index, it->second, kafka::tools::JavaExceptionClass(pp.error_code),
               kafka::client::DescribeError(pp.error_code));
        }
      }
    }
    for (const auto& [p, n] : f.counts) {
      if (!answered.count(p)) {
        Fail(p, n, kafka::tools::kKafkaExceptionClass,
             "no answer for partition " + std::to_string(p) + " in the produce response");
      }
    }
  }

  kafka::client::Client& client_;
  Settings s_;
  kafka::client::Partitioner partitioner_;
  int32_t partitions_ = 0;
  std::map<int32_t, std::deque<Message>> queues_;
  size_t queued_ = 0;
  bool refresh_ = false;
  Clock::time_point retry_at_{};
  pr::MetadataResponse md_;  // our view of leaders (see RefreshMetadata)
  int32_t good_broker_ = -1;
  std::map<int32_t, Clock::time_point> suspect_until_;
  // Produce connections, one per broker, apart from the client's (metadata).
  std::map<int32_t, std::unique_ptr<kafka::client::Connection>> conns_;
  std::vector<std::unique_ptr<Flight>> flights_;
  std::set<int32_t> busy_;          // partitions with a batch in flight
  std::set<int32_t> busy_leaders_;  // brokers with a flight
  std::mutex mu_;
  std::condition_variable cv_;
  int landed_ = 0;  // flights done but not reaped; guarded by mu_
  int key_counter_ = 0;
  int64_t sent_ = 0;
  int64_t acked_ = 0;
  int64_t start_ms_ = 0;
};

bool ParseInt(const std::string& s, int64_t* out) {
  try {
    size_t used = 0;
    *out = std::stoll(s, &used);
    return used == s.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  cli::Options opts("kafka-verifiable-producer.sh",
                    "This tool produces increasing integers to the specified topic and prints "
                    "JSON metadata to stdout on each \"send\" request, making externally visible "
                    "which messages have been acked and which have not.");
  opts.Add()
      ("acks", po::value<int>()->value_name("ACKS"),
       "Acks required on each produced message. See Kafka docs on acks for details. "
       "(default: -1)")
      ("bootstrap-server", po::value<std::string>()->value_name("HOST1:PORT1[,HOST2:PORT2[...]]"),
       "REQUIRED: The server(s) to connect to. Comma-separated list of Kafka brokers in the form "
       "HOST1:PORT1,HOST2:PORT2,...")
      ("broker-list", po::value<std::string>()->value_name("HOST1:PORT1[,HOST2:PORT2[...]]"),
       "DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. "
       "Comma-separated list of Kafka brokers in the form HOST1:PORT1,HOST2:PORT2,...")
      ("command-config", po::value<std::string>()->value_name("CONFIG_FILE"),
       "Config properties file (config options shared with command line parameters will be "
       "overridden).")
      ("help", "Print usage information.")
      ("max-messages", po::value<int64_t>()->value_name("MAX-MESSAGES"),
       "Produce this many messages. If -1, produce messages until the process is killed "
       "externally. (default: -1)")
      ("message-create-time", po::value<int64_t>()->value_name("CREATETIME"),
       "Send messages with creation time starting at the arguments value, in milliseconds since "
       "epoch (default: -1)")
      ("producer.config", po::value<std::string>()->value_name("CONFIG_FILE"),
       "Producer config properties file. Also understood here: retries=0 (report retriable "
       "errors instead of retrying), delivery.timeout.ms, request.timeout.ms, batch.size, "
       "linger.ms, compression.type, retry.backoff.ms.")
      ("repeating-keys", po::value<int>()->value_name("REPEATING-KEYS"),
       "If specified, each produced record will have a key starting at 0 increment by 1 up to "
       "the number specified (exclusive), then the key is set to 0 again")
      ("throughput", po::value<int64_t>()->value_name("THROUGHPUT"),
       "If set >= 0, throttle maximum message throughput to *approximately* THROUGHPUT "
       "messages/sec. (default: -1)")
      ("topic", po::value<std::string>()->value_name("TOPIC"),
       "REQUIRED: Produce messages to this topic.")
      ("value-prefix", po::value<int>()->value_name("VALUE-PREFIX"),
       "If specified, each produced value will have this prefix with a dot separator")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("topic")) return opts.Fail("Missing required argument \"[topic]\"");
  const auto bootstrap_arg = opts.FirstOf({"bootstrap-server", "broker-list"});
  if (!bootstrap_arg) return opts.Fail("Missing required argument \"[bootstrap-server]\"");
  const std::string bootstrap = *bootstrap_arg;

  std::map<std::string, std::string> props;
  for (const char* file : {"command-config", "producer.config"}) {
    if (!opts.Has(file)) continue;
    auto st = kafka::client::LoadPropertiesFile(opts.Get<std::string>(file), &props);
    if (!st.ok()) return opts.Fail(st.message());
  }
  Settings s;
  s.topic = opts.Get<std::string>("topic");
  if (opts.Has("max-messages")) s.max_messages = opts.Get<int64_t>("max-messages");
  if (opts.Has("throughput")) s.throughput = opts.Get<int64_t>("throughput");
  if (opts.Has("acks")) {
    const int acks = opts.Get<int>("acks");
    if (acks < -1 || acks > 1) {
      return opts.Fail("Invalid value " + std::to_string(acks) +
                       " for configuration acks: String must be one of: all, -1, 0, 1");
    }
    s.acks = static_cast<int16_t>(acks);
  }
  if (opts.Has("message-create-time") && opts.Get<int64_t>("message-create-time") >= 0) {
    s.create_time = opts.Get<int64_t>("message-create-time");
  }
  if (opts.Has("value-prefix")) s.value_prefix = opts.Get<int>("value-prefix");
  if (opts.Has("repeating-keys")) {
    if (opts.Get<int>("repeating-keys") <= 0) return opts.Fail("--repeating-keys must be positive");
    s.repeating_keys = opts.Get<int>("repeating-keys");
  }
  auto number = [&](const std::string& key, int64_t* out) -> bool {
    auto it = props.find(key);
    if (it == props.end()) return true;
    return ParseInt(it->second, out) && *out >= 0;
  };
  int64_t request_timeout = 30000, delivery_timeout = 120000, backoff = 100, batch = 16384,
          linger = 0, retries = 1;
  if (!number("request.timeout.ms", &request_timeout) || request_timeout == 0 ||
      !number("delivery.timeout.ms", &delivery_timeout) ||
      !number("retry.backoff.ms", &backoff) || !number("batch.size", &batch) ||
      !number("linger.ms", &linger) || !number("retries", &retries)) {
    return opts.Fail("Invalid numeric value in the producer config");
  }
  if (props.count("acks") && !opts.Has("acks")) {
    const std::string& a = props["acks"];
    if (a == "all" || a == "-1") s.acks = -1;
    else if (a == "0" || a == "1") s.acks = static_cast<int16_t>(std::stoi(a));
    else return opts.Fail("Invalid value " + a + " for configuration acks: String must be one of: all, -1, 0, 1");
  }
  if (props.count("compression.type") && !pr::ParseCompression(props["compression.type"], &s.compression)) {
    return opts.Fail("Invalid value " + props["compression.type"] + " for configuration compression.type");
  }
  s.request_timeout = Ms(request_timeout);
  s.delivery_timeout = Ms(delivery_timeout);
  s.retry_backoff = Ms(backoff);
  s.batch_size = static_cast<size_t>(std::max<int64_t>(1, batch));
  s.linger_ms = linger;
  s.retries = retries > 0;

  kafka::client::ClientOptions copts;
  copts.bootstrap_servers = bootstrap;
  copts.client_id = "producer-1";
  auto st = kafka::client::ApplyClientProperties(props, &copts);
  if (!st.ok()) return opts.Fail(st.message());
  copts.request_timeout = s.request_timeout;
  // Opening a connection to a stopped broker must not hold the producer long.
  copts.bootstrap_timeout = std::min(copts.bootstrap_timeout, Ms(5000));

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  kafka::client::Client client(copts);
  if (!kafka::client::BootstrapOrReport(client)) return 1;
  Producer producer(client, std::move(s));
  return producer.Run();
}
