// Fuzz entry points for the partition log (RELIABILITY.md 7.7 target 4), in plain
// C++ so they build with g++ (replayed by log_fuzz_replay_test on every test run) and
// with clang++ -fsanitize=fuzzer (see README.md). Each aborts on a broken invariant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kafka::log::fuzz {

// Arbitrary bytes as segment 0 of a partition, opened after an unclean stop. The
// recovered file must be a prefix of the input made only of valid, offset-ordered
// batches, LEO must follow the last one, and reading everything must succeed.
void SegmentRecovery(const uint8_t* data, size_t size, const std::string& scratch_dir);

// Arbitrary bytes as a produce request's records. Append either rejects them without
// changing the log, or accepts exactly what validates; the log stays readable.
void Append(const uint8_t* data, size_t size, const std::string& scratch_dir);

}  // namespace kafka::log::fuzz
