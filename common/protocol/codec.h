// The generic message codec: Encode/Decode declarations for message structs that
// declare their layout with Fields() (field.h).
//
// A message struct additionally declares
//   static constexpr ApiKey kApiKey;          // e.g. ApiKey::kMetadata
//   static constexpr Versions kVersions;      // what WE implement (ApiVersions advertises it)
//   static constexpr int16_t kFirstFlexible;  // Kafka's first flexible version, or kNeverFlexible
// Compact-vs-classic is decided once per call from kFirstFlexible and passed down
// to nested structs. Definitions live in codec_impl.h, which only messages/*.cc
// include, where Encode/Decode are explicitly instantiated per message (to keep
// compile time out of every user of the messages).
#pragma once

#include <cstdint>

#include "common/protocol/reader.h"
#include "common/protocol/writer.h"
#include "common/util/status.h"

namespace kafka::protocol {

// Appends the message body for `version`. Fields absent from that version are
// skipped (their values are ignored), as are tagged fields equal to the default.
template <typename T>
void Encode(const T& msg, int16_t version, Writer& w);

// Decodes a message body. Fails with NotSupported if `version` is outside
// T::kVersions, Corruption if the bytes do not parse. Trailing bytes are left in
// the reader (callers may check r.AtEnd()).
template <typename T>
util::Result<T> Decode(Reader& r, int16_t version);

// Convenience: encode into a fresh string.
template <typename T>
std::string EncodeToString(const T& msg, int16_t version) {
  Writer w;
  Encode(msg, version, w);
  return w.Take();
}

// Instantiation helper for messages/*.cc (after including codec_impl.h), and the
// matching extern declaration for messages/*.h.
#define KAFKA_PROTOCOL_INSTANTIATE(T)                                         \
  template void Encode<T>(const T&, int16_t, Writer&);                        \
  template util::Result<T> Decode<T>(Reader&, int16_t);
#define KAFKA_PROTOCOL_EXTERN(T)                                              \
  extern template void Encode<T>(const T&, int16_t, Writer&);                 \
  extern template util::Result<T> Decode<T>(Reader&, int16_t);

}  // namespace kafka::protocol
