// The parts of a Kafka record batch (magic 2) the log needs: the 61-byte header,
// validation (length bounds, magic, CRC-32C) and the stamping of the two fields the
// broker owns (base offset and partition leader epoch, both outside the CRC).
//
// This is deliberately a minimal reader private to common/log: the full codec lives
// in common/protocol and the log must not depend on it. Layout (big-endian):
//   0 baseOffset int64        8 batchLength int32 (bytes after this field)
//  12 partitionLeaderEpoch int32               16 magic int8
//  17 crc uint32 (CRC-32C of bytes 21..end)    21 attributes int16
//  23 lastOffsetDelta int32  27 baseTimestamp int64  35 maxTimestamp int64
//  43 producerId int64       51 producerEpoch int16  53 baseSequence int32
//  57 recordCount int32      61 records...
// Decoders never throw and check every length against the bytes present.
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/util/status.h"

namespace kafka::log {

inline constexpr size_t kBatchHeaderSize = 61;
// baseOffset + batchLength: the bytes not counted by batchLength.
inline constexpr size_t kBatchLogOverhead = 12;
inline constexpr int32_t kMinBatchLength = static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead);
inline constexpr int8_t kMagicV2 = 2;
inline constexpr size_t kCrcOffset = 17;
inline constexpr size_t kAttributesOffset = 21;
inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kTimestampTypeLogAppend = 0x08;
inline constexpr int16_t kTransactionalFlag = 0x10;
inline constexpr int16_t kControlFlag = 0x20;

struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = 0;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t base_sequence = 0;
  int32_t record_count = 0;

  // Whole batch size on disk, including the 12-byte overhead.
  uint64_t TotalSize() const { return kBatchLogOverhead + static_cast<uint32_t>(batch_length); }
  int64_t LastOffset() const { return base_offset + last_offset_delta; }
  int64_t NextOffset() const { return LastOffset() + 1; }
};

// Big-endian helpers shared by the log's file formats.
int16_t LoadBe16(const char* p);
int32_t LoadBe32(const char* p);
int64_t LoadBe64(const char* p);
void StoreBe32(char* p, int32_t v);
void StoreBe64(char* p, int64_t v);
void AppendBe32(std::string* out, int32_t v);
void AppendBe64(std::string* out, int64_t v);

// Parses the first 61 bytes. Corruption when fewer bytes are present.
util::Result<BatchHeader> ParseBatchHeader(std::string_view data);

// Checks the header fields that can be checked without the body: magic 2, batchLength
// within [kMinBatchLength, max_batch_size - 12], lastOffsetDelta >= 0,
// recordCount >= 0. Corruption names the first field that fails.
util::Status CheckBatchHeader(const BatchHeader& h, uint64_t max_batch_size);

// Full validation of one whole batch (`batch.size()` must equal TotalSize()):
// CheckBatchHeader plus the CRC-32C over bytes 21..end.
util::Status ValidateBatch(std::string_view batch, const BatchHeader& h);

// Stamps base offset and partition leader epoch in place (no CRC change needed).
void StampBatch(char* batch, int64_t base_offset, int32_t leader_epoch);

// For an uncompressed batch, the offset of the first record whose timestamp is
// >= target (records are walked via their varint length/timestampDelta/offsetDelta).
// Returns base_offset for compressed batches or when the walk fails, which is the
// conservative answer (the client skips nothing it asked for).
int64_t FirstOffsetWithTimestamp(std::string_view batch, const BatchHeader& h, int64_t target,
                                 int64_t* timestamp_out);

}  // namespace kafka::log
