#include "daemon/broker/controller/active.h"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "common/protocol/error_code.h"
#include "common/protocol/messages/leader_and_isr.h"
#include "common/protocol/messages/stop_replica.h"
#include "common/protocol/messages/update_metadata.h"
#include "common/util/logging.h"
#include "common/zk/client.h"

namespace kafka::broker::controller {
namespace {

namespace asio = boost::asio;
using protocol::ErrorCode;
using protocol::ToWire;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("controller");
  return *logger;
}

// Wraps a callback so that it does nothing once the controller is gone
// (KafkaZk and channel callbacks may arrive after resignation).
template <typename F>
auto Guarded(const std::shared_ptr<bool>& alive, F f) {
  return [alive, f = std::move(f)](auto&&... args) mutable {
    if (*alive) f(std::forward<decltype(args)>(args)...);
  };
}

std::string Join(const std::vector<int32_t>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(v[i]);
  }
  return out + "]";
}

bool Contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Runs `done` after `n` calls of Arrive().
struct Countdown {
  size_t left;
  std::function<void()> done;
  void Arrive() {
    if (--left == 0 && done) {
      auto d = std::move(done);
      done = nullptr;
      d();
    }
  }
};

}  // namespace

ActiveController::ActiveController(asio::io_context& io, KafkaZk& zk, ActiveOptions options,
                                   std::function<void()> on_fenced)
    : io_(io),
      zk_(zk),
      options_(std::move(options)),
      on_fenced_(std::move(on_fenced)),
      rebalance_timer_(io) {}

ActiveController::~ActiveController() {
  *alive_ = false;
  for (auto& w : watches_) w.Cancel();
  for (auto& [t, w] : topic_watches_) w.Cancel();
  rebalance_timer_.cancel();
}

void ActiveController::Enqueue(std::string name, Event event) {
  events_.emplace_back(std::move(name), std::move(event));
  RunNext();
}

void ActiveController::RunNext() {
  if (running_ || events_.empty() || fenced_) return;
  running_ = true;
  auto [name, event] = std::move(events_.front());
  events_.pop_front();
  Log().debug("event: {}", name);
  event(Guarded(alive_, [this] {
    running_ = false;
    asio::post(io_, Guarded(alive_, [this] { RunNext(); }));
  }));
}

void ActiveController::Fenced(const util::Status& s) {
  if (fenced_) return;
  fenced_ = true;
  Log().warn("controller epoch {} fenced ({}); resigning", options_.epoch, s.ToString());
  asio::post(io_, Guarded(alive_, [this] {
    if (on_fenced_) on_fenced_();
  }));
}

// ---------------------------------------------------------------------------
// Start-up.

void ActiveController::Start() {
  Enqueue("startup", [this](Done done) {
    LoadBrokers(Guarded(alive_, [this, done](util::Status s) {
      if (!s.ok()) Log().warn("loading brokers: {}", s.ToString());
      zk_.GetAllTopics(Guarded(alive_, [this, done](util::Result<std::vector<std::string>> t) {
        if (!t.ok()) Log().warn("listing topics: {}", t.status().ToString());
        LoadTopics(t.ok() ? *t : std::vector<std::string>{},
                   Guarded(alive_, [this, done](util::Status s) {
          if (!s.ok()) Log().warn("loading topics: {}", s.ToString());
          std::vector<PartitionKey> missing;
          for (const auto& k : ctx_.AllPartitions()) {
            if (!ctx_.states.count(k)) missing.push_back(k);
          }
          WriteStates(OfflinePartitions(), OfflineDecider(false),
                      Guarded(alive_, [this, done, missing](std::vector<PartitionKey> elected) {
            RemoveDeadFromIsr(Guarded(alive_, [this, done, missing,
                                               elected](std::vector<PartitionKey> shrunk) {
              Log().info("controller epoch {} started: {} live broker(s), {} partition(s), {} "
                         "leader(s) elected, {} ISR(s) shrunk",
                         options_.epoch, ctx_.live.size(), ctx_.assignment.size(),
                         elected.size(), shrunk.size());
              const auto all = ctx_.AllPartitions();
              SendLeaderAndIsr(all, false);
              SendUpdateMetadata(all);
              ArmWatches();
              ScheduleRebalance();
              started_ = true;
              InitPartitions(missing, done);
            }));
          }));
        }));
      }));
    }));
  });
}

