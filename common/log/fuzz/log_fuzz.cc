#include "common/log/fuzz/log_fuzz.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "common/log/batch_header.h"
#include "common/log/partition_log.h"

namespace kafka::log::fuzz {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string FreshDir(const std::string& scratch_dir, const char* name) {
  std::string dir = scratch_dir + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// True when `data` is nothing but whole valid batches; with `ordered`, base offsets
// must also not go backwards from `first_offset`. *next is the offset after the last.
bool AllBatchesValid(std::string_view data, bool ordered, int64_t first_offset, int64_t* next,
                     uint64_t* largest) {
  *next = first_offset;
  *largest = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    auto h = ParseBatchHeader(data.substr(pos));
    if (!h.ok()) return false;
    if (!CheckBatchHeader(*h, data.size() - pos).ok()) return false;
    if (!ValidateBatch(data.substr(pos, h->TotalSize()), *h).ok()) return false;
    if (ordered && h->base_offset < *next) return false;
    *next = h->NextOffset();
    *largest = std::max<uint64_t>(*largest, h->TotalSize());
    pos += h->TotalSize();
  }
  return true;
}

void ReadEverything(const PartitionLog& log) {
  for (int64_t off = log.log_start_offset(); off < log.log_end_offset();) {
    auto r = log.Read(off, 1 << 16);
    Check(r.ok());
    Check(r->next_offset > off);
    off = r->next_offset;
  }
}

}  // namespace

void SegmentRecovery(const uint8_t* data, size_t size, const std::string& scratch_dir) {
  std::string dir = FreshDir(scratch_dir, "fuzz-0");
  std::string input(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(dir + "/00000000000000000000.log", std::ios::binary);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  LogConfig config;
  config.index_interval_bytes = 64;
  auto log = PartitionLog::Open(dir, {"fuzz", 0}, config);
  Check(log.ok());
  std::string recovered = Slurp(dir + "/00000000000000000000.log");
  Check(recovered.size() <= input.size());
  Check(input.compare(0, recovered.size(), recovered) == 0);
  int64_t next = 0;
  uint64_t largest = 0;
  Check(AllBatchesValid(recovered, /*ordered=*/true, 0, &next, &largest));
  Check((*log)->log_end_offset() == (recovered.empty() ? 0 : next));
  ReadEverything(**log);
  // And it reopens the same, trusting what recovery left.
  log->reset();
  LoadHints clean;
  clean.clean_shutdown = true;
  auto again = PartitionLog::Open(dir, {"fuzz", 0}, config, clean);
  Check(again.ok());
  Check((*again)->log_end_offset() == (recovered.empty() ? 0 : next));
}

void Append(const uint8_t* data, size_t size, const std::string& scratch_dir) {
  std::string dir = FreshDir(scratch_dir, "fuzz-append-0");
  LogConfig config;
  config.segment_bytes = 4096;
  config.index_interval_bytes = 64;
  auto log = PartitionLog::Open(dir, {"fuzz", 0}, config);
  Check(log.ok());
  std::string input(reinterpret_cast<const char*>(data), size);
  int64_t next = 0;
  uint64_t largest = 0;
  // Offsets in the input do not matter: Append assigns them.
  const bool valid = !input.empty() && AllBatchesValid(input, false, 0, &next, &largest) &&
                     largest <= static_cast<uint64_t>(config.max_message_bytes);
  auto r = (*log)->Append(input, 0);
  Check(r.ok() == valid);
  if (r.ok()) {
    Check((*log)->log_end_offset() == r->last_offset + 1);
  } else {
    Check((*log)->log_end_offset() == 0);
    Check((*log)->failure().ok());
  }
  ReadEverything(**log);
}

}  // namespace kafka::log::fuzz
