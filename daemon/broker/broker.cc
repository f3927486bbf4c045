#include "daemon/broker/broker.h"

#include <boost/asio/post.hpp>

#include "common/log/log_manager.h"
#include "common/protocol/codec.h"
#include "common/protocol/error_code.h"
#include "common/protocol/header.h"
#include "common/protocol/messages/api_versions.h"
#include "common/util/logging.h"
#include "daemon/broker/config/server_options.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/inter_broker/handshake.h"
#include "daemon/broker/replica_assignment.h"
#include "daemon/broker/replication/channel_transport.h"
#include "daemon/broker/topic_config.h"

namespace kafka::broker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Broker::Broker(asio::io_context& io, BrokerConfig config)
    : io_(io),
      config_(std::move(config)),
      housekeeping_timer_(io),
      stop_timer_(io),
      expiry_timer_(io) {}

Broker::~Broker() {
  expiry_timer_.cancel();
  if (coordinator_) coordinator_->Shutdown();
  if (controller_) controller_->Stop();
  for (auto& w : watches_) w.Cancel();
  if (zk_client_) zk_client_->Close();
}

bool Broker::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (stopping_) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (io_.stopped()) io_.restart();
    io_.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, 100ms));
  }
  return true;
}

util::Status Broker::Start() {
  if (config_.broker_id < 0) {
    return util::Status::InvalidArgument(
        "broker.id must be set (broker.id.generation.enable is not supported)");
  }
  // 1. Logs: lock log.dirs, recover.
  auto logs = log::LogManager::Open(config_.log_dirs, BrokerLogConfig(config_));
  if (!logs.ok()) return logs.status().WithContext("opening log.dirs");
  replicas_ = std::make_unique<ReplicaManager>(io_, std::move(*logs));

  // 2. Listeners (bound now so port 0 can be advertised; requests wait for ready_).
  server_ = std::make_unique<net::FramedServer>(
      io_, MakeServerOptions(config_),
      [this](net::ConnectionContext& ctx, std::string frame, net::Responder responder) {
        HandleFrame(ctx, std::move(frame), std::move(responder));
      });
  server_->SetCloseHandler([this](net::ConnectionContext& ctx) {
    if (replicas_) replicas_->CancelConnection(ctx.id());
    sasl_handshakes_.erase(ctx.id());
    peer_brokers_.erase(ctx.id());
  });
  UTIL_RETURN_IF_ERROR(server_->Start());

  // 3. ZooKeeper session.
  const auto conn_timeout = std::chrono::milliseconds(config_.zookeeper_connection_timeout_ms);
  const std::string connect = config_.zookeeper.ToString();
  if (auto s = CreateChrootIfNecessary(connect, conn_timeout); !s.ok()) {
    return s.WithContext("Timed out waiting for connection to ZooKeeper at " + connect);
  }
  UTIL_RETURN_IF_ERROR(ConnectZooKeeper());
  if (!RunUntil([this] { return zk_connected_; }, conn_timeout)) {
    return util::Status::Timeout("Timed out waiting for connection to ZooKeeper at " + connect +
                                 " within " +
                                 std::to_string(config_.zookeeper_connection_timeout_ms) + " ms");
  }
  kafka_zk_ = std::make_unique<KafkaZk>(io_, zk_client_);
  const auto op_timeout = std::chrono::milliseconds(config_.zookeeper_session_timeout_ms) + 5s;

  // 4. Persistent paths and cluster id.
  std::optional<util::Status> step;
  kafka_zk_->EnsurePersistentPaths([&step](util::Status s) { step = s; });
  if (!RunUntil([&] { return step.has_value(); }, op_timeout)) {
    return util::Status::Timeout("creating ZooKeeper paths");
  }
  if (!step->ok()) return step->WithContext("creating ZooKeeper paths");
  std::optional<util::Result<std::string>> cluster;
  kafka_zk_->GetOrCreateClusterId("", [&cluster](util::Result<std::string> r) { cluster = r; });
  if (!RunUntil([&] { return cluster.has_value(); }, op_timeout)) {
    return util::Status::Timeout("reading /cluster/id");
  }
  if (!cluster->ok()) return cluster->status().WithContext("cluster id");
  cache_.set_cluster_id(cluster->value());
  Log().info("cluster id {}", cluster->value());
  std::optional<util::Result<std::string>> secret;
  kafka_zk_->GetOrCreateData(std::string(inter_broker::kSecretZNodePath),
                             inter_broker::GenerateSecret(),
                             [&secret](util::Result<std::string> r) { secret = r; });
  if (!RunUntil([&] { return secret.has_value(); }, op_timeout)) {
    return util::Status::Timeout("reading the inter-broker secret");
  }
  if (!secret->ok()) return secret->status().WithContext("inter-broker secret");
  if (secret->value().empty()) {
    return util::Status::Corruption(std::string(inter_broker::kSecretZNodePath) + " is empty");
  }
  inter_broker_secret_ = secret->value();

  // 5. Registration (advertised listeners, port 0 replaced by the bound port).
  zkdata::BrokerIdZNode node;
  node.broker_id = config_.broker_id;
  node.rack = config_.broker_rack;
  node.timestamp_ms = NowMs();
  for (size_t i = 0; i < config_.advertised_listeners.size(); ++i) {
    const Listener& l = config_.advertised_listeners[i];
    zkdata::BrokerEndpoint ep;
    ep.listener_name = l.name;
    ep.host = l.host.empty() ? "localhost" : l.host;
    ep.port = l.port;
    if (ep.port == 0) {
      for (size_t j = 0; j < config_.listeners.size() && j < server_->bound_ports().size(); ++j) {
        if (config_.listeners[j].name == l.name) ep.port = server_->bound_ports()[j];
      }
    }
    ep.security_protocol = l.security_protocol.empty() ? "PLAINTEXT" : l.security_protocol;
    node.endpoints.push_back(ep);
  }
  registration_ = node;
  RegisterBrokerOptions ropts;
  // The server expires the previous incarnation's session up to a tick and a
  // ping interval after the timeout: wait 1.5 times it (chaos finding F2).
  ropts.stale_wait = std::chrono::milliseconds(config_.zookeeper_session_timeout_ms * 3 / 2);
  std::optional<util::Result<int64_t>> reg;
  kafka_zk_->RegisterBroker(node, ropts, [&reg](util::Result<int64_t> r) { reg = r; });
  if (!RunUntil([&] { return reg.has_value(); }, op_timeout + ropts.stale_wait)) {
    return util::Status::Timeout("registering broker in ZooKeeper");
  }
  if (!reg->ok()) return reg->status().WithContext("registering broker");
  Log().info("registered broker {} at {} (epoch {})", config_.broker_id,
             node.endpoints.empty() ? std::string("?") : node.endpoints[0].ConnectionString(),
             reg->value());
  broker_epoch_ = reg->value();

  // 6. Group coordinator (its partitions come with the metadata below).
  offsets_store_ = std::make_unique<OffsetsStore>(io_, *replicas_, cache_, config_.broker_id,
                                                  config_.offsets_commit_timeout_ms);
  group::GroupConfig gconfig;
  gconfig.offsets_topic_num_partitions = config_.offsets_topic_num_partitions;
  gconfig.group_min_session_timeout_ms = config_.group_min_session_timeout_ms;
  gconfig.group_max_session_timeout_ms = config_.group_max_session_timeout_ms;
  gconfig.group_initial_rebalance_delay_ms = config_.group_initial_rebalance_delay_ms;
  gconfig.group_max_size = config_.group_max_size;
  gconfig.offsets_retention_ms = int64_t{config_.offsets_retention_minutes} * 60 * 1000;
  coordinator_ = std::make_unique<group::GroupCoordinator>(io_, *offsets_store_, gconfig);

  // 7. Replication (fetchers over the inter-broker channel, ISR writes to
  // ZooKeeper), then the controller and metadata.
  ConfigureReplication();

  // Controller and metadata.
  controller_ = std::make_unique<Controller>(
      config_.broker_id, *kafka_zk_, cache_,
      [this](const std::string& name, const zkdata::TopicZNode& znode,
             const std::map<std::string, std::string>& configs, int32_t zk_version) {
        ApplyTopic(name, znode, configs, zk_version);
      });
  {
    controller::ActiveOptions copts;
    copts.unclean_leader_election_enable = config_.unclean_leader_election_enable;
    copts.auto_leader_rebalance_enable = config_.auto_leader_rebalance_enable;
    copts.imbalance_check_interval = std::chrono::milliseconds(
        std::max<int64_t>(1, config_.leader_imbalance_check_interval_seconds) * 1000);
    copts.imbalance_percentage = config_.leader_imbalance_per_broker_percentage;
    copts.listener = InterBrokerListener();
    copts.secret = inter_broker_secret_;
    copts.request_timeout = std::chrono::milliseconds(config_.controller_socket_timeout_ms);
    controller_->Configure(io_, std::move(copts));
  }
  std::optional<bool> epoch_read;
  kafka_zk_->GetControllerEpoch([&](util::Result<std::pair<int32_t, int32_t>> r) {
    if (r.ok()) controller_->set_controller_epoch(r->first);
    epoch_read = true;
  });
  RunUntil([&] { return epoch_read.has_value(); }, op_timeout);
  WatchMetadata();
  if (!RunUntil([this] { return brokers_loaded_ && topics_loaded_ && pending_topic_reads_ == 0; },
                op_timeout)) {
    return util::Status::Timeout("loading metadata from ZooKeeper");
  }
  // Clients (librdkafka's AdminClient) that see controller id -1 in Metadata
  // may never ask again: serve only once the election outcome is known
  // (bounded: without a controller we serve anyway).
  if (!RunUntil([this] { return cache_.controller_id() >= 0; }, op_timeout)) {
    Log().warn("no controller known after {} ms; serving anyway", op_timeout.count());
  }
  // Logs of topics deleted while we were down.
  for (const auto& tp : replicas_->LocalPartitions()) {
    if (cache_.GetTopic(tp.topic) == nullptr) {
      Log().info("[{}] topic no longer exists; deleting its log", tp.DirName());
      replicas_->DeletePartition(tp);
    }
  }
  ready_ = true;
  Log().info("started (broker {}, {} topic(s), {} live broker(s))", config_.broker_id,
             cache_.topics().size(), cache_.brokers().size());
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto& q : queued) {
    Dispatch(q.connection_id, q.peer, q.listener, q.frame, std::move(q.responder));
  }
  // The first retention pass waits 30 s (Kafka's log.initial.task.delay.ms): logs load
  // with the broker defaults and get their topic's config (a compact-only policy, a
  // longer retention.ms) only when this broker learns its role; retention before that
  // could delete segments the topic keeps.
  last_retention_ms_ = NowMs() - config_.log_retention_check_interval_ms + 30000;
  ScheduleHousekeeping();
  ScheduleOffsetExpiry();
  UpdateCoordination();
  return util::Status::OK();
}