void ActiveController::LoadBrokers(std::function<void(util::Status)> done) {
  zk_.client().GetChildren(
      zkdata::BrokerIdsZNode::Path(), {},
      Guarded(alive_, [this, done](zk::Reply<zk::ChildrenResult> r) {
        if (!r.ok()) return done(zk::ToStatus(r.err, zkdata::BrokerIdsZNode::Path()));
        std::vector<int32_t> ids;
        for (const auto& c : r.value.children) {
          try {
            ids.push_back(std::stoi(c));
          } catch (...) {
          }
        }
        OnBrokerIds(ids, [done] { done(util::Status::OK()); });
      }));
}

void ActiveController::LoadTopics(std::vector<std::string> topics,
                                  std::function<void(util::Status)> done) {
  if (topics.empty()) return done(util::Status::OK());
  auto countdown = std::make_shared<Countdown>(Countdown{topics.size() * 2, nullptr});
  auto first_error = std::make_shared<util::Status>();
  countdown->done = [done, first_error] { done(*first_error); };
  for (const auto& topic : topics) {
    ctx_.topic_ids.emplace(topic, "");
    zk_.GetTopicAssignment(topic, Guarded(alive_, [this, topic, countdown, first_error](
                                                      util::Result<zkdata::TopicZNode> r) {
      if (r.ok()) {
        ctx_.topic_ids[topic] = r->topic_id.value_or("");
        for (const auto& [p, ra] : r->partitions) ctx_.assignment[{topic, p}] = ra.replicas;
      } else if (!r.status().IsNotFound() && first_error->ok()) {
        *first_error = r.status();
      }
      countdown->Arrive();
    }));
    zk_.GetTopicPartitionStates(
        topic, Guarded(alive_, [this, topic, countdown,
                                first_error](util::Result<std::map<int32_t, PartitionState>> r) {
          if (r.ok()) {
            for (const auto& [p, s] : *r) {
              ctx_.states[{topic, p}] = LeaderIsr{s.state.leader, s.state.leader_epoch,
                                                  s.state.isr, s.state.controller_epoch,
                                                  s.zk_version};
            }
          } else if (first_error->ok()) {
            *first_error = r.status();
          }
          countdown->Arrive();
        }));
    if (!topic_watches_.count(topic)) {
      topic_watches_[topic] = zk_.WatchTopicAssignment(
          topic, Guarded(alive_, [this, topic](util::Result<std::optional<zkdata::TopicZNode>> r) {
            if (!r.ok()) return;
            Enqueue("assignment of " + topic, [this, topic, z = *r](Done done) {
              OnTopicAssignment(topic, z, done);
            });
          }));
    }
  }
}

void ActiveController::ArmWatches() {
  watches_.push_back(
      zk_.WatchBrokerIds(Guarded(alive_, [this](util::Result<std::vector<int32_t>> r) {
        if (!r.ok()) return;
        Enqueue("broker change", [this, ids = *r](Done done) { OnBrokerIds(ids, done); });
      })));
  watches_.push_back(
      zk_.WatchTopics(Guarded(alive_, [this](util::Result<std::vector<std::string>> r) {
        if (!r.ok()) return;
        Enqueue("topic change", [this, t = *r](Done done) { OnTopics(t, done); });
      })));
  watches_.push_back(zk_.WatchTopicsMarkedForDeletion(
      Guarded(alive_, [this](util::Result<std::vector<std::string>> r) {
        if (!r.ok() || r->empty()) return;
        Enqueue("topic deletion", [this, t = *r](Done done) { OnDeletions(t, done); });
      })));
  watches_.push_back(zk_.WatchChildren(
      zkdata::IsrChangeNotificationZNode::Path(),
      Guarded(alive_, [this](util::Result<std::vector<std::string>> r) {
        if (!r.ok() || r->empty()) return;
        Enqueue("isr change", [this, c = *r](Done done) { OnIsrChanges(c, done); });
      })));
}

// ---------------------------------------------------------------------------
// Brokers.

void ActiveController::AddBroker(const LiveBroker& b) {
  ctx_.live[b.id] = b;
  ctx_.shutting_down.erase(b.id);
  inter_broker::ChannelOptions o;
  o.host = b.host;
  o.port = static_cast<uint16_t>(b.port);
  o.local_broker_id = options_.broker_id;
  o.secret = options_.secret;
  o.connect_timeout = std::min<std::chrono::milliseconds>(options_.request_timeout,
                                                          std::chrono::milliseconds(5000));
  senders_[b.id] = std::make_unique<BrokerSender>(io_, b.id, inter_broker::Channel::Create(io_, o),
                                                  options_.request_timeout);
}

void ActiveController::RemoveBroker(int32_t id) {
  ctx_.live.erase(id);
  ctx_.shutting_down.erase(id);
  senders_.erase(id);
}

