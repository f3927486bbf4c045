// The log cleaner's per-batch rewrite: which records of one stored batch survive
// compaction, and the batch that holds them.
//
// A record survives when it has a key, no later offset for that key is in the
// cleaner's KeyOffsetMap, and, for a tombstone (null value), its delete horizon has not
// passed. As Kafka since KIP-534, the horizon is stored in the batch: the first
// cleaning that keeps a tombstone rebuilds its batch with attribute bit 6 set and
// baseTimestamp = now + delete.retention.ms (record timestamp deltas are re-based, so
// every record keeps its timestamp); a later cleaning after that time drops it.
//
// A batch keeping every record (and needing no horizon) is returned byte for byte.
// Otherwise the survivors are re-encoded into a batch with the same base offset,
// leader epoch, producer id/epoch, base sequence, attributes and codec (the records
// are re-compressed), and their original offset deltas; lastOffsetDelta, count,
// maxTimestamp (CreateTime) and the CRC-32C are recomputed. Control and
// transactional batches are kept whole (this broker has no transactions yet).
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/log/offset_map.h"
#include "common/util/status.h"

namespace kafka::log {

// Attribute bit 6: baseTimestamp holds the batch's delete horizon (KIP-534).
inline constexpr int16_t kDeleteHorizonFlag = 0x40;

struct FilterContext {
  const KeyOffsetMap* map = nullptr;  // latest offset per key; null: nothing superseded
  int64_t now_ms = 0;
  int64_t delete_retention_ms = 86400000;
};

struct FilteredBatch {
  std::string bytes;      // the batch to write; empty when nothing survives
  bool rebuilt = false;   // bytes differ from the input
  int32_t kept = 0;       // records kept
  int32_t removed = 0;    // records dropped (superseded, expired tombstones, no key)
  int64_t delete_horizon_ms = -1;  // horizon of the kept batch when it holds tombstones
  uint64_t decoded_bytes = 0;      // keys and values seen (work done, for the cleaner's budget)
};

// `batch` is one whole, validated v2 batch. Corruption when its records do not
// decode (the cleaner then leaves the partition alone).
util::Result<FilteredBatch> FilterBatch(std::string_view batch, const FilterContext& ctx);

// For the produce path of a compacted topic (Kafka's LogValidator): InvalidArgument
// when a record of `records` (validated v2 batches) has no key, as Kafka answers
// INVALID_RECORD ("Compacted topic cannot accept message without key"); Corruption
// when records do not decode. Control batches are exempt.
util::Status CheckKeysForCompactedTopic(std::string_view records);

}  // namespace kafka::log
