#include "common/protocol/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace kafka::protocol {
namespace {

using util::Result;
using util::Status;

constexpr char kSnappyMagic[] = "\x82SNAPPY\x00";  // 8 bytes incl. the explicit NUL
constexpr size_t kSnappyMagicSize = 8;
constexpr size_t kSnappyBlockSize = 32 * 1024;  // xerial's default block size
constexpr size_t kChunk = 64 * 1024;

Status TooLarge(size_t max) {
  return Status::Corruption("decompressed size exceeds limit of " + std::to_string(max) +
                            " bytes");
}

uint32_t ReadBe32(const char* p) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(p[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(p[3]));
}
void AppendBe32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// ---- gzip ----
Result<std::string> GzipCompress(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Status::Internal("deflateInit2 failed");
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("gzip compression failed");
  out.resize(n);
  return out;
}

Result<std::string> GzipDecompress(std::string_view in, size_t max) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[kChunk];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::Corruption("invalid gzip data");
    }
    size_t got = sizeof(buf) - zs.avail_out;
    if (out.size() + got > max) {
      inflateEnd(&zs);
      return TooLarge(max);
    }
    out.append(buf, got);
    if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Status::Corruption("truncated gzip data");
    }
  }
  inflateEnd(&zs);
  return out;
}

// ---- snappy ----
Result<std::string> SnappyCompress(std::string_view in) {
  std::string out(kSnappyMagic, kSnappyMagicSize);
  AppendBe32(out, 1);  // version
  AppendBe32(out, 1);  // minimum compatible version
  for (size_t pos = 0; pos < in.size(); pos += kSnappyBlockSize) {
    std::string block;
    snappy::Compress(in.data() + pos, std::min(kSnappyBlockSize, in.size() - pos), &block);
    AppendBe32(out, static_cast<uint32_t>(block.size()));
    out += block;
  }
  return out;
}

Status SnappyRawAppend(std::string_view block, size_t max, std::string& out) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(block.data(), block.size(), &n))
    return Status::Corruption("invalid snappy block");
  if (n > max || out.size() + n > max) return TooLarge(max);
  size_t old = out.size();
  out.resize(old + n);
  if (!snappy::RawUncompress(block.data(), block.size(), out.data() + old))
    return Status::Corruption("invalid snappy block");
  return Status::OK();
}

Result<std::string> SnappyDecompress(std::string_view in, size_t max) {
  std::string out;
  if (in.size() >= 16 && std::memcmp(in.data(), kSnappyMagic, kSnappyMagicSize) == 0) {
    size_t pos = 16;
    while (pos < in.size()) {
      if (in.size() - pos < 4) return Status::Corruption("truncated snappy block length");
      uint32_t len = ReadBe32(in.data() + pos);
      pos += 4;
      if (len > in.size() - pos) return Status::Corruption("truncated snappy block");
      UTIL_RETURN_IF_ERROR(SnappyRawAppend(in.substr(pos, len), max, out));
      pos += len;
    }
    return out;
  }
  UTIL_RETURN_IF_ERROR(SnappyRawAppend(in, max, out));
  return out;
}

// ---- lz4 (frame format) ----
Result<std::string> Lz4Compress(std::string_view in) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentSize = in.size();
  std::string out(LZ4F_compressFrameBound(in.size(), &prefs), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) return Status::Internal(LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> Lz4Decompress(std::string_view in, size_t max) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
    return Status::Internal("lz4 context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> guard(
      dctx, &LZ4F_freeDecompressionContext);
  std::string out;
  char buf[kChunk];
  const char* src = in.data();
  size_t left = in.size();
  while (true) {
    size_t dst_size = sizeof(buf);
    size_t src_size = left;
    size_t hint = LZ4F_decompress(dctx, buf, &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) return Status::Corruption(std::string("lz4: ") + LZ4F_getErrorName(hint));
    if (out.size() + dst_size > max) return TooLarge(max);
    out.append(buf, dst_size);
    src += src_size;
    left -= src_size;
    if (hint == 0 && left == 0) return out;  // last frame complete
    if (src_size == 0 && dst_size == 0) return Status::Corruption("truncated lz4 frame");
  }
}

// ---- zstd ----
Result<std::string> ZstdCompress(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return Status::Internal(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view in, size_t max) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> ds(ZSTD_createDStream(),
                                                                 &ZSTD_freeDStream);
  if (!ds) return Status::Internal("zstd context");
  ZSTD_initDStream(ds.get());
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  char buf[kChunk];
  while (true) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    size_t rc = ZSTD_decompressStream(ds.get(), &output, &input);
    if (ZSTD_isError(rc)) return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(rc));
    if (out.size() + output.pos > max) return TooLarge(max);
    out.append(buf, output.pos);
    if (input.pos == input.size) {
      if (rc == 0) return out;  // every frame complete
      if (output.pos == 0) return Status::Corruption("truncated zstd frame");
    }
  }
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

bool ParseCompression(std::string_view name, Compression* out) {
  for (auto c : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                 Compression::kZstd}) {
    if (name == CompressionName(c)) {
      *out = c;
      return true;
    }
  }
  if (name == "uncompressed") {
    *out = Compression::kNone;
    return true;
  }
  return false;
}

util::Result<std::string> Compress(Compression c, std::string_view data) {
  switch (c) {
    case Compression::kNone: return std::string(data);
    case Compression::kGzip: return GzipCompress(data);
    case Compression::kSnappy: return SnappyCompress(data);
    case Compression::kLz4: return Lz4Compress(data);
    case Compression::kZstd: return ZstdCompress(data);
  }
  return Status::NotSupported("unknown compression codec");
}

util::Result<std::string> Decompress(Compression c, std::string_view data, size_t max_size) {
  switch (c) {
    case Compression::kNone:
      if (data.size() > max_size) return TooLarge(max_size);
      return std::string(data);
    case Compression::kGzip: return GzipDecompress(data, max_size);
    case Compression::kSnappy: return SnappyDecompress(data, max_size);
    case Compression::kLz4: return Lz4Decompress(data, max_size);
    case Compression::kZstd: return ZstdDecompress(data, max_size);
  }
  return Status::NotSupported("unknown compression codec");
}

}  // namespace kafka::protocol
