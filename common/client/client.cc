#include "common/client/client.h"

#include <algorithm>
#include <charconv>
#include <thread>

#include "common/protocol/error_code.h"
#include "common/util/logging.h"

namespace kafka::client {

namespace pr = kafka::protocol;
using Clock = std::chrono::steady_clock;

namespace {

constexpr Ms kRetryBackoff{100};
// Stands for "the connection failed" in per-partition results.
constexpr int16_t kNetworkError = static_cast<int16_t>(pr::ErrorCode::kNetworkException);

std::shared_ptr<spdlog::logger> Log() {
  static auto log = util::logging::Get("client");
  return log;
}

Ms Left(Clock::time_point deadline) {
  return std::max(Ms(1), std::chrono::duration_cast<Ms>(deadline - Clock::now()));
}

}  // namespace

util::Result<std::vector<BrokerAddress>> ParseBootstrap(std::string_view list) {
  std::vector<BrokerAddress> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    start = comma + 1;
    if (item.empty()) continue;
    size_t colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == item.size()) {
      return util::Status::InvalidArgument("Invalid url in bootstrap.servers: " + std::string(item));
    }
    std::string_view host = item.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    std::string_view port_s = item.substr(colon + 1);
    int port = 0;
    auto [p, ec] = std::from_chars(port_s.data(), port_s.data() + port_s.size(), port);
    if (ec != std::errc() || p != port_s.data() + port_s.size() || port <= 0 || port > 65535) {
      return util::Status::InvalidArgument("Invalid url in bootstrap.servers: " + std::string(item));
    }
    out.push_back({std::string(host), static_cast<uint16_t>(port)});
  }
  if (out.empty()) {
    return util::Status::InvalidArgument("No resolvable bootstrap urls given in bootstrap.servers");
  }
  return out;
}

std::string DescribeError(int16_t code, const std::optional<std::string>& message) {
  if (message && !message->empty()) return *message;
  if (code == kNetworkError) return "the connection to the broker failed";
  return std::string(pr::ErrorName(code)) + ": " + std::string(pr::ErrorDescription(code));
}

Client::Client(ClientOptions opts) : opts_(std::move(opts)) {}

util::Status Client::Bootstrap() {
  auto addrs = ParseBootstrap(opts_.bootstrap_servers);
  if (!addrs.ok()) return addrs.status();
  const auto deadline = Clock::now() + opts_.bootstrap_timeout;
  std::string why;
  // Each server gets a fair share of the time left, so one black hole cannot
  // use up the whole budget.
  for (size_t i = 0; i < addrs->size(); ++i) {
    const auto& a = (*addrs)[i];
    Ms share = Left(deadline) / static_cast<int>(addrs->size() - i);
    auto conn = std::make_unique<Connection>(a, opts_.client_id);
    auto st = conn->Open(share);
    if (st.ok()) {
      bootstrap_ = std::move(conn);
      auto md = Metadata(std::vector<std::string>{});
      if (md.ok()) return util::Status::OK();
      st = md.status();
      bootstrap_.reset();
    }
    Log()->debug("bootstrap server {} failed: {}", a.ToString(), st.message());
    if (!why.empty()) why += ", ";
    why += a.ToString() + ": " + st.message();
  }
  return util::Status::Unavailable("could not connect to any bootstrap server (" + why + ")");
}