util::Status Broker::ConnectZooKeeper() {
  zk::ClientOptions zopts;
  zopts.connect_string = config_.zookeeper.ToString();
  zopts.session_timeout = std::chrono::milliseconds(config_.zookeeper_session_timeout_ms);
  auto client = zk::Client::Create(io_, zopts);
  if (!client.ok()) return client.status().WithContext("zookeeper.connect");
  if (zk_client_) zk_client_->Close({}, false);
  zk_client_ = *client;
  zk_connected_ = false;
  const uint64_t generation = ++zk_generation_;
  zk_client_->SetStateListener([this, generation](zk::KeeperState state) {
    if (generation != zk_generation_) return;  // a replaced session
    switch (state) {
      case zk::KeeperState::kSyncConnected:
        if (!zk_connected_) Log().info("zookeeper session established");
        zk_connected_ = true;
        break;
      case zk::KeeperState::kExpired:
        Log().warn("zookeeper session expired; starting a new session");
        asio::post(io_, [this] { OnSessionExpired(); });
        break;
      case zk::KeeperState::kDisconnected:
        Log().warn("zookeeper connection lost; reconnecting");
        break;
      default:
        break;
    }
  });
  zk_client_->Start();
  return util::Status::OK();
}

void Broker::OnSessionExpired() {
  if (stopping_) return;
  for (auto& w : watches_) w.Cancel();
  watches_.clear();
  watched_topics_.clear();
  if (auto s = ConnectZooKeeper(); !s.ok()) {
    Log().error("cannot create a new zookeeper session: {}", s.ToString());
    Stop(1);
    return;
  }
  kafka_zk_ = std::make_unique<KafkaZk>(io_, zk_client_);
  controller_->ResetSession(*kafka_zk_);
  RegisterAgain(0);
}

