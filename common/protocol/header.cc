#include "common/protocol/header.h"

#include <string>

namespace kafka::protocol {
namespace {

// Tag section with no known tags: everything goes to `out`.
void ReadTags(Reader& r, TaggedFields& out) {
  uint32_t n = r.Uvarint();
  if (n > r.remaining() / 2) {
    r.Fail();
    return;
  }
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    uint32_t tag = r.Uvarint();
    uint32_t size = r.Uvarint();
    std::string_view data = r.Span(size);
    if (r.ok()) out.push_back({tag, std::string(data)});
  }
}

void WriteTags(const TaggedFields& tags, Writer& w) {
  w.Uvarint(tags.size());
  for (const auto& t : tags) {
    w.Uvarint(t.tag);
    w.Uvarint(t.data.size());
    w.Raw(t.data);
  }
}

}  // namespace

int16_t RequestHeaderVersion(int16_t api_key, int16_t api_version) {
  if (api_key == static_cast<int16_t>(ApiKey::kControlledShutdown) && api_version == 0) return 0;
  return IsFlexible(api_key, api_version) ? 2 : 1;
}

int16_t ResponseHeaderVersion(int16_t api_key, int16_t api_version) {
  if (api_key == static_cast<int16_t>(ApiKey::kApiVersions)) return 0;
  return IsFlexible(api_key, api_version) ? 1 : 0;
}

util::Result<RequestHeader> DecodeRequestHeader(Reader& r) {
  RequestHeader h;
  h.api_key = r.Int16();
  h.api_version = r.Int16();
  h.correlation_id = r.Int32();
  int16_t hv = RequestHeaderVersion(h.api_key, h.api_version);
  if (hv >= 1) h.client_id = r.NullableString();
  if (hv >= 2) ReadTags(r, h.unknown_tags);
  if (!r.ok()) return util::Status::Corruption("truncated request header");
  return h;
}

void EncodeRequestHeader(const RequestHeader& h, Writer& w) {
  w.Int16(h.api_key);
  w.Int16(h.api_version);
  w.Int32(h.correlation_id);
  int16_t hv = RequestHeaderVersion(h.api_key, h.api_version);
  if (hv >= 1) w.NullableString(h.client_id);
  if (hv >= 2) WriteTags(h.unknown_tags, w);
}

void EncodeResponseHeader(int32_t correlation_id, int16_t header_version, Writer& w) {
  w.Int32(correlation_id);
  if (header_version >= 1) w.Uvarint(0);
}

util::Result<ResponseHeader> DecodeResponseHeader(Reader& r, int16_t header_version) {
  ResponseHeader h;
  h.correlation_id = r.Int32();
  if (header_version >= 1) ReadTags(r, h.unknown_tags);
  if (!r.ok()) return util::Status::Corruption("truncated response header");
  return h;
}

}  // namespace kafka::protocol
