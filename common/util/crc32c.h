// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by Kafka's record
// batch v2 and our own on-disk checksums.
//
// Extend() picks the SSE4.2 instruction path when the CPU has it (checked once at
// start-up) and the portable table path otherwise; both give identical results and
// both are exposed so tests can compare them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace util::crc32c {

// Continues a CRC over `data`. Start with crc = 0.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// The two implementations, for tests and benchmarks.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);
uint32_t ExtendHardware(uint32_t crc, const void* data, size_t n);  // requires HasHardware()
bool HasHardware();

}  // namespace util::crc32c