void Broker::RegisterAgain(int attempt) {
  if (stopping_) return;
  RegisterBrokerOptions ropts;
  ropts.stale_wait = std::chrono::milliseconds(config_.zookeeper_session_timeout_ms * 3 / 2);
  const uint64_t generation = zk_generation_;
  registration_.timestamp_ms = NowMs();
  kafka_zk_->RegisterBroker(registration_, ropts,
                            [this, generation, attempt](util::Result<int64_t> r) {
    if (stopping_ || generation != zk_generation_) return;
    if (!r.ok()) {
      if (attempt < 5) {
        Log().warn("re-registering broker {} failed ({}); retrying", config_.broker_id,
                   r.status().ToString());
        auto timer = std::make_shared<asio::steady_timer>(io_, 1s);
        timer->async_wait([this, timer, attempt](const boost::system::error_code& ec) {
          if (!ec) RegisterAgain(attempt + 1);
        });
        return;
      }
      Log().error("re-registering broker {} failed: {}", config_.broker_id,
                  r.status().ToString());
      Stop(1);
      return;
    }
    Log().info("re-registered broker {} (epoch {})", config_.broker_id, *r);
    broker_epoch_ = *r;
    WatchMetadata();
  });
}

void Broker::WatchMetadata() {
  watches_.push_back(kafka_zk_->WatchBrokerIds([this](util::Result<std::vector<int32_t>> r) {
    if (stopping_) return;
    if (!r.ok()) {
      Log().warn("watching /brokers/ids: {}", r.status().ToString());
      return;
    }
    OnBrokerIds(std::move(*r));
  }));
  watches_.push_back(kafka_zk_->WatchTopics([this](util::Result<std::vector<std::string>> r) {
    if (stopping_) return;
    if (!r.ok()) {
      Log().warn("watching /brokers/topics: {}", r.status().ToString());
      return;
    }
    OnTopics(std::move(*r));
  }));
  watches_.push_back(kafka_zk_->WatchController([this](util::Result<std::optional<int32_t>> r) {
    if (stopping_) return;
    if (!r.ok()) {
      Log().warn("watching /controller: {}", r.status().ToString());
      return;
    }
    controller_->OnControllerChange(*r);
  }));
}