void ActiveController::OnBrokerIds(std::vector<int32_t> ids, Done done) {
  auto regs = std::make_shared<std::map<int32_t, LiveBroker>>();
  auto countdown = std::make_shared<Countdown>(Countdown{ids.size() + 1, nullptr});
  countdown->done = Guarded(alive_, [this, regs, done] {
    std::vector<int32_t> dead;
    std::vector<int32_t> added;
    for (const auto& [id, b] : ctx_.live) {
      auto it = regs->find(id);
      if (it == regs->end() || it->second.epoch != b.epoch) dead.push_back(id);
    }
    for (const auto& [id, b] : *regs) {
      auto it = ctx_.live.find(id);
      if (it == ctx_.live.end() || it->second.epoch != b.epoch) added.push_back(id);
    }
    if (dead.empty() && added.empty()) return done();
    for (int32_t id : dead) {
      Log().info("broker {} is gone", id);
      RemoveBroker(id);
    }
    auto add = [this, regs, added] {
      for (int32_t id : added) {
        const LiveBroker& b = regs->at(id);
        Log().info("broker {} is live at {}:{} (epoch {})", id, b.host, b.port, b.epoch);
        AddBroker(b);
      }
    };
    if (!started_) {  // start-up sends everything itself
      add();
      return done();
    }
    // As Kafka's onBrokerFailure then onBrokerStartup: elections and ISR removal
    // run without the dead (and re-registered) brokers; then the joining brokers
    // may lead what stayed offline, with a new leader epoch even when the
    // leader id is the same (a restarted broker is a new incarnation).
    WriteStates(OfflinePartitions(), OfflineDecider(false),
                Guarded(alive_, [this, done, added, add](std::vector<PartitionKey> elected) {
      RemoveDeadFromIsr(Guarded(alive_, [this, done, added, add,
                                         elected](std::vector<PartitionKey> shrunk) {
        const auto offline = OfflinePartitions();
        add();
        WriteStates(offline, OfflineDecider(true),
                    Guarded(alive_, [this, done, added, elected,
                                     shrunk](std::vector<PartitionKey> revived) {
          std::vector<PartitionKey> changed = elected;
          changed.insert(changed.end(), shrunk.begin(), shrunk.end());
          changed.insert(changed.end(), revived.begin(), revived.end());
          std::set<int32_t> added_set(added.begin(), added.end());
          // Joining brokers first learn the cluster, then their partitions.
          SendUpdateMetadata(ctx_.AllPartitions(), added_set);
          for (int32_t id : added) SendLeaderAndIsr(ctx_.PartitionsOnBroker(id), false, id);
          SendLeaderAndIsr(changed, false);
          std::set<int32_t> others;
          for (const auto& [id, b] : ctx_.live) {
            if (!added_set.count(id)) others.insert(id);
          }
          SendUpdateMetadata(ctx_.AllPartitions(), others);
          done();
        }));
      }));
    }));
  });
  for (int32_t id : ids) {
    zk_.GetBrokerRegistration(
        id, Guarded(alive_, [this, id, regs, countdown](
                                util::Result<std::pair<zkdata::BrokerIdZNode, int64_t>> r) {
          if (r.ok() && !r->first.endpoints.empty()) {
            const zkdata::BrokerEndpoint* ep = &r->first.endpoints.front();
            for (const auto& e : r->first.endpoints) {
              if (e.listener_name == options_.listener) ep = &e;
            }
            LiveBroker b;
            b.id = id;
            b.host = ep->host;
            b.port = ep->port;
            b.listener = ep->listener_name;
            b.rack = r->first.rack;
            b.epoch = r->second;
            (*regs)[id] = std::move(b);
          } else if (!r.ok() && !r.status().IsNotFound()) {
            Log().warn("reading broker {}: {}", id, r.status().ToString());
          }
          countdown->Arrive();
        }));
  }
  countdown->Arrive();
}

void ActiveController::RemoveDeadFromIsr(std::function<void(std::vector<PartitionKey>)> done) {
  std::vector<PartitionKey> shrink;
  for (const auto& [k, st] : ctx_.states) {
    if (st.leader < 0 || !ctx_.IsLive(st.leader)) continue;
    for (int32_t r : st.isr) {
      if (!ctx_.IsLive(r)) {
        shrink.push_back(k);
        break;
      }
    }
  }
  const int32_t epoch = options_.epoch;
  Decide remove_dead = [this, epoch](const PartitionKey&,
                                     const LeaderIsr& cur) -> std::optional<LeaderIsr> {
    if (cur.leader < 0 || !ctx_.IsLive(cur.leader)) return std::nullopt;
    std::vector<int32_t> isr;
    for (int32_t r : cur.isr) {
      if (ctx_.IsLive(r)) isr.push_back(r);
    }
    if (isr.size() == cur.isr.size() || isr.empty()) return std::nullopt;
    LeaderIsr next = cur;
    next.isr = isr;
    ++next.leader_epoch;
    next.controller_epoch = epoch;
    return next;
  };
  WriteStates(shrink, remove_dead, std::move(done));
}

