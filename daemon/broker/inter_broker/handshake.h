// How one broker proves to another that it is a broker (RELIABILITY.md B12: the
// inter-broker APIs are refused from client connections).
//
// The cluster keeps a random secret in ZooKeeper (/kafka_cpp/inter_broker_secret,
// created by the first broker that starts; KafkaZk::GetOrCreateInterBrokerSecret).
// A connecting broker sends SaslHandshake v1 with the private mechanism
// kMechanism, then SaslAuthenticate v2 whose bytes are the token
// "<broker id>\0<secret>". The receiving broker compares the secret (constant
// time) and marks the connection "authenticated as broker <id>"; the inter-broker
// handlers and Fetch with replica_id >= 0 check that mark. Threat model: whoever
// can read or write ZooKeeper already controls the cluster; the token travels in
// clear like SASL/PLAIN over PLAINTEXT, so it protects against clients, not
// against someone sniffing the inter-broker network.
// Pure code: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kafka::broker::inter_broker {

inline constexpr std::string_view kMechanism = "KAFKA-CPP-INTER-BROKER";
// Where the secret lives in ZooKeeper (under the chroot); not a Kafka path.
inline constexpr std::string_view kSecretZNodePath = "/kafka_cpp/inter_broker_secret";

struct AuthToken {
  int32_t broker_id = -1;
  std::string secret;
};

std::string EncodeAuthToken(int32_t broker_id, std::string_view secret);
// nullopt for anything malformed (no separator, bad or negative id, empty secret).
std::optional<AuthToken> DecodeAuthToken(std::string_view bytes);
// Equal, in time that depends only on the lengths.
bool SecretsEqual(std::string_view a, std::string_view b);
// 32 random bytes from the OS, as 64 hex digits.
std::string GenerateSecret();

}  // namespace kafka::broker::inter_broker
