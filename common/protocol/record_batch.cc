#include "common/protocol/record_batch.h"

#include <algorithm>
#include <limits>

#include "common/protocol/reader.h"
#include "common/protocol/writer.h"
#include "common/util/crc32c.h"

namespace kafka::protocol {
namespace {

using util::Result;
using util::Status;

// Smallest possible record: length, attributes, timestampDelta, offsetDelta,
// key length, value length, header count, one byte each.
constexpr size_t kMinRecordSize = 7;

// A varint length (-1 = null) followed by that many bytes.
std::optional<std::string> ReadVarBytes(Reader& r) {
  int32_t len = r.Varint();
  if (!r.ok() || len == -1) return std::nullopt;
  if (len < 0) {
    r.Fail();
    return std::nullopt;
  }
  std::string_view s = r.Span(len);
  if (!r.ok()) return std::nullopt;
  return std::string(s);
}

void WriteVarBytes(Writer& w, const std::optional<std::string>& b) {
  if (!b) return w.Varint(-1);
  w.Varint(static_cast<int32_t>(b->size()));
  w.Raw(*b);
}

bool ReadRecord(Reader& r, Record& rec) {
  int32_t len = r.Varint();
  if (!r.ok() || len < 0) return false;
  std::string_view body = r.Span(len);
  if (!r.ok()) return false;
  Reader b(body);
  rec.attributes = b.Int8();
  rec.timestamp_delta = b.Varlong();
  rec.offset_delta = b.Varint();
  rec.key = ReadVarBytes(b);
  rec.value = ReadVarBytes(b);
  int32_t n = b.Varint();
  if (!b.ok() || n < 0 || static_cast<size_t>(n) > b.remaining() / 2) return false;
  rec.headers.clear();
  rec.headers.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && b.ok(); ++i) {
    RecordHeader h;
    auto k = ReadVarBytes(b);
    if (!k) return false;  // header keys are never null
    h.key = std::move(*k);
    h.value = ReadVarBytes(b);
    rec.headers.push_back(std::move(h));
  }
  // A record must be consumed exactly by its fields.
  return b.AtEnd();
}

}  // namespace

void AppendRecord(const Record& rec, std::string& out) {
  Writer body;
  body.Int8(rec.attributes);
  body.Varlong(rec.timestamp_delta);
  body.Varint(rec.offset_delta);
  WriteVarBytes(body, rec.key);
  WriteVarBytes(body, rec.value);
  body.Varint(static_cast<int32_t>(rec.headers.size()));
  for (const auto& h : rec.headers) {
    WriteVarBytes(body, h.key);
    WriteVarBytes(body, h.value);
  }
  Writer len;
  len.Varint(static_cast<int32_t>(body.size()));
  out += len.data();
  out += body.data();
}

Result<RecordBatchHeader> ParseBatchHeader(std::string_view data) {
  if (data.size() < kBatchHeaderSize) return Status::Corruption("record batch shorter than header");
  Reader r(data);
  RecordBatchHeader h;
  h.base_offset = r.Int64();
  h.batch_length = r.Int32();
  h.partition_leader_epoch = r.Int32();
  h.magic = r.Int8();
  h.crc = r.Uint32();
  h.attributes = r.Int16();
  h.last_offset_delta = r.Int32();
  h.base_timestamp = r.Int64();
  h.max_timestamp = r.Int64();
  h.producer_id = r.Int64();
  h.producer_epoch = r.Int16();
  h.base_sequence = r.Int32();
  h.records_count = r.Int32();
  if (h.magic != kRecordBatchMagic) {
    return Status::Corruption("unsupported record batch magic " + std::to_string(h.magic));
  }
  if (h.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead)) {
    return Status::Corruption("record batch length too small");
  }
  if (h.size_bytes() > data.size()) return Status::Corruption("record batch truncated");
  if (h.records_count < 0) return Status::Corruption("negative record count");
  return h;
}

uint32_t ComputeBatchCrc(std::string_view batch) {
  if (batch.size() < kBatchHeaderSize) return 0;
  return util::crc32c::Value(batch.substr(kBatchAttributesOffset));
}

Status VerifyBatch(std::string_view batch) {
  auto h = ParseBatchHeader(batch);
  if (!h.ok()) return h.status();
  std::string_view exact = batch.substr(0, h->size_bytes());
  uint32_t crc = util::crc32c::Value(exact.substr(kBatchAttributesOffset));
  if (crc != h->crc) return Status::Corruption("record batch CRC mismatch");
  return Status::OK();
}

