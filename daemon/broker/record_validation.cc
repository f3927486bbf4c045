#include "daemon/broker/record_validation.h"

#include "common/protocol/record_batch.h"

namespace kafka::broker {

using protocol::ErrorCode;

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
    auto decoded = protocol::DecodeBatch(batch);
    if (!decoded.ok()) return ErrorCode::kCorruptMessage;
  }
  return ErrorCode::kNone;
}

}  // namespace kafka::broker