void Broker::OnBrokerIds(std::vector<int32_t> ids) {
  std::set<int32_t> live(ids.begin(), ids.end());
  for (int32_t id : cache_.LiveBrokerIds()) {
    if (!live.count(id)) {
      Log().info("broker {} left", id);
      cache_.RemoveBroker(id);
    }
  }
  auto pending = std::make_shared<size_t>(0);
  // Every live broker is re-read: a quick restart (new endpoint) may show up as a
  // single change of /brokers/ids with the same children.
  for (int32_t id : ids) {
    ++*pending;
    kafka_zk_->GetBroker(id, [this, id, pending](util::Result<zkdata::BrokerIdZNode> r) {
      if (r.ok() && !r->endpoints.empty()) {
        const zkdata::BrokerEndpoint* ep = &r->endpoints.front();
        const std::string want =
            config_.listeners.empty() ? std::string("PLAINTEXT") : config_.listeners[0].name;
        for (const auto& e : r->endpoints) {
          if (e.listener_name == want) ep = &e;
        }
        BrokerInfo info;
        info.id = id;
        info.host = ep->host;
        info.port = ep->port;
        info.rack = r->rack;
        if (!cache_.IsLive(id)) Log().info("broker {} is live at {}:{}", id, info.host, info.port);
        cache_.SetBroker(std::move(info));
      } else if (!r.ok() && !r.status().IsNotFound()) {
        Log().warn("reading broker {}: {}", id, r.status().ToString());
      }
      if (--*pending == 0) brokers_loaded_ = true;
    });
  }
  if (*pending == 0) brokers_loaded_ = true;
}

void Broker::OnTopics(std::vector<std::string> topics) {
  std::set<std::string> now(topics.begin(), topics.end());
  std::vector<std::string> gone;
  for (const auto& t : watched_topics_) {
    if (!now.count(t)) gone.push_back(t);
  }
  for (const auto& [name, t] : cache_.topics()) {
    if (!now.count(name) && !watched_topics_.count(name)) gone.push_back(name);
  }
  for (const auto& t : gone) {
    watched_topics_.erase(t);
    RemoveTopic(t);
  }
  for (const auto& t : topics) {
    if (watched_topics_.insert(t).second) ReadTopic(t);
  }
  topics_loaded_ = true;
}

void Broker::ReadTopic(const std::string& name) {
  ++pending_topic_reads_;
  const std::string path = zkdata::TopicZNode::Path(name);
  auto watcher = [this, name](const zk::WatchedEvent&) {
    if (!stopping_ && watched_topics_.count(name)) ReadTopic(name);
  };
  zk_client_->GetData(path, watcher, [this, name, path](zk::Reply<zk::DataResult> r) {
    if (stopping_) {
      --pending_topic_reads_;
      return;
    }
    if (r.code() == zk::ErrorCode::kNoNode) {
      watched_topics_.erase(name);
      RemoveTopic(name);
      --pending_topic_reads_;
      return;
    }
    if (!r.ok()) {
      Log().warn("[{}] reading {}: {}", name, path, zk::ToStatus(r.err, path).ToString());
      --pending_topic_reads_;
      return;
    }
    auto znode = zkdata::TopicZNode::Decode(r.value.data);
    if (!znode.ok()) {
      Log().warn("[{}] bad topic znode: {}", name, znode.status().ToString());
      --pending_topic_reads_;
      return;
    }
    const int32_t version = r.value.stat.version;
    kafka_zk_->GetTopicConfig(
        name, [this, name, version, znode = std::move(*znode)](
                  util::Result<std::map<std::string, std::string>> configs) {
          --pending_topic_reads_;
          if (stopping_) return;
          ApplyTopic(name, znode, configs.ok() ? *configs : std::map<std::string, std::string>{},
                     version);
        });
  });
}

