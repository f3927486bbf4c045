#include "daemon/broker/record_validation.h"

#include "common/protocol/record_batch.h"

namespace kafka::broker {

using protocol::ErrorCode;

namespace {

// Walks the records of an uncompressed batch without materialising them: each
// record is a zigzag varint length plus that many bytes; the count must match and
// the records must fill the batch exactly. (Compressed batches are decoded.)
bool RecordsFramingOk(std::string_view batch, int32_t count) {
  size_t pos = protocol::kBatchHeaderSize;
  for (int32_t i = 0; i < count; ++i) {
    uint64_t raw = 0;
    int shift = 0;
    while (true) {
      if (pos >= batch.size() || shift > 28) return false;
      const uint8_t b = static_cast<uint8_t>(batch[pos++]);
      raw |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    const int64_t len = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
    if (len <= 0 || static_cast<uint64_t>(len) > batch.size() - pos) return false;
    pos += static_cast<size_t>(len);
  }
  return pos == batch.size();
}

}  // namespace

ErrorCode ValidateProducedRecords(std::string_view records, int16_t produce_version,
                                  int64_t max_message_bytes) {
  if (records.empty()) return ErrorCode::kCorruptMessage;
  size_t partial = 0;
  auto batches = protocol::SplitBatches(records, &partial);
  if (!batches.ok() || partial != 0 || batches->empty()) return ErrorCode::kCorruptMessage;
  for (std::string_view batch : *batches) {
    auto header = protocol::ParseBatchHeader(batch);
    if (!header.ok()) return ErrorCode::kCorruptMessage;
    if (static_cast<int64_t>(batch.size()) > max_message_bytes) return ErrorCode::kMessageTooLarge;
    const int codec = header->attributes & protocol::kAttrCompressionMask;
    if (codec > 4) return ErrorCode::kCorruptMessage;
    if (codec == 4 && produce_version < 7) return ErrorCode::kUnsupportedCompressionType;
    if (header->is_control()) return ErrorCode::kInvalidRecord;
    if (header->records_count <= 0 || header->last_offset_delta != header->records_count - 1) {
      return ErrorCode::kInvalidRecord;
    }
    if (codec == 0) {
      if (!protocol::VerifyBatch(batch).ok() ||
          !RecordsFramingOk(batch, header->records_count)) {
        return ErrorCode::kCorruptMessage;
      }
      continue;
    }
    auto decoded = protocol::DecodeBatch(batch);
    if (!decoded.ok()) return ErrorCode::kCorruptMessage;
  }
  return ErrorCode::kNone;
}

void StampLogAppendTime(std::span<char> records, int64_t now_ms) {
  size_t pos = 0;
  while (records.size() - pos >= protocol::kBatchHeaderSize) {
    char* b = records.data() + pos;
    auto header = protocol::ParseBatchHeader(std::string_view(b, records.size() - pos));
    if (!header.ok()) return;
    const size_t size = header->size_bytes();
    b[protocol::kBatchAttributesOffset + 1] |= static_cast<char>(protocol::kAttrLogAppendTime);
    for (int i = 0; i < 8; ++i) b[35 + i] = static_cast<char>(static_cast<uint64_t>(now_ms) >> (56 - 8 * i));
    const uint32_t crc = protocol::ComputeBatchCrc(std::string_view(b, size));
    for (int i = 0; i < 4; ++i) {
      b[protocol::kBatchCrcOffset + i] = static_cast<char>(crc >> (24 - 8 * i));
    }
    pos += size;
  }
}

}  // namespace kafka::broker
