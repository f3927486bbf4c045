// Broker-side validation of produced records (RELIABILITY.md B10, rule R11):
// every batch must be magic 2 with a correct CRC-32C, consistent lengths and
// record count, a known codec (zstd only from Produce v7), no control flag, and
// must decompress within a bound. Nothing is appended unless all batches pass.
// Pure function.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/protocol/error_code.h"

namespace kafka::broker {

// kNone when `records` may be appended; otherwise the Kafka error to answer.
protocol::ErrorCode ValidateProducedRecords(std::string_view records, int16_t produce_version,
                                            int64_t max_message_bytes);

// Topics with message.timestamp.type=LogAppendTime: sets each (already
// validated) batch's timestamp type bit and maxTimestamp to `now_ms` and recomputes
// its CRC, as Kafka's LogValidator does in place.
void StampLogAppendTime(std::span<char> records, int64_t now_ms);

}  // namespace kafka::broker