// ---------------------------------------------------------------------------
// Topics.

void ActiveController::OnTopics(std::vector<std::string> topics, Done done) {
  std::set<std::string> now(topics.begin(), topics.end());
  std::vector<std::string> gone;
  for (const auto& [t, id] : ctx_.topic_ids) {
    if (!now.count(t)) gone.push_back(t);
  }
  for (const auto& t : gone) {
    const auto parts = ctx_.PartitionsOfTopic(t);
    ctx_.RemoveTopic(t);
    if (auto w = topic_watches_.find(t); w != topic_watches_.end()) {
      w->second.Cancel();
      topic_watches_.erase(w);
    }
    Log().info("[{}] topic removed", t);
    SendUpdateMetadata(parts, std::nullopt, {t});
  }
  std::vector<std::string> added;
  for (const auto& t : topics) {
    if (!ctx_.topic_ids.count(t)) added.push_back(t);
  }
  if (added.empty()) return done();
  LoadTopics(added, Guarded(alive_, [this, added, done](util::Status s) {
    if (!s.ok()) Log().warn("loading new topics: {}", s.ToString());
    std::vector<PartitionKey> parts;
    for (const auto& t : added) {
      auto p = ctx_.PartitionsOfTopic(t);
      parts.insert(parts.end(), p.begin(), p.end());
    }
    InitPartitions(parts, done);
  }));
}

void ActiveController::OnTopicAssignment(std::string topic, std::optional<zkdata::TopicZNode> znode,
                                         Done done) {
  if (!znode || !ctx_.topic_ids.count(topic)) return done();
  const std::string id = znode->topic_id.value_or("");
  if (!id.empty() && !ctx_.topic_ids[topic].empty() && ctx_.topic_ids[topic] != id) {
    // Deleted and created again between two reads: start over with the new topic.
    Log().info("[{}] topic was re-created (id {})", topic, id);
    ctx_.RemoveTopic(topic);
    LoadTopics({topic}, Guarded(alive_, [this, topic, done](util::Status s) {
      if (!s.ok()) Log().warn("[{}] reloading: {}", topic, s.ToString());
      InitPartitions(ctx_.PartitionsOfTopic(topic), done);
    }));
    return;
  }
  std::vector<PartitionKey> added;
  for (const auto& [p, ra] : znode->partitions) {
    PartitionKey k{topic, p};
    if (!ctx_.assignment.count(k)) {
      ctx_.assignment[k] = ra.replicas;
      added.push_back(k);
    }
  }
  if (added.empty()) return done();
  Log().info("[{}] {} new partition(s)", topic, added.size());
  InitPartitions(added, done);
}

void ActiveController::InitPartitions(std::vector<PartitionKey> partitions, Done done) {
  if (partitions.empty()) return done();
  auto countdown = std::make_shared<Countdown>(Countdown{partitions.size() + 1, nullptr});
  countdown->done = Guarded(alive_, [this, partitions, done] {
    SendLeaderAndIsr(partitions, true);
    SendUpdateMetadata(partitions);
    done();
  });
  for (const auto& k : partitions) {
    if (ctx_.states.count(k)) {
      countdown->Arrive();
      continue;
    }
    std::vector<int32_t> live;
    for (int32_t r : ctx_.Replicas(k)) {
      if (ctx_.IsLive(r)) live.push_back(r);
    }
    if (live.empty()) {
      Log().warn("[{}] no live replica: cannot initialise its state", k.ToString());
      countdown->Arrive();
      continue;
    }
    zkdata::TopicPartitionStateZNode z;
    z.leader = live.front();
    z.leader_epoch = 0;
    z.isr = live;
    z.controller_epoch = options_.epoch;
    zk_.CreatePartitionState(
        k.topic, k.partition, z, options_.epoch_zk_version,
        Guarded(alive_, [this, k, z, countdown](util::Result<int32_t> r) {
          if (r.ok()) {
            ctx_.states[k] = LeaderIsr{z.leader, z.leader_epoch, z.isr, z.controller_epoch, *r};
            return countdown->Arrive();
          }
          if (IsControllerMoved(r.status())) {
            Fenced(r.status());
            return countdown->Arrive();
          }
          // Written by the broker that created the topic: read it.
          zk_.GetPartitionState(k.topic, k.partition,
                                Guarded(alive_, [this, k, countdown](util::Result<PartitionState> s) {
            if (s.ok()) {
              ctx_.states[k] = LeaderIsr{s->state.leader, s->state.leader_epoch, s->state.isr,
                                         s->state.controller_epoch, s->zk_version};
            }
            countdown->Arrive();
          }));
        }));
  }
  countdown->Arrive();
}

