// Replays the committed fuzz corpus (and a fixed-seed batch of mutations of valid
// segments) through the fuzz entry points, so every test run checks them with g++.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "common/log/fuzz/log_fuzz.h"
#include "common/log/testing/batch_builder.h"

namespace kafka::log::fuzz {
namespace {

std::vector<std::string> CorpusFiles(const std::string& target) {
  std::vector<std::string> out;
  const std::string dir = "common/log/fuzz/corpus/" + target;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
  return out;
}

void Run(void (*entry)(const uint8_t*, size_t, const std::string&), std::string_view data,
         const std::string& scratch) {
  entry(reinterpret_cast<const uint8_t*>(data.data()), data.size(), scratch);
}

std::string ValidSegment(std::mt19937& rng) {
  std::string s;
  int n = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) {
    std::string b = testing::BuildSimpleBatch(1 + static_cast<int>(rng() % 4), 1000 + i, "f",
                                             rng() % 50);
    // Stamp ascending offsets as the log would have (base offset is outside the CRC).
    const uint64_t base = static_cast<uint64_t>(i) * 10;
    for (int k = 0; k < 8; ++k) b[k] = static_cast<char>(base >> (56 - 8 * k));
    s += b;
  }
  return s;
}

std::string Mutate(std::string s, std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:  // flip bytes
      for (int i = 0; i < 1 + static_cast<int>(rng() % 4) && !s.empty(); ++i) {
        s[rng() % s.size()] ^= static_cast<char>(1 + rng() % 255);
      }
      break;
    case 1:  // cut
      if (!s.empty()) s.resize(rng() % s.size());
      break;
    case 2:  // append junk
      for (int i = 0; i < static_cast<int>(rng() % 100); ++i) s.push_back(static_cast<char>(rng()));
      break;
    default:  // leave valid
      break;
  }
  return s;
}

TEST_CASE("fuzz corpus replays through segment recovery and append", "[log][fuzz]") {
  std::string scratch = testing::FreshTestDir("fuzz_replay");
  REQUIRE_FALSE(CorpusFiles("segment_recovery").empty());
  REQUIRE_FALSE(CorpusFiles("append").empty());
  for (const auto& path : CorpusFiles("segment_recovery")) {
    INFO(path);
    Run(&SegmentRecovery, testing::ReadFileOrDie(path), scratch);
  }
  for (const auto& path : CorpusFiles("append")) {
    INFO(path);
    Run(&Append, testing::ReadFileOrDie(path), scratch);
  }
}

TEST_CASE("fixed-seed mutations of valid segments keep recovery invariants", "[log][fuzz]") {
  std::string scratch = testing::FreshTestDir("fuzz_mutations");
  std::mt19937 rng(424242);
  for (int i = 0; i < 100; ++i) {
    std::string input = Mutate(ValidSegment(rng), rng);
    Run(&SegmentRecovery, input, scratch);
    Run(&Append, input, scratch);
  }
}

}  // namespace
}  // namespace kafka::log::fuzz
