// Field descriptors: how a message struct declares its wire layout once.
//
// Each message or nested struct has `static constexpr auto Fields()` returning a
// std::tuple of Field(...) descriptors in Kafka JSON order, one per JSON field,
// with Kafka's field name as a string so a reviewer can diff it against the JSON:
//
//   static constexpr auto Fields() {
//     return std::make_tuple(
//         Field(&CreatableTopic::name, "Name", Since(0)),
//         Field(&CreatableTopic::configs, "Configs", Since(0)),
//         Field(&CreatableTopicResult::error_message, "ErrorMessage", Since(1)).NullableSince(1),
//         Field(&X::topic_config_error_code, "TopicConfigErrorCode", Since(5)).Tagged(0, Since(5)));
//   }
//
// The member's C++ type gives the wire type: bool, int8/16/32/64_t, uint16_t,
// double, Uuid, std::string (STRING, or BYTES with .Bytes()), std::optional of a
// string (nullable), std::vector<T> (ARRAY of T), std::optional<std::vector<T>>
// (nullable array), or a struct with its own Fields(). Records are
// std::optional<std::string> with .Bytes(): raw batch bytes, never parsed here.
// Defaults come from member initializers; a tagged field is written only when it
// differs from the default. Every struct also has `TaggedFields unknown_tags;` so
// tags we do not know survive a round trip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kafka::protocol {

// An inclusive version range; lo > hi is the empty range.
struct Versions {
  int16_t lo = 1;
  int16_t hi = 0;
  constexpr bool Contains(int16_t v) const { return v >= lo && v <= hi; }
  constexpr bool empty() const { return lo > hi; }
};

inline constexpr int16_t kMaxVersion = 0x7fff;
constexpr Versions Since(int v) { return {static_cast<int16_t>(v), kMaxVersion}; }
constexpr Versions Range(int lo, int hi) {
  return {static_cast<int16_t>(lo), static_cast<int16_t>(hi)};
}
constexpr Versions Only(int v) { return Range(v, v); }
inline constexpr Versions kNoVersions{};

// A tag we did not recognise, kept verbatim (tag number and raw value bytes).
struct TaggedField {
  uint32_t tag = 0;
  std::string data;
  bool operator==(const TaggedField&) const = default;
};
using TaggedFields = std::vector<TaggedField>;

template <typename C, typename M>
struct FieldDesc {
  M C::*member;
  const char* name;
  Versions versions;
  Versions nullable{};
  Versions tagged{};
  int32_t tag = -1;
  bool never_flexible = false;
  bool bytes = false;

  constexpr FieldDesc NullableSince(int v) const {
    FieldDesc f = *this;
    f.nullable = Since(v);
    return f;
  }
  constexpr FieldDesc Nullable(Versions v) const {
    FieldDesc f = *this;
    f.nullable = v;
    return f;
  }
  constexpr FieldDesc Tagged(int t, Versions v) const {
    FieldDesc f = *this;
    f.tag = t;
    f.tagged = v;
    return f;
  }
  // Keeps classic (INT16-length) string encoding even in flexible versions, as
  // the request header's ClientId does.
  constexpr FieldDesc NeverFlexible() const {
    FieldDesc f = *this;
    f.never_flexible = true;
    return f;
  }
  // BYTES (INT32 / compact length) rather than STRING for a std::string member.
  constexpr FieldDesc Bytes() const {
    FieldDesc f = *this;
    f.bytes = true;
    return f;
  }
};

template <typename C, typename M>
constexpr FieldDesc<C, M> Field(M C::*member, const char* name, Versions versions) {
  return FieldDesc<C, M>{member, name, versions};
}

}  // namespace kafka::protocol
