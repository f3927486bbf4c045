#include "common/log/testing/batch_builder.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/log/batch_header.h"
#include "common/util/crc32c.h"

namespace kafka::log::testing {
namespace {

void PutVarlong(std::string* out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7f) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

bool GetVarlong(std::string_view data, size_t* pos, int64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size()) return false;
    uint8_t b = static_cast<uint8_t>(data[(*pos)++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
      return true;
    }
  }
  return false;
}

void PutBe16(std::string* out, int16_t v) {
  out->push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

}  // namespace

std::string BuildBatch(const std::vector<TestRecord>& records, int64_t base_offset,
                       int32_t leader_epoch) {
  int64_t base_ts = records.front().timestamp;
  int64_t max_ts = base_ts;
  for (const auto& r : records) max_ts = std::max(max_ts, r.timestamp);
  std::string body;
  for (size_t i = 0; i < records.size(); ++i) {
    const TestRecord& r = records[i];
    std::string rec;
    rec.push_back(0);  // attributes
    PutVarlong(&rec, r.timestamp - base_ts);
    PutVarlong(&rec, static_cast<int64_t>(i));
    if (r.key) {
      PutVarlong(&rec, static_cast<int64_t>(r.key->size()));
      rec += *r.key;
    } else {
      PutVarlong(&rec, -1);
    }
    PutVarlong(&rec, static_cast<int64_t>(r.value.size()));
    rec += r.value;
    PutVarlong(&rec, 0);  // headers
    PutVarlong(&body, static_cast<int64_t>(rec.size()));
    body += rec;
  }
  std::string b;
  AppendBe64(&b, base_offset);
  AppendBe32(&b, 0);  // batchLength, patched below
  AppendBe32(&b, leader_epoch);
  b.push_back(2);     // magic
  AppendBe32(&b, 0);  // crc, patched below
  PutBe16(&b, 0);     // attributes
  AppendBe32(&b, static_cast<int32_t>(records.size() - 1));
  AppendBe64(&b, base_ts);
  AppendBe64(&b, max_ts);
  AppendBe64(&b, -1);  // producerId
  PutBe16(&b, -1);     // producerEpoch
  AppendBe32(&b, -1);  // baseSequence
  AppendBe32(&b, static_cast<int32_t>(records.size()));
  b += body;
  StoreBe32(b.data() + 8, static_cast<int32_t>(b.size() - kBatchLogOverhead));
  uint32_t crc = util::crc32c::Value(b.data() + kAttributesOffset, b.size() - kAttributesOffset);
  StoreBe32(b.data() + kCrcOffset, static_cast<int32_t>(crc));
  return b;
}

std::string BuildSimpleBatch(int count, int64_t timestamp, const std::string& prefix,
                             size_t value_size) {
  std::vector<TestRecord> records;
  for (int i = 0; i < count; ++i) {
    std::string v = prefix + "-" + std::to_string(i);
    if (v.size() < value_size) v.resize(value_size, '.');
    records.push_back({std::nullopt, v, timestamp});
  }
  return BuildBatch(records);
}

std::vector<DecodedRecord> DecodeRecords(std::string_view data) {
  std::vector<DecodedRecord> out;
  size_t pos = 0;
  while (data.size() - pos >= kBatchHeaderSize) {
    auto h = ParseBatchHeader(data.substr(pos));
    if (!h.ok() || h->batch_length < kMinBatchLength || h->TotalSize() > data.size() - pos) break;
    std::string_view batch = data.substr(pos, h->TotalSize());
    size_t p = kBatchHeaderSize;
    for (int32_t i = 0; i < h->record_count; ++i) {
      int64_t len = 0, ts = 0, od = 0, klen = 0, vlen = 0;
      if (!GetVarlong(batch, &p, &len)) return out;
      size_t end = p + static_cast<size_t>(len);
      ++p;  // attributes
      if (!GetVarlong(batch, &p, &ts) || !GetVarlong(batch, &p, &od) ||
          !GetVarlong(batch, &p, &klen)) {
        return out;
      }
      if (klen > 0) p += static_cast<size_t>(klen);
      if (!GetVarlong(batch, &p, &vlen) || vlen < 0 || p + vlen > batch.size()) return out;
      out.push_back({h->base_offset + od, h->base_timestamp + ts,
                     std::string(batch.substr(p, static_cast<size_t>(vlen))),
                     h->partition_leader_epoch});
      p = end;
    }
    pos += h->TotalSize();
  }
  return out;
}

}  // namespace kafka::log::testing

namespace kafka::log::testing {

std::string FreshTestDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) std::abort();
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFileOrDie(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) std::abort();
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace kafka::log::testing