void Broker::ApplyTopic(const std::string& name, const zkdata::TopicZNode& znode,
                        const std::map<std::string, std::string>& configs, int32_t zk_version) {
  const std::string topic_id = znode.topic_id.value_or("");
  if (const TopicInfo* existing = cache_.GetTopic(name)) {
    if (existing->topic_id == topic_id && zk_version < existing->zk_version) return;  // stale
    if (!existing->topic_id.empty() && !topic_id.empty() && existing->topic_id != topic_id) {
      Log().info("[{}] topic was re-created (id {} -> {})", name, existing->topic_id, topic_id);
      RemoveTopic(name);
    }
  }
  TopicInfo topic;
  if (const TopicInfo* existing = cache_.GetTopic(name)) topic = *existing;
  topic.topic_id = topic_id;
  topic.configs = configs;
  topic.zk_version = zk_version;
  std::map<int32_t, PartitionInfo> partitions;
  for (const auto& [p, ra] : znode.partitions) {
    PartitionInfo info;
    auto it = topic.partitions.find(p);
    if (it != topic.partitions.end() && it->second.state_known) {
      info = it->second;
      info.replicas = ra.replicas;
    } else {
      info.replicas = ra.replicas;
      info.leader = ra.replicas.empty() ? -1 : ra.replicas.front();
      info.isr = ra.replicas;
    }
    partitions[p] = std::move(info);
  }
  topic.partitions = std::move(partitions);
  const bool new_topic = cache_.GetTopic(name) == nullptr;
  cache_.SetTopic(name, topic);
  auto_creating_.erase(name);
  if (new_topic) Log().info("[{}] topic known with {} partition(s)", name, topic.partitions.size());
  const log::LogConfig log_config = TopicLogConfig(config_, configs);
  for (const auto& [p, info] : topic.partitions) {
    if (std::find(info.replicas.begin(), info.replicas.end(), config_.broker_id) ==
        info.replicas.end()) {
      continue;
    }
    log::TopicPartition tp{name, p};
    // The role comes from the partition state (ReadPartitionStates), never from
    // the assignment alone.
    auto s = replicas_->EnsurePartition(tp, log_config, false, info.leader_epoch);
    if (!s.ok()) Log().error("[{}] creating log failed: {}", tp.DirName(), s.ToString());
  }
  ReadPartitionStates(name, topic_id);
  if (name == kOffsetsTopic) UpdateCoordination();
}

void Broker::ReadPartitionStates(const std::string& name, const std::string& topic_id) {
  const TopicInfo* topic = cache_.GetTopic(name);
  if (topic == nullptr) return;
  for (const auto& [p, info] : topic->partitions) {
    if (!info.state_known) ReadPartitionState(name, topic_id, p, 0);
  }
}

void Broker::ReadPartitionState(const std::string& name, const std::string& topic_id,
                                int32_t partition, int attempt) {
  kafka_zk_->GetPartitionState(
      name, partition,
      [this, name, topic_id, partition, attempt](util::Result<PartitionState> r) {
        if (stopping_) return;
        if (!r.ok()) {
          // A topic znode is written before its partition states: try again a
          // little later (bounded) rather than never learning the leader.
          if (attempt < 50) {
            auto timer = std::make_shared<asio::steady_timer>(io_, 200ms);
            timer->async_wait([this, timer, name, topic_id, partition,
                               attempt](const boost::system::error_code& ec) {
              if (!ec && !stopping_) ReadPartitionState(name, topic_id, partition, attempt + 1);
            });
          }
          return;
        }
        TopicInfo* t = cache_.MutableTopic(name);
        if (t == nullptr || t->topic_id != topic_id) return;
        auto it = t->partitions.find(partition);
        if (it == t->partitions.end()) return;
        PartitionInfo& info = it->second;
        if (info.state_known && (info.leader_epoch > r->state.leader_epoch ||
                                 info.zk_version > r->zk_version)) {
          return;  // the controller's UpdateMetadata was newer
        }
        info.leader = r->state.leader;
        info.leader_epoch = r->state.leader_epoch;
        info.isr = r->state.isr;
        info.zk_version = r->zk_version;
        info.state_known = true;
        // Roles come from the controller's LeaderAndIsr only (as in Kafka): a state
        // read here may be older than the controller's next decision (a restarted
        // broker still named leader before its re-election), so it only feeds the
        // metadata cache until the controller's UpdateMetadata arrives.
        if (name == kOffsetsTopic) UpdateCoordination();
      });
}