void ActiveController::OnDeletions(std::vector<std::string> topics, Done done) {
  for (const auto& t : topics) {
    if (deleting_.count(t)) continue;
    deleting_.insert(t);
    const auto parts = ctx_.PartitionsOfTopic(t);
    Log().info("[{}] deleting topic ({} partition(s))", t, parts.size());
    SendUpdateMetadata(parts, std::nullopt, {t});
    for (const auto& [id, b] : ctx_.live) {
      std::vector<PartitionKey> on;
      for (const auto& k : parts) {
        if (Contains(ctx_.Replicas(k), id)) on.push_back(k);
      }
      if (!on.empty()) SendStopReplica(id, on, true);
    }
    zk_.DeleteTopicZNodes(t, Guarded(alive_, [this, t](util::Status s) {
      deleting_.erase(t);
      if (!s.ok()) Log().warn("[{}] deleting topic znodes failed: {}", t, s.ToString());
    }));
  }
  done();
}

// ---------------------------------------------------------------------------
// ISR change notifications.

void ActiveController::OnIsrChanges(std::vector<std::string> children, Done done) {
  auto changed = std::make_shared<std::set<PartitionKey>>();
  auto countdown = std::make_shared<Countdown>(Countdown{children.size() + 1, nullptr});
  countdown->done = Guarded(alive_, [this, changed, children, done] {
    auto reread = std::make_shared<Countdown>(Countdown{changed->size() + 1, nullptr});
    reread->done = Guarded(alive_, [this, changed, children, done] {
      SendUpdateMetadata(std::vector<PartitionKey>(changed->begin(), changed->end()));
      for (const auto& c : children) {
        zk_.client().Delete(zkdata::IsrChangeNotificationZNode::Path() + "/" + c, -1,
                            [](zk::Reply<zk::Empty>) {});
      }
      done();
    });
    for (const auto& k : *changed) {
      zk_.GetPartitionState(k.topic, k.partition,
                            Guarded(alive_, [this, k, reread](util::Result<PartitionState> s) {
        if (s.ok() && ctx_.assignment.count(k)) {
          auto& cur = ctx_.states[k];
          if (s->zk_version >= cur.zk_version || s->state.leader_epoch > cur.leader_epoch) {
            cur = LeaderIsr{s->state.leader, s->state.leader_epoch, s->state.isr,
                            s->state.controller_epoch, s->zk_version};
          }
        }
        reread->Arrive();
      }));
    }
    reread->Arrive();
  });
  for (const auto& c : children) {
    const std::string path = zkdata::IsrChangeNotificationZNode::Path() + "/" + c;
    zk_.client().GetData(path, {}, Guarded(alive_, [changed, countdown](zk::Reply<zk::DataResult> r) {
      if (r.ok()) {
        auto j = nlohmann::json::parse(r.value.data, nullptr, false);
        if (!j.is_discarded() && j.contains("partitions") && j["partitions"].is_array()) {
          for (const auto& p : j["partitions"]) {
            if (p.contains("topic") && p["topic"].is_string() && p.contains("partition") &&
                p["partition"].is_number_integer()) {
              changed->insert(PartitionKey{p["topic"].get<std::string>(),
                                           p["partition"].get<int32_t>()});
            }
          }
        }
      }
      countdown->Arrive();
    }));
  }
  countdown->Arrive();
}

// ---------------------------------------------------------------------------
// Elections and state writes.

std::vector<PartitionKey> ActiveController::OfflinePartitions() const {
  std::vector<PartitionKey> out;
  for (const auto& [k, st] : ctx_.states) {
    if (st.leader < 0 || !ctx_.IsLive(st.leader)) out.push_back(k);
  }
  return out;
}

