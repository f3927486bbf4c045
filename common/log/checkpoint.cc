#include "common/log/checkpoint.h"

#include <charconv>
#include <string_view>

#include "common/log/file.h"

namespace kafka::log {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits into entry lines after checking the version and count lines.
util::Result<std::vector<std::vector<std::string_view>>> ParseCheckpoint(
    const std::string& path, std::string_view text, size_t fields_per_entry) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  auto bad = [&](size_t line_no, std::string_view why) {
    return util::Status::Corruption("checkpoint " + path + " line " + std::to_string(line_no) +
                                    ": " + std::string(why));
  };
  int version = -1;
  if (lines.empty() || !ParseInt(lines[0], &version)) return bad(1, "missing version");
  if (version != 0) return bad(1, "unsupported version " + std::string(lines[0]));
  int64_t count = -1;
  if (lines.size() < 2 || !ParseInt(lines[1], &count) || count < 0) return bad(2, "bad count");
  if (static_cast<uint64_t>(count) > lines.size() - 2) {
    return bad(2, "count " + std::to_string(count) + " exceeds the entries present");
  }
  std::vector<std::vector<std::string_view>> entries;
  for (int64_t i = 0; i < count; ++i) {
    auto fields = SplitFields(lines[2 + i]);
    if (fields.size() != fields_per_entry) {
      return bad(3 + i, "malformed entry '" + std::string(lines[2 + i]) + "'");
    }
    entries.push_back(std::move(fields));
  }
  for (size_t i = 2 + count; i < lines.size(); ++i) {
    if (!lines[i].empty()) return bad(i + 1, "unexpected trailing line");
  }
  return entries;
}

util::Result<std::string> ReadIfExists(const std::string& path, bool* missing) {
  auto text = ReadWholeFile(path);
  *missing = !text.ok() && text.status().IsNotFound();
  return text;
}

}  // namespace

util::Result<OffsetMap> ReadOffsetCheckpoint(const std::string& path) {
  bool missing = false;
  auto text = ReadIfExists(path, &missing);
  if (missing) return OffsetMap{};
  if (!text.ok()) return text.status();
  auto entries = ParseCheckpoint(path, *text, 3);
  if (!entries.ok()) return entries.status();
  OffsetMap out;
  for (const auto& f : *entries) {
    TopicPartition tp{std::string(f[0]), 0};
    int64_t offset = 0;
    if (!ParseInt(f[1], &tp.partition) || tp.partition < 0 || !ParseInt(f[2], &offset)) {
      return util::Status::Corruption("checkpoint " + path + ": malformed entry for " +
                                      std::string(f[0]));
    }
    out[tp] = offset;
  }
  return out;
}

util::Status WriteOffsetCheckpoint(const std::string& path, const OffsetMap& offsets) {
  std::string text = "0\n" + std::to_string(offsets.size()) + "\n";
  for (const auto& [tp, offset] : offsets) {
    text += tp.topic + " " + std::to_string(tp.partition) + " " + std::to_string(offset) + "\n";
  }
  return WriteFileAtomic(path, text);
}

util::Result<std::vector<EpochEntry>> ReadEpochCheckpoint(const std::string& path) {
  bool missing = false;
  auto text = ReadIfExists(path, &missing);
  if (missing) return std::vector<EpochEntry>{};
  if (!text.ok()) return text.status();
  auto entries = ParseCheckpoint(path, *text, 2);
  if (!entries.ok()) return entries.status();
  std::vector<EpochEntry> out;
  for (const auto& f : *entries) {
    EpochEntry e;
    if (!ParseInt(f[0], &e.epoch) || !ParseInt(f[1], &e.start_offset)) {
      return util::Status::Corruption("checkpoint " + path + ": malformed epoch entry");
    }
    out.push_back(e);
  }
  return out;
}

util::Status WriteEpochCheckpoint(const std::string& path,
                                  const std::vector<EpochEntry>& entries) {
  std::string text = "0\n" + std::to_string(entries.size()) + "\n";
  for (const auto& e : entries) {
    text += std::to_string(e.epoch) + " " + std::to_string(e.start_offset) + "\n";
  }
  return WriteFileAtomic(path, text);
}

}  // namespace kafka::log
