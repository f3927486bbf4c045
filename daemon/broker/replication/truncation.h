// Follower truncation by leader epoch (KIP-101, KIP-279), as a pure decision.
//
// A follower that starts following asks the leader (OffsetsForLeaderEpoch) where
// its latest local epoch ends in the leader's log, then truncates there: data the
// leader never had (written by an old leader that lost it) goes, everything the
// leader has stays. The local high watermark is never used (it may be stale in
// either direction after a fast fail-over: KIP-279). When the leader answers with
// an older epoch than the one asked, the follower may have diverged further back:
// it truncates to where that epoch ends locally and asks again.
#pragma once

#include <cstdint>
#include <functional>

#include "common/log/checkpoint.h"

namespace kafka::broker::replication {

struct TruncationDecision {
  int64_t offset = 0;     // truncate the local log to this (keep offsets below it)
  bool complete = false;  // false: ask again with the (new) latest local epoch
};

// `answer_epoch` / `answer_end_offset`: the leader's answer for the follower's latest
// epoch (-1/-1 when the leader knows no epoch at or below it). `local_end_for(e)`
// is the follower's own epoch-cache lookup (PartitionLog::EndOffsetForEpoch);
// `local_leo` / `local_start` its log end and start offsets.
TruncationDecision DecideTruncation(int32_t answer_epoch, int64_t answer_end_offset,
                                    int64_t local_leo, int64_t local_start,
                                    const std::function<log::EpochEntry(int32_t)>& local_end_for);

}  // namespace kafka::broker::replication