Result<RecordBatch> DecodeBatch(std::string_view batch, const BatchDecodeOptions& opts) {
  auto h = ParseBatchHeader(batch);
  if (!h.ok()) return h.status();
  std::string_view exact = batch.substr(0, h->size_bytes());
  if (opts.verify_crc && util::crc32c::Value(exact.substr(kBatchAttributesOffset)) != h->crc) {
    return Status::Corruption("record batch CRC mismatch");
  }
  std::string_view payload = exact.substr(kBatchHeaderSize);
  std::string decompressed;
  if (h->compression() != Compression::kNone) {
    if (static_cast<int>(h->compression()) > static_cast<int>(Compression::kZstd)) {
      return Status::Corruption("unknown compression codec in record batch");
    }
    auto d = Decompress(h->compression(), payload, opts.max_decompressed_bytes);
    if (!d.ok()) return d.status();
    decompressed = std::move(*d);
    payload = decompressed;
  }
  RecordBatch out;
  out.header = *h;
  if (static_cast<size_t>(h->records_count) > payload.size() / kMinRecordSize) {
    return Status::Corruption("record count larger than the batch can hold");
  }
  out.records.reserve(static_cast<size_t>(h->records_count));
  Reader r(payload);
  while (r.remaining() > 0) {
    if (opts.check_record_count && out.records.size() >= static_cast<size_t>(h->records_count)) {
      return Status::Corruption("bytes left after the last record");
    }
    Record rec;
    if (!ReadRecord(r, rec)) return Status::Corruption("malformed record");
    out.records.push_back(std::move(rec));
  }
  if (opts.check_record_count && out.records.size() != static_cast<size_t>(h->records_count)) {
    return Status::Corruption("record count mismatch");
  }
  return out;
}

Result<std::vector<std::string_view>> SplitBatches(std::string_view records, size_t* partial_tail) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  if (partial_tail) *partial_tail = 0;
  while (pos < records.size()) {
    std::string_view rest = records.substr(pos);
    if (rest.size() < kBatchHeaderSize) {
      if (partial_tail) *partial_tail = rest.size();
      break;
    }
    Reader r(rest);
    r.Int64();
    int32_t len = r.Int32();
    r.Int32();
    int8_t magic = r.Int8();
    if (magic != kRecordBatchMagic) return Status::Corruption("unsupported record batch magic");
    if (len < static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead)) {
      return Status::Corruption("record batch length too small");
    }
    size_t size = kBatchLogOverhead + static_cast<size_t>(len);
    if (size > rest.size()) {
      if (partial_tail) *partial_tail = rest.size();
      break;
    }
    out.push_back(rest.substr(0, size));
    pos += size;
  }
  return out;
}

Result<std::string> BuildBatch(const BatchBuildOptions& opts, const std::vector<Record>& records) {
  if (records.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many records");
  }
  std::string body;
  int32_t last_offset_delta = 0;
  int64_t max_ts_delta = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Record rec = records[i];
    if (opts.assign_offset_deltas) rec.offset_delta = static_cast<int32_t>(i);
    last_offset_delta = std::max(last_offset_delta, rec.offset_delta);
    max_ts_delta = std::max(max_ts_delta, rec.timestamp_delta);
    AppendRecord(rec, body);
  }
  if (opts.compression != Compression::kNone) {
    auto c = Compress(opts.compression, body);
    if (!c.ok()) return c.status();
    body = std::move(*c);
  }
  int16_t attributes = static_cast<int16_t>(opts.compression) & kAttrCompressionMask;
  if (opts.log_append_time) attributes |= kAttrLogAppendTime;
  if (opts.transactional) attributes |= kAttrTransactional;
  if (opts.control) attributes |= kAttrControl;

  Writer w;
  w.Int64(opts.base_offset);
  w.Int32(0);  // batchLength, patched below
  w.Int32(opts.partition_leader_epoch);
  w.Int8(kRecordBatchMagic);
  w.Uint32(0);  // crc, patched below
  w.Int16(attributes);
  w.Int32(last_offset_delta);
  w.Int64(opts.base_timestamp);
  w.Int64(opts.base_timestamp + max_ts_delta);
  w.Int64(opts.producer_id);
  w.Int16(opts.producer_epoch);
  w.Int32(opts.base_sequence);
  w.Int32(static_cast<int32_t>(records.size()));
  w.Raw(body);
  if (w.size() - kBatchLogOverhead > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("record batch too large");
  }
  w.PatchInt32(8, static_cast<int32_t>(w.size() - kBatchLogOverhead));
  uint32_t crc = util::crc32c::Value(std::string_view(w.data()).substr(kBatchAttributesOffset));
  w.PatchInt32(kBatchCrcOffset, static_cast<int32_t>(crc));
  return w.Take();
}

Status StampBatch(char* data, size_t size, int64_t base_offset, int32_t partition_leader_epoch) {
  if (size < kBatchHeaderSize) return Status::InvalidArgument("record batch shorter than header");
  uint64_t b = static_cast<uint64_t>(base_offset);
  for (int i = 0; i < 8; ++i) data[i] = static_cast<char>(b >> (56 - 8 * i));
  uint32_t e = static_cast<uint32_t>(partition_leader_epoch);
  for (int i = 0; i < 4; ++i) data[12 + i] = static_cast<char>(e >> (24 - 8 * i));
  return Status::OK();
}

}  // namespace kafka::protocol
