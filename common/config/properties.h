// Java .properties files: Kafka's server.properties, ZooKeeper's zoo.cfg.
//
// Follows java.util.Properties.load(): `#` and `!` comment lines, `key=value`,
// `key:value` or `key value` (first unescaped `=`, `:` or whitespace ends the key),
// leading whitespace of a line and around the separator dropped, a line ending in an
// odd number of backslashes continues on the next line (whose leading whitespace is
// dropped), escapes \t \n \r \f \\ \uXXXX, and `\x` is `x` for any other x.
// The last occurrence of a key wins. `${...}` substitution is not supported.
// Thread safety: a value; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/util/status.h"

namespace spdlog {
class logger;
}

namespace config {

class Properties {
 public:
  Properties() = default;

  static util::Result<Properties> Parse(std::string_view text);
  // Reads and parses a file; IOError names the path.
  static util::Result<Properties> Load(const std::string& path);

  bool Has(const std::string& key) const;
  std::optional<std::string> Get(const std::string& key) const;
  std::string GetString(const std::string& key, const std::string& fallback) const;
  // Malformed or out-of-range values are InvalidArgument naming key and value.
  util::Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  // Accepts true/false (case-insensitive), as Kafka does.
  util::Result<bool> GetBool(const std::string& key, bool fallback) const;

  // Adds or replaces (used for --override key=value).
  void Set(const std::string& key, const std::string& value);

  // Keys in sorted order with their final values.
  const std::map<std::string, std::string>& entries() const { return values_; }

  // Keys that are neither in `known` nor start with one of `known_prefixes`.
  std::vector<std::string> UnknownKeys(const std::set<std::string>& known,
                                       const std::vector<std::string>& known_prefixes = {}) const;
  // Logs one warning per unknown key on `logger` ("unknown configuration key 'x' ignored").
  void WarnUnknown(spdlog::logger& logger, const std::set<std::string>& known,
                   const std::vector<std::string>& known_prefixes = {}) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace config
