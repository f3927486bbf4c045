#include "daemon/broker/zk/kafka_zk.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <utility>

#include <boost/asio/steady_timer.hpp>

#include "common/util/logging.h"

namespace kafka::broker {
namespace {

using zk::CreateMode;
using zk::ErrorCode;
using zk::Reply;
using ClientPtr = std::shared_ptr<zk::Client>;

constexpr std::string_view kBadVersionTag = "BadVersion: ";
constexpr std::string_view kControllerMovedTag = "ControllerMoved: ";

spdlog::logger& Log() {
  static auto logger = util::logging::Get("zk");
  return *logger;
}

int32_t E(ErrorCode c) { return static_cast<int32_t>(c); }

// zk::ToStatus, with BadVersion tagged so IsBadVersion() can tell it from NotEmpty.
util::Status St(int32_t err, std::string_view path) {
  if (err == E(ErrorCode::kBadVersion))
    return util::Status::Aborted(std::string(kBadVersionTag) + zk::KeeperErrorMessage(err, path));
  return zk::ToStatus(err, path);
}

util::Status ControllerMoved(std::string_view detail) {
  return util::Status::Aborted(std::string(kControllerMovedTag) + std::string(detail));
}

std::optional<int32_t> ParseId(std::string_view s) {
  int32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Counts down parallel operations and reports the first error once all are done.
class Barrier {
 public:
  Barrier(size_t n, ZkStatusCallback done) : remaining_(n), done_(std::move(done)) {
    if (remaining_ == 0) done_(util::Status::OK());
  }
  void Arrive(const util::Status& s) {
    if (!s.ok() && first_error_.ok()) first_error_ = s;
    if (--remaining_ == 0) done_(first_error_);
  }

 private:
  size_t remaining_;
  util::Status first_error_;
  ZkStatusCallback done_;
};

// Kafka's createRecursive: creates `path` with `data`, creating missing parents
// on NoNode. Nodes without content hold null data, as Kafka's do (zkCli prints
// "null"). Reports the raw ZooKeeper error of the final create.
using Data = std::optional<std::string>;
void CreateRecursive(ClientPtr zk, std::string path, Data data, CreateMode mode,
                     std::function<void(Reply<zk::CreateResult>)> done) {
  zk->Create(path, data, mode,
             [zk, path, data, mode, done = std::move(done)](Reply<zk::CreateResult> r) mutable {
               if (r.code() != ErrorCode::kNoNode || path == "/") return done(std::move(r));
               std::string parent(zk::ParentPath(path));
               CreateRecursive(zk, parent, std::nullopt, CreateMode::kPersistent,
                               [zk, path, data, mode, done = std::move(done)](
                                   Reply<zk::CreateResult> pr) mutable {
                                 if (!pr.ok() && pr.code() != ErrorCode::kNodeExists)
                                   return done(std::move(pr));
                                 zk->Create(path, data, mode, std::move(done));
                               });
             });
}

void MakePathImpl(ClientPtr zk, std::string path, Data data, ZkStatusCallback done) {
  CreateRecursive(zk, path, std::move(data), CreateMode::kPersistent,
                  [path, done = std::move(done)](Reply<zk::CreateResult> r) {
                    if (r.ok() || r.code() == ErrorCode::kNodeExists) return done(util::Status::OK());
                    done(St(r.err, path));
                  });
}

void DeleteRecursiveImpl(ClientPtr zk, std::string path, int attempts, ZkStatusCallback done) {
  zk->GetChildren(path, {}, [zk, path, attempts, done = std::move(done)](
                                Reply<zk::ChildrenResult> r) mutable {
    if (r.code() == ErrorCode::kNoNode) return done(util::Status::OK());
    if (!r.ok()) return done(St(r.err, path));
    auto delete_self = [zk, path, attempts, done](util::Status s) mutable {
      if (!s.ok()) return done(s);
      zk->Delete(path, kMatchAnyVersion,
                 [zk, path, attempts, done = std::move(done)](Reply<zk::Empty> d) mutable {
                   if (d.ok() || d.code() == ErrorCode::kNoNode) return done(util::Status::OK());
                   // A child appeared meanwhile: start over, a bounded number of times.
                   if (d.code() == ErrorCode::kNotEmpty && attempts > 0)
                     return DeleteRecursiveImpl(zk, path, attempts - 1, std::move(done));
                   done(St(d.err, path));
                 });
    };
    auto barrier = std::make_shared<Barrier>(r.value.children.size(), delete_self);
    for (const auto& child : r.value.children) {
      std::string child_path = (path == "/" ? "" : path) + "/" + child;
      DeleteRecursiveImpl(zk, child_path, attempts,
                          [barrier](util::Status s) { barrier->Arrive(s); });
    }
  });
}

// Maps a failed multi to a status: a failed check on /controller_epoch (op 0 when
// fenced) means another controller took over.
util::Status MultiError(const Reply<std::vector<zk::MultiResult>>& r,
                        const std::vector<std::string>& paths, bool fenced) {
  size_t failed = 0;
  for (size_t i = 0; i < r.value.size(); ++i) {
    if (r.value[i].err != 0) {
      failed = i;
      break;
    }
  }
  if (fenced && failed == 0 && !r.value.empty() &&
      (r.err == E(ErrorCode::kBadVersion) || r.err == E(ErrorCode::kNoNode)))
    return ControllerMoved("controller epoch zkVersion check fails on " +
                           zkdata::ControllerEpochZNode::Path());
  return St(r.err, failed < paths.size() ? paths[failed] : std::string());
}

// Writes /config/<type>/<name>: setData, creating it on NoNode (Kafka's
// setOrCreateEntityConfigs).
void SetOrCreateConfig(ClientPtr zk, std::string path, std::string data, ZkStatusCallback done) {
  zk->SetData(path, data, kMatchAnyVersion,
              [zk, path, data, done = std::move(done)](Reply<zk::Stat> r) mutable {
                if (r.ok()) return done(util::Status::OK());
                if (r.code() != ErrorCode::kNoNode) return done(St(r.err, path));
                CreateRecursive(zk, path, data, CreateMode::kPersistent,
                                [zk, path, data, done = std::move(done)](
                                    Reply<zk::CreateResult> c) mutable {
                                  if (c.ok()) return done(util::Status::OK());
                                  if (c.code() != ErrorCode::kNodeExists)
                                    return done(St(c.err, path));
                                  SetOrCreateConfig(zk, path, data, std::move(done));
                                });
              });
}

// Whether a failed read should be retried (the client re-sends after reconnecting)
// or ends the watch.
bool Retriable(int32_t err) {
  return err == E(ErrorCode::kConnectionLoss) || err == E(ErrorCode::kOperationTimeout);
}

}  // namespace

bool IsBadVersion(const util::Status& s) {
  return s.code() == util::Status::Code::kAborted && s.message().rfind(kBadVersionTag, 0) == 0;
}

bool IsControllerMoved(const util::Status& s) {
  return s.code() == util::Status::Code::kAborted &&
         s.message().rfind(kControllerMovedTag, 0) == 0;
}

// ---------------------------------------------------------------------------
// Watches.

namespace {

// One level-triggered watch. `gen` numbers reads; a ZooKeeper watcher left from an
// older read is ignored, since the newest read's watcher sees the same change, so
// re-arming never multiplies.
template <typename T>
struct WatchLoop : std::enable_shared_from_this<WatchLoop<T>> {
  ClientPtr zk;
  std::string path;
  std::shared_ptr<std::atomic<bool>> cancelled;
  ZkCallback<T> cb;
  uint64_t gen = 0;
  bool finished = false;

