// Test-only: builds valid record batch v2 bytes (uncompressed, CRC-32C filled in)
// and decodes them back, so log tests need not depend on common/protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafka::log::testing {

struct TestRecord {
  std::optional<std::string> key;
  std::string value;
  int64_t timestamp = 0;
};

// One batch holding `records` (at least one). Base offset and leader epoch are
// placeholders the log overwrites on a leader append.
std::string BuildBatch(const std::vector<TestRecord>& records, int64_t base_offset = 0,
                       int32_t leader_epoch = -1);

// `count` records with values "<prefix>-<i>" padded to `value_size` bytes, all at
// `timestamp`.
std::string BuildSimpleBatch(int count, int64_t timestamp, const std::string& prefix = "v",
                             size_t value_size = 0);

struct DecodedRecord {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::string value;
  int32_t leader_epoch = 0;
};

// Decodes every record of every whole batch in `data`; stops at anything malformed.
std::vector<DecodedRecord> DecodeRecords(std::string_view data);

}  // namespace kafka::log::testing

namespace kafka::log::testing {

// A new empty directory $TEST_TMPDIR/<name> (removed first if present).
std::string FreshTestDir(const std::string& name);

// Whole-file helpers for corrupting logs on purpose.
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, std::string_view data);

}  // namespace kafka::log::testing