void Broker::ConfigureReplication() {
  ReplicationOptions options;
  options.broker_id = config_.broker_id;
  options.replica_lag_time_max_ms = config_.replica_lag_time_max_ms;
  options.fetcher.max_wait_ms = config_.replica_fetch_wait_max_ms;
  options.fetcher.min_bytes = config_.replica_fetch_min_bytes;
  options.fetcher.max_bytes = config_.replica_fetch_response_max_bytes;
  options.fetcher.partition_max_bytes = config_.replica_fetch_max_bytes;
  replicas_->Configure(
      options,
      std::make_unique<replication::ZkIsrStore>([this] { return kafka_zk_.get(); }),
      [this](int32_t broker_id) -> std::unique_ptr<replication::FetcherTransport> {
        inter_broker::ChannelOptions copts;
        copts.local_broker_id = config_.broker_id;
        copts.secret = inter_broker_secret_;
        return std::make_unique<replication::ChannelTransport>(
            io_, copts,
            [this, broker_id]() -> std::optional<replication::ChannelTransport::Endpoint> {
              const BrokerInfo* b = cache_.GetBroker(broker_id);
              if (b == nullptr) return std::nullopt;
              return replication::ChannelTransport::Endpoint{b->host,
                                                             static_cast<uint16_t>(b->port)};
            },
            std::chrono::milliseconds(config_.replica_socket_timeout_ms));
      },
      [this](const log::TopicPartition& tp, const PartitionRole& role) {
        // This leader changed the ISR: answer Metadata truthfully at once (other
        // brokers learn it from the controller's UpdateMetadata).
        TopicInfo* t = cache_.MutableTopic(tp.topic);
        if (t == nullptr) return;
        auto it = t->partitions.find(tp.partition);
        if (it == t->partitions.end()) return;
        it->second.leader = role.leader;
        it->second.leader_epoch = role.leader_epoch;
        it->second.isr = role.isr;
      });
}

void Broker::RemoveTopic(const std::string& name) {
  if (cache_.GetTopic(name) != nullptr) {
    cache_.RemoveTopic(name);
    Log().info("[{}] topic deleted", name);
  }
  if (name == kOffsetsTopic) UpdateCoordination();
  replicas_->DeleteTopic(name);
}

bool Broker::AutoCreateTopic(const std::string& topic) {
  if (auto_creating_.count(topic)) return true;
  auto live = cache_.LiveBrokerIds();
  auto assignment = AssignReplicasToBrokers(live, config_.num_partitions,
                                            config_.default_replication_factor);
  if (!assignment.ok()) {
    Log().warn("[{}] cannot auto-create: {}", topic, assignment.status().message());
    return false;
  }
  auto_creating_.insert(topic);
  NewTopic t;
  t.name = topic;
  t.assignment = std::move(*assignment);
  controller_->CreateTopic(std::move(t), [this, topic](util::Result<std::string> r) {
    auto_creating_.erase(topic);
    if (!r.ok() && !r.status().IsAlreadyExists()) {
      Log().warn("[{}] auto-creation failed: {}", topic, r.status().ToString());
    }
  });
  return true;
}

void Broker::HandleFrame(net::ConnectionContext& ctx, std::string frame,
                         net::Responder responder) {
  if (stopping_) {
    responder.Close();
    return;
  }
  if (!ready_) {
    queued_.push_back(
        Queued{ctx.id(), ctx.peer(), ctx.listener(), std::move(frame), std::move(responder)});
    return;
  }
  Dispatch(ctx.id(), ctx.peer(), ctx.listener(), frame, std::move(responder));
}

void Broker::Dispatch(uint64_t connection_id, const std::string& peer,
                      const std::string& listener, const std::string& frame,
                      net::Responder responder) {
  using namespace kafka::protocol;
  Reader r(frame);
  auto header = DecodeRequestHeader(r);
  if (!header.ok()) {
    Log().warn("[{}] closing: bad request header: {}", peer, header.status().ToString());
    responder.Close();
    return;
  }
  const ApiHandler* handler = FindHandler(header->api_key);
  if (handler == nullptr) {
    Log().warn("[{}] closing: unsupported api key {} ({})", peer, header->api_key,
               ApiKeyName(header->api_key));
    responder.Close();
    return;
  }
  if (!handler->versions.Contains(header->api_version)) {
    if (header->api_key == static_cast<int16_t>(ApiKey::kApiVersions)) {
      // KIP-511: answer in the v0 layout so any client can read the supported range.
      ApiVersionsResponse resp;
      resp.error_code = ToWire(ErrorCode::kUnsupportedVersion);
      resp.api_keys = SupportedApiVersions();
      Writer w;
      EncodeResponseHeader(header->correlation_id, 0, w);
      Encode(resp, 0, w);
      responder.Send(w.Take());
      return;
    }
    Log().warn("[{}] closing: unsupported version {} of {}", peer, header->api_version,
               ApiKeyName(header->api_key));
    responder.Close();
    return;
  }
  if (Log().should_log(spdlog::level::trace)) {
    Log().trace("[{}] {} v{} corr={} client_id={}", peer, ApiKeyName(header->api_key),
                header->api_version, header->correlation_id, header->client_id.value_or(""));
  }
  RequestContext ctx;
  ctx.broker = this;
  ctx.header = std::move(*header);
  ctx.connection_id = connection_id;
  ctx.peer = peer;
  ctx.listener = listener;
  if (auto it = peer_brokers_.find(connection_id); it != peer_brokers_.end()) {
    ctx.peer_broker_id = it->second;
  }
  handler->run(ctx, r, std::move(responder));
}

