// KeyOffsetMap: the log cleaner's key -> latest offset table, as Kafka's
// SkimpyOffsetMap. Keys are stored as 128-bit hashes (24 bytes a slot with the
// offset), so memory is bounded by log.cleaner.dedupe.buffer.size whatever the key
// sizes; a hash collision could drop a record, with odds like Kafka's MD5.
// Open addressing with linear probing. The table starts small and doubles up to
// the memory bound; at the bound it takes keys up to 90% load, then Put refuses new
// keys and the cleaner stops mapping at that batch (the rest waits for the next run).
// Thread safety: a value; one owner.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kafka::log {

class KeyOffsetMap {
 public:
  // `memory_bytes` bounds the table (at least 1024 slots whatever it says).
  explicit KeyOffsetMap(int64_t memory_bytes);

  // Records `offset` as the latest for `key` (offsets only grow in a scan). False,
  // with nothing changed, when `key` is new and the map is full.
  bool Put(std::string_view key, int64_t offset);
  // The latest offset recorded for `key`, or -1.
  int64_t Get(std::string_view key) const;

  size_t size() const { return size_; }
  // Largest offset Put so far, -1 if none.
  int64_t latest_offset() const { return latest_offset_; }
  size_t max_slots() const { return max_slots_; }
  // How many keys fit before Put starts refusing new ones.
  size_t capacity() const { return max_slots_ * 9 / 10; }
  void Clear();

 private:
  struct Slot {
    uint64_t h1 = 0;
    uint64_t h2 = 0;
    int64_t offset = -1;  // -1: empty
  };
  size_t Find(uint64_t h1, uint64_t h2) const;  // slot holding the hash, or the empty one
  void Grow();

  std::vector<Slot> slots_;
  size_t max_slots_;
  size_t size_ = 0;
  int64_t latest_offset_ = -1;
};

}  // namespace kafka::log