  bool Active() const { return !finished && !*cancelled; }

  zk::Watcher MakeWatcher() {
    return [self = this->shared_from_this(), g = gen](const zk::WatchedEvent& ev) {
      if (!self->Active()) return;
      if (ev.type == static_cast<int32_t>(zk::EventType::kNone)) {
        self->Fail(util::Status::Unavailable(std::string("zookeeper session ended: ") +
                                             zk::KeeperStateName(ev.state)));
        return;
      }
      if (g == self->gen) self->Read();
    };
  }

  void Fail(util::Status s) {
    if (!Active()) return;
    finished = true;
    cb(std::move(s));
  }

  void Deliver(T value) {
    if (Active()) cb(std::move(value));
  }

  // Defined per kind below.
  void Read();
};

template <>
void WatchLoop<std::vector<std::string>>::Read() {
  if (!Active()) return;
  ++gen;
  auto self = shared_from_this();
  zk->GetChildren(path, MakeWatcher(), [self](Reply<zk::ChildrenResult> r) {
    if (!self->Active()) return;
    if (r.ok()) {
      std::sort(r.value.children.begin(), r.value.children.end());
      return self->Deliver(std::move(r.value.children));
    }
    if (r.code() == ErrorCode::kNoNode) {
      // No child watch is set on an absent node: watch for its creation instead.
      ++self->gen;
      self->zk->Exists(self->path, self->MakeWatcher(), [self](Reply<zk::Stat> e) {
        if (!self->Active()) return;
        if (e.ok()) return self->Read();
        if (e.code() == ErrorCode::kNoNode) return self->Deliver({});
        if (Retriable(e.err)) return self->Read();
        self->Fail(St(e.err, self->path));
      });
      return;
    }
    if (Retriable(r.err)) return self->Read();
    self->Fail(St(r.err, self->path));
  });
}

template <>
void WatchLoop<std::optional<std::string>>::Read() {
  if (!Active()) return;
  ++gen;
  auto self = shared_from_this();
  // exists() arms a watch whether or not the node is there; getData() only if it is.
  zk->Exists(path, MakeWatcher(), [self](Reply<zk::Stat> e) {
    if (!self->Active()) return;
    if (e.code() == ErrorCode::kNoNode) return self->Deliver(std::nullopt);
    if (!e.ok()) {
      if (Retriable(e.err)) return self->Read();
      return self->Fail(St(e.err, self->path));
    }
    self->zk->GetData(self->path, self->MakeWatcher(), [self](Reply<zk::DataResult> d) {
      if (!self->Active()) return;
      if (d.ok()) return self->Deliver(std::move(d.value.data));
      if (d.code() == ErrorCode::kNoNode || Retriable(d.err)) return self->Read();
      self->Fail(St(d.err, self->path));
    });
  });
}

template <typename T>
ZkWatch StartWatch(ClientPtr zk, std::string path, ZkCallback<T> cb) {
  auto loop = std::make_shared<WatchLoop<T>>();
  loop->zk = std::move(zk);
  loop->path = std::move(path);
  loop->cancelled = std::make_shared<std::atomic<bool>>(false);
  loop->cb = std::move(cb);
  ZkWatch w(loop->cancelled);
  loop->Read();
  return w;
}

}  // namespace

ZkWatch KafkaZk::WatchBrokerIds(ZkCallback<std::vector<int32_t>> cb) {
  return StartWatch<std::vector<std::string>>(
      zk_, zkdata::BrokerIdsZNode::Path(),
      [cb = std::move(cb)](util::Result<std::vector<std::string>> r) {
        if (!r.ok()) return cb(r.status());
        std::vector<int32_t> ids;
        for (const auto& c : *r) {
          if (auto id = ParseId(c)) ids.push_back(*id);
        }
        std::sort(ids.begin(), ids.end());
        cb(std::move(ids));
      });
}

ZkWatch KafkaZk::WatchTopics(ZkCallback<std::vector<std::string>> cb) {
  return StartWatch<std::vector<std::string>>(zk_, zkdata::TopicsZNode::Path(), std::move(cb));
}

ZkWatch KafkaZk::WatchController(ZkCallback<std::optional<int32_t>> cb) {
  return StartWatch<std::optional<std::string>>(
      zk_, zkdata::ControllerZNode::Path(),
      [cb = std::move(cb)](util::Result<std::optional<std::string>> r) {
        if (!r.ok()) return cb(r.status());
        if (!r->has_value()) return cb(std::optional<int32_t>());
        auto c = zkdata::ControllerZNode::Decode(**r);
        if (!c.ok()) return cb(c.status());
        cb(std::optional<int32_t>(c->broker_id));
      });
}

ZkWatch KafkaZk::WatchTopicsMarkedForDeletion(ZkCallback<std::vector<std::string>> cb) {
  return StartWatch<std::vector<std::string>>(zk_, zkdata::DeleteTopicsZNode::Path(),
                                              std::move(cb));
}

ZkWatch KafkaZk::WatchTopicAssignment(std::string topic,
                                      ZkCallback<std::optional<zkdata::TopicZNode>> cb) {
  std::string path = zkdata::TopicZNode::Path(topic);
  return StartWatch<std::optional<std::string>>(
      zk_, path, [path, cb = std::move(cb)](util::Result<std::optional<std::string>> r) {
        if (!r.ok()) return cb(r.status());
        if (!r->has_value()) return cb(std::optional<zkdata::TopicZNode>());
        auto t = zkdata::TopicZNode::Decode(**r);
        if (!t.ok()) return cb(t.status().WithContext(path));
        cb(std::optional<zkdata::TopicZNode>(std::move(*t)));
      });
}

ZkWatch KafkaZk::WatchChildren(std::string path, ZkCallback<std::vector<std::string>> cb) {
  return StartWatch<std::vector<std::string>>(zk_, std::move(path), std::move(cb));
}

ZkWatch KafkaZk::WatchData(std::string path, ZkCallback<std::optional<std::string>> cb) {
  return StartWatch<std::optional<std::string>>(zk_, std::move(path), std::move(cb));
}

// ---------------------------------------------------------------------------
// Paths and cluster id.

KafkaZk::KafkaZk(boost::asio::io_context& io, std::shared_ptr<zk::Client> client)
    : io_(io), zk_(std::move(client)) {}

void KafkaZk::MakePath(std::string path, ZkStatusCallback done, std::optional<std::string> data) {
  MakePathImpl(zk_, std::move(path), std::move(data), std::move(done));
}

void KafkaZk::DeleteRecursive(std::string path, ZkStatusCallback done) {
  DeleteRecursiveImpl(zk_, std::move(path), 3, std::move(done));
}

void KafkaZk::EnsurePersistentPaths(ZkStatusCallback done) {
  auto paths = zkdata::PersistentZkPaths();
  auto barrier = std::make_shared<Barrier>(paths.size(), std::move(done));
  for (auto& p : paths) MakePathImpl(zk_, p, std::nullopt, [barrier](util::Status s) { barrier->Arrive(s); });
}

void KafkaZk::GetOrCreateClusterId(std::string proposed, ZkCallback<std::string> done) {
  if (proposed.empty()) proposed = zkdata::GenerateKafkaUuid();
  const std::string path = zkdata::ClusterIdZNode::Path();
  zk_->GetData(path, {}, [zk = zk_, path, proposed,
                          done = std::move(done)](Reply<zk::DataResult> r) mutable {
    if (r.ok()) return done(zkdata::ClusterIdZNode::Decode(r.value.data));
    if (r.code() != ErrorCode::kNoNode) return done(St(r.err, path));
    CreateRecursive(zk, path, zkdata::ClusterIdZNode::Encode(proposed), CreateMode::kPersistent,
                    [zk, path, proposed, done = std::move(done)](Reply<zk::CreateResult> c) {
                      if (c.ok()) {
                        Log().info("created cluster id {}", proposed);
                        return done(proposed);
                      }
                      if (c.code() != ErrorCode::kNodeExists) return done(St(c.err, path));
                      // Another broker won the race: read its id.
                      zk->GetData(path, {}, [path, done](Reply<zk::DataResult> g) {
                        if (!g.ok()) return done(St(g.err, path));
                        done(zkdata::ClusterIdZNode::Decode(g.value.data));
                      });
                    });
  });
}

void KafkaZk::GetOrCreateData(std::string path, std::string proposed,
                              ZkCallback<std::string> done) {
  zk_->GetData(path, {}, [zk = zk_, path, proposed,
                          done = std::move(done)](Reply<zk::DataResult> r) mutable {
    if (r.ok()) return done(std::move(r.value.data));
    if (r.code() != ErrorCode::kNoNode) return done(St(r.err, path));
    CreateRecursive(zk, path, proposed, CreateMode::kPersistent,
                    [zk, path, proposed, done = std::move(done)](Reply<zk::CreateResult> c) {
                      if (c.ok()) return done(proposed);
                      if (c.code() != ErrorCode::kNodeExists) return done(St(c.err, path));
                      zk->GetData(path, {}, [path, done](Reply<zk::DataResult> g) {
                        if (!g.ok()) return done(St(g.err, path));
                        done(std::move(g.value.data));
                      });
                    });
  });
}

// ---------------------------------------------------------------------------
// Brokers.

namespace {

struct RegisterOp : std::enable_shared_from_this<RegisterOp> {
  ClientPtr zk;
  std::string path;
  std::string data;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds interval;
  boost::asio::steady_timer timer;
  ZkCallback<int64_t> done;

