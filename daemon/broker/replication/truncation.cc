#include "daemon/broker/replication/truncation.h"

#include <algorithm>

#include "common/log/leader_epoch_cache.h"

namespace kafka::broker::replication {

TruncationDecision DecideTruncation(int32_t answer_epoch, int64_t answer_end_offset,
                                    int64_t local_leo, int64_t local_start,
                                    const std::function<log::EpochEntry(int32_t)>& local_end_for) {
  if (answer_end_offset == log::kUndefinedEpochOffset || answer_epoch == log::kUndefinedEpoch) {
    // The leader knows no epoch at or below ours: nothing of ours is vouched for.
    // (Kafka falls back to the local HW here; we do not trust it: refetch all.)
    return {std::min(local_start, local_leo), true};
  }
  const log::EpochEntry local = local_end_for(answer_epoch);
  if (local.epoch == log::kUndefinedEpoch || local.start_offset == log::kUndefinedEpochOffset) {
    // No local epoch at or below the leader's: keep what the leader has.
    return {std::min(answer_end_offset, local_leo), true};
  }
  if (local.epoch != answer_epoch) {
    // We never saw the leader's epoch: our log diverged before it. Cut back to the
    // end of our largest epoch below it and ask again for that one.
    return {std::min(local.start_offset, local_leo), false};
  }
  return {std::min({local.start_offset, answer_end_offset, local_leo}), true};
}

}  // namespace kafka::broker::replication
