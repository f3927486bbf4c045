#include "common/util/crc32c.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace crc = util::crc32c;

// Standard CRC-32C test vectors: RFC 3720 (iSCSI) appendix B.4 and the "check" value.
TEST_CASE("CRC-32C matches the standard test vectors", "[util][crc]") {
  CHECK(crc::Value("123456789") == 0xE3069283u);
  CHECK(crc::Value("") == 0u);

  std::vector<uint8_t> zeros(32, 0x00);
  std::vector<uint8_t> ones(32, 0xFF);
  std::vector<uint8_t> inc(32), dec(32);
  for (int i = 0; i < 32; ++i) {
    inc[i] = static_cast<uint8_t>(i);
    dec[i] = static_cast<uint8_t>(31 - i);
  }
  for (auto fn : {&crc::ExtendPortable, &crc::Extend}) {
    CHECK(fn(0, zeros.data(), zeros.size()) == 0x8A9136AAu);
    CHECK(fn(0, ones.data(), ones.size()) == 0x62A8AB43u);
    CHECK(fn(0, inc.data(), inc.size()) == 0x46DD794Eu);
    CHECK(fn(0, dec.data(), dec.size()) == 0x113FDB5Cu);
  }
  if (crc::HasHardware()) {
    CHECK(crc::ExtendHardware(0, zeros.data(), zeros.size()) == 0x8A9136AAu);
    CHECK(crc::ExtendHardware(0, inc.data(), inc.size()) == 0x46DD794Eu);
  }
}

TEST_CASE("CRC-32C extends incrementally", "[util][crc]") {
  const std::string s = "The quick brown fox jumps over the lazy dog";
  uint32_t whole = crc::Value(s);
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t part = crc::Extend(0, s.data(), cut);
    part = crc::Extend(part, s.data() + cut, s.size() - cut);
    CHECK(part == whole);
  }
  CHECK(whole == 0x22620404u);
}

TEST_CASE("hardware and portable CRC-32C agree on every length and alignment", "[util][crc]") {
  if (!crc::HasHardware()) {
    WARN("no SSE4.2 on this CPU: only the portable path is checked");
    return;
  }
  std::mt19937 rng(42);
  std::vector<uint8_t> buf(4096 + 16);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t len : {0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4096}) {
      uint32_t seed = static_cast<uint32_t>(rng());
      CHECK(crc::ExtendHardware(seed, buf.data() + offset, len) ==
            crc::ExtendPortable(seed, buf.data() + offset, len));
    }
  }
}