  RegisterOp(boost::asio::io_context& io) : timer(io) {}

  void Attempt() {
    auto self = shared_from_this();
    zk->Create(path, data, CreateMode::kEphemeral, [self](Reply<zk::CreateResult> r) {
      if (r.ok()) return self->done(r.value.stat.czxid);
      if (r.code() != ErrorCode::kNodeExists) return self->done(St(r.err, self->path));
      self->zk->GetData(self->path, {}, [self](Reply<zk::DataResult> g) {
        if (g.code() == ErrorCode::kNoNode) return self->Attempt();  // gone meanwhile
        if (!g.ok()) return self->done(St(g.err, self->path));
        const int64_t owner = g.value.stat.ephemeral_owner;
        const int64_t session = self->zk->session_id();
        // Our own node: a create retried after a connection loss.
        if (owner == session) return self->done(g.value.stat.czxid);
        if (std::chrono::steady_clock::now() < self->deadline) {
          self->timer.expires_after(self->interval);
          // The handler only issues a client call; its callback is back on the strand.
          self->timer.async_wait([self](const boost::system::error_code& ec) {
            if (!ec) self->Attempt();
          });
          return;
        }
        self->done(util::Status::AlreadyExists(
            "Error while creating ephemeral at " + self->path +
            ", node already exists and owner '" + std::to_string(owner) +
            "' does not match current session '" + std::to_string(session) + "'"));
      });
    });
  }
};

}  // namespace

void KafkaZk::RegisterBroker(zkdata::BrokerIdZNode broker, RegisterBrokerOptions options,
                             ZkCallback<int64_t> done) {
  auto op = std::make_shared<RegisterOp>(io_);
  op->zk = zk_;
  op->path = zkdata::BrokerIdZNode::Path(broker.broker_id);
  op->data = broker.Encode();
  op->deadline = std::chrono::steady_clock::now() + options.stale_wait;
  op->interval = options.retry_interval;
  op->done = [done = std::move(done), path = op->path](util::Result<int64_t> r) {
    if (r.ok()) {
      Log().info("registered broker at {} (czxid={})", path, *r);
    } else {
      Log().error("broker registration at {} failed: {}", path, r.status().ToString());
    }
    done(std::move(r));
  };
  op->Attempt();
}

void KafkaZk::UpdateBrokerInfo(const zkdata::BrokerIdZNode& broker, ZkStatusCallback done) {
  std::string path = zkdata::BrokerIdZNode::Path(broker.broker_id);
  zk_->SetData(path, broker.Encode(), kMatchAnyVersion,
               [path, done = std::move(done)](Reply<zk::Stat> r) {
                 done(r.ok() ? util::Status::OK() : St(r.err, path));
               });
}

void KafkaZk::GetBroker(int32_t broker_id, ZkCallback<zkdata::BrokerIdZNode> done) {
  std::string path = zkdata::BrokerIdZNode::Path(broker_id);
  zk_->GetData(path, {}, [broker_id, path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (!r.ok()) return done(St(r.err, path));
    done(zkdata::BrokerIdZNode::Decode(broker_id, r.value.data));
  });
}

void KafkaZk::GetBrokerRegistration(
    int32_t broker_id, ZkCallback<std::pair<zkdata::BrokerIdZNode, int64_t>> done) {
  std::string path = zkdata::BrokerIdZNode::Path(broker_id);
  zk_->GetData(path, {}, [broker_id, path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (!r.ok()) return done(St(r.err, path));
    auto node = zkdata::BrokerIdZNode::Decode(broker_id, r.value.data);
    if (!node.ok()) return done(node.status());
    done(std::make_pair(std::move(*node), r.value.stat.czxid));
  });
}

void KafkaZk::GetAllBrokers(ZkCallback<std::vector<zkdata::BrokerIdZNode>> done) {
  const std::string path = zkdata::BrokerIdsZNode::Path();
  zk_->GetChildren(path, {}, [zk = zk_, path,
                              done = std::move(done)](Reply<zk::ChildrenResult> r) mutable {
    if (r.code() == ErrorCode::kNoNode) return done(std::vector<zkdata::BrokerIdZNode>{});
    if (!r.ok()) return done(St(r.err, path));
    std::vector<int32_t> ids;
    for (const auto& c : r.value.children) {
      if (auto id = ParseId(c)) ids.push_back(*id);
    }
    auto found = std::make_shared<std::vector<std::optional<zkdata::BrokerIdZNode>>>(ids.size());
    auto barrier = std::make_shared<Barrier>(ids.size(), [found, done](util::Status s) {
      if (!s.ok()) return done(s);
      std::vector<zkdata::BrokerIdZNode> out;
      for (auto& b : *found) {
        if (b) out.push_back(std::move(*b));
      }
      std::sort(out.begin(), out.end(),
                [](const auto& a, const auto& b) { return a.broker_id < b.broker_id; });
      done(std::move(out));
    });
    for (size_t i = 0; i < ids.size(); ++i) {
      std::string bpath = zkdata::BrokerIdZNode::Path(ids[i]);
      zk->GetData(bpath, {}, [found, barrier, i, id = ids[i], bpath](Reply<zk::DataResult> g) {
        if (g.code() == ErrorCode::kNoNode) return barrier->Arrive(util::Status::OK());
        if (!g.ok()) return barrier->Arrive(St(g.err, bpath));
        auto b = zkdata::BrokerIdZNode::Decode(id, g.value.data);
        if (!b.ok()) return barrier->Arrive(b.status());
        (*found)[i] = std::move(*b);
        barrier->Arrive(util::Status::OK());
      });
    }
  });
}

// ---------------------------------------------------------------------------
// Topics.

void KafkaZk::GetAllTopics(ZkCallback<std::vector<std::string>> done) {
  const std::string path = zkdata::TopicsZNode::Path();
  zk_->GetChildren(path, {}, [path, done = std::move(done)](Reply<zk::ChildrenResult> r) {
    if (r.code() == ErrorCode::kNoNode) return done(std::vector<std::string>{});
    if (!r.ok()) return done(St(r.err, path));
    std::sort(r.value.children.begin(), r.value.children.end());
    done(std::move(r.value.children));
  });
}

void KafkaZk::GetTopicAssignment(std::string topic, ZkCallback<zkdata::TopicZNode> done) {
  std::string path = zkdata::TopicZNode::Path(topic);
  zk_->GetData(path, {}, [path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (!r.ok()) return done(St(r.err, path));
    auto t = zkdata::TopicZNode::Decode(r.value.data);
    if (!t.ok()) return done(t.status().WithContext(path));
    done(std::move(t));
  });
}

void KafkaZk::GetTopicAssignments(std::vector<std::string> topics,
                                  ZkCallback<std::map<std::string, zkdata::TopicZNode>> done) {
  auto found = std::make_shared<std::map<std::string, zkdata::TopicZNode>>();
  auto barrier = std::make_shared<Barrier>(topics.size(), [found, done](util::Status s) {
    if (!s.ok()) return done(s);
    done(std::move(*found));
  });
  for (auto& topic : topics) {
    GetTopicAssignment(topic, [found, barrier, topic](util::Result<zkdata::TopicZNode> r) {
      if (r.ok()) {
        (*found)[topic] = std::move(*r);
        return barrier->Arrive(util::Status::OK());
      }
      barrier->Arrive(r.status().IsNotFound() ? util::Status::OK() : r.status());
    });
  }
}

void KafkaZk::CreateTopic(std::string topic, std::map<int32_t, std::vector<int32_t>> assignment,
                          std::map<std::string, std::string> configs,
                          ZkCallback<std::string> done) {
  if (auto s = zkdata::ValidateTopicName(topic); !s.ok()) return done(s);
  if (auto s = zkdata::ValidateReplicaAssignment(assignment); !s.ok()) return done(s);
  zk_->Exists(
      zkdata::DeleteTopicsTopicZNode::Path(topic), {},
      [zk = zk_, topic, assignment = std::move(assignment), configs = std::move(configs),
       done = std::move(done)](Reply<zk::Stat> marked) mutable {
        if (marked.ok())
          return done(util::Status::AlreadyExists("Topic '" + topic + "' is marked for deletion."));
        if (marked.code() != ErrorCode::kNoNode)
          return done(St(marked.err, zkdata::DeleteTopicsTopicZNode::Path(topic)));
        zk->GetChildren(
            zkdata::TopicsZNode::Path(), {},
            [zk, topic, assignment = std::move(assignment), configs = std::move(configs),
             done = std::move(done)](Reply<zk::ChildrenResult> all) mutable {
              if (!all.ok() && all.code() != ErrorCode::kNoNode)
                return done(St(all.err, zkdata::TopicsZNode::Path()));
              std::vector<std::string> colliding;
              for (const auto& t : all.value.children) {
                if (t == topic)
                  return done(util::Status::AlreadyExists("Topic '" + topic + "' already exists."));
                if (zkdata::TopicNamesCollide(t, topic)) colliding.push_back(t);
              }
              if (!colliding.empty()) {
                std::sort(colliding.begin(), colliding.end());
                std::string list;
                for (const auto& c : colliding) list += (list.empty() ? "" : ", ") + c;
                return done(util::Status::InvalidArgument(
                    "Topic '" + topic + "' collides with existing topics: " + list));
              }
              zkdata::ConfigEntityZNode config;
              config.config = std::move(configs);
              zkdata::TopicZNode znode;
              znode.topic_id = zkdata::GenerateKafkaUuid();
              for (auto& [p, replicas] : assignment) znode.partitions[p].replicas = replicas;
              // Config first, so a broker that sees the topic also finds its config.
              SetOrCreateConfig(
                  zk, zkdata::ConfigEntityZNode::TopicPath(topic), config.Encode(),
                  [zk, topic, znode = std::move(znode), done](util::Status s) mutable {
                    if (!s.ok()) return done(s);
                    std::string path = zkdata::TopicZNode::Path(topic);
                    std::string data = znode.Encode();
                    CreateRecursive(
                        zk, path, std::move(data), CreateMode::kPersistent,
                        [topic, path, id = *znode.topic_id, done](Reply<zk::CreateResult> c) {
                          if (c.code() == ErrorCode::kNodeExists)
                            return done(util::Status::AlreadyExists("Topic '" + topic +
                                                                    "' already exists."));
                          if (!c.ok()) return done(St(c.err, path));
                          Log().info("[{}] created topic id={}", topic, id);
                          done(id);
                        });
                  });
            });
      });
}

void KafkaZk::GetTopicConfig(std::string topic,
                             ZkCallback<std::map<std::string, std::string>> done) {
  std::string path = zkdata::ConfigEntityZNode::TopicPath(topic);
  zk_->GetData(path, {}, [path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (r.code() == ErrorCode::kNoNode) return done(std::map<std::string, std::string>{});
    if (!r.ok()) return done(St(r.err, path));
    auto c = zkdata::ConfigEntityZNode::Decode(r.value.data);
    if (!c.ok()) return done(c.status().WithContext(path));
    done(std::move(c->config));
  });
}

void KafkaZk::ChangeTopicConfig(std::string topic, std::map<std::string, std::string> configs,
                                ZkStatusCallback done) {
  zk_->Exists(zkdata::TopicZNode::Path(topic), {},
              [zk = zk_, topic, configs = std::move(configs),
               done = std::move(done)](Reply<zk::Stat> e) mutable {
                if (e.code() == ErrorCode::kNoNode)
                  return done(util::Status::NotFound("Topic " + topic + " does not exist"));
                if (!e.ok()) return done(St(e.err, zkdata::TopicZNode::Path(topic)));
                zkdata::ConfigEntityZNode config;
                config.config = std::move(configs);
                SetOrCreateConfig(
                    zk, zkdata::ConfigEntityZNode::TopicPath(topic), config.Encode(),
                    [zk, topic, done](util::Status s) {
                      if (!s.ok()) return done(s);
                      std::string prefix =
                          zkdata::ConfigEntityChangeNotificationSequenceZNode::CreatePath();
                      CreateRecursive(
                          zk, prefix,
                          zkdata::ConfigEntityChangeNotificationSequenceZNode::Encode(
                              std::string(zkdata::kConfigTypeTopic) + "/" + topic),
                          CreateMode::kPersistentSequential,
                          [prefix, done](Reply<zk::CreateResult> c) {
                            done(c.ok() ? util::Status::OK() : St(c.err, prefix));
                          });
                    });
              });
}

// ---------------------------------------------------------------------------
// Partition state.

void KafkaZk::GetPartitionState(std::string topic, int32_t partition,
                                ZkCallback<PartitionState> done) {
  std::string path = zkdata::TopicPartitionStateZNode::Path(topic, partition);
  zk_->GetData(path, {}, [path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (!r.ok()) return done(St(r.err, path));
    auto s = zkdata::TopicPartitionStateZNode::Decode(r.value.data);
    if (!s.ok()) return done(s.status().WithContext(path));
    done(PartitionState{std::move(*s), r.value.stat.version});
  });
}

void KafkaZk::GetTopicPartitionStates(std::string topic,
                                      ZkCallback<std::map<int32_t, PartitionState>> done) {
  std::string path = zkdata::TopicPartitionsZNode::Path(topic);
  zk_->GetChildren(path, {}, [zk = zk_, topic, path,
                              done = std::move(done)](Reply<zk::ChildrenResult> r) mutable {
    using States = std::map<int32_t, PartitionState>;
    if (r.code() == ErrorCode::kNoNode) return done(States{});
    if (!r.ok()) return done(St(r.err, path));
    auto found = std::make_shared<States>();
    std::vector<int32_t> partitions;
    for (const auto& c : r.value.children) {
      if (auto p = ParseId(c); p && *p >= 0) partitions.push_back(*p);
    }
    auto barrier = std::make_shared<Barrier>(partitions.size(), [found, done](util::Status s) {
      if (!s.ok()) return done(s);
      done(std::move(*found));
    });
    for (int32_t p : partitions) {
      std::string spath = zkdata::TopicPartitionStateZNode::Path(topic, p);
      zk->GetData(spath, {}, [found, barrier, p, spath](Reply<zk::DataResult> g) {
        // A partition directory without state yet is skipped.
        if (g.code() == ErrorCode::kNoNode) return barrier->Arrive(util::Status::OK());
        if (!g.ok()) return barrier->Arrive(St(g.err, spath));
        auto s = zkdata::TopicPartitionStateZNode::Decode(g.value.data);
        if (!s.ok()) return barrier->Arrive(s.status().WithContext(spath));
        (*found)[p] = PartitionState{std::move(*s), g.value.stat.version};
        barrier->Arrive(util::Status::OK());
      });
    }
  });
}

void KafkaZk::CreatePartitionState(std::string topic, int32_t partition,
                                   zkdata::TopicPartitionStateZNode state,
                                   int32_t controller_epoch_zk_version,
                                   ZkCallback<int32_t> done) {
  // Kafka creates .../partitions and .../partitions/<p> with no data first.
  MakePathImpl(
      zk_, zkdata::TopicPartitionZNode::Path(topic, partition), std::nullopt,
      [zk = zk_, topic, partition, data = state.Encode(), controller_epoch_zk_version,
       done = std::move(done)](util::Status s) mutable {
        if (!s.ok()) return done(s);
        std::string path = zkdata::TopicPartitionStateZNode::Path(topic, partition);
        if (controller_epoch_zk_version == kMatchAnyVersion) {
          zk->Create(path, data, CreateMode::kPersistent,
                     [path, done](Reply<zk::CreateResult> c) {
                       if (!c.ok()) return done(St(c.err, path));
                       done(c.value.stat.version);
                     });
          return;
        }
        std::vector<zk::MultiOp> ops;
        ops.push_back(zk::MultiOp::Check(zkdata::ControllerEpochZNode::Path(),
                                         controller_epoch_zk_version));
        ops.push_back(zk::MultiOp::Create(
            zk::CreateRequest{path, data, zk::OpenAclUnsafe(),
                              static_cast<int32_t>(CreateMode::kPersistent)}));
        std::vector<std::string> paths = {zkdata::ControllerEpochZNode::Path(), path};
        zk->Multi(std::move(ops), [paths, done](Reply<std::vector<zk::MultiResult>> r) {
          if (!r.ok()) return done(MultiError(r, paths, true));
          done(0);  // a new znode starts at version 0
        });
      });
}

void KafkaZk::UpdatePartitionState(std::string topic, int32_t partition,
                                   zkdata::TopicPartitionStateZNode state,
                                   int32_t expected_zk_version,
                                   int32_t controller_epoch_zk_version,
                                   ZkCallback<int32_t> done) {
  std::string path = zkdata::TopicPartitionStateZNode::Path(topic, partition);
  if (controller_epoch_zk_version == kMatchAnyVersion) {
    zk_->SetData(path, state.Encode(), expected_zk_version,
                 [path, done = std::move(done)](Reply<zk::Stat> r) {
                   if (!r.ok()) return done(St(r.err, path));
                   done(r.value.version);
                 });
    return;
  }
  std::vector<zk::MultiOp> ops;
  ops.push_back(
      zk::MultiOp::Check(zkdata::ControllerEpochZNode::Path(), controller_epoch_zk_version));
  ops.push_back(zk::MultiOp::SetData(path, state.Encode(), expected_zk_version));
  std::vector<std::string> paths = {zkdata::ControllerEpochZNode::Path(), path};
  zk_->Multi(std::move(ops),
             [paths, done = std::move(done)](Reply<std::vector<zk::MultiResult>> r) {
               if (!r.ok()) return done(MultiError(r, paths, true));
               if (r.value.size() < 2)
                 return done(util::Status::Internal("short multi response for " + paths[1]));
               done(r.value[1].stat.version);
             });
}

// ---------------------------------------------------------------------------
// Topic deletion.

void KafkaZk::MarkTopicForDeletion(std::string topic, ZkStatusCallback done) {
  zk_->Exists(zkdata::TopicZNode::Path(topic), {},
              [zk = zk_, topic, done = std::move(done)](Reply<zk::Stat> e) mutable {
                if (e.code() == ErrorCode::kNoNode)
                  return done(util::Status::NotFound("topic " + topic +
                                                     " to delete does not exist"));
                if (!e.ok()) return done(St(e.err, zkdata::TopicZNode::Path(topic)));
                std::string path = zkdata::DeleteTopicsTopicZNode::Path(topic);
                CreateRecursive(zk, path, std::nullopt, CreateMode::kPersistent,
                                [topic, path, done](Reply<zk::CreateResult> c) {
                                  if (c.code() == ErrorCode::kNodeExists)
                                    return done(util::Status::AlreadyExists(
                                        "topic " + topic + " is already marked for deletion"));
                                  if (!c.ok()) return done(St(c.err, path));
                                  Log().info("[{}] marked for deletion", topic);
                                  done(util::Status::OK());
                                });
              });
}

void KafkaZk::GetTopicsMarkedForDeletion(ZkCallback<std::vector<std::string>> done) {
  const std::string path = zkdata::DeleteTopicsZNode::Path();
  zk_->GetChildren(path, {}, [path, done = std::move(done)](Reply<zk::ChildrenResult> r) {
    if (r.code() == ErrorCode::kNoNode) return done(std::vector<std::string>{});
    if (!r.ok()) return done(St(r.err, path));
    std::sort(r.value.children.begin(), r.value.children.end());
    done(std::move(r.value.children));
  });
}

void KafkaZk::DeleteTopicZNodes(std::string topic, ZkStatusCallback done) {
  // TopicDeletionManager.completeDeleteTopic: topic znode, then config, then the
  // deletion marker last, so an interrupted deletion is resumed.
  auto delete_if_present = [](ClientPtr zk, std::string path, ZkStatusCallback next) {
    zk->Delete(path, kMatchAnyVersion, [path, next = std::move(next)](Reply<zk::Empty> r) {
      next(r.ok() || r.code() == ErrorCode::kNoNode ? util::Status::OK() : St(r.err, path));
    });
  };
  DeleteRecursiveImpl(
      zk_, zkdata::TopicZNode::Path(topic), 3,
      [zk = zk_, topic, delete_if_present, done = std::move(done)](util::Status s) mutable {
        if (!s.ok()) return done(s);
        delete_if_present(
            zk, zkdata::ConfigEntityZNode::TopicPath(topic),
            [zk, topic, delete_if_present, done](util::Status s2) mutable {
              if (!s2.ok()) return done(s2);
              delete_if_present(zk, zkdata::DeleteTopicsTopicZNode::Path(topic),
                                [topic, done](util::Status s3) {
                                  if (s3.ok()) Log().info("[{}] deleted topic znodes", topic);
                                  done(s3);
                                });
            });
      });
}

// ---------------------------------------------------------------------------
// Controller.

void KafkaZk::GetController(ZkCallback<std::optional<int32_t>> done) {
  const std::string path = zkdata::ControllerZNode::Path();
  zk_->GetData(path, {}, [path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (r.code() == ErrorCode::kNoNode) return done(std::optional<int32_t>());
    if (!r.ok()) return done(St(r.err, path));
    auto c = zkdata::ControllerZNode::Decode(r.value.data);
    if (!c.ok()) return done(c.status());
    done(std::optional<int32_t>(c->broker_id));
  });
}

void KafkaZk::GetControllerEpoch(ZkCallback<std::pair<int32_t, int32_t>> done) {
  const std::string path = zkdata::ControllerEpochZNode::Path();
  zk_->GetData(path, {}, [path, done = std::move(done)](Reply<zk::DataResult> r) {
    if (!r.ok()) return done(St(r.err, path));
    auto e = zkdata::ControllerEpochZNode::Decode(r.value.data);
    if (!e.ok()) return done(e.status());
    done(std::make_pair(*e, r.value.stat.version));
  });
}

namespace {

// After losing the multi (NodeExists on /controller or BadVersion on the epoch):
// report who holds /controller now.
void ReportController(ClientPtr zk, int32_t broker_id, ZkCallback<ControllerElection> done) {
  const std::string path = zkdata::ControllerZNode::Path();
  zk->GetData(path, {}, [zk, path, broker_id, done = std::move(done)](Reply<zk::DataResult> r) {
    ControllerElection out;
    if (r.code() == ErrorCode::kNoNode) return done(out);  // the winner is already gone
    if (!r.ok()) return done(St(r.err, path));
    auto c = zkdata::ControllerZNode::Decode(r.value.data);
    if (!c.ok()) return done(c.status());
    out.controller_id = c->broker_id;
    if (c->broker_id != broker_id || r.value.stat.ephemeral_owner != zk->session_id())
      return done(out);
    // Ours (a retried election): report the epoch we hold.
    zk->GetData(zkdata::ControllerEpochZNode::Path(), {},
                [out, done](Reply<zk::DataResult> e) mutable {
                  if (!e.ok()) return done(St(e.err, zkdata::ControllerEpochZNode::Path()));
                  auto epoch = zkdata::ControllerEpochZNode::Decode(e.value.data);
                  if (!epoch.ok()) return done(epoch.status());
                  out.elected = true;
                  out.epoch = *epoch;
                  out.epoch_zk_version = e.value.stat.version;
                  done(out);
                });
  });
}

void RegisterController(ClientPtr zk, int32_t broker_id, int32_t epoch, int32_t epoch_version,
                        ZkCallback<ControllerElection> done) {
  zkdata::ControllerZNode node;
  node.broker_id = broker_id;
  node.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<zk::MultiOp> ops;
  ops.push_back(zk::MultiOp::Create(
      zk::CreateRequest{zkdata::ControllerZNode::Path(), node.Encode(), zk::OpenAclUnsafe(),
                        static_cast<int32_t>(CreateMode::kEphemeral)}));
  ops.push_back(zk::MultiOp::SetData(zkdata::ControllerEpochZNode::Path(),
                                     zkdata::ControllerEpochZNode::Encode(epoch + 1),
                                     epoch_version));
  zk->Multi(std::move(ops), [zk, broker_id, epoch,
                             done = std::move(done)](Reply<std::vector<zk::MultiResult>> r) {
    if (r.ok() && r.value.size() >= 2) {
      ControllerElection out{true, broker_id, epoch + 1, r.value[1].stat.version};
      Log().info("broker {} elected controller, epoch={}", broker_id, out.epoch);
      return done(out);
    }
    if (r.ok()) return done(util::Status::Internal("short multi response electing controller"));
    if (r.code() == ErrorCode::kNodeExists || r.code() == ErrorCode::kBadVersion)
      return ReportController(zk, broker_id, std::move(done));
    done(MultiError(r, {zkdata::ControllerZNode::Path(), zkdata::ControllerEpochZNode::Path()},
                    false));
  });
}

}  // namespace

void KafkaZk::TryElectController(int32_t broker_id, ZkCallback<ControllerElection> done) {
  zk_->Exists(zkdata::ControllerZNode::Path(), {}, [zk = zk_, broker_id, done = std::move(done)](
                                                       Reply<zk::Stat> c) mutable {
    if (c.ok()) return ReportController(zk, broker_id, std::move(done));
    if (c.code() != ErrorCode::kNoNode) return done(St(c.err, zkdata::ControllerZNode::Path()));
    const std::string epoch_path = zkdata::ControllerEpochZNode::Path();
    zk->GetData(epoch_path, {}, [zk, broker_id, epoch_path,
                                 done = std::move(done)](Reply<zk::DataResult> e) mutable {
      if (e.ok()) {
        auto epoch = zkdata::ControllerEpochZNode::Decode(e.value.data);
        if (!epoch.ok()) return done(epoch.status());
        return RegisterController(zk, broker_id, *epoch, e.value.stat.version, std::move(done));
      }
      if (e.code() != ErrorCode::kNoNode) return done(St(e.err, epoch_path));
      // First controller ever: create /controller_epoch with the initial epoch.
      zk->Create(epoch_path,
                 zkdata::ControllerEpochZNode::Encode(zkdata::ControllerEpochZNode::kInitialEpoch),
                 CreateMode::kPersistent,
                 [zk, broker_id, epoch_path, done = std::move(done)](
                     Reply<zk::CreateResult> cr) mutable {
                   if (cr.ok())
                     return RegisterController(zk, broker_id,
                                               zkdata::ControllerEpochZNode::kInitialEpoch,
                                               cr.value.stat.version, std::move(done));
                   if (cr.code() != ErrorCode::kNodeExists) return done(St(cr.err, epoch_path));
                   // Someone else created it: read it again.
                   zk->GetData(epoch_path, {}, [zk, broker_id, epoch_path, done = std::move(done)](
                                                   Reply<zk::DataResult> e2) mutable {
                     if (!e2.ok()) return done(St(e2.err, epoch_path));
                     auto epoch = zkdata::ControllerEpochZNode::Decode(e2.value.data);
                     if (!epoch.ok()) return done(epoch.status());
                     RegisterController(zk, broker_id, *epoch, e2.value.stat.version,
                                        std::move(done));
                   });
                 });
    });
  });
}

void KafkaZk::ResignController(int32_t broker_id, ZkStatusCallback done) {
  const std::string path = zkdata::ControllerZNode::Path();
  zk_->GetData(path, {}, [zk = zk_, path, broker_id,
                          done = std::move(done)](Reply<zk::DataResult> r) mutable {
    if (r.code() == ErrorCode::kNoNode) return done(util::Status::OK());
    if (!r.ok()) return done(St(r.err, path));
    auto c = zkdata::ControllerZNode::Decode(r.value.data);
    if (!c.ok()) return done(c.status());
    if (c->broker_id != broker_id) return done(util::Status::OK());
    zk->Delete(path, r.value.stat.version, [path, done = std::move(done)](Reply<zk::Empty> d) {
      done(d.ok() || d.code() == ErrorCode::kNoNode ? util::Status::OK() : St(d.err, path));
    });
  });
}

// ---------------------------------------------------------------------------

util::Status CreateChrootIfNecessary(const std::string& connect_string,
                                     std::chrono::milliseconds timeout) {
  auto cs = zk::ParseConnectString(connect_string);
  if (!cs.ok()) return cs.status();
  if (cs->chroot.empty()) return util::Status::OK();
  // Connect without the chroot: the hosts part only.
  std::string hosts = connect_string.substr(0, connect_string.find('/'));
  zk::ClientOptions options;
  options.connect_string = hosts;
  options.request_timeout = timeout;
  zk::SyncClient client(options);
  auto c = client.Connect(timeout);
  if (!c.ok()) return St(c.err, hosts);
  std::string path;
  size_t pos = 0;
  const std::string& chroot = cs->chroot;
  while (pos != std::string::npos) {
    pos = chroot.find('/', pos + 1);
    path = chroot.substr(0, pos);
    auto r = client.Create(path, std::nullopt);
    if (!r.ok() && r.code() != ErrorCode::kNodeExists) return St(r.err, path);
  }
  Log().info("zookeeper chroot {} present", chroot);
  return util::Status::OK();
}

}  // namespace kafka::broker
