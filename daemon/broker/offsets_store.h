// OffsetsStore: the GroupStore of daemon/broker/group over this broker's
// __consumer_offsets partition logs. Append builds one uncompressed record
// batch (timestamps = now) and appends it as leader, completing once the
// acks=-1 hook (ReplicaManager::WaitForReplication) says it is committed.
// Load reads the partition from its log start to its log end (not the high watermark:
// see Load in the .cc).
// Completions are posted to the io_context, never run inside the call.
// Thread safety: io thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <string>

#include "daemon/broker/group/group_store.h"
#include "daemon/broker/metadata_cache.h"
#include "daemon/broker/replica_manager.h"

namespace kafka::broker {

inline constexpr char kOffsetsTopic[] = "__consumer_offsets";

class OffsetsStore : public group::GroupStore {
 public:
  OffsetsStore(boost::asio::io_context& io, ReplicaManager& replicas, MetadataCache& cache,
               int32_t broker_id, int32_t commit_timeout_ms)
      : io_(io),
        replicas_(replicas),
        cache_(cache),
        broker_id_(broker_id),
        commit_timeout_ms_(commit_timeout_ms) {}

  void Append(int32_t partition, std::vector<group::StoreRecord> records,
              AppendCallback done) override;
  void Load(int32_t partition, LoadCallback done) override;

 private:
  boost::asio::io_context& io_;
  ReplicaManager& replicas_;
  MetadataCache& cache_;
  int32_t broker_id_;
  int32_t commit_timeout_ms_;
};

}  // namespace kafka::broker
