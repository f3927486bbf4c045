// Test helper: fills every field of a message (any version) with a non-default
// value, walking the same Fields() descriptors as the codec, so round-trip tests
// cover every field without listing them by hand.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/protocol/codec_impl.h"

namespace kafka::protocol::testing {

template <typename S>
void FillStruct(S& s, int depth, int seed);

template <typename M>
void FillValue(M& v, int depth, int seed) {
  using namespace internal;
  if constexpr (std::is_same_v<M, bool>) {
    v = true;
  } else if constexpr (std::is_integral_v<M> || std::is_floating_point_v<M>) {
    v = static_cast<M>(17 + seed);
  } else if constexpr (std::is_same_v<M, Uuid>) {
    for (size_t i = 0; i < 16; ++i) v.bytes[i] = static_cast<uint8_t>(i + seed);
  } else if constexpr (std::is_same_v<M, std::string>) {
    v = "s" + std::to_string(seed);
  } else if constexpr (std::is_same_v<M, std::optional<std::string>>) {
    v = "opt" + std::to_string(seed);
  } else if constexpr (IsVector<M>::value) {
    v.clear();
    if (depth <= 0) return;
    v.resize(2);
    FillValue(v[0], depth - 1, seed + 1);
    FillValue(v[1], depth - 1, seed + 2);
  } else if constexpr (IsOptionalVector<M>::value) {
    v.emplace();
    FillValue(*v, depth, seed);
  } else if constexpr (HasFields<M>) {
    FillStruct(v, depth, seed);
  }
}

template <typename S>
void FillStruct(S& s, int depth, int seed) {
  constexpr auto fields = S::Fields();
  int i = 0;
  std::apply([&](const auto&... f) { (FillValue(s.*(f.member), depth, seed + 3 * i++), ...); },
             fields);
}

}  // namespace kafka::protocol::testing