ActiveController::Decide ActiveController::OfflineDecider(bool force) const {
  return [this, force](const PartitionKey& k, const LeaderIsr& cur) -> std::optional<LeaderIsr> {
    if (!force && cur.leader >= 0 && ctx_.IsLive(cur.leader)) return std::nullopt;
    auto e = ElectOffline(ctx_, ctx_.Replicas(k), cur.isr, options_.unclean_leader_election_enable);
    if (!e) return std::nullopt;
    if (!Contains(cur.isr, e->leader)) {
      Log().warn("[{}] unclean leader election: {} was not in the ISR {}", k.ToString(), e->leader,
                 Join(cur.isr));
    }
    return Apply(cur, *e, options_.epoch);
  };
}

void ActiveController::WriteStates(std::vector<PartitionKey> partitions, Decide decide,
                                   std::function<void(std::vector<PartitionKey>)> done) {
  auto written = std::make_shared<std::vector<PartitionKey>>();
  auto countdown = std::make_shared<Countdown>(Countdown{partitions.size() + 1, nullptr});
  countdown->done = [written, done] { done(std::move(*written)); };
  for (const auto& k : partitions) {
    WriteOne(k, decide, 0, [k, written, countdown](bool ok) {
      if (ok) written->push_back(k);
      countdown->Arrive();
    });
  }
  countdown->Arrive();
}

void ActiveController::WriteOne(PartitionKey key, Decide decide, int attempt,
                                std::function<void(bool)> done) {
  auto it = ctx_.states.find(key);
  if (it == ctx_.states.end() || fenced_) return done(false);
  const LeaderIsr current = it->second;
  auto next = decide(key, current);
  if (!next) return done(false);
  next->controller_epoch = options_.epoch;
  zkdata::TopicPartitionStateZNode z;
  z.leader = next->leader;
  z.leader_epoch = next->leader_epoch;
  z.isr = next->isr;
  z.controller_epoch = next->controller_epoch;
  zk_.UpdatePartitionState(
      key.topic, key.partition, z, current.zk_version, options_.epoch_zk_version,
      Guarded(alive_, [this, key, next = *next, current, decide, attempt,
                       done](util::Result<int32_t> r) mutable {
        if (r.ok()) {
          next.zk_version = *r;
          ctx_.states[key] = next;
          Log().info("[{}] leader {} (was {}), leader epoch {}, isr {}", key.ToString(),
                     next.leader, current.leader, next.leader_epoch, Join(next.isr));
          return done(true);
        }
        if (IsControllerMoved(r.status())) {
          Fenced(r.status());
          return done(false);
        }
        if (IsBadVersion(r.status()) && attempt < 3) {
          // The leader changed the ISR meanwhile: decide again on the fresh state.
          zk_.GetPartitionState(key.topic, key.partition,
                                Guarded(alive_, [this, key, decide, attempt,
                                                 done](util::Result<PartitionState> s) mutable {
            if (!s.ok()) return done(false);
            ctx_.states[key] = LeaderIsr{s->state.leader, s->state.leader_epoch, s->state.isr,
                                         s->state.controller_epoch, s->zk_version};
            WriteOne(key, decide, attempt + 1, done);
          }));
          return;
        }
        Log().warn("[{}] writing partition state failed: {}", key.ToString(),
                   r.status().ToString());
        done(false);
      }));
}

// ---------------------------------------------------------------------------
// Requests from brokers and tools.

