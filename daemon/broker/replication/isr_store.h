// IsrStore: where a partition leader persists ISR changes. The ZooKeeper version
// (ZkIsrStore) writes /brokers/topics/<t>/partitions/<p>/state conditionally on
// the zk version the leader holds, then announces the change with a sequential
// /isr_change_notification/isr_change_ znode in Kafka's JSON
// ({"version":1,"partitions":[{"topic":"t","partition":0}]}) for the controller.
// A failed condition (IsBadVersion) means someone else (the controller) changed
// the state: the leader may have lost its epoch.
// Thread safety: io thread only (KafkaZk callbacks run there in the broker).
#pragma once

#include <functional>

#include "common/log/checkpoint.h"
#include "common/util/status.h"
#include "daemon/broker/zk/kafka_zk.h"
#include "daemon/broker/zk/zk_data.h"

namespace kafka::broker::replication {

class IsrStore {
 public:
  virtual ~IsrStore() = default;
  // Writes `state` if the znode is at `expected_zk_version`; returns the new version.
  virtual void Write(const log::TopicPartition& tp, const zkdata::TopicPartitionStateZNode& state,
                     int32_t expected_zk_version,
                     std::function<void(util::Result<int32_t>)> done) = 0;
  virtual void Read(const log::TopicPartition& tp,
                    std::function<void(util::Result<PartitionState>)> done) = 0;
};

class ZkIsrStore : public IsrStore {
 public:
  // `zk` returns the current KafkaZk (replaced after a session expiry), or null.
  explicit ZkIsrStore(std::function<KafkaZk*()> zk) : zk_(std::move(zk)) {}
  void Write(const log::TopicPartition& tp, const zkdata::TopicPartitionStateZNode& state,
             int32_t expected_zk_version, std::function<void(util::Result<int32_t>)> done) override;
  void Read(const log::TopicPartition& tp,
            std::function<void(util::Result<PartitionState>)> done) override;

 private:
  std::function<KafkaZk*()> zk_;
};

// The notification's JSON (exposed for the unit test).
std::string IsrChangeNotificationJson(const log::TopicPartition& tp);

}  // namespace kafka::broker::replication
