#include "daemon/broker/controller.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "common/util/logging.h"
#include "common/zk/client.h"

namespace kafka::broker {
namespace {

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

// Runs `done` once with the first error (or OK) after `n` arrivals.
class Barrier {
 public:
  Barrier(size_t n, ZkStatusCallback done) : left_(n), done_(std::move(done)) {
    if (left_ == 0) Finish();
  }
  void Arrive(const util::Status& s) {
    if (!s.ok() && first_error_.ok()) first_error_ = s;
    if (--left_ == 0) Finish();
  }

 private:
  void Finish() {
    if (done_) {
      auto d = std::move(done_);
      d(first_error_);
    }
  }
  size_t left_;
  ZkStatusCallback done_;
  util::Status first_error_;
};

constexpr int64_t kProducerIdBlockSize = 1000;

}  // namespace

Controller::Controller(int32_t broker_id, KafkaZk& zk, MetadataCache& cache, ApplyTopic apply)
    : broker_id_(broker_id), zk_(&zk), cache_(cache), apply_(std::move(apply)) {}

void Controller::WriteStates(const std::string& topic,
                             std::map<int32_t, std::vector<int32_t>> partitions,
                             ZkStatusCallback done) {
  auto barrier = std::make_shared<Barrier>(partitions.size(), std::move(done));
  for (const auto& [p, replicas] : partitions) {
    zkdata::TopicPartitionStateZNode state;
    state.leader = replicas.empty() ? -1 : replicas.front();
    state.leader_epoch = 0;
    state.isr = replicas;
    state.controller_epoch = controller_epoch_;
    zk_->CreatePartitionState(topic, p, state, kMatchAnyVersion,
                             [barrier](util::Result<int32_t> r) {
                               // A state left by a racing writer is as good as ours.
                               barrier->Arrive(r.ok() || r.status().IsAlreadyExists()
                                                   ? util::Status::OK()
                                                   : r.status());
                             });
  }
}

void Controller::CreateTopic(NewTopic topic, ZkCallback<std::string> done) {
  auto assignment = topic.assignment;
  auto name = topic.name;
  auto configs = topic.configs;
  zk_->CreateTopic(
      name, assignment, configs,
      [this, name, assignment, configs, done = std::move(done)](util::Result<std::string> id) {
        if (!id.ok()) return done(id.status());
        WriteStates(name, assignment,
                    [this, name, assignment, configs, topic_id = *id, done](util::Status s) {
                      if (!s.ok()) return done(s);
                      zkdata::TopicZNode znode;
                      znode.topic_id = topic_id;
                      for (const auto& [p, r] : assignment) znode.partitions[p].replicas = r;
                      if (!stopped_) apply_(name, znode, configs, 0);
                      Log().info("[{}] created topic with {} partition(s), id {}", name,
                                 assignment.size(), topic_id);
                      done(topic_id);
                    });
      });
}

void Controller::AddPartitions(std::string topic,
                               std::map<int32_t, std::vector<int32_t>> new_partitions,
                               ZkStatusCallback done) {
  zk_->GetTopicAssignment(topic, [this, topic, new_partitions,
                                 done = std::move(done)](util::Result<zkdata::TopicZNode> r) {
    if (!r.ok()) return done(r.status());
    zkdata::TopicZNode znode = std::move(*r);
    for (const auto& [p, replicas] : new_partitions) {
      if (znode.partitions.count(p)) {
        return done(util::Status::AlreadyExists("partition " + std::to_string(p) + " exists"));
      }
      znode.partitions[p].replicas = replicas;
    }
    // Adapter: KafkaZk has no "set assignment" yet; write the znode directly.
    zk_->client().SetData(
        zkdata::TopicZNode::Path(topic), znode.Encode(), kMatchAnyVersion,
        [this, topic, znode, new_partitions, done](zk::Reply<zk::Stat> reply) {
          if (!reply.ok()) return done(zk::ToStatus(reply.err, zkdata::TopicZNode::Path(topic)));
          const int32_t version = reply.value.version;
          WriteStates(topic, new_partitions, [this, topic, znode, version, done](util::Status s) {
            if (!s.ok()) return done(s);
            const TopicInfo* t = cache_.GetTopic(topic);
            auto configs = t ? t->configs : std::map<std::string, std::string>{};
            if (!stopped_) apply_(topic, znode, configs, version);
            Log().info("[{}] now has {} partition(s)", topic, znode.partitions.size());
            done(util::Status::OK());
          });
        });
  });
}

void Controller::OnControllerChange(std::optional<int32_t> controller) {
  if (stopped_) return;
  cache_.set_controller_id(controller.value_or(-1));
  if (active_ && !(controller && *controller == broker_id_)) {
    Resign("controller is now " + std::to_string(controller.value_or(-1)));
  }
  if (!controller) Elect();
}

void Controller::Activate() {
  if (active_ || stopped_) return;
  active_ = true;
  Log().info("became controller (epoch {})", controller_epoch_);
  if (io_ == nullptr) return;  // not configured (tests): election only
  controller::ActiveOptions options = active_options_;
  options.broker_id = broker_id_;
  options.epoch = controller_epoch_;
  options.epoch_zk_version = controller_epoch_zk_version_;
  active_controller_ =
      std::make_unique<controller::ActiveController>(*io_, *zk_, options, [this] {
        // A newer controller fenced our writes: step down, and let /controller
        // (watched) tell us who leads; elect again if it is empty.
        Resign("fenced by a newer controller epoch");
        zk_->ResignController(broker_id_, [](util::Status) {});
      });
  active_controller_->Start();
}

void Controller::Resign(const std::string& why) {
  if (!active_) return;
  Log().info("resigned as controller ({})", why);
  active_ = false;
  active_controller_.reset();
}

void Controller::Elect() {
  if (electing_) return;
  electing_ = true;
  zk_->TryElectController(broker_id_, [this](util::Result<ControllerElection> r) {
    electing_ = false;
    if (stopped_) return;
    if (!r.ok()) {
      Log().warn("controller election failed: {}", r.status().ToString());
      return;
    }
    if (r->elected) {
      controller_epoch_ = r->epoch;
      controller_epoch_zk_version_ = r->epoch_zk_version;
    }
    // The /controller watch reports the outcome (OnControllerChange).
    if (r->elected || r->controller_id >= 0) {
      cache_.set_controller_id(r->controller_id >= 0 ? r->controller_id : broker_id_);
    }
    if (r->elected) Activate();
  });
}

void Controller::AllocateProducerId(ZkCallback<int64_t> done) {
  if (next_producer_id_ <= block_end_) {
    done(next_producer_id_++);
    return;
  }
  producer_id_waiters_.push_back(std::move(done));
  if (!fetching_block_) {
    fetching_block_ = true;
    FetchProducerIdBlock(0);
  }
}

void Controller::FetchProducerIdBlock(int attempt) {
  auto fail = [this](util::Status s) {
    fetching_block_ = false;
    auto waiters = std::move(producer_id_waiters_);
    producer_id_waiters_.clear();
    for (auto& w : waiters) w(s);
  };
  auto granted = [this](int64_t start) {
    fetching_block_ = false;
    next_producer_id_ = start;
    block_end_ = start + kProducerIdBlockSize - 1;
    auto waiters = std::move(producer_id_waiters_);
    producer_id_waiters_.clear();
    for (auto& w : waiters) {
      if (next_producer_id_ <= block_end_) {
        w(next_producer_id_++);
      } else {
        producer_id_waiters_.push_back(std::move(w));
      }
    }
    if (!producer_id_waiters_.empty()) {
      fetching_block_ = true;
      FetchProducerIdBlock(0);
    }
  };
  const std::string path = zkdata::ProducerIdBlockZNode::Path();
  zk_->client().GetData(path, {}, [this, attempt, path, fail, granted](zk::Reply<zk::DataResult> r) {
    if (!r.ok() && r.code() != zk::ErrorCode::kNoNode) {
      return fail(zk::ToStatus(r.err, path));
    }
    int64_t start = 0;
    int32_t version = -1;
    if (r.ok()) {
      version = r.value.stat.version;
      if (!r.value.data.empty()) {
        auto j = nlohmann::json::parse(r.value.data, nullptr, false);
        if (j.is_discarded() || !j.contains("block_end")) {
          return fail(util::Status::Corruption("bad JSON in " + path));
        }
        const auto& end = j["block_end"];
        int64_t last = -1;
        if (end.is_string()) {
          const std::string text = end.get<std::string>();
          auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), last);
          if (ec != std::errc()) return fail(util::Status::Corruption("bad block_end in " + path));
        } else if (end.is_number_integer()) {
          last = end.get<int64_t>();
        } else {
          return fail(util::Status::Corruption("bad block_end in " + path));
        }
        start = last + 1;
      }
    }
    nlohmann::json block = {{"version", 1},
                            {"broker", broker_id_},
                            {"block_start", std::to_string(start)},
                            {"block_end", std::to_string(start + kProducerIdBlockSize - 1)}};
    auto retry = [this, attempt, fail](util::Status s) {
      if (attempt < 10) return FetchProducerIdBlock(attempt + 1);
      fail(s);
    };
    if (version < 0) {
      zk_->client().Create(path, block.dump(), zk::CreateMode::kPersistent,
                          [start, granted, retry, path](zk::Reply<zk::CreateResult> c) {
                            if (c.ok()) return granted(start);
                            retry(zk::ToStatus(c.err, path));
                          });
    } else {
      zk_->client().SetData(path, block.dump(), version,
                           [start, granted, retry, path](zk::Reply<zk::Stat> c) {
                             if (c.ok()) return granted(start);
                             retry(zk::ToStatus(c.err, path));
                           });
    }
  });
}

}  // namespace kafka::broker
