// Definitions of the generic Encode/Decode (codec.h). Include only from
// messages/*.cc (and tests), which instantiate them per message.
//
// Walks T::Fields() with a fold over the descriptor tuple. `Ctx` carries the
// message version and whether it is flexible; nested structs inherit both.
// Decoding never throws: reads go through the sticky Reader, arrays check their
// count against the bytes left before growing, and Decode checks r.ok() once.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/protocol/codec.h"
#include "common/protocol/field.h"

namespace kafka::protocol::internal {

struct Ctx {
  int16_t version;
  bool flexible;
};

struct ValueOpts {
  bool nullable = false;
  bool compact = false;  // strings/bytes use compact encoding
  bool bytes = false;
};

template <typename T>
concept HasFields = requires { T::Fields(); };

template <typename T>
struct IsVector : std::false_type {};
template <typename E>
struct IsVector<std::vector<E>> : std::true_type {
  using Elem = E;
};
template <typename T>
struct IsOptional : std::false_type {};
template <typename E>
struct IsOptional<std::optional<E>> : std::true_type {
  using Inner = E;
};

template <typename T>
struct IsOptionalVector : std::false_type {};
template <typename E>
struct IsOptionalVector<std::optional<std::vector<E>>> : std::true_type {};

template <typename S>
void EncodeStruct(Writer& w, const S& s, Ctx c);
template <typename S>
void DecodeStruct(Reader& r, S& s, Ctx c);

// Smallest wire size of one value, for array count checks.
template <typename M>
constexpr size_t MinSize(bool compact) {
  if constexpr (std::is_same_v<M, bool> || std::is_same_v<M, int8_t>) return 1;
  else if constexpr (std::is_same_v<M, int16_t> || std::is_same_v<M, uint16_t>) return 2;
  else if constexpr (std::is_same_v<M, int32_t>) return 4;
  else if constexpr (std::is_same_v<M, int64_t> || std::is_same_v<M, double>) return 8;
  else if constexpr (std::is_same_v<M, Uuid>) return 16;
  else if constexpr (std::is_same_v<M, std::string>) return compact ? 1 : 2;
  else return 1;
}

template <typename M>
void EncodeValue(Writer& w, const M& v, ValueOpts o, Ctx c) {
  if constexpr (std::is_same_v<M, bool>) {
    w.Bool(v);
  } else if constexpr (std::is_same_v<M, int8_t>) {
    w.Int8(v);
  } else if constexpr (std::is_same_v<M, int16_t>) {
    w.Int16(v);
  } else if constexpr (std::is_same_v<M, uint16_t>) {
    w.Uint16(v);
  } else if constexpr (std::is_same_v<M, int32_t>) {
    w.Int32(v);
  } else if constexpr (std::is_same_v<M, int64_t>) {
    w.Int64(v);
  } else if constexpr (std::is_same_v<M, double>) {
    w.Float64(v);
  } else if constexpr (std::is_same_v<M, Uuid>) {
    w.Uuid(v);
  } else if constexpr (std::is_same_v<M, std::string>) {
    if (o.bytes) {
      o.compact ? w.CompactBytes(v) : w.Bytes(v);
    } else {
      o.compact ? w.CompactString(v) : w.String(v);
    }
  } else if constexpr (std::is_same_v<M, std::optional<std::string>>) {
    if (!o.nullable && !v) {  // null in a non-nullable version: send empty
      EncodeValue(w, std::string(), o, c);
    } else if (o.bytes) {
      o.compact ? w.CompactNullableBytes(v) : w.NullableBytes(v);
    } else {
      o.compact ? w.CompactNullableString(v) : w.NullableString(v);
    }
  } else if constexpr (IsVector<M>::value) {
    int32_t n = static_cast<int32_t>(v.size());
    c.flexible ? w.CompactArrayLen(n) : w.ArrayLen(n);
    ValueOpts eo{false, o.compact, o.bytes};
    for (const auto& e : v) EncodeValue(w, e, eo, c);
  } else if constexpr (IsOptionalVector<M>::value) {
    if (!v) {
      if (o.nullable) {
        c.flexible ? w.CompactArrayLen(-1) : w.ArrayLen(-1);
      } else {
        c.flexible ? w.CompactArrayLen(0) : w.ArrayLen(0);
      }
      return;
    }
    EncodeValue(w, *v, o, c);
  } else if constexpr (HasFields<M>) {
    EncodeStruct(w, v, c);
  } else {
    static_assert(sizeof(M) == 0, "unsupported field type");
  }
}

template <typename M>
void DecodeValue(Reader& r, M& v, ValueOpts o, Ctx c) {
  if constexpr (std::is_same_v<M, bool>) {
    v = r.Bool();
  } else if constexpr (std::is_same_v<M, int8_t>) {
    v = r.Int8();
  } else if constexpr (std::is_same_v<M, int16_t>) {
    v = r.Int16();
  } else if constexpr (std::is_same_v<M, uint16_t>) {
    v = r.Uint16();
  } else if constexpr (std::is_same_v<M, int32_t>) {
    v = r.Int32();
  } else if constexpr (std::is_same_v<M, int64_t>) {
    v = r.Int64();
  } else if constexpr (std::is_same_v<M, double>) {
    v = r.Float64();
  } else if constexpr (std::is_same_v<M, Uuid>) {
    v = r.Uuid();
  } else if constexpr (std::is_same_v<M, std::string>) {
    std::optional<std::string> s;
    DecodeValue(r, s, o, c);
    if (!s) {
      r.Fail();  // null where the schema does not allow it
      return;
    }
    v = std::move(*s);
  } else if constexpr (std::is_same_v<M, std::optional<std::string>>) {
    if (o.bytes) {
      v = o.compact ? r.CompactNullableBytes() : r.NullableBytes();
    } else {
      v = o.compact ? r.CompactNullableString() : r.NullableString();
    }
    if (!v && !o.nullable && r.ok()) {
      // Kafka rejects a null in a non-nullable version; so do we.
      r.Fail();
    }
  } else if constexpr (IsVector<M>::value) {
    using E = typename IsVector<M>::Elem;
    int32_t n = c.flexible ? r.CompactArrayLen(MinSize<E>(o.compact))
                           : r.ArrayLen(MinSize<E>(o.compact));
    v.clear();
    if (n < 0) {
      if (r.ok()) r.Fail();  // null array where not nullable
      return;
    }
    if constexpr (!HasFields<E>) v.reserve(static_cast<size_t>(n));
    ValueOpts eo{false, o.compact, o.bytes};
    for (int32_t i = 0; i < n && r.ok(); ++i) {
      v.emplace_back();
      DecodeValue(r, v.back(), eo, c);
    }
  } else if constexpr (IsOptionalVector<M>::value) {
    using V = typename IsOptional<M>::Inner;
    using E = typename IsVector<V>::Elem;
    // Peek the count without consuming it: decode via a copy of the reader state.
    Reader probe = r;
    int32_t n = c.flexible ? probe.CompactArrayLen(MinSize<E>(o.compact))
                           : probe.ArrayLen(MinSize<E>(o.compact));
    if (!probe.ok()) {
      r = probe;
      return;
    }
    if (n < 0) {
      r = probe;
      v.reset();
      if (!o.nullable) r.Fail();
      return;
    }
    v.emplace();
    DecodeValue(r, *v, o, c);
  } else if constexpr (HasFields<M>) {
    DecodeStruct(r, v, c);
  } else {
    static_assert(sizeof(M) == 0, "unsupported field type");
  }
}

template <typename F>
ValueOpts OptsFor(const F& f, Ctx c, bool in_tag) {
  ValueOpts o;
  o.nullable = f.nullable.Contains(c.version);
  // Tagged values are always in flexible versions; never-flexible keeps classic.
  o.compact = (c.flexible || in_tag) && !f.never_flexible;
  o.bytes = f.bytes;
  return o;
}

template <typename S>
const S& DefaultOf() {
  static const S kDefault{};
  return kDefault;
}

template <typename S>
void EncodeStruct(Writer& w, const S& s, Ctx c) {
  constexpr auto fields = S::Fields();
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fd) {
          if (fd.tag >= 0 && c.flexible && fd.tagged.Contains(c.version)) return;
          if (!fd.versions.Contains(c.version)) return;
          EncodeValue(w, s.*(fd.member), OptsFor(fd, c, false), c);
        };
        (one(f), ...);
      },
      fields);
  if (!c.flexible) return;
  // Tag section: known tagged fields that differ from their default, plus the
  // unknown tags we kept, in ascending tag order.
  std::vector<TaggedField> tags;
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fd) {
          if (fd.tag < 0 || !fd.tagged.Contains(c.version)) return;
          if (s.*(fd.member) == DefaultOf<S>().*(fd.member)) return;
          Writer tw;
          EncodeValue(tw, s.*(fd.member), OptsFor(fd, c, true), c);
          tags.push_back({static_cast<uint32_t>(fd.tag), tw.Take()});
        };
        (one(f), ...);
      },
      fields);
  for (const auto& t : s.unknown_tags) tags.push_back(t);
  std::stable_sort(tags.begin(), tags.end(),
                   [](const TaggedField& a, const TaggedField& b) { return a.tag < b.tag; });
  w.Uvarint(tags.size());
  for (const auto& t : tags) {
    w.Uvarint(t.tag);
    w.Uvarint(t.data.size());
    w.Raw(t.data);
  }
}