util::Result<Client::MetadataResponse> Client::Metadata(
    const std::optional<std::vector<std::string>>& topics, bool allow_auto_create) {
  if (!bootstrap_) return util::Status::IOError("not bootstrapped");
  const auto deadline = Clock::now() + opts_.request_timeout;
  util::Status last;
  // Try the bootstrap connection, then the other known brokers (opened only
  // when needed, so a dead broker costs nothing while the first one answers).
  std::vector<int32_t> others;
  for (const auto& b : metadata_.brokers) others.push_back(b.node_id);
  for (size_t i = 0; i <= others.size(); ++i) {
    Connection* conn = bootstrap_.get();
    if (i > 0) {
      auto c = Broker(others[i - 1]);
      if (!c.ok()) {
        last = c.status();
        continue;
      }
      conn = *c;
    }
    if (!conn->is_open()) {
      auto st = conn->Open(std::min(Left(deadline), opts_.bootstrap_timeout));
      if (!st.ok()) {
        last = st;
        continue;
      }
    }
    pr::MetadataRequest req;
    const int16_t v = conn->PickVersion(static_cast<int16_t>(pr::ApiKey::kMetadata), 0, 9);
    if (topics) {
      req.topics.emplace();
      for (const auto& t : *topics) {
        pr::MetadataRequest::MetadataRequestTopic rt;
        rt.name = t;
        req.topics->push_back(rt);
      }
      // In v0 an empty list means "all topics"; we asked for none, so name a
      // topic nobody has rather than loading everything.
    } else if (v == 0) {
      req.topics.emplace();
    }
    req.allow_auto_topic_creation = allow_auto_create;
    auto resp = conn->Call<pr::MetadataResponse>(req, Left(deadline));
    if (!resp.ok()) {
      last = resp.status();
      continue;
    }
    metadata_ = *resp;
    Log()->debug("metadata from {}: {} broker(s), controller {}, {} topic(s)",
                 conn->address().ToString(), metadata_.brokers.size(), metadata_.controller_id,
                 metadata_.topics.size());
    // Old brokers (v0) have no controller: use any broker.
    if (metadata_.controller_id < 0 && !metadata_.brokers.empty()) {
      metadata_.controller_id = metadata_.brokers.front().node_id;
    }
    return resp;
  }
  return last.ok() ? util::Status::IOError("no broker answered Metadata") : last;
}

util::Result<const pr::MetadataResponse::MetadataResponseTopic*> Client::TopicMetadata(
    const std::string& topic, bool allow_auto_create) {
  const auto deadline = Clock::now() + opts_.retry_timeout;
  while (true) {
    auto md = Metadata(std::vector<std::string>{topic}, allow_auto_create);
    if (!md.ok()) return md.status();
    const pr::MetadataResponse::MetadataResponseTopic* found = nullptr;
    for (const auto& t : metadata_.topics) {
      if (t.name == topic) found = &t;
    }
    int16_t err = found ? found->error_code
                        : static_cast<int16_t>(pr::ErrorCode::kUnknownTopicOrPartition);
    if (found && err == 0 && !found->partitions.empty()) return found;
    if (err == 0) err = static_cast<int16_t>(pr::ErrorCode::kLeaderNotAvailable);
    const bool retry = err == static_cast<int16_t>(pr::ErrorCode::kLeaderNotAvailable) ||
                       (allow_auto_create &&
                        err == static_cast<int16_t>(pr::ErrorCode::kUnknownTopicOrPartition));
    if (!retry || Clock::now() + kRetryBackoff >= deadline) {
      if (err == static_cast<int16_t>(pr::ErrorCode::kUnknownTopicOrPartition)) {
        return util::Status::NotFound("Topic " + topic + " not present in metadata");
      }
      return util::Status::Unavailable("topic " + topic + ": " + DescribeError(err));
    }
    std::this_thread::sleep_for(kRetryBackoff);
  }
}

const pr::MetadataResponse::MetadataResponseBroker* Client::FindBroker(int32_t id) const {
  for (const auto& b : metadata_.brokers) {
    if (b.node_id == id) return &b;
  }
  return nullptr;
}

util::Result<Connection*> Client::Broker(int32_t id) {
  auto it = brokers_.find(id);
  if (it == brokers_.end()) {
    const auto* b = FindBroker(id);
    if (!b) return util::Status::NotFound("broker " + std::to_string(id) + " not in metadata");
    BrokerAddress a{b->host, static_cast<uint16_t>(b->port)};
    // Reuse the bootstrap connection when it goes to the same place.
    auto conn = std::make_unique<Connection>(a, opts_.client_id);
    it = brokers_.emplace(id, std::move(conn)).first;
  }
  Connection* c = it->second.get();
  if (!c->is_open()) {
    auto st = c->Open(opts_.bootstrap_timeout);
    if (!st.ok()) {
      return util::Status::IOError("broker " + std::to_string(id) + " (" + c->address().ToString() +
                                   "): " + st.message());
    }
  }
  return c;
}

