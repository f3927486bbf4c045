// Output of kafka-dump-log (Kafka 3.4's DumpLogSegments) for our segment and
// index files, line for line:
//   Log starting offset: 0
//   baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 lastSequence: -1
//   producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false
//   isControl: false deleteHorizonMs: OptionalLong.empty position: 0
//   CreateTime: 1700000000000 size: 82 magic: 2 compresscodec: none crc: 123 isvalid: true
//   | offset: 0 CreateTime: 1700000000000 keySize: -1 valueSize: 1 sequence: -1 headerKeys: [] payload: 0
// (each batch is one line; records follow with --deep-iteration or
// --print-data-log). Bytes after the last whole batch are reported as
// "Found N invalid bytes at the end of <file>", as Kafka does for a torn tail.
// Reading goes through a callback so a segment is never loaded whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kafka::tools {

struct DumpOptions {
  bool deep_iteration = false;
  bool print_data = false;  // implies deep_iteration
  bool skip_record_metadata = false;
  uint64_t max_bytes = UINT64_MAX;
};

// Reads `n` bytes at `offset` into `out` (fewer at the end of the file);
// false on an I/O error.
using ReadFn = std::function<bool(uint64_t offset, size_t n, std::string* out)>;

// Writes the lines for a .log file named `name` (its base offset is the
// number before the dot) of `size` bytes to `out`. Offsets that do not follow
// each other are added to `non_consecutive` (Kafka prints them on stderr).
// Returns false on an I/O error.
bool DumpLogSegment(const std::string& name, uint64_t size, const ReadFn& read,
                    const DumpOptions& opts, std::string* out,
                    std::vector<std::pair<int64_t, int64_t>>* non_consecutive);

// .index ("offset: N position: P") and .timeindex ("timestamp: T offset: N")
// entries, stopping at the zero-filled preallocated tail as Kafka does.
void DumpOffsetIndex(const std::string& name, const std::string& data, std::string* out);
void DumpTimeIndex(const std::string& name, const std::string& data, std::string* out);

}  // namespace kafka::tools
