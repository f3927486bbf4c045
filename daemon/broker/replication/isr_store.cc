#include "daemon/broker/replication/isr_store.h"

#include <nlohmann/json.hpp>

#include "common/util/logging.h"
#include "common/zk/client.h"

namespace kafka::broker::replication {
namespace {

spdlog::logger& Log() {
  static auto logger = util::logging::Get("replication");
  return *logger;
}

}  // namespace

std::string IsrChangeNotificationJson(const log::TopicPartition& tp) {
  nlohmann::json j;
  j["version"] = 1;
  j["partitions"] = nlohmann::json::array({{{"topic", tp.topic}, {"partition", tp.partition}}});
  return j.dump();
}

void ZkIsrStore::Write(const log::TopicPartition& tp,
                       const zkdata::TopicPartitionStateZNode& state, int32_t expected_zk_version,
                       std::function<void(util::Result<int32_t>)> done) {
  KafkaZk* zk = zk_();
  if (zk == nullptr) return done(util::Status::Unavailable("no zookeeper session"));
  zk->UpdatePartitionState(
      tp.topic, tp.partition, state, expected_zk_version, kMatchAnyVersion,
      [zk_fn = zk_, tp, done = std::move(done)](util::Result<int32_t> r) {
        if (r.ok()) {
          if (KafkaZk* zk = zk_fn()) {
            zk->client().CreateSequential(
                zkdata::IsrChangeNotificationZNode::Path() + "/isr_change_",
                IsrChangeNotificationJson(tp), false, [tp](zk::Reply<zk::CreateResult> c) {
                  if (!c.ok()) {
                    Log().warn("[{}] writing the ISR change notification failed: {}",
                               tp.DirName(), zk::ToStatus(c.err, "isr_change").ToString());
                  }
                });
          }
        }
        done(std::move(r));
      });
}

void ZkIsrStore::Read(const log::TopicPartition& tp,
                      std::function<void(util::Result<PartitionState>)> done) {
  KafkaZk* zk = zk_();
  if (zk == nullptr) return done(util::Status::Unavailable("no zookeeper session"));
  zk->GetPartitionState(tp.topic, tp.partition, std::move(done));
}

}  // namespace kafka::broker::replication