util::Result<Connection*> Client::Controller() {
  // Unknown or not a listed broker (librdkafka's mock says 0): any broker will do.
  if (metadata_.controller_id < 0 || !FindBroker(metadata_.controller_id)) {
    if (bootstrap_ && bootstrap_->is_open()) return bootstrap_.get();
    return util::Status::Unavailable("no controller known");
  }
  return Broker(metadata_.controller_id);
}

util::Result<std::vector<KafkaError>> Client::CreateTopics(const std::vector<TopicSpec>& topics,
                                                           bool validate_only) {
  pr::CreateTopicsRequest req;
  req.timeout_ms = static_cast<int32_t>(opts_.request_timeout.count());
  req.validate_only = validate_only;
  for (const auto& t : topics) {
    pr::CreateTopicsRequest::CreatableTopic ct;
    ct.name = t.name;
    ct.num_partitions = t.assignment.empty() ? t.partitions : -1;
    ct.replication_factor = t.assignment.empty() ? t.replication_factor : -1;
    for (const auto& [p, ids] : t.assignment) {
      ct.assignments.push_back({p, ids, {}});
    }
    for (const auto& [k, v] : t.configs) {
      pr::CreateTopicsRequest::CreatableTopicConfig c;
      c.name = k;
      c.value = v;
      ct.configs.push_back(c);
    }
    req.topics.push_back(ct);
  }
  const auto deadline = Clock::now() + opts_.retry_timeout;
  while (true) {
    auto conn = Controller();
    util::Result<pr::CreateTopicsResponse> resp = conn.ok()
        ? (*conn)->Call<pr::CreateTopicsResponse>(req, opts_.request_timeout)
        : util::Result<pr::CreateTopicsResponse>(conn.status());
    bool not_controller = false;
    if (resp.ok()) {
      for (const auto& r : resp->topics) {
        not_controller |= r.error_code == static_cast<int16_t>(pr::ErrorCode::kNotController);
      }
      if (!not_controller) {
        std::vector<KafkaError> out;
        for (const auto& t : topics) {
          KafkaError e{static_cast<int16_t>(pr::ErrorCode::kUnknownServerError), "no result"};
          for (const auto& r : resp->topics) {
            if (r.name == t.name) e = {r.error_code, r.error_code ? DescribeError(r.error_code, r.error_message) : ""};
          }
          out.push_back(e);
        }
        return out;
      }
    } else if (resp.status().code() == util::Status::Code::kNotSupported) {
      return resp.status();
    }
    if (Clock::now() + kRetryBackoff >= deadline) {
      return resp.ok() ? util::Status::Unavailable("NOT_CONTROLLER") : resp.status();
    }
    std::this_thread::sleep_for(kRetryBackoff);
    (void)Metadata(std::vector<std::string>{});
  }
}

util::Result<std::vector<KafkaError>> Client::DeleteTopics(const std::vector<std::string>& names) {
  pr::DeleteTopicsRequest req;
  req.timeout_ms = static_cast<int32_t>(opts_.request_timeout.count());
  for (const auto& n : names) {
    req.topic_names.push_back(n);
    pr::DeleteTopicsRequest::DeleteTopicState s;
    s.name = n;
    req.topics.push_back(s);
  }
  auto conn = Controller();
  if (!conn.ok()) return conn.status();
  auto resp = (*conn)->Call<pr::DeleteTopicsResponse>(req, opts_.request_timeout);
  if (!resp.ok()) return resp.status();
  std::vector<KafkaError> out;
  for (const auto& n : names) {
    KafkaError e{static_cast<int16_t>(pr::ErrorCode::kUnknownServerError), "no result"};
    for (const auto& r : resp->responses) {
      if (r.name == n) e = {r.error_code, r.error_code ? DescribeError(r.error_code, r.error_message) : ""};
    }
    out.push_back(e);
  }
  return out;
}

