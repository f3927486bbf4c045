#include "common/cli/options.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <typeinfo>

namespace cli {
namespace {

// Hidden positional that swallows arguments nobody declared, so we can name them.
constexpr char kExtraPositional[] = "__unexpected_argument__";

// Usage table geometry, after joptsimple's BuiltinHelpFormatter (80 columns).
constexpr size_t kOptionWidth = 39;
constexpr size_t kDescriptionColumn = 41;
constexpr size_t kDescriptionWidth = 38;
constexpr size_t kIndent = 2;

std::string StripDashes(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && s[i] == '-') ++i;
  return s.substr(i);
}

std::string Quoted(const std::string& name) { return "'--" + name + "'"; }

// Optimal-string-alignment Damerau-Levenshtein distance: a swap of two adjacent
// characters ("partitons") costs 1, like an insertion, deletion or substitution.
size_t EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

size_t CommonPrefix(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

std::string TypeName(const std::type_info& t) {
  if (t == typeid(std::string) || t == typeid(std::vector<std::string>)) return "String";
  if (t == typeid(int) || t == typeid(int16_t) || t == typeid(int8_t) || t == typeid(unsigned) ||
      t == typeid(uint16_t) || t == typeid(std::vector<int>)) {
    return "Integer";
  }
  if (t == typeid(long) || t == typeid(long long) || t == typeid(unsigned long) ||
      t == typeid(unsigned long long) || t == typeid(std::vector<long>) ||
      t == typeid(std::vector<long long>)) {
    return "Long";
  }
  if (t == typeid(double) || t == typeid(float)) return "Double";
  if (t == typeid(bool)) return "Boolean";
  return "Value";
}

// Greedy word wrap; continuation lines are indented by kIndent, as joptsimple does.
// A word longer than the width gets a line of its own rather than being split.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::istringstream paragraphs(text);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word, line;
    while (words >> word) {
      if (line.empty()) {
        line = (lines.empty() ? "" : std::string(kIndent, ' ')) + word;
      } else if (line.size() + 1 + word.size() <= width) {
        line += " " + word;
      } else {
        lines.push_back(line);
        line = std::string(kIndent, ' ') + word;
      }
    }
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The "<Type: name>" part and the "(default: x)" suffix, from Boost's semantic name,
// which is "arg", "<value_name>", or either followed by " (=default)".
struct ArgumentText {
  std::string argument;  // "<String: server to connect to>", or "" for a flag
  std::string default_text;
};

ArgumentText DescribeArgument(const po::value_semantic& semantic) {
  ArgumentText out;
  if (semantic.max_tokens() == 0) return out;
  std::string type = "String";
  if (const auto* typed = dynamic_cast<const po::typed_value_base*>(&semantic)) {
    type = TypeName(typed->value_type());
  }
  std::string name = semantic.name();
  bool optional = false;
  if (name.rfind("[=", 0) == 0) {  // implicit value: "[=name(=implicit)]"
    optional = true;
    name = name.substr(2);
    size_t paren = name.find("(=");
    name = name.substr(0, paren);
  } else {
    size_t def = name.rfind(" (=");
    if (def != std::string::npos && name.back() == ')') {
      out.default_text = name.substr(def + 3, name.size() - def - 4);
      name = name.substr(0, def);
    }
  }
  std::string inner = name == "arg" || name.empty() ? type : type + ": " + name;
  out.argument = optional ? "[" + inner + "]" : "<" + inner + ">";
  return out;
}

}  // namespace

std::optional<std::string> ClosestMatch(const std::string& typo,
                                        const std::vector<std::string>& candidates) {
  const std::string word = StripDashes(typo);
  if (word.empty()) return std::nullopt;
  const size_t threshold = std::max<size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = SIZE_MAX;
  bool best_prefix = false;
  size_t best_common = 0;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    // A "match" that rewrites the whole word is no hint at all.
    if (distance > threshold || distance >= word.size() || distance >= candidate.size()) continue;
    size_t common = CommonPrefix(word, candidate);
    bool prefix = common == word.size() || common == candidate.size();
    bool better = !best || distance < best_distance ||
                  (distance == best_distance &&
                   (prefix > best_prefix ||
                    (prefix == best_prefix &&
                     (common > best_common || (common == best_common && candidate < *best)))));
    if (better) {
      best = candidate;
      best_distance = distance;
      best_prefix = prefix;
      best_common = common;
    }
  }
  return best;
}

