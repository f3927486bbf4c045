#include "daemon/broker/inter_broker/handshake.h"

#include <charconv>
#include <random>

namespace kafka::broker::inter_broker {

std::string EncodeAuthToken(int32_t broker_id, std::string_view secret) {
  std::string out = std::to_string(broker_id);
  out.push_back('\0');
  out.append(secret);
  return out;
}

std::optional<AuthToken> DecodeAuthToken(std::string_view bytes) {
  const size_t sep = bytes.find('\0');
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= bytes.size()) return std::nullopt;
  AuthToken token;
  const char* begin = bytes.data();
  auto [ptr, ec] = std::from_chars(begin, begin + sep, token.broker_id);
  if (ec != std::errc() || ptr != begin + sep || token.broker_id < 0) return std::nullopt;
  token.secret = std::string(bytes.substr(sep + 1));
  return token;
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string GenerateSecret() {
  std::random_device rd;  // /dev/urandom on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (int i = 0; i < 8; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j) {
      out.push_back(kHex[v & 0xf]);
      v >>= 4;
    }
  }
  return out;
}

}  // namespace kafka::broker::inter_broker
