// Record batch compression codecs, as Kafka frames them (attributes bits 0-2).
//
//   gzip   : a gzip stream (zlib).
//   snappy : Kafka/xerial framing: "\x82SNAPPY\x00", int32 version, int32
//            compatible version, then blocks of int32 length + raw snappy. Raw
//            (unframed) snappy is also accepted on decompression.
//   lz4    : the LZ4 frame format (lz4frame.h).
//   zstd   : a zstd frame.
// Decompress() stops and fails as soon as the output would exceed `max_size`, so
// a small hostile payload cannot expand into gigabytes (decompression bomb).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/util/status.h"

namespace kafka::protocol {

enum class Compression : int8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd", or "unknown".
std::string_view CompressionName(Compression c);
// Parses the names above (Kafka's compression.type values; "uncompressed" = none).
bool ParseCompression(std::string_view name, Compression* out);

inline constexpr size_t kDefaultMaxDecompressedBytes = 64u << 20;

util::Result<std::string> Compress(Compression c, std::string_view data);
util::Result<std::string> Decompress(Compression c, std::string_view data,
                                     size_t max_size = kDefaultMaxDecompressedBytes);

}  // namespace kafka::protocol