void Broker::ScheduleHousekeeping() {
  housekeeping_timer_.expires_after(1s);
  housekeeping_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    const int64_t now = NowMs();
    replicas_->MaybeFlush(now);
    if (now - last_retention_ms_ >= config_.log_retention_check_interval_ms) {
      last_retention_ms_ = now;
      replicas_->RunRetention(now);
    }
    if (now - last_checkpoint_ms_ >= config_.log_flush_offset_checkpoint_interval_ms) {
      last_checkpoint_ms_ = now;
      replicas_->Checkpoint();
    }
    ScheduleHousekeeping();
  });
}

void Broker::UpdateCoordination() {
  if (!coordinator_ || stopping_) return;
  const TopicInfo* topic = cache_.GetTopic(kOffsetsTopic);
  for (int32_t p = 0; p < config_.offsets_topic_num_partitions; ++p) {
    bool lead = false;
    if (topic != nullptr) {
      auto it = topic->partitions.find(p);
      lead = it != topic->partitions.end() && it->second.leader == config_.broker_id &&
             replicas_->Get(log::TopicPartition{kOffsetsTopic, p}) != nullptr;
    }
    if (lead && !coordinator_->Owns(p)) {
      Log().info("[{}-{}] becoming group coordinator", kOffsetsTopic, p);
      coordinator_->OnBecomeCoordinator(p);
    } else if (!lead && coordinator_->Owns(p)) {
      Log().info("[{}-{}] resigning as group coordinator", kOffsetsTopic, p);
      coordinator_->OnResign(p);
    }
  }
}

void Broker::ScheduleOffsetExpiry() {
  expiry_timer_.expires_after(std::chrono::milliseconds(
      std::max<int64_t>(1000, config_.offsets_retention_check_interval_ms)));
  expiry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    coordinator_->ExpireOffsets(NowMs());
    ScheduleOffsetExpiry();
  });
}

void Broker::CreateOffsetsTopic() {
  const std::string topic = kOffsetsTopic;
  if (auto_creating_.count(topic)) return;
  auto live = cache_.LiveBrokerIds();
  const int16_t rf = static_cast<int16_t>(std::min<size_t>(
      static_cast<size_t>(std::max<int16_t>(1, config_.offsets_topic_replication_factor)),
      std::max<size_t>(1, live.size())));
  auto assignment = AssignReplicasToBrokers(live, config_.offsets_topic_num_partitions, rf);
  if (!assignment.ok()) {
    Log().warn("[{}] cannot create: {}", topic, assignment.status().message());
    return;
  }
  auto_creating_.insert(topic);
  NewTopic t;
  t.name = topic;
  t.assignment = std::move(*assignment);
  t.configs = {{"cleanup.policy", "compact"},
               {"compression.type", "producer"},
               {"segment.bytes", std::to_string(config_.offsets_topic_segment_bytes)}};
  Log().info("[{}] creating ({} partitions, replication factor {})", topic,
             config_.offsets_topic_num_partitions, rf);
  controller_->CreateTopic(std::move(t), [this, topic](util::Result<std::string> r) {
    auto_creating_.erase(topic);
    if (!r.ok() && !r.status().IsAlreadyExists()) {
      Log().warn("[{}] creation failed: {}", topic, r.status().ToString());
    }
  });
}

group::CoordinatorLookup Broker::ResolveCoordinator(int8_t key_type, const std::string& key) {
  group::CoordinatorLookup out;
  out.error_code = protocol::ToWire(protocol::ErrorCode::kCoordinatorNotAvailable);
  if (key_type != 0) return out;  // no transaction coordinator
  const TopicInfo* topic = cache_.GetTopic(kOffsetsTopic);
  if (topic == nullptr) {
    CreateOffsetsTopic();
    return out;
  }
  auto it = topic->partitions.find(coordinator_->PartitionFor(key));
  if (it == topic->partitions.end() || it->second.leader < 0) return out;
  const BrokerInfo* b = cache_.GetBroker(it->second.leader);
  if (b == nullptr) return out;
  out.error_code = 0;
  out.node_id = b->id;
  out.host = b->host;
  out.port = b->port;
  return out;
}

