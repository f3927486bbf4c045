// Request and response headers, and the rules that pick their versions.
//
// Request header v0: api_key, api_version, correlation_id. v1 adds client_id (a
// classic INT16 nullable string, in every version, so any broker can read the
// header of any request). v2 = v1 + a tagged-field section. Response header v0:
// correlation_id; v1 adds a tagged-field section.
// Versions are derived from whether the API version is flexible (api_key.h):
// flexible request -> header v2 (else v1; ControlledShutdown v0 uses v0);
// flexible response -> header v1 (else v0), except ApiVersions, whose response
// header is always v0 (KIP-511) so clients can parse it before knowing versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/protocol/api_key.h"
#include "common/protocol/codec.h"
#include "common/protocol/field.h"
#include "common/protocol/reader.h"
#include "common/protocol/writer.h"
#include "common/util/status.h"

namespace kafka::protocol {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  TaggedFields unknown_tags;
  bool operator==(const RequestHeader&) const = default;
};

struct ResponseHeader {
  int32_t correlation_id = 0;
  TaggedFields unknown_tags;
  bool operator==(const ResponseHeader&) const = default;
};

int16_t RequestHeaderVersion(int16_t api_key, int16_t api_version);
int16_t ResponseHeaderVersion(int16_t api_key, int16_t api_version);
inline bool IsFlexible(int16_t api_key, int16_t api_version) {
  return api_version >= FirstFlexibleVersion(api_key);
}

// Reads a request header from the start of a frame body (after the 4-byte size),
// deriving its version from api_key/api_version. Unknown API keys are read as
// header v1 so the broker can still log and close. Fails with Corruption on
// truncated input.
util::Result<RequestHeader> DecodeRequestHeader(Reader& r);
void EncodeRequestHeader(const RequestHeader& h, Writer& w);

void EncodeResponseHeader(int32_t correlation_id, int16_t header_version, Writer& w);
util::Result<ResponseHeader> DecodeResponseHeader(Reader& r, int16_t header_version);

// Whole frames (4-byte big-endian size + header + body), for the broker's
// responses and for clients/tools building requests. T is a message with
// kApiKey; Encode<T> must be instantiated (messages/*.cc).
template <typename T>
std::string EncodeResponseFrame(int32_t correlation_id, int16_t version, const T& body) {
  Writer w;
  w.Int32(0);
  EncodeResponseHeader(correlation_id,
                       ResponseHeaderVersion(static_cast<int16_t>(T::kApiKey), version), w);
  Encode(body, version, w);
  w.PatchInt32(0, static_cast<int32_t>(w.size() - 4));
  return w.Take();
}

template <typename T>
std::string EncodeRequestFrame(int32_t correlation_id, const std::optional<std::string>& client_id,
                               int16_t version, const T& body) {
  RequestHeader h;
  h.api_key = static_cast<int16_t>(T::kApiKey);
  h.api_version = version;
  h.correlation_id = correlation_id;
  h.client_id = client_id;
  Writer w;
  w.Int32(0);
  EncodeRequestHeader(h, w);
  Encode(body, version, w);
  w.PatchInt32(0, static_cast<int32_t>(w.size() - 4));
  return w.Take();
}

}  // namespace kafka::protocol
