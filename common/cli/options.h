// Command-line handling for the tools and daemons, on Boost.ProgramOptions.
//
// Kafka's tools print their usage as a table of options and exit 1 on bad input;
// ours do the same, and when an unknown option is close to a known one they say so:
//   Error: unrecognized option '--patitions'. Did you mean '--partitions'?
// Parse errors never throw past Parse(): they come back as a ParseError result so
// main() can print and exit.
#pragma once

#include <boost/program_options.hpp>

#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace cli {

namespace po = boost::program_options;

// What --version prints: the Kafka version whose tools ours mirror, and our name.
inline constexpr const char* kVersion = "3.4.0 (kafka-cpp)";

struct ParseError {
  std::string message;  // full message, e.g. "unrecognized option '--patitions'. Did you mean '--partitions'?"
};

class Options {
 public:
  // `program` is the name users type (kafka-topics.sh); `summary` is the first usage line.
  Options(std::string program, std::string summary);

  // Register options exactly as with Boost: opts.Add()("topic", po::value<std::string>(), "...").
  // Options are long-only (`--topic x`, `--topic=x`); unambiguous prefixes are accepted, as
  // Kafka's joptsimple does. In the usage table the argument shows as its type (<String>,
  // <Integer>, ...); ->value_name("server to connect to") makes it
  // <String: server to connect to>, and a default value is appended as "(default: 1)".
  po::options_description_easy_init Add();
  // Positional arguments (e.g. zookeeper-shell's command), optional. `max_count` -1
  // takes all the remaining arguments. A name not registered with Add() is added as a
  // hidden option: std::string when max_count is 1, else std::vector<std::string>.
  // Positional names are left out of the usage table. Arguments beyond the declared
  // positionals are an error ("unexpected argument 'x'").
  void Positional(const std::string& name, int max_count);

  // Parses argv; on error returns the message (with a suggestion when one is close).
  std::optional<ParseError> Parse(int argc, const char* const argv[]);

  bool Has(const std::string& name) const { return vm_.count(name) > 0; }
  template <typename T>
  const T& Get(const std::string& name) const {
    return vm_[name].as<T>();
  }
  const po::variables_map& vm() const { return vm_; }
  // The value of the first of `names` that was given (e.g. --bootstrap-server, then
  // Kafka's deprecated --broker-list), nullopt when none was.
  std::optional<std::string> FirstOf(std::initializer_list<const char*> names) const {
    for (const char* n : names) {
      if (Has(n)) return Get<std::string>(n);
    }
    return std::nullopt;
  }

  // Kafka-style usage: summary line, then the "Option  Description" table.
  void PrintUsage(std::ostream& out) const;

  // Prints "Error: <message>" and usage to stderr; returns exit code 1 for main().
  int Fail(const std::string& message) const;

  // Parse() plus the options every tool shares: a parse error prints the error and
  // usage (exit code 1), --help prints usage to stdout (0), --version prints
  // kVersion (0). Returns the exit code when main() should return now, else nullopt.
  // --help and --version are handled only when the tool registered them.
  std::optional<int> ParseOrExit(int argc, const char* const argv[]);

  // Every long option name registered, for suggestions.
  std::vector<std::string> Names() const;

  const std::string& program() const { return program_; }

 private:
  std::string program_;
  std::string summary_;
  std::vector<std::pair<std::string, int>> positional_names_;  // name, max_count
  po::options_description desc_;
  po::positional_options_description positional_;
  po::variables_map vm_;
};

// Closest candidate to `typo` by edit distance (case-sensitive, without the leading
// dashes), or nullopt when nothing is close enough to be a plausible typo.
std::optional<std::string> ClosestMatch(const std::string& typo,
                                        const std::vector<std::string>& candidates);

}  // namespace cli