void ActiveController::ControlledShutdown(int32_t broker_id, int64_t broker_epoch,
                                          std::function<void(ShutdownResult)> reply) {
  Enqueue("controlled shutdown of " + std::to_string(broker_id), [this, broker_id, broker_epoch,
                                                                    reply](Done done) {
    auto b = ctx_.live.find(broker_id);
    if (b == ctx_.live.end()) {
      reply(ShutdownResult{ToWire(ErrorCode::kBrokerNotAvailable), {}});
      return done();
    }
    if (broker_epoch >= 0 && broker_epoch < b->second.epoch) {
      reply(ShutdownResult{ToWire(ErrorCode::kStaleBrokerEpoch), {}});
      return done();
    }
    if (ctx_.shutting_down.insert(broker_id).second) {
      Log().info("broker {} is shutting down: moving its leadership", broker_id);
    }
    std::vector<PartitionKey> led;
    std::vector<PartitionKey> followed;
    for (const auto& k : ctx_.PartitionsOnBroker(broker_id)) {
      auto st = ctx_.states.find(k);
      if (st == ctx_.states.end() || ctx_.Replicas(k).size() < 2) continue;
      if (st->second.leader == broker_id) {
        led.push_back(k);
      } else if (Contains(st->second.isr, broker_id)) {
        followed.push_back(k);
      }
    }
    Decide move = [this](const PartitionKey& k, const LeaderIsr& cur) -> std::optional<LeaderIsr> {
      if (cur.leader >= 0 && ctx_.CanLead(cur.leader)) return std::nullopt;
      auto e = ElectForShutdown(ctx_, ctx_.Replicas(k), cur.isr);
      if (!e) return std::nullopt;
      return Apply(cur, *e, options_.epoch);
    };
    WriteStates(led, move, Guarded(alive_, [this, broker_id, followed, reply,
                                            done](std::vector<PartitionKey> moved) {
      Decide leave = [broker_id](const PartitionKey&,
                                 const LeaderIsr& cur) -> std::optional<LeaderIsr> {
        if (cur.leader == broker_id || cur.isr.size() < 2) return std::nullopt;
        return RemoveFromIsr(cur, broker_id);
      };
      WriteStates(followed, leave, Guarded(alive_, [this, broker_id, moved, reply,
                                                    done](std::vector<PartitionKey> left) {
        std::vector<PartitionKey> changed = moved;
        changed.insert(changed.end(), left.begin(), left.end());
        SendLeaderAndIsr(changed, false);
        if (!left.empty()) SendStopReplica(broker_id, left, false);
        SendUpdateMetadata(changed);
        ShutdownResult result;
        for (const auto& k : ctx_.PartitionsOnBroker(broker_id)) {
          auto st = ctx_.states.find(k);
          if (st != ctx_.states.end() && st->second.leader == broker_id &&
              ctx_.Replicas(k).size() > 1) {
            result.remaining.push_back(k);
          }
        }
        Log().info("controlled shutdown of broker {}: {} leader(s) moved, {} remaining",
                   broker_id, moved.size(), result.remaining.size());
        reply(std::move(result));
        done();
      }));
    }));
  });
}

void ActiveController::ElectLeaders(
    bool unclean, std::optional<std::vector<PartitionKey>> partitions,
    std::function<void(std::map<PartitionKey, ElectionOutcome>)> reply) {
  Enqueue(unclean ? "unclean election" : "preferred election",
          [this, unclean, partitions, reply](Done done) {
    auto results = std::make_shared<std::map<PartitionKey, ElectionOutcome>>();
    std::vector<PartitionKey> valid;
    for (const auto& k : partitions ? *partitions : ctx_.AllPartitions()) {
      auto st = ctx_.states.find(k);
      if (!ctx_.assignment.count(k) || st == ctx_.states.end()) {
        (*results)[k] = {ToWire(ErrorCode::kUnknownTopicOrPartition),
                         "The partition does not exist."};
        continue;
      }
      const auto& replicas = ctx_.Replicas(k);
      if (!unclean) {
        if (!replicas.empty() && st->second.leader == replicas.front()) {
          (*results)[k] = {ToWire(ErrorCode::kElectionNotNeeded), std::nullopt};
        } else if (!ElectPreferred(ctx_, replicas, st->second.isr)) {
          (*results)[k] = {ToWire(ErrorCode::kPreferredLeaderNotAvailable),
                           "Failed to elect leader for partition " + k.ToString() +
                               " under strategy PreferredReplicaPartitionLeaderElectionStrategy"};
        } else {
          valid.push_back(k);
        }
      } else {
        if (st->second.leader >= 0 && ctx_.IsLive(st->second.leader)) {
          (*results)[k] = {ToWire(ErrorCode::kElectionNotNeeded), std::nullopt};
        } else if (!ElectOffline(ctx_, replicas, st->second.isr, true)) {
          (*results)[k] = {ToWire(ErrorCode::kEligibleLeadersNotAvailable),
                           "Failed to elect leader for partition " + k.ToString() +
                               " under strategy OfflinePartitionLeaderElectionStrategy"};
        } else {
          valid.push_back(k);
        }
      }
    }
    const int32_t epoch = options_.epoch;
    Decide decide = [this, unclean, epoch](const PartitionKey& k,
                                           const LeaderIsr& cur) -> std::optional<LeaderIsr> {
      auto e = unclean ? ElectOffline(ctx_, ctx_.Replicas(k), cur.isr, true)
                       : ElectPreferred(ctx_, ctx_.Replicas(k), cur.isr);
      if (!e || e->leader == cur.leader) return std::nullopt;
      return Apply(cur, *e, epoch);
    };
    WriteStates(valid, decide, Guarded(alive_, [this, valid, results, reply,
                                                done](std::vector<PartitionKey> written) {
      std::set<PartitionKey> ok(written.begin(), written.end());
      for (const auto& k : valid) {
        if (!ok.count(k)) {
          (*results)[k] = {ToWire(ErrorCode::kUnknownServerError),
                           "The partition state could not be written."};
        } else {
          (*results)[k] = {};
        }
      }
      SendLeaderAndIsr(written, false);
      SendUpdateMetadata(written);
      reply(std::move(*results));
      done();
    }));
  });
}