std::string Broker::InterBrokerListener() const {
  if (!config_.inter_broker_listener_name.empty()) {
    for (const auto& l : config_.listeners) {
      if (l.name == config_.inter_broker_listener_name) return l.name;
    }
  }
  return config_.listeners.empty() ? std::string("PLAINTEXT") : config_.listeners[0].name;
}

void Broker::ApplyUpdateMetadata(const protocol::UpdateMetadataRequest& req) {
  auto touched = cache_.ApplyUpdateMetadata(req, InterBrokerListener());
  cache_.set_controller_id(req.controller_id);
  if (touched.count(kOffsetsTopic)) UpdateCoordination();
}

// Kafka's KafkaServer.controlledShutdown: ask the controller to move our
// leaderships away, retrying (controlled.shutdown.max.retries, with
// controlled.shutdown.retry.backoff.ms between attempts) while partitions remain;
// then stop whatever the outcome.
void Broker::ControlledShutdown(int attempt) {
  auto finish = [this](bool ok) {
    if (shutdown_channel_) shutdown_channel_->Close();
    shutdown_channel_.reset();
    if (!ok) Log().warn("controlled shutdown did not complete; stopping anyway");
    Stop(0);
  };
  if (stopping_) return;
  if (attempt > config_.controlled_shutdown_max_retries) return finish(false);
  auto retry = [this, attempt, finish](const std::string& why) {
    Log().info("controlled shutdown attempt {} failed: {}", attempt + 1, why);
    if (attempt + 1 > config_.controlled_shutdown_max_retries) return finish(false);
    shutdown_timer_.expires_after(
        std::chrono::milliseconds(config_.controlled_shutdown_retry_backoff_ms));
    shutdown_timer_.async_wait([this, attempt](const boost::system::error_code& ec) {
      if (!ec) ControlledShutdown(attempt + 1);
    });
  };
  const BrokerInfo* controller = cache_.GetBroker(cache_.controller_id());
  if (controller == nullptr) return retry("no controller known");
  inter_broker::ChannelOptions o;
  o.host = controller->host;
  o.port = static_cast<uint16_t>(controller->port);
  o.local_broker_id = config_.broker_id;
  o.secret = inter_broker_secret_;
  if (shutdown_channel_) shutdown_channel_->Close();
  shutdown_channel_ = inter_broker::Channel::Create(io_, o);
  protocol::ControlledShutdownRequest req;
  req.broker_id = config_.broker_id;
  req.broker_epoch = broker_epoch_;
  shutdown_channel_->Send<protocol::ControlledShutdownRequest, protocol::ControlledShutdownResponse>(
      3, req, std::chrono::milliseconds(config_.controller_socket_timeout_ms),
      [this, retry, finish](util::Result<protocol::ControlledShutdownResponse> r) {
        if (stopping_) return;
        if (!r.ok()) return retry(r.status().ToString());
        if (r->error_code != 0) return retry(std::string(protocol::ErrorName(r->error_code)));
        if (!r->remaining_partitions.empty()) {
          return retry(std::to_string(r->remaining_partitions.size()) +
                       " partition(s) still led here");
        }
        Log().info("controlled shutdown succeeded");
        finish(true);
      });
}

void Broker::Stop(int exit_code) {
  if (stopping_) return;
  if (exit_code == 0 && ready_ && config_.controlled_shutdown_enable &&
      !controlled_shutdown_started_) {
    controlled_shutdown_started_ = true;
    Log().info("starting controlled shutdown");
    ControlledShutdown(0);
    return;
  }
  stopping_ = true;
  exit_code_ = exit_code;
  Log().info("shutting down");
  if (server_) server_->Stop();
  queued_.clear();
  if (replicas_) {
    replicas_->StopReplication();
    replicas_->CancelAllWaits();
  }
  if (controller_) controller_->Stop();
  for (auto& w : watches_) w.Cancel();
  housekeeping_timer_.cancel();
  shutdown_timer_.cancel();
  if (shutdown_channel_) shutdown_channel_->Close();
  expiry_timer_.cancel();
  if (coordinator_) coordinator_->Shutdown();
  stop_timer_.expires_after(5s);
  stop_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) io_.stop();
  });
  if (zk_client_) {
    zk_client_->Close([this] { asio::post(io_, [this] { io_.stop(); }); });
  } else {
    io_.stop();
  }
}

util::Status Broker::Finish() {
  if (!replicas_) return util::Status::OK();
  auto s = replicas_->Shutdown();
  if (s.ok()) Log().info("shut down cleanly");
  return s;
}

}  // namespace kafka::broker