template <typename S>
void DecodeStruct(Reader& r, S& s, Ctx c) {
  constexpr auto fields = S::Fields();
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fd) {
          if (!r.ok()) return;
          if (fd.tag >= 0 && c.flexible && fd.tagged.Contains(c.version)) return;
          if (!fd.versions.Contains(c.version)) return;
          DecodeValue(r, s.*(fd.member), OptsFor(fd, c, false), c);
        };
        (one(f), ...);
      },
      fields);
  if (!c.flexible || !r.ok()) return;
  uint32_t n = r.Uvarint();
  if (n > r.remaining() / 2) {  // each tag takes at least 2 bytes (tag + size)
    r.Fail();
    return;
  }
  int64_t last_tag = -1;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    uint32_t tag = r.Uvarint();
    uint32_t size = r.Uvarint();
    std::string_view data = r.Span(size);
    if (!r.ok()) return;
    if (static_cast<int64_t>(tag) <= last_tag) {  // tags must be ascending and unique
      r.Fail();
      return;
    }
    last_tag = tag;
    bool known = false;
    std::apply(
        [&](const auto&... f) {
          auto one = [&](const auto& fd) {
            if (known || fd.tag < 0 || static_cast<uint32_t>(fd.tag) != tag ||
                !fd.tagged.Contains(c.version))
              return;
            known = true;
            Reader sub(data);
            DecodeValue(sub, s.*(fd.member), OptsFor(fd, c, true), c);
            if (!sub.ok()) r.Fail();
          };
          (one(f), ...);
        },
        fields);
    if (!known) s.unknown_tags.push_back({tag, std::string(data)});
  }
}

}  // namespace kafka::protocol::internal

namespace kafka::protocol {

template <typename T>
void Encode(const T& msg, int16_t version, Writer& w) {
  internal::Ctx c{version, version >= T::kFirstFlexible};
  internal::EncodeStruct(w, msg, c);
}

template <typename T>
util::Result<T> Decode(Reader& r, int16_t version) {
  if (!T::kVersions.Contains(version)) {
    return util::Status::NotSupported("unsupported version " + std::to_string(version));
  }
  internal::Ctx c{version, version >= T::kFirstFlexible};
  T out;
  internal::DecodeStruct(r, out, c);
  if (!r.ok()) {
    return util::Status::Corruption("malformed body at version " + std::to_string(version));
  }
  return out;
}

}  // namespace kafka::protocol
