#include "common/log/batch_header.h"

#include <string>

#include "common/util/crc32c.h"

namespace kafka::log {

int16_t LoadBe16(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<int16_t>((u[0] << 8) | u[1]);
}

int32_t LoadBe32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<int32_t>((uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
                              (uint32_t{u[2]} << 8) | uint32_t{u[3]});
}

int64_t LoadBe64(const char* p) {
  uint64_t hi = static_cast<uint32_t>(LoadBe32(p));
  uint64_t lo = static_cast<uint32_t>(LoadBe32(p + 4));
  return static_cast<int64_t>((hi << 32) | lo);
}

void StoreBe32(char* p, int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  p[0] = static_cast<char>(u >> 24);
  p[1] = static_cast<char>(u >> 16);
  p[2] = static_cast<char>(u >> 8);
  p[3] = static_cast<char>(u);
}

void StoreBe64(char* p, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  StoreBe32(p, static_cast<int32_t>(u >> 32));
  StoreBe32(p + 4, static_cast<int32_t>(u & 0xffffffffu));
}

void AppendBe32(std::string* out, int32_t v) {
  char b[4];
  StoreBe32(b, v);
  out->append(b, 4);
}

void AppendBe64(std::string* out, int64_t v) {
  char b[8];
  StoreBe64(b, v);
  out->append(b, 8);
}

util::Result<BatchHeader> ParseBatchHeader(std::string_view data) {
  if (data.size() < kBatchHeaderSize) {
    return util::Status::Corruption("record batch header truncated: " +
                                    std::to_string(data.size()) + " of 61 bytes");
  }
  const char* p = data.data();
  BatchHeader h;
  h.base_offset = LoadBe64(p);
  h.batch_length = LoadBe32(p + 8);
  h.partition_leader_epoch = LoadBe32(p + 12);
  h.magic = static_cast<int8_t>(p[16]);
  h.crc = static_cast<uint32_t>(LoadBe32(p + 17));
  h.attributes = LoadBe16(p + 21);
  h.last_offset_delta = LoadBe32(p + 23);
  h.base_timestamp = LoadBe64(p + 27);
  h.max_timestamp = LoadBe64(p + 35);
  h.producer_id = LoadBe64(p + 43);
  h.producer_epoch = LoadBe16(p + 51);
  h.base_sequence = LoadBe32(p + 53);
  h.record_count = LoadBe32(p + 57);
  return h;
}

util::Status CheckBatchHeader(const BatchHeader& h, uint64_t max_batch_size) {
  if (h.batch_length < kMinBatchLength) {
    return util::Status::Corruption("record batch length " + std::to_string(h.batch_length) +
                                    " below minimum " + std::to_string(kMinBatchLength));
  }
  if (h.TotalSize() > max_batch_size) {
    return util::Status::Corruption("record batch size " + std::to_string(h.TotalSize()) +
                                    " above maximum " + std::to_string(max_batch_size));
  }
  if (h.magic != kMagicV2) {
    return util::Status::Corruption("record batch magic " + std::to_string(h.magic) +
                                    " not supported (want 2)");
  }
  if (h.last_offset_delta < 0) {
    return util::Status::Corruption("record batch lastOffsetDelta " +
                                    std::to_string(h.last_offset_delta) + " is negative");
  }
  if (h.record_count < 0) {
    return util::Status::Corruption("record batch recordCount " +
                                    std::to_string(h.record_count) + " is negative");
  }
  return util::Status::OK();
}

util::Status ValidateBatch(std::string_view batch, const BatchHeader& h) {
  UTIL_RETURN_IF_ERROR(CheckBatchHeader(h, batch.size()));
  if (batch.size() != h.TotalSize()) {
    return util::Status::Corruption("record batch truncated: " + std::to_string(batch.size()) +
                                    " of " + std::to_string(h.TotalSize()) + " bytes");
  }
  uint32_t crc = util::crc32c::Value(batch.data() + kAttributesOffset,
                                     batch.size() - kAttributesOffset);
  if (crc != h.crc) {
    return util::Status::Corruption("record batch CRC mismatch at base offset " +
                                    std::to_string(h.base_offset) + ": stored " +
                                    std::to_string(h.crc) + ", computed " + std::to_string(crc));
  }
  return util::Status::OK();
}

void StampBatch(char* batch, int64_t base_offset, int32_t leader_epoch) {
  StoreBe64(batch, base_offset);
  StoreBe32(batch + 12, leader_epoch);
}

namespace {

// Zig-zag varint / varlong as in Kafka's record format; false on overrun.
bool ReadVarlong(std::string_view data, size_t* pos, int64_t* out) {
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

}  // namespace

int64_t FirstOffsetWithTimestamp(std::string_view batch, const BatchHeader& h, int64_t target,
                                 int64_t* timestamp_out) {
  *timestamp_out = h.max_timestamp;
  if ((h.attributes & kCompressionMask) != 0 || (h.attributes & kTimestampTypeLogAppend) != 0) {
    return h.base_offset;
  }
  size_t pos = kBatchHeaderSize;
  for (int32_t i = 0; i < h.record_count; ++i) {
    int64_t length = 0;
    if (!ReadVarlong(batch, &pos, &length) || length < 0 ||
        static_cast<uint64_t>(length) > batch.size() - pos) {
      break;
    }
    size_t next = pos + static_cast<size_t>(length);
    size_t p = pos + 1;  // record attributes int8
    int64_t ts_delta = 0, offset_delta = 0;
    if (!ReadVarlong(batch, &p, &ts_delta) || !ReadVarlong(batch, &p, &offset_delta) || p > next) {
      break;
    }
    if (h.base_timestamp + ts_delta >= target) {
      *timestamp_out = h.base_timestamp + ts_delta;
      return h.base_offset + offset_delta;
    }
    pos = next;
  }
  return h.base_offset;
}

}  // namespace kafka::log
