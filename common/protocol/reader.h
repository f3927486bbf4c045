// Reader: decodes Kafka protocol primitives from a byte view, with sticky errors
// (franz-go kbin style).
//
// After any failed read (truncated input, a negative or oversized length, an
// overlong varint) ok() is false and every later read returns a zero or empty
// value without touching the input, so decoders need no exceptions and check
// ok() once at the end. Every length and array count is checked against the bytes
// left BEFORE anything is allocated, so a hostile length of 2^31-1 followed by a
// few bytes fails cleanly.
// Thread safety: a value type over borrowed bytes, which must outlive it.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "common/protocol/writer.h"

namespace kafka::protocol {

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  int8_t Int8() { return static_cast<int8_t>(Get(1)); }
  int16_t Int16() { return static_cast<int16_t>(Get(2)); }
  uint16_t Uint16() { return static_cast<uint16_t>(Get(2)); }
  int32_t Int32() { return static_cast<int32_t>(Get(4)); }
  uint32_t Uint32() { return static_cast<uint32_t>(Get(4)); }
  int64_t Int64() { return static_cast<int64_t>(Get(8)); }
  double Float64() {
    uint64_t u = Get(8);
    double d;
    std::memcpy(&d, &u, 8);
    return d;
  }
  bool Bool() { return Get(1) != 0; }
  protocol::Uuid Uuid() {
    protocol::Uuid u;
    if (!Need(16)) return u;
    std::memcpy(u.bytes.data(), in_.data() + pos_, 16);
    pos_ += 16;
    return u;
  }

  // Unsigned varint of at most `max_bytes` bytes (5 for 32-bit values, 10 for
  // 64-bit); longer encodings or bits beyond 64 fail the reader.
  uint64_t Uvarint64(int max_bytes = 10) {
    uint64_t v = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (!Need(1)) return 0;
      uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return v;
    }
    Fail();
    return 0;
  }
  uint32_t Uvarint() {
    uint64_t v = Uvarint64(5);
    if (v > 0xffffffffull) {
      Fail();
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  int32_t Varint() {
    uint32_t u = Uvarint();
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  int64_t Varlong() {
    uint64_t u = Uvarint64(10);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  // Classic STRING (INT16 length). A null is returned as empty by String().
  std::string String() { return NullableString().value_or(std::string()); }
  std::optional<std::string> NullableString() {
    int16_t len = Int16();
    return Take(len);
  }
  // Compact strings: uvarint N+1, 0 = null.
  std::string CompactString() { return CompactNullableString().value_or(std::string()); }
  std::optional<std::string> CompactNullableString() {
    uint32_t n = Uvarint();
    if (!ok_ || n == 0) return std::nullopt;
    return Take(static_cast<int64_t>(n) - 1);
  }
  // Classic BYTES (INT32 length, -1 = null).
  std::optional<std::string> NullableBytes() { return Take(Int32()); }
  std::string Bytes() { return NullableBytes().value_or(std::string()); }
  std::optional<std::string> CompactNullableBytes() { return CompactNullableString(); }
  std::string CompactBytes() { return CompactString(); }

  // Array counts. Return -1 for a null array (classic -1, compact 0). A count that
  // cannot fit in the bytes left, given each element takes at least
  // `min_elem_size` bytes, fails the reader (and returns -1).
  int32_t ArrayLen(size_t min_elem_size) {
    int32_t n = Int32();
    if (!ok_ || n == -1) return -1;
    return CheckCount(n, min_elem_size);
  }
  int32_t CompactArrayLen(size_t min_elem_size) {
    uint32_t n = Uvarint();
    if (!ok_ || n == 0) return -1;
    if (n - 1 > 0x7fffffffu) return Fail(), -1;
    return CheckCount(static_cast<int64_t>(n) - 1, min_elem_size);
  }

  // A view of the next n bytes (borrowed from the input).
  std::string_view Span(int64_t n) {
    if (n < 0 || !Need(static_cast<size_t>(n))) return {};
    std::string_view s = in_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  std::string_view Rest() {
    if (!ok_) return {};
    std::string_view s = in_.substr(pos_);
    pos_ = in_.size();
    return s;
  }

  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  size_t position() const { return pos_; }
  bool AtEnd() const { return ok_ && pos_ == in_.size(); }

 private:
  bool Need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  uint64_t Get(int n) {
    if (!Need(static_cast<size_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  // len -1 = null; any other negative length, or one beyond the input, fails.
  std::optional<std::string> Take(int64_t len) {
    if (!ok_ || len == -1) return std::nullopt;
    if (len < 0 || static_cast<uint64_t>(len) > in_.size() - pos_) {
      ok_ = false;
      return std::nullopt;
    }
    std::string s(in_.substr(pos_, static_cast<size_t>(len)));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  int32_t CheckCount(int64_t n, size_t min_elem_size) {
    if (n < 0) return Fail(), -1;
    if (min_elem_size == 0) min_elem_size = 1;
    if (static_cast<uint64_t>(n) > (in_.size() - pos_) / min_elem_size) return Fail(), -1;
    return static_cast<int32_t>(n);
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace kafka::protocol