util::Result<std::vector<KafkaError>> Client::CreatePartitions(
    const std::vector<std::pair<std::string, int32_t>>& counts) {
  pr::CreatePartitionsRequest req;
  req.timeout_ms = static_cast<int32_t>(opts_.request_timeout.count());
  for (const auto& [name, n] : counts) {
    pr::CreatePartitionsRequest::CreatePartitionsTopic t;
    t.name = name;
    t.count = n;
    req.topics.push_back(t);
  }
  auto conn = Controller();
  if (!conn.ok()) return conn.status();
  auto resp = (*conn)->Call<pr::CreatePartitionsResponse>(req, opts_.request_timeout);
  if (!resp.ok()) return resp.status();
  std::vector<KafkaError> out;
  for (const auto& [name, n] : counts) {
    KafkaError e{static_cast<int16_t>(pr::ErrorCode::kUnknownServerError), "no result"};
    for (const auto& r : resp->results) {
      if (r.name == name) e = {r.error_code, r.error_code ? DescribeError(r.error_code, r.error_message) : ""};
    }
    out.push_back(e);
  }
  return out;
}

util::Result<pr::DescribeConfigsResponse> Client::DescribeTopicConfigs(
    const std::vector<std::string>& names) {
  pr::DescribeConfigsRequest req;
  for (const auto& n : names) {
    pr::DescribeConfigsRequest::DescribeConfigsResource r;
    r.resource_type = 2;  // TOPIC
    r.resource_name = n;
    req.resources.push_back(r);
  }
  Connection* conn = bootstrap_.get();
  if (!conn || !conn->is_open()) {
    auto c = Controller();
    if (!c.ok()) return c.status();
    conn = *c;
  }
  return conn->Call<pr::DescribeConfigsResponse>(req, opts_.request_timeout);
}

int32_t Client::LeaderOf(const std::string& topic, int32_t partition) const {
  for (const auto& t : metadata_.topics) {
    if (t.name != topic) continue;
    for (const auto& p : t.partitions) {
      if (p.partition_index == partition) return p.leader_id;
    }
  }
  return -1;
}

util::Result<std::map<int32_t, KafkaError>> Client::Produce(
    const std::string& topic, const std::map<int32_t, std::string>& batches, int16_t acks,
    int32_t timeout_ms) {
  std::map<int32_t, KafkaError> results;
  std::map<int32_t, const std::string*> pending;
  for (const auto& [p, b] : batches) pending[p] = &b;
  const auto deadline = Clock::now() + opts_.retry_timeout;
  bool refresh = LeaderOf(topic, batches.empty() ? 0 : batches.begin()->first) < 0;
  while (!pending.empty()) {
    if (refresh) (void)Metadata(std::vector<std::string>{topic});
    refresh = false;
    std::map<int32_t, std::vector<int32_t>> by_leader;
    for (const auto& [p, b] : pending) {
      const int32_t leader = LeaderOf(topic, p);
      if (leader < 0) {
        results[p] = {static_cast<int16_t>(pr::ErrorCode::kLeaderNotAvailable), ""};
        refresh = true;
        continue;
      }
      by_leader[leader].push_back(p);
    }
    for (const auto& [leader, parts] : by_leader) {
      pr::ProduceRequest req;
      req.acks = acks;
      req.timeout_ms = timeout_ms;
      pr::ProduceRequest::TopicProduceData td;
      td.name = topic;
      for (int32_t p : parts) td.partition_data.push_back({p, *pending[p], {}});
      req.topic_data.push_back(std::move(td));
      auto conn = Broker(leader);
      if (!conn.ok()) {
        for (int32_t p : parts) results[p] = {kNetworkError, conn.status().message()};
        refresh = true;
        continue;
      }
      if (acks == 0) {
        auto st = (*conn)->SendOnly(req, opts_.request_timeout);
        for (int32_t p : parts) {
          results[p] = st.ok() ? KafkaError{} : KafkaError{kNetworkError, st.message()};
          if (st.ok()) pending.erase(p);
        }
        continue;
      }
      auto resp = (*conn)->Call<pr::ProduceResponse>(req, opts_.request_timeout);
      if (!resp.ok()) {
        if (resp.status().code() == util::Status::Code::kNotSupported) return resp.status();
        for (int32_t p : parts) results[p] = {kNetworkError, resp.status().message()};
        refresh = true;
        continue;
      }
      for (const auto& tr : resp->responses) {
        for (const auto& pp : tr.partition_responses) {
          if (!pending.count(pp.index)) continue;
          results[pp.index] = {pp.error_code, pp.error_code ? DescribeError(pp.error_code) : ""};
          if (pp.error_code == 0 || !pr::IsRetriable(pp.error_code)) {
            pending.erase(pp.index);
          } else {
            refresh = true;
          }
        }
      }
    }
    if (pending.empty()) break;
    if (Clock::now() + kRetryBackoff >= deadline) break;
    Log()->debug("retrying produce to {} partition(s) of {}", pending.size(), topic);
    std::this_thread::sleep_for(kRetryBackoff);
    refresh = true;
  }
  return results;
}

