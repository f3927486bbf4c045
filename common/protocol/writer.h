// Writer: appends Kafka protocol primitives (big-endian fixed ints, zigzag and
// unsigned varints, classic and compact strings/bytes/arrays) to a std::string.
//
// Classic encodings use fixed-size length prefixes (INT16 for strings, INT32 for
// bytes and arrays, -1 meaning null). Compact encodings (flexible versions) use an
// unsigned varint N+1, with 0 meaning null. The caller picks which; the generic
// codec (codec.h) decides once per message.
// Thread safety: a value type; one owner at a time.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace kafka::protocol {

struct Uuid {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Uuid&) const = default;
};

class Writer {
 public:
  void Int8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void Int16(int16_t v) { Put(static_cast<uint16_t>(v), 2); }
  void Uint16(uint16_t v) { Put(v, 2); }
  void Int32(int32_t v) { Put(static_cast<uint32_t>(v), 4); }
  void Uint32(uint32_t v) { Put(v, 4); }
  void Int64(int64_t v) { Put(static_cast<uint64_t>(v), 8); }
  void Float64(double v) {
    uint64_t u;
    std::memcpy(&u, &v, 8);
    Put(u, 8);
  }
  void Bool(bool v) { out_.push_back(v ? 1 : 0); }
  void Uuid(const protocol::Uuid& u) {
    out_.append(reinterpret_cast<const char*>(u.bytes.data()), u.bytes.size());
  }

  // Unsigned LEB128-style varint (Kafka's UNSIGNED_VARINT).
  void Uvarint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  // Zigzag varints (VARINT / VARLONG), as used inside record batches.
  void Varint(int32_t v) {
    Uvarint(static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)));
  }
  void Varlong(int64_t v) {
    Uvarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

  // Classic STRING: INT16 length. Longer strings are a caller bug; they are cut at
  // 32767 bytes so the frame stays parseable.
  void String(std::string_view s) {
    if (s.size() > 0x7fff) s = s.substr(0, 0x7fff);
    Int16(static_cast<int16_t>(s.size()));
    out_.append(s);
  }
  void NullableString(const std::optional<std::string>& s) {
    if (!s) return Int16(-1);
    String(*s);
  }
  void CompactString(std::string_view s) {
    Uvarint(s.size() + 1);
    out_.append(s);
  }
  void CompactNullableString(const std::optional<std::string>& s) {
    if (!s) return Uvarint(0);
    CompactString(*s);
  }
  // Classic BYTES: INT32 length.
  void Bytes(std::string_view b) {
    Int32(static_cast<int32_t>(b.size()));
    out_.append(b);
  }
  void NullableBytes(const std::optional<std::string>& b) {
    if (!b) return Int32(-1);
    Bytes(*b);
  }
  void CompactBytes(std::string_view b) { CompactString(b); }
  void CompactNullableBytes(const std::optional<std::string>& b) { CompactNullableString(b); }

  // Array length prefixes; -1 / null means a null array.
  void ArrayLen(int32_t n) { Int32(n); }
  void CompactArrayLen(int32_t n) { Uvarint(n < 0 ? 0 : static_cast<uint64_t>(n) + 1); }

  void Raw(std::string_view bytes) { out_.append(bytes); }

  // Overwrites 4 bytes at `pos`, for length or CRC fields written afterwards.
  void PatchInt32(size_t pos, int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) out_[pos + i] = static_cast<char>(u >> (24 - 8 * i));
  }

  size_t size() const { return out_.size(); }
  const std::string& data() const { return out_; }
  std::string& mutable_data() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Put(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string out_;
};

}  // namespace kafka::protocol
