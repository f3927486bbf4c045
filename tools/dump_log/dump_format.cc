#include "tools/dump_log/dump_format.h"

#include <cstdlib>

#include "common/log/batch_header.h"
#include "common/protocol/record_batch.h"

namespace kafka::tools {
namespace {

int64_t BaseOffsetOf(const std::string& name) {
  const size_t slash = name.find_last_of('/');
  const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return std::strtoll(base.c_str(), nullptr, 10);
}

const char* Codec(int16_t attributes) {
  static const char* kNames[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  const int c = attributes & log::kCompressionMask;
  return c < 5 ? kNames[c] : "unknown";
}

// Kafka's DefaultRecordBatch.incrementSequence: wraps at Integer.MAX_VALUE.
int64_t AddSequence(int32_t base, int64_t delta) {
  if (base < 0) return -1;
  const int64_t s = static_cast<int64_t>(base) + delta;
  return s > INT32_MAX ? s - INT32_MAX - 1 : s;
}

std::string Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

bool DumpLogSegment(const std::string& name, uint64_t size, const ReadFn& read,
                    const DumpOptions& opts, std::string* out,
                    std::vector<std::pair<int64_t, int64_t>>* non_consecutive) {
  const bool deep = opts.deep_iteration || opts.print_data;
  const std::string file = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  *out += "Log starting offset: " + std::to_string(BaseOffsetOf(name)) + "\n";
  const uint64_t limit = std::min(size, opts.max_bytes);
  uint64_t pos = 0;
  int64_t last_offset = -1;
  std::string buf;
  while (pos < limit) {
    const uint64_t left = limit - pos;
    if (left < log::kBatchHeaderSize) break;
    if (!read(pos, log::kBatchHeaderSize, &buf)) return false;
    auto h = log::ParseBatchHeader(buf);
    if (!h.ok() || !log::CheckBatchHeader(*h, left).ok()) break;
    if (!read(pos, h->TotalSize(), &buf)) return false;
    if (buf.size() != h->TotalSize()) break;
    const bool valid = log::ValidateBatch(buf, *h).ok();
    const bool log_append = h->attributes & log::kTimestampTypeLogAppend;
    const char* ts_type = log_append ? "LogAppendTime" : "CreateTime";
    const bool has_delete_horizon = h->attributes & 0x40;
    *out += "baseOffset: " + std::to_string(h->base_offset) +
            " lastOffset: " + std::to_string(h->LastOffset()) +
            " count: " + std::to_string(h->record_count) +
            " baseSequence: " + std::to_string(h->base_sequence) +
            " lastSequence: " + std::to_string(AddSequence(h->base_sequence, h->last_offset_delta)) +
            " producerId: " + std::to_string(h->producer_id) +
            " producerEpoch: " + std::to_string(h->producer_epoch) +
            " partitionLeaderEpoch: " + std::to_string(h->partition_leader_epoch) +
            " isTransactional: " + Bool(h->attributes & log::kTransactionalFlag) +
            " isControl: " + Bool(h->attributes & log::kControlFlag) +
            " deleteHorizonMs: " +
            (has_delete_horizon ? "OptionalLong[" + std::to_string(h->base_timestamp) + "]"
                                : std::string("OptionalLong.empty")) +
            " position: " + std::to_string(pos) + " " + ts_type + ": " +
            std::to_string(h->max_timestamp) + " size: " + std::to_string(h->TotalSize()) +
            " magic: " + std::to_string(h->magic) + " compresscodec: " + Codec(h->attributes) +
            " crc: " + std::to_string(h->crc) + " isvalid: " + Bool(valid) + "\n";
    if (deep) {
      protocol::BatchDecodeOptions dopts;
      dopts.verify_crc = false;
      auto batch = protocol::DecodeBatch(buf, dopts);
      if (!batch.ok()) {
        *out += "| (records not readable: " + batch.status().message() + ")\n";
      } else {
        const bool control = h->attributes & log::kControlFlag;
        for (const auto& r : batch->records) {
          const int64_t offset = h->base_offset + r.offset_delta;
          if (last_offset >= 0 && offset != last_offset + 1 && non_consecutive) {
            non_consecutive->emplace_back(last_offset, offset);
          }
          last_offset = offset;
          std::string prefix = "| ";
          std::string line;
          if (!opts.skip_record_metadata) {
            const int64_t ts = log_append ? h->max_timestamp : h->base_timestamp + r.timestamp_delta;
            line += prefix + "offset: " + std::to_string(offset) + " " + ts_type + ": " +
                    std::to_string(ts) + " keySize: " +
                    std::to_string(r.key ? static_cast<int64_t>(r.key->size()) : -1) +
                    " valueSize: " +
                    std::to_string(r.value ? static_cast<int64_t>(r.value->size()) : -1) +
                    " sequence: " + std::to_string(AddSequence(h->base_sequence, r.offset_delta)) +
                    " headerKeys: [";
            for (size_t i = 0; i < r.headers.size(); ++i) {
              if (i) line += ",";
              line += r.headers[i].key;
            }
            line += "]";
            prefix = " ";
          }
          if (opts.print_data && !control) {
            if (r.key) {
              line += prefix + "key: " + *r.key;
              prefix = " ";
            }
            if (r.value) line += " payload: " + *r.value;
          }
          *out += line + "\n";
        }
      }
    }
    pos += h->TotalSize();
  }
  if (pos < size && opts.max_bytes == UINT64_MAX) {
    *out += "Found " + std::to_string(size - pos) + " invalid bytes at the end of " + file + "\n";
  }
  return true;
}

void DumpOffsetIndex(const std::string& name, const std::string& data, std::string* out) {
  const int64_t base = BaseOffsetOf(name);
  for (size_t i = 0; i + 8 <= data.size(); i += 8) {
    const int64_t offset = base + log::LoadBe32(&data[i]);
    if (offset == base && i > 0) break;
    *out += "offset: " + std::to_string(offset) +
            " position: " + std::to_string(static_cast<uint32_t>(log::LoadBe32(&data[i + 4]))) + "\n";
  }
}

void DumpTimeIndex(const std::string& name, const std::string& data, std::string* out) {
  const int64_t base = BaseOffsetOf(name);
  for (size_t i = 0; i + 12 <= data.size(); i += 12) {
    const int64_t offset = base + log::LoadBe32(&data[i + 8]);
    if (offset == base && i > 0) break;
    *out += "timestamp: " + std::to_string(log::LoadBe64(&data[i])) +
            " offset: " + std::to_string(offset) + "\n";
  }
}

}  // namespace kafka::tools