util::Result<std::map<int32_t, int64_t>> Client::ListOffsets(
    const std::string& topic, const std::map<int32_t, int64_t>& timestamps, int8_t isolation_level) {
  std::map<int32_t, int64_t> out;
  std::map<int32_t, int64_t> pending = timestamps;
  const auto deadline = Clock::now() + opts_.retry_timeout;
  std::string last_error;
  while (!pending.empty()) {
    std::map<int32_t, std::vector<int32_t>> by_leader;
    for (const auto& [p, ts] : pending) by_leader[LeaderOf(topic, p)].push_back(p);
    for (const auto& [leader, parts] : by_leader) {
      if (leader < 0) {
        last_error = "no leader";
        continue;
      }
      pr::ListOffsetsRequest req;
      req.isolation_level = isolation_level;
      pr::ListOffsetsRequest::ListOffsetsTopic t;
      t.name = topic;
      for (int32_t p : parts) {
        pr::ListOffsetsRequest::ListOffsetsPartition lp;
        lp.partition_index = p;
        lp.timestamp = pending[p];
        t.partitions.push_back(lp);
      }
      req.topics.push_back(t);
      auto conn = Broker(leader);
      if (!conn.ok()) {
        last_error = conn.status().message();
        continue;
      }
      auto resp = (*conn)->Call<pr::ListOffsetsResponse>(req, opts_.request_timeout);
      if (!resp.ok()) {
        if (resp.status().code() == util::Status::Code::kNotSupported) return resp.status();
        last_error = resp.status().message();
        continue;
      }
      for (const auto& rt : resp->topics) {
        for (const auto& rp : rt.partitions) {
          if (!pending.count(rp.partition_index)) continue;
          if (rp.error_code == 0) {
            out[rp.partition_index] = rp.offset;
            pending.erase(rp.partition_index);
          } else if (!pr::IsRetriable(rp.error_code)) {
            return util::Status::IOError("ListOffsets " + topic + "-" +
                                         std::to_string(rp.partition_index) + ": " +
                                         DescribeError(rp.error_code));
          } else {
            last_error = DescribeError(rp.error_code);
          }
        }
      }
    }
    if (pending.empty()) break;
    if (Clock::now() + kRetryBackoff >= deadline) {
      return util::Status::Timeout("ListOffsets " + topic + ": " + last_error);
    }
    std::this_thread::sleep_for(kRetryBackoff);
    (void)Metadata(std::vector<std::string>{topic});
  }
  return out;
}

