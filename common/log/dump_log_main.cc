// dump-log: prints segment, offset index and time index files in the shape of
// Kafka's kafka-dump-log.sh, for debugging and for the chaos checker (searching a
// broker's files for a value: data loss versus a delivery bug).
//
//   dump-log [--print-data-log] [--verify-crc-only] FILE...
//
// Batches are walked without trusting lengths (bounded by the file); the first
// unreadable batch ends the dump with a message on stderr and exit status 1.
// Record payloads are printed for uncompressed batches only.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/log/batch_header.h"
#include "common/log/file.h"

namespace kafka::log {
namespace {

bool GetVarint(std::string_view d, size_t* p, int64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*p >= d.size()) return false;
    uint8_t b = static_cast<uint8_t>(d[(*p)++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
      return true;
    }
  }
  return false;
}

const char* Codec(int16_t attributes) {
  static const char* kNames[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  int c = attributes & kCompressionMask;
  return c < 5 ? kNames[c] : "unknown";
}

void PrintRecords(std::string_view batch, const BatchHeader& h) {
  size_t p = kBatchHeaderSize;
  for (int32_t i = 0; i < h.record_count; ++i) {
    int64_t len = 0, ts = 0, od = 0, klen = 0, vlen = 0, headers = 0;
    if (!GetVarint(batch, &p, &len) || len < 0 || static_cast<uint64_t>(len) > batch.size() - p) {
      std::printf("| (malformed record)\n");
      return;
    }
    size_t end = p + static_cast<size_t>(len);
    std::string_view rec = batch.substr(0, end);
    size_t q = p + 1;
    bool ok = GetVarint(rec, &q, &ts) && GetVarint(rec, &q, &od) && GetVarint(rec, &q, &klen);
    std::string_view key, value;
    if (ok && klen > 0) {
      ok = static_cast<uint64_t>(klen) <= end - q;
      if (ok) key = rec.substr(q, static_cast<size_t>(klen)), q += static_cast<size_t>(klen);
    }
    ok = ok && GetVarint(rec, &q, &vlen);
    if (ok && vlen > 0) {
      ok = static_cast<uint64_t>(vlen) <= end - q;
      if (ok) value = rec.substr(q, static_cast<size_t>(vlen)), q += static_cast<size_t>(vlen);
    }
    ok = ok && GetVarint(rec, &q, &headers);
    if (!ok) {
      std::printf("| (malformed record)\n");
      return;
    }
    std::printf("| offset: %" PRId64 " %s: %" PRId64 " keySize: %" PRId64 " valueSize: %" PRId64
                " headers: %" PRId64,
                h.base_offset + od,
                (h.attributes & kTimestampTypeLogAppend) ? "LogAppendTime" : "CreateTime",
                h.base_timestamp + ts, klen, vlen, headers);
    if (klen >= 0) std::printf(" key: %.*s", static_cast<int>(key.size()), key.data());
    std::printf(" payload: %.*s\n", static_cast<int>(value.size()), value.data());
    p = end;
  }
}

int DumpLog(const File& f, uint64_t size, bool data, bool crc_only) {
  uint64_t pos = 0;
  int64_t batches = 0, bad = 0;
  std::string buf;
  while (pos < size) {
    uint64_t left = size - pos;
    if (!f.ReadAt(pos, std::min<uint64_t>(left, kBatchHeaderSize), &buf).ok()) return 1;
    auto h = ParseBatchHeader(buf);
    util::Status s = h.ok() ? CheckBatchHeader(*h, left) : h.status();
    if (!s.ok()) {
      std::fprintf(stderr, "position %" PRIu64 ": %s (%" PRIu64 " trailing bytes not dumped)\n",
                   pos, s.ToString().c_str(), left);
      return 1;
    }
    if (!f.ReadAt(pos, h->TotalSize(), &buf).ok()) return 1;
    bool crc_valid = ValidateBatch(buf, *h).ok();
    ++batches;
    if (!crc_valid) ++bad;
    if (!crc_only || !crc_valid) {
      std::printf("baseOffset: %" PRId64 " lastOffset: %" PRId64 " count: %d baseSequence: %d"
                  " producerId: %" PRId64 " producerEpoch: %d partitionLeaderEpoch: %d"
                  " isTransactional: %s isControl: %s position: %" PRIu64
                  " %s: %" PRId64 " size: %" PRIu64 " magic: %d compresscodec: %s crcValid: %s\n",
                  h->base_offset, h->LastOffset(), h->record_count, h->base_sequence,
                  h->producer_id, h->producer_epoch, h->partition_leader_epoch,
                  (h->attributes & kTransactionalFlag) ? "true" : "false",
                  (h->attributes & kControlFlag) ? "true" : "false", pos,
                  (h->attributes & kTimestampTypeLogAppend) ? "LogAppendTime" : "CreateTime",
                  h->max_timestamp, h->TotalSize(), h->magic, Codec(h->attributes),
                  crc_valid ? "true" : "false");
      if (data && (h->attributes & kCompressionMask) == 0) PrintRecords(buf, *h);
    }
    pos += h->TotalSize();
  }
  if (crc_only) std::printf("batches: %" PRId64 " crcInvalid: %" PRId64 "\n", batches, bad);
  return bad > 0 ? 1 : 0;
}

int DumpIndex(const File& f, uint64_t size, int64_t base, bool time) {
  const uint64_t entry = time ? 12 : 8;
  std::string buf;
  if (!f.ReadAt(0, size, &buf).ok()) return 1;
  for (uint64_t p = 0; p + entry <= buf.size(); p += entry) {
    if (time) {
      std::printf("timestamp: %" PRId64 " offset: %" PRId64 "\n", LoadBe64(&buf[p]),
                  base + LoadBe32(&buf[p + 8]));
    } else {
      std::printf("offset: %" PRId64 " position: %u\n", base + LoadBe32(&buf[p]),
                  static_cast<uint32_t>(LoadBe32(&buf[p + 4])));
    }
  }
  if (buf.size() % entry != 0) {
    std::fprintf(stderr, "%" PRIu64 " trailing bytes are not a whole entry\n",
                 static_cast<uint64_t>(buf.size() % entry));
    return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  bool data = false, crc_only = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--print-data-log") {
      data = true;
    } else if (a == "--verify-crc-only") {
      crc_only = true;
    } else if (a == "--files") {
      continue;  // accepted for kafka-dump-log.sh compatibility
    } else if (a == "-h" || a == "--help" || a.substr(0, 2) == "--") {
      std::fprintf(stderr, "usage: dump-log [--print-data-log] [--verify-crc-only] FILE...\n");
      return a.substr(0, 2) == "--" && a != "--help" ? 2 : 0;
    } else {
      files.emplace_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: dump-log [--print-data-log] [--verify-crc-only] FILE...\n");
    return 2;
  }
  int rc = 0;
  for (const std::string& path : files) {
    std::printf("Dumping %s\n", path.c_str());
    auto name = path.substr(path.find_last_of('/') + 1);
    int64_t base = std::strtoll(name.c_str(), nullptr, 10);
    auto f = File::OpenReadOnly(path);
    if (!f.ok()) {
      std::fprintf(stderr, "%s\n", f.status().ToString().c_str());
      rc = 1;
      continue;
    }
    auto size = f->Size();
    if (!size.ok()) return 1;
    auto ends = [&](std::string_view s) {
      return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    int r = ends(".timeindex") ? DumpIndex(*f, *size, base, true)
            : ends(".index")   ? DumpIndex(*f, *size, base, false)
                               : DumpLog(*f, *size, data, crc_only);
    if (r != 0) rc = r;
  }
  return rc;
}

}  // namespace
}  // namespace kafka::log

int main(int argc, char** argv) { return kafka::log::Main(argc, argv); }
