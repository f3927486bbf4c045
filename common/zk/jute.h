// Jute: ZooKeeper's wire and on-disk serialization (zookeeper.jute).
//
// Unversioned and big-endian: int = 4 bytes, long = 8 bytes, boolean = 1 byte,
// buffer/ustring = int32 length then bytes (length -1 means null), vector = int32
// count then elements (-1 = null). Frames on the wire are an int32 length prefix
// followed by a record.
//
// The Reader has sticky errors (after a failed read every read returns a zero or
// empty value and ok() is false), so decoders need no exceptions and check ok()
// once. Every length is checked against the bytes left before allocating.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace zk::jute {

class Writer {
 public:
  void Int(int32_t v) { Put(static_cast<uint64_t>(static_cast<uint32_t>(v)), 4); }
  void Long(int64_t v) { Put(static_cast<uint64_t>(v), 8); }
  void Bool(bool v) { out_.push_back(v ? 1 : 0); }
  // ustring: never null on our side.
  void String(std::string_view s) {
    Int(static_cast<int32_t>(s.size()));
    out_.append(s);
  }
  // buffer: nullopt is written as length -1.
  void Buffer(const std::optional<std::string>& b) {
    if (!b) {
      Int(-1);
      return;
    }
    String(*b);
  }
  void Raw(std::string_view bytes) { out_.append(bytes); }

  // Overwrites 4 bytes at `pos` (used for length prefixes written afterwards).
  void PatchInt(size_t pos, int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) out_[pos + i] = static_cast<char>(u >> (24 - 8 * i));
  }

  size_t size() const { return out_.size(); }
  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Put(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  int32_t Int() { return static_cast<int32_t>(Get(4)); }
  int64_t Long() { return static_cast<int64_t>(Get(8)); }
  bool Bool() { return Get(1) != 0; }
  // ustring; a null (-1) string reads as empty.
  std::string String() {
    auto b = Buffer();
    return b ? std::move(*b) : std::string();
  }
  // buffer; -1 is null. Any other negative length, or one larger than what is
  // left, fails the reader without allocating.
  std::optional<std::string> Buffer() {
    int32_t len = Int();
    if (!ok_) return std::nullopt;
    if (len == -1) return std::nullopt;
    if (len < 0 || static_cast<size_t>(len) > remaining()) {
      Fail();
      return std::nullopt;
    }
    std::string s(in_.substr(pos_, static_cast<size_t>(len)));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  // A vector count: -1 (null) reads as 0. A count that cannot fit in what is left
  // (each element takes at least `min_element_size` bytes) fails the reader.
  int32_t Count(size_t min_element_size = 1) {
    int32_t n = Int();
    if (!ok_) return 0;
    if (n == -1) return 0;
    if (n < 0 || static_cast<size_t>(n) * (min_element_size ? min_element_size : 1) > remaining()) {
      Fail();
      return 0;
    }
    return n;
  }

  bool ok() const { return ok_; }
  void Fail() {
    ok_ = false;
    pos_ = in_.size();
  }
  size_t remaining() const { return in_.size() - pos_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  size_t position() const { return pos_; }
  std::string_view Rest() const { return in_.substr(pos_); }

 private:
  uint64_t Get(int n) {
    if (!ok_ || remaining() < static_cast<size_t>(n)) {
      Fail();
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace zk::jute