void ActiveController::ScheduleRebalance() {
  if (!options_.auto_leader_rebalance_enable) return;
  rebalance_timer_.expires_after(options_.imbalance_check_interval);
  rebalance_timer_.async_wait(Guarded(alive_, [this](const boost::system::error_code& ec) {
    if (ec) return;
    Enqueue("preferred leader rebalance", [this](Done done) { Rebalance(done); });
    ScheduleRebalance();
  }));
}

void ActiveController::Rebalance(Done done) {
  auto keys = ImbalancedPartitions(ctx_, options_.imbalance_percentage);
  if (keys.empty()) return done();
  Log().info("moving {} partition(s) back to their preferred leader", keys.size());
  const int32_t epoch = options_.epoch;
  Decide decide = [this, epoch](const PartitionKey& k,
                                const LeaderIsr& cur) -> std::optional<LeaderIsr> {
    const auto& replicas = ctx_.Replicas(k);
    if (replicas.empty() || cur.leader == replicas.front()) return std::nullopt;
    auto e = ElectPreferred(ctx_, replicas, cur.isr);
    if (!e) return std::nullopt;
    return Apply(cur, *e, epoch);
  };
  WriteStates(keys, decide, Guarded(alive_, [this, done](std::vector<PartitionKey> written) {
    SendLeaderAndIsr(written, false);
    SendUpdateMetadata(written);
    done();
  }));
}

// ---------------------------------------------------------------------------
// Sending.

void ActiveController::SendLeaderAndIsr(const std::vector<PartitionKey>& partitions, bool is_new,
                                        std::optional<int32_t> only_broker) {
  if (partitions.empty()) return;
  for (auto& [id, sender] : senders_) {
    if (only_broker && *only_broker != id) continue;
    auto req = BuildLeaderAndIsr(ctx_, options_.broker_id, options_.epoch, id, partitions, is_new);
    if (req.topic_states.empty()) continue;
    req.broker_epoch = ctx_.live[id].epoch;
    const int32_t target = id;
    sender->Send<protocol::LeaderAndIsrRequest, protocol::LeaderAndIsrResponse>(
        4, std::move(req), [target](const protocol::LeaderAndIsrResponse& resp) {
          if (resp.error_code != 0) {
            Log().warn("LeaderAndIsr to broker {}: {}", target,
                       protocol::ErrorName(resp.error_code));
          }
          for (const auto& p : resp.partition_errors) {
            if (p.error_code != 0) {
              Log().debug("LeaderAndIsr to broker {}: {}-{}: {}", target, p.topic_name,
                          p.partition_index, protocol::ErrorName(p.error_code));
            }
          }
        });
  }
}

void ActiveController::SendUpdateMetadata(const std::vector<PartitionKey>& partitions,
                                          std::optional<std::set<int32_t>> brokers,
                                          const std::set<std::string>& deleting) {
  for (auto& [id, sender] : senders_) {
    if (brokers && !brokers->count(id)) continue;
    auto req = BuildUpdateMetadata(ctx_, options_.broker_id, options_.epoch, partitions, deleting);
    req.broker_epoch = ctx_.live[id].epoch;
    const int32_t target = id;
    sender->Send<protocol::UpdateMetadataRequest, protocol::UpdateMetadataResponse>(
        6, std::move(req), [target](const protocol::UpdateMetadataResponse& resp) {
          if (resp.error_code != 0) {
            Log().warn("UpdateMetadata to broker {}: {}", target,
                       protocol::ErrorName(resp.error_code));
          }
        });
  }
}

void ActiveController::SendStopReplica(int32_t broker, const std::vector<PartitionKey>& partitions,
                                       bool delete_partition) {
  auto it = senders_.find(broker);
  if (it == senders_.end() || partitions.empty()) return;
  auto req = BuildStopReplica(options_.broker_id, options_.epoch, partitions, delete_partition);
  req.broker_epoch = ctx_.live[broker].epoch;
  it->second->Send<protocol::StopReplicaRequest, protocol::StopReplicaResponse>(
      3, std::move(req), [broker](const protocol::StopReplicaResponse& resp) {
        if (resp.error_code != 0) {
          Log().warn("StopReplica to broker {}: {}", broker, protocol::ErrorName(resp.error_code));
        }
      });
}

}  // namespace kafka::broker::controller
