#include "common/log/batch_filter.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "common/log/batch_header.h"
#include "common/protocol/record_batch.h"
#include "common/util/crc32c.h"

namespace kafka::log {
namespace {

// Generous: a stored batch is at most message.max.bytes compressed, and the cleaner
// must not refuse a batch the broker once accepted.
constexpr size_t kMaxDecompressed = 512u << 20;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

}  // namespace

util::Result<FilteredBatch> FilterBatch(std::string_view batch, const FilterContext& ctx) {
  FilteredBatch out;
  auto h = ParseBatchHeader(batch);
  if (!h.ok()) return h.status();
  if (h->attributes & (kControlFlag | kTransactionalFlag)) {
    out.bytes = std::string(batch.substr(0, h->TotalSize()));
    out.kept = h->record_count;
    return out;
  }
  protocol::BatchDecodeOptions opts;
  opts.verify_crc = false;  // the scanner checked it
  opts.max_decompressed_bytes = kMaxDecompressed;
  auto decoded = protocol::DecodeBatch(batch.substr(0, h->TotalSize()), opts);
  if (!decoded.ok()) {
    return decoded.status().WithContext("batch at offset " + std::to_string(h->base_offset));
  }
  const bool had_horizon = (h->attributes & kDeleteHorizonFlag) != 0;
  const int64_t old_horizon = had_horizon ? h->base_timestamp : -1;

  std::vector<protocol::Record*> kept;
  bool tombstone_kept = false;
  for (protocol::Record& r : decoded->records) {
    out.decoded_bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
    const int64_t offset = h->base_offset + r.offset_delta;
    bool keep = r.key.has_value();  // keyless records have no place in a compacted log
    if (keep && ctx.map != nullptr && ctx.map->Get(*r.key) > offset) keep = false;
    if (keep && !r.value.has_value()) {
      if (had_horizon && ctx.now_ms >= old_horizon) {
        keep = false;
      } else {
        tombstone_kept = true;
      }
    }
    if (keep) kept.push_back(&r);
  }
  out.kept = static_cast<int32_t>(kept.size());
  out.removed = static_cast<int32_t>(decoded->records.size() - kept.size());
  if (kept.empty()) {
    out.rebuilt = true;
    return out;
  }
  const bool new_horizon = tombstone_kept;
  const int64_t horizon =
      had_horizon ? old_horizon : SaturatingAdd(ctx.now_ms, ctx.delete_retention_ms);
  if (tombstone_kept) out.delete_horizon_ms = horizon;
  if (out.removed == 0 && new_horizon == had_horizon) {
    out.bytes = std::string(batch.substr(0, h->TotalSize()));
    return out;
  }

  // Re-encode the survivors around a new base timestamp.
  int64_t min_ts = std::numeric_limits<int64_t>::max(), max_ts = -1;
  int32_t last_delta = 0;
  for (const protocol::Record* r : kept) {
    const int64_t ts = h->base_timestamp + r->timestamp_delta;
    min_ts = std::min(min_ts, ts);
    max_ts = std::max(max_ts, ts);
    last_delta = std::max(last_delta, r->offset_delta);
  }
  int64_t base_ts = h->base_timestamp;
  if (new_horizon) {
    base_ts = horizon;
  } else if (had_horizon) {
    base_ts = min_ts;  // the horizon goes with the last tombstone
  }
  std::string body;
  for (protocol::Record* r : kept) {
    r->timestamp_delta = h->base_timestamp + r->timestamp_delta - base_ts;
    protocol::AppendRecord(*r, body);
  }
  const auto codec = static_cast<protocol::Compression>(h->attributes & kCompressionMask);
  if (codec != protocol::Compression::kNone) {
    auto c = protocol::Compress(codec, body);
    if (!c.ok()) return c.status();
    body = std::move(*c);
  }
  int16_t attributes = static_cast<int16_t>(h->attributes & ~kDeleteHorizonFlag);
  if (new_horizon) attributes |= kDeleteHorizonFlag;
  const int64_t max_timestamp =
      (h->attributes & kTimestampTypeLogAppend) ? h->max_timestamp : max_ts;

  std::string& b = out.bytes;
  b.reserve(kBatchHeaderSize + body.size());
  AppendBe64(&b, h->base_offset);
  AppendBe32(&b, static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead + body.size()));
  AppendBe32(&b, h->partition_leader_epoch);
  b.push_back(static_cast<char>(kMagicV2));
  AppendBe32(&b, 0);  // crc, below
  b.push_back(static_cast<char>(attributes >> 8));
  b.push_back(static_cast<char>(attributes));
  AppendBe32(&b, last_delta);
  AppendBe64(&b, base_ts);
  AppendBe64(&b, max_timestamp);
  AppendBe64(&b, h->producer_id);
  b.push_back(static_cast<char>(h->producer_epoch >> 8));
  b.push_back(static_cast<char>(h->producer_epoch));
  AppendBe32(&b, h->base_sequence);
  AppendBe32(&b, static_cast<int32_t>(kept.size()));
  b += body;
  const uint32_t crc = util::crc32c::Value(std::string_view(b).substr(kAttributesOffset));
  StoreBe32(b.data() + kCrcOffset, static_cast<int32_t>(crc));
  out.rebuilt = true;
  return out;
}

util::Status CheckKeysForCompactedTopic(std::string_view records) {
  while (!records.empty()) {
    auto h = ParseBatchHeader(records);
    if (!h.ok()) return h.status();
    if (h->TotalSize() > records.size()) return util::Status::Corruption("partial record batch");
    if (!(h->attributes & kControlFlag)) {
      protocol::BatchDecodeOptions opts;
      opts.verify_crc = false;
      auto decoded = protocol::DecodeBatch(records.substr(0, h->TotalSize()), opts);
      if (!decoded.ok()) return decoded.status();
      for (const protocol::Record& r : decoded->records) {
        if (!r.key) {
          return util::Status::InvalidArgument(
              "Compacted topic cannot accept message without key");
        }
      }
    }
    records.remove_prefix(h->TotalSize());
  }
  return util::Status::OK();
}

}  // namespace kafka::log
