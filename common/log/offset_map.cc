#include "common/log/offset_map.h"

#include <algorithm>
#include <cstring>

namespace kafka::log {
namespace {

constexpr size_t kMinSlots = 1024;
constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t Avalanche(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Two 64-bit lanes fed 8 bytes at a time with different multipliers and mixed
// into each other at the end (a MurmurHash3-x64-128-like construction).
void Hash128(std::string_view key, uint64_t* out1, uint64_t* out2) {
  uint64_t h1 = 0x9e3779b97f4a7c15ULL ^ key.size();
  uint64_t h2 = 0x632be59bd9b4e019ULL + key.size();
  const char* p = key.data();
  size_t n = key.size();
  while (n >= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    uint64_t k1 = Rotl(k * kC1, 31) * kC2;
    uint64_t k2 = Rotl(k * kC2, 33) * kC1;
    h1 = (Rotl(h1 ^ k1, 27) + h2) * 5 + 0x52dce729;
    h2 = (Rotl(h2 ^ k2, 31) + h1) * 5 + 0x38495ab5;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  tail ^= static_cast<uint64_t>(n) << 59;  // tells "ab" from "ab\0"
  h1 ^= Rotl(tail * kC1, 31) * kC2;
  h2 ^= Rotl(tail * kC2, 33) * kC1;
  h1 += h2;
  h2 += h1;
  h1 = Avalanche(h1);
  h2 = Avalanche(h2);
  h1 += h2;
  h2 += h1;
  *out1 = h1;
  *out2 = h2;
}

}  // namespace

KeyOffsetMap::KeyOffsetMap(int64_t memory_bytes) {
  size_t want = memory_bytes > 0 ? static_cast<size_t>(memory_bytes) / sizeof(Slot) : 0;
  max_slots_ = kMinSlots;
  while (max_slots_ * 2 <= want) max_slots_ *= 2;
  slots_.resize(std::min(max_slots_, kMinSlots));
}

size_t KeyOffsetMap::Find(uint64_t h1, uint64_t h2) const {
  const size_t mask = slots_.size() - 1;
  size_t i = h1 & mask;
  while (slots_[i].offset >= 0 && (slots_[i].h1 != h1 || slots_[i].h2 != h2)) i = (i + 1) & mask;
  return i;
}

void KeyOffsetMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  for (const Slot& s : old) {
    if (s.offset >= 0) slots_[Find(s.h1, s.h2)] = s;
  }
}

bool KeyOffsetMap::Put(std::string_view key, int64_t offset) {
  uint64_t h1, h2;
  Hash128(key, &h1, &h2);
  size_t i = Find(h1, h2);
  if (slots_[i].offset < 0) {
    if (slots_.size() < max_slots_ && (size_ + 1) * 4 > slots_.size() * 3) {
      Grow();
      i = Find(h1, h2);
    } else if ((size_ + 1) * 10 > max_slots_ * 9) {
      return false;
    }
    slots_[i].h1 = h1;
    slots_[i].h2 = h2;
    ++size_;
  }
  slots_[i].offset = offset;
  latest_offset_ = std::max(latest_offset_, offset);
  return true;
}

int64_t KeyOffsetMap::Get(std::string_view key) const {
  uint64_t h1, h2;
  Hash128(key, &h1, &h2);
  return slots_[Find(h1, h2)].offset;
}

void KeyOffsetMap::Clear() {
  slots_.assign(std::min(max_slots_, kMinSlots), Slot{});
  size_ = 0;
  latest_offset_ = -1;
}

}  // namespace kafka::log