util::Status DecodeFetchedRecords(std::string_view blob, int32_t partition, int64_t fetch_offset,
                                  FetchedPartition* out, bool skip_bad_batches) {
  size_t partial = 0;
  auto batches = pr::SplitBatches(blob, &partial);
  if (!batches.ok()) return batches.status();
  out->next_offset = fetch_offset;
  for (std::string_view b : *batches) {
    auto hdr = pr::ParseBatchHeader(b);
    if (!hdr.ok()) return hdr.status();
    if (hdr->last_offset() < fetch_offset) continue;
    out->next_offset = std::max(out->next_offset, hdr->last_offset() + 1);
    if (hdr->is_control()) continue;
    auto batch = pr::DecodeBatch(b);
    if (!batch.ok()) {
      if (!skip_bad_batches) return batch.status();
      Log()->error("skipping batch at offset {} of partition {}: {}", hdr->base_offset, partition,
                   batch.status().message());
      ++out->skipped_batches;
      continue;
    }
    for (auto& r : batch->records) {
      const int64_t offset = hdr->base_offset + r.offset_delta;
      if (offset < fetch_offset) continue;
      ConsumedRecord c;
      c.partition = partition;
      c.offset = offset;
      c.log_append_time = hdr->log_append_time();
      c.timestamp = c.log_append_time ? hdr->max_timestamp : hdr->base_timestamp + r.timestamp_delta;
      c.key = std::move(r.key);
      c.value = std::move(r.value);
      c.headers = std::move(r.headers);
      out->records.push_back(std::move(c));
    }
  }
  out->too_small = batches->empty() && partial > 0;
  return util::Status::OK();
}

util::Result<std::map<int32_t, FetchedPartition>> Client::Fetch(
    const std::string& topic, const std::map<int32_t, int64_t>& offsets, int32_t max_wait_ms,
    int32_t partition_max_bytes, int8_t isolation_level, bool skip_bad_batches) {
  std::map<int32_t, FetchedPartition> out;
  std::map<int32_t, std::vector<int32_t>> by_leader;
  for (const auto& [p, off] : offsets) by_leader[LeaderOf(topic, p)].push_back(p);
  const int32_t wait = std::max<int32_t>(0, max_wait_ms / static_cast<int32_t>(by_leader.size() ? by_leader.size() : 1));
  for (const auto& [leader, parts] : by_leader) {
    auto fail = [&](int16_t code) {
      for (int32_t p : parts) out[p].error = code;
    };
    if (leader < 0) {
      fail(static_cast<int16_t>(pr::ErrorCode::kLeaderNotAvailable));
      continue;
    }
    pr::FetchRequest req;
    req.max_wait_ms = wait;
    req.min_bytes = 1;
    req.max_bytes = 52428800;
    req.isolation_level = isolation_level;
    pr::FetchRequest::FetchTopic ft;
    ft.topic = topic;
    for (int32_t p : parts) {
      pr::FetchRequest::FetchPartition fp;
      fp.partition = p;
      fp.fetch_offset = offsets.at(p);
      fp.partition_max_bytes = partition_max_bytes;
      ft.partitions.push_back(fp);
    }
    req.topics.push_back(ft);
    auto conn = Broker(leader);
    if (!conn.ok()) {
      Log()->warn("{}", conn.status().message());
      fail(kNetworkError);
      continue;
    }
    auto resp = (*conn)->Call<pr::FetchResponse>(req, opts_.request_timeout + Ms(wait));
    if (!resp.ok()) {
      if (resp.status().code() == util::Status::Code::kNotSupported) return resp.status();
      Log()->warn("fetch from broker {}: {}", leader, resp.status().message());
      fail(kNetworkError);
      continue;
    }
    if (resp->error_code != 0) {
      fail(resp->error_code);
      continue;
    }
    for (const auto& rt : resp->responses) {
      for (const auto& rp : rt.partitions) {
        if (!offsets.count(rp.partition_index)) continue;
        FetchedPartition& fp = out[rp.partition_index];
        fp.error = rp.error_code;
        fp.high_watermark = rp.high_watermark;
        fp.next_offset = offsets.at(rp.partition_index);
        if (rp.error_code != 0 || !rp.records) continue;
        auto st = DecodeFetchedRecords(*rp.records, rp.partition_index,
                                       offsets.at(rp.partition_index), &fp, skip_bad_batches);
        if (!st.ok()) return util::Status::Corruption("partition " + std::to_string(rp.partition_index) + ": " + st.message());
      }
    }
  }
  return out;
}

}  // namespace kafka::client