Options::Options(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

po::options_description_easy_init Options::Add() { return desc_.add_options(); }

void Options::Positional(const std::string& name, int max_count) {
  positional_.add(name.c_str(), max_count);
  positional_names_.emplace_back(name, max_count);
}

std::vector<std::string> Options::Names() const {
  std::vector<std::string> names;
  for (const auto& option : desc_.options()) {
    if (!option->long_name().empty()) names.push_back(option->long_name());
  }
  return names;
}

std::optional<ParseError> Options::Parse(int argc, const char* const argv[]) {
  // Declared positionals that were not registered become hidden options, and one more
  // hidden positional collects anything left over so it can be reported by name.
  po::options_description all;
  all.add(desc_);
  po::options_description hidden;
  bool unlimited = false;
  for (const auto& [name, max_count] : positional_names_) {
    if (max_count < 0) unlimited = true;
    if (desc_.find_nothrow(name, false) != nullptr) continue;
    if (max_count == 1) {
      hidden.add_options()(name.c_str(), po::value<std::string>(), "");
    } else {
      hidden.add_options()(name.c_str(), po::value<std::vector<std::string>>(), "");
    }
  }
  po::positional_options_description positional = positional_;
  if (!unlimited) {
    hidden.add_options()(kExtraPositional, po::value<std::vector<std::string>>(), "");
    positional.add(kExtraPositional, -1);
  }
  all.add(hidden);

  namespace style = po::command_line_style;
  const int kStyle = style::allow_long | style::long_allow_adjacent | style::long_allow_next |
                     style::allow_guessing;
  try {
    po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(positional).style(kStyle).run();
    for (const po::option& option : parsed.options) {
      if (option.string_key != kExtraPositional || option.original_tokens.empty()) continue;
      const std::string& token = option.original_tokens.front();
      // "-topic": Kafka's options take two dashes; point at the right spelling.
      if (token.size() > 1 && token[0] == '-' &&
          !std::isdigit(static_cast<unsigned char>(token[1]))) {
        std::string message = "unrecognized option '" + token + "'";
        std::string name = StripDashes(token.substr(0, token.find('=')));
        if (auto match = ClosestMatch(name, Names()))
          message += ". Did you mean " + Quoted(*match) + "?";
        return ParseError{message};
      }
      return ParseError{"unexpected argument '" + token + "'"};
    }
    po::variables_map vm;
    po::store(parsed, vm);
    po::notify(vm);
    vm_ = std::move(vm);
    return std::nullopt;
  } catch (const po::unknown_option& e) {
    std::string token = e.get_option_name();
    token = token.substr(0, token.find('='));  // "--patitions=3" names "--patitions"
    std::string message = "unrecognized option '" + token + "'";
    if (auto match = ClosestMatch(StripDashes(token), Names())) {
      message += ". Did you mean " + Quoted(*match) + "?";
    }
    return ParseError{message};
  } catch (const po::ambiguous_option& e) {
    std::string message = "option '" + e.get_option_name() + "' is ambiguous; it could be ";
    const std::vector<std::string>& alternatives = e.alternatives();
    for (size_t i = 0; i < alternatives.size(); ++i) {
      if (i > 0) message += i + 1 == alternatives.size() ? " or " : ", ";
      message += Quoted(alternatives[i]);
    }
    return ParseError{message};
  } catch (const po::invalid_command_line_syntax& e) {
    switch (e.kind()) {
      case po::invalid_syntax::missing_parameter:
      case po::invalid_syntax::empty_adjacent_parameter:
        return ParseError{"option '" + e.get_option_name() + "' requires an argument"};
      case po::invalid_syntax::extra_parameter:
        return ParseError{"option '" + e.get_option_name() + "' does not take an argument"};
      default:
        return ParseError{e.what()};
    }
  } catch (const po::error& e) {
    // invalid_option_value ("the argument ('abc') for option '--partitions' is invalid"),
    // multiple_occurrences, required_option: Boost's own text is already clear.
    return ParseError{e.what()};
  } catch (const std::exception& e) {
    return ParseError{e.what()};
  }
}

void Options::PrintUsage(std::ostream& out) const {
  if (!summary_.empty()) out << summary_ << "\n";
  std::string pad(kDescriptionColumn - 6, ' ');
  out << "Option" << pad << "Description\n";
  out << "------" << pad << "-----------\n";

  std::vector<const po::option_description*> options;
  for (const auto& option : desc_.options()) {
    bool positional = false;
    for (const auto& [name, count] : positional_names_) positional |= name == option->long_name();
    if (!positional && !option->long_name().empty()) options.push_back(option.get());
  }
  std::sort(options.begin(), options.end(),
            [](const auto* a, const auto* b) { return a->long_name() < b->long_name(); });

  for (const po::option_description* option : options) {
    ArgumentText arg = DescribeArgument(*option->semantic());
    std::string left = "--" + option->long_name();
    if (!arg.argument.empty()) left += " " + arg.argument;
    std::string description = option->description();
    if (!arg.default_text.empty()) {
      description +=
          (description.empty() ? "" : " ") + std::string("(default: ") + arg.default_text + ")";
    }
    std::vector<std::string> left_lines = Wrap(left, kOptionWidth);
    std::vector<std::string> right_lines = Wrap(description, kDescriptionWidth);
    if (!left_lines.empty() && left_lines.front().size() > kOptionWidth) {
      // An option too long for its column: the description starts below it.
      for (const std::string& l : left_lines) out << l << "\n";
      for (const std::string& r : right_lines) {
        out << std::string(kDescriptionColumn, ' ') << r << "\n";
      }
      continue;
    }
    size_t rows = std::max(left_lines.size(), right_lines.size());
    for (size_t i = 0; i < rows; ++i) {
      std::string l = i < left_lines.size() ? left_lines[i] : "";
      std::string r = i < right_lines.size() ? right_lines[i] : "";
      if (r.empty()) {
        out << l << "\n";
      } else {
        out << l
            << std::string(kDescriptionColumn - std::min(l.size(), kDescriptionColumn - 1), ' ')
            << r << "\n";
      }
    }
  }
}

int Options::Fail(const std::string& message) const {
  std::cerr << "Error: " << message << "\n";
  PrintUsage(std::cerr);
  return 1;
}

std::optional<int> Options::ParseOrExit(int argc, const char* const argv[]) {
  if (auto err = Parse(argc, argv)) return Fail(err->message);
  if (Has("help")) {
    PrintUsage(std::cout);
    return 0;
  }
  if (Has("version")) {
    std::cout << kVersion << "\n";
    return 0;
  }
  return std::nullopt;
}

}  // namespace cli
