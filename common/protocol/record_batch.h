// Kafka record batch v2 (magic 2): the wire format of Produce/Fetch records and
// the on-disk format of the log.
//
// Layout (big-endian; offsets in bytes):
//    0 baseOffset int64          8 batchLength int32 (bytes after this field)
//   12 partitionLeaderEpoch int32   16 magic int8 (= 2)   17 crc uint32
//   21 attributes int16          23 lastOffsetDelta int32
//   27 baseTimestamp int64       35 maxTimestamp int64
//   43 producerId int64          51 producerEpoch int16   53 baseSequence int32
//   57 recordsCount int32        61 records (compressed as a whole if bits 0-2 of
//                                   attributes are set)
// The CRC-32C covers attributes..end, so a broker can assign baseOffset and
// partitionLeaderEpoch (StampBatch) without recomputing it.
// Record: varint length, int8 attributes, varlong timestampDelta, varint
// offsetDelta, varint key length (-1 null) + key, varint value length + value,
// varint header count, then per header: varint key length + key, varint value
// length (-1 null) + value.
// Attributes: bits 0-2 compression, bit 3 timestamp type (1 = LogAppendTime),
// bit 4 transactional, bit 5 control batch.
// Parsing never throws; every length is checked against the bytes left first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/compression.h"
#include "common/util/status.h"

namespace kafka::protocol {

inline constexpr size_t kBatchHeaderSize = 61;
inline constexpr size_t kBatchLogOverhead = 12;  // baseOffset + batchLength
inline constexpr size_t kBatchCrcOffset = 17;
inline constexpr size_t kBatchAttributesOffset = 21;
inline constexpr int8_t kRecordBatchMagic = 2;

inline constexpr int16_t kAttrCompressionMask = 0x07;
inline constexpr int16_t kAttrLogAppendTime = 0x08;
inline constexpr int16_t kAttrTransactional = 0x10;
inline constexpr int16_t kAttrControl = 0x20;

struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = -1;
  int8_t magic = kRecordBatchMagic;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t records_count = 0;

  Compression compression() const {
    return static_cast<Compression>(attributes & kAttrCompressionMask);
  }
  bool is_transactional() const { return attributes & kAttrTransactional; }
  bool is_control() const { return attributes & kAttrControl; }
  bool log_append_time() const { return attributes & kAttrLogAppendTime; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  // Total size of the batch on the wire, header included.
  size_t size_bytes() const { return kBatchLogOverhead + static_cast<size_t>(batch_length); }
};

struct RecordHeader {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const RecordHeader&) const = default;
};

struct Record {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<RecordHeader> headers;
  bool operator==(const Record&) const = default;
};

struct RecordBatch {
  RecordBatchHeader header;
  std::vector<Record> records;
};

struct BatchDecodeOptions {
  bool verify_crc = true;
  // Fail when recordsCount differs from the number of records decoded (or when
  // bytes are left over after the last record).
  bool check_record_count = true;
  // Bound on the decompressed records size (decompression bombs).
  size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes;
};

// Parses the fixed 61-byte header at the start of `data`. Fails (Corruption) if
// fewer than 61 bytes, magic != 2, batchLength < 49, or the batch extends past
// `data`.
util::Result<RecordBatchHeader> ParseBatchHeader(std::string_view data);

// CRC-32C over attributes..end of the batch that starts at `data`.
uint32_t ComputeBatchCrc(std::string_view batch);
// Header checks plus the CRC. `batch` may hold more bytes after the batch.
util::Status VerifyBatch(std::string_view batch);

// Header checks, CRC (optional), decompression and record parsing.
util::Result<RecordBatch> DecodeBatch(std::string_view batch, const BatchDecodeOptions& opts = {});

// Splits a records blob (concatenated batches, as in Produce/Fetch) into views of
// whole batches. A trailing partial batch (which Fetch responses may contain) is
// not an error: its size is returned in `*partial_tail` if given. Headers that do
// not parse (wrong magic, bad length) fail.
util::Result<std::vector<std::string_view>> SplitBatches(std::string_view records,
                                                         size_t* partial_tail = nullptr);

struct BatchBuildOptions {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  Compression compression = Compression::kNone;
  int64_t base_timestamp = 0;
  bool log_append_time = false;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  bool transactional = false;
  bool control = false;
  // Overwrite each record's offset_delta with its index (what producers do).
  bool assign_offset_deltas = true;
};

// Builds a complete batch (header, CRC, optionally compressed records).
// lastOffsetDelta is the largest offset delta; maxTimestamp is baseTimestamp
// plus the largest timestamp delta.
util::Result<std::string> BuildBatch(const BatchBuildOptions& opts,
                                     const std::vector<Record>& records);

// Sets baseOffset and partitionLeaderEpoch in place. Neither is covered by the
// CRC, so the batch stays valid. Fails if `size` < 61.
util::Status StampBatch(char* data, size_t size, int64_t base_offset,
                        int32_t partition_leader_epoch);
inline util::Status StampBatch(std::string& batch, int64_t base_offset,
                               int32_t partition_leader_epoch) {
  return StampBatch(batch.data(), batch.size(), base_offset, partition_leader_epoch);
}

// Encodes/decodes the records section only (uncompressed), for tests and tools.
void AppendRecord(const Record& r, std::string& out);

}  // namespace kafka::protocol
