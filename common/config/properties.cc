#include "common/config/properties.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace config {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }
bool IsEol(char c) { return c == '\n' || c == '\r'; }

// One logical line: natural lines joined at odd trailing backslashes, still escaped.
struct LogicalLine {
  std::string text;
  int line_number = 0;  // 1-based number of the natural line it starts on
};

// Splits the input into logical lines the way java.util.Properties' LineReader does:
// leading whitespace and blank lines are skipped, `#`/`!` lines are comments (and never
// continue), a line ending in an odd number of backslashes continues on the next one
// with that line's leading whitespace dropped, and a dangling backslash at EOF is dropped.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool Next(LogicalLine& out) {
    out.text.clear();
    while (pos_ < text_.size()) {
      // Start of a natural line that may begin a logical line.
      SkipBlanks();
      if (pos_ >= text_.size()) return false;
      char c = text_[pos_];
      if (IsEol(c)) {  // blank line
        SkipEol();
        continue;
      }
      if (c == '#' || c == '!') {  // comment: the rest of the natural line, no continuation
        while (pos_ < text_.size() && !IsEol(text_[pos_])) ++pos_;
        SkipEol();
        continue;
      }
      out.line_number = line_;
      for (;;) {
        size_t start = pos_;
        while (pos_ < text_.size() && !IsEol(text_[pos_])) ++pos_;
        std::string_view natural = text_.substr(start, pos_ - start);
        size_t backslashes = 0;
        while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\') {
          ++backslashes;
        }
        bool at_eof = pos_ >= text_.size();
        SkipEol();
        if (backslashes % 2 == 0) {
          out.text.append(natural);
          break;
        }
        out.text.append(natural.substr(0, natural.size() - 1));
        if (at_eof) break;
        // Continuation: the next line's leading whitespace is dropped; an empty
        // (or all-blank) next line ends the logical line.
        SkipBlanks();
        if (pos_ >= text_.size()) break;
        if (IsEol(text_[pos_])) {
          SkipEol();
          break;
        }
      }
      // A lone "\" continued into an empty line leaves nothing: Java skips it too.
      if (out.text.empty()) continue;
      return true;
    }
    return false;
  }

 private:
  void SkipBlanks() {
    while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
  }
  // Consumes one line terminator (\n, \r or \r\n) if present.
  void SkipEol() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
    } else if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the four hex digits of a \uXXXX escape starting at `pos`.
std::optional<uint32_t> ReadHex4(std::string_view in, size_t pos) {
  if (pos + 4 > in.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    int h = HexValue(in[pos + i]);
    if (h < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint32_t>(h);
  }
  return v;
}

// Java's loadConvert: resolves escapes. \uXXXX values are UTF-16 code units, so a
// surrogate pair becomes one code point; an unpaired surrogate becomes U+FFFD.
// Other bytes pass through unchanged (files are read as UTF-8, not ISO-8859-1).
util::Result<std::string> Unescape(std::string_view in, int line_number) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    char c = in[i++];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i >= in.size()) break;  // dangling backslash: dropped, as at EOF
    c = in[i++];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        std::optional<uint32_t> unit = ReadHex4(in, i);
        if (!unit) {
          return util::Status::InvalidArgument("line " + std::to_string(line_number) +
                                               ": malformed \\uxxxx encoding");
        }
        i += 4;
        uint32_t cp = *unit;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::optional<uint32_t> low;
          if (i + 6 <= in.size() && in[i] == '\\' && in[i + 1] == 'u') low = ReadHex4(in, i + 2);
          if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        out.push_back(c);
        break;  // \\ \= \: \# \! \space and any other \x -> x
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

util::Status InvalidValue(const std::string& key, const std::string& value, const char* why) {
  return util::Status::InvalidArgument("Invalid value '" + value + "' for configuration key '" +
                                       key + "': " + why);
}

}  // namespace

util::Result<Properties> Properties::Parse(std::string_view text) {
  Properties props;
  LineReader reader(text);
  LogicalLine line;
  while (reader.Next(line)) {
    const std::string& s = line.text;
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t key_len = 0;
    size_t value_start = s.size();
    bool has_sep = false;
    bool preceding_backslash = false;
    for (; key_len < s.size(); ++key_len) {
      char c = s[key_len];
      if (!preceding_backslash && (c == '=' || c == ':')) {
        value_start = key_len + 1;
        has_sep = true;
        break;
      }
      if (!preceding_backslash && IsBlank(c)) {
        value_start = key_len + 1;
        break;
      }
      preceding_backslash = c == '\\' ? !preceding_backslash : false;
    }
    // Whitespace, then at most one '=' or ':' (if whitespace ended the key), then whitespace.
    for (; value_start < s.size(); ++value_start) {
      char c = s[value_start];
      if (IsBlank(c)) continue;
      if (!has_sep && (c == '=' || c == ':')) {
        has_sep = true;
        continue;
      }
      break;
    }
    util::Result<std::string> key =
        Unescape(std::string_view(s).substr(0, key_len), line.line_number);
    if (!key.ok()) return key.status();
    util::Result<std::string> value =
        Unescape(std::string_view(s).substr(value_start), line.line_number);
    if (!value.ok()) return value.status();
    props.values_[std::move(*key)] = std::move(*value);
  }
  return props;
}

util::Result<Properties> Properties::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return util::Status::IOError("cannot read " + path);
  util::Result<Properties> props = Parse(buf.str());
  if (!props.ok()) return props.status().WithContext(path);
  return props;
}

bool Properties::Has(const std::string& key) const { return values_.count(key) > 0; }

std::optional<std::string> Properties::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Properties::GetString(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

util::Result<int64_t> Properties::GetInt(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  std::string_view v = Trim(it->second);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);  // Long.parseLong accepts "+5"
  if (v.empty() || v.front() == '+' || v.front() == ' ') {
    return InvalidValue(key, it->second, "not an integer");
  }
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec == std::errc::result_out_of_range) return InvalidValue(key, it->second, "out of range");
  if (ec != std::errc() || end != v.data() + v.size()) {
    return InvalidValue(key, it->second, "not an integer");
  }
  return out;
}

util::Result<bool> Properties::GetBool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  std::string_view v = Trim(it->second);
  if (EqualsIgnoreCase(v, "true")) return true;
  if (EqualsIgnoreCase(v, "false")) return false;
  return InvalidValue(key, it->second, "expected true or false");
}

void Properties::Set(const std::string& key, const std::string& value) { values_[key] = value; }

std::vector<std::string> Properties::UnknownKeys(
    const std::set<std::string>& known, const std::vector<std::string>& known_prefixes) const {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : values_) {
    if (known.count(key)) continue;
    bool prefixed = false;
    for (const std::string& prefix : known_prefixes) {
      if (key.compare(0, prefix.size(), prefix) == 0) {
        prefixed = true;
        break;
      }
    }
    if (!prefixed) unknown.push_back(key);
  }
  return unknown;
}

void Properties::WarnUnknown(spdlog::logger& logger, const std::set<std::string>& known,
                             const std::vector<std::string>& known_prefixes) const {
  for (const std::string& key : UnknownKeys(known, known_prefixes)) {
    logger.warn("unknown configuration key '{}' ignored", key);
  }
}

}  // namespace config
