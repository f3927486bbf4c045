#include "tools/consumer_groups/group_format.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace kafka::tools {
namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string Opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

template <typename Row, typename Get>
size_t Width(const std::vector<Row>& rows, Get get) {
  size_t w = 15;
  for (const auto& r : rows) w = std::max(w, get(r).size());
  return w;
}

}  // namespace

std::string FormatOffsets(const std::vector<OffsetRow>& rows) {
  const size_t g = Width(rows, [](const OffsetRow& r) { return r.group; });
  const size_t t = Width(rows, [](const OffsetRow& r) { return r.topic; });
  const size_t c = Width(rows, [](const OffsetRow& r) { return r.consumer_id; });
  const size_t h = Width(rows, [](const OffsetRow& r) { return r.host; });
  auto line = [&](const std::string& a, const std::string& b, const std::string& p,
                  const std::string& cur, const std::string& end, const std::string& lag,
                  const std::string& id, const std::string& host, const std::string& client) {
    return Pad(a, g) + " " + Pad(b, t) + " " + Pad(p, 10) + " " + Pad(cur, 15) + " " + Pad(end, 15) +
           " " + Pad(lag, 15) + " " + Pad(id, c) + " " + Pad(host, h) + " " + client + "\n";
  };
  std::string out = "\n" + line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET",
                                "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
  for (const auto& r : rows) {
    std::optional<int64_t> lag;
    if (r.current_offset && r.log_end_offset) lag = *r.log_end_offset - *r.current_offset;
    out += line(r.group, r.topic, r.partition ? std::to_string(*r.partition) : "-",
                Opt(r.current_offset), Opt(r.log_end_offset), Opt(lag), r.consumer_id, r.host,
                r.client_id);
  }
  return out;
}

std::string FormatMembers(const std::vector<MemberRow>& rows, bool verbose) {
  const size_t g = Width(rows, [](const MemberRow& r) { return r.group; });
  const size_t c = Width(rows, [](const MemberRow& r) { return r.consumer_id; });
  const size_t h = Width(rows, [](const MemberRow& r) { return r.host; });
  const size_t cl = Width(rows, [](const MemberRow& r) { return r.client_id; });
  auto line = [&](const std::string& a, const std::string& id, const std::string& host,
                  const std::string& client, const std::string& n, const std::string& assign) {
    std::string s = Pad(a, g) + " " + Pad(id, c) + " " + Pad(host, h) + " " + Pad(client, cl) + " ";
    if (verbose) return s + Pad(n, 12) + " " + assign + "\n";
    return s + n + "\n";
  };
  std::string out = "\n" + line("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT");
  for (const auto& r : rows) {
    out += line(r.group, r.consumer_id, r.host, r.client_id, std::to_string(r.partitions),
                r.assignment.empty() ? "-" : r.assignment);
  }
  return out;
}

std::string FormatState(const std::vector<StateRow>& rows) {
  const size_t g = Width(rows, [](const StateRow& r) { return r.group; });
  const size_t co = std::max<size_t>(25, Width(rows, [](const StateRow& r) { return r.coordinator; }));
  auto line = [&](const std::string& a, const std::string& coord, const std::string& strategy,
                  const std::string& state, const std::string& n) {
    return Pad(a, g) + " " + Pad(coord, co) + " " + Pad(strategy, 20) + " " + Pad(state, 15) + " " + n + "\n";
  };
  std::string out = "\n" + line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
  for (const auto& r : rows) {
    out += line(r.group, r.coordinator, r.assignment_strategy, r.state, std::to_string(r.members));
  }
  return out;
}

std::string FormatReset(const std::vector<ResetRow>& rows) {
  const size_t g = Width(rows, [](const ResetRow& r) { return r.group; });
  const size_t t = Width(rows, [](const ResetRow& r) { return r.topic; });
  auto line = [&](const std::string& a, const std::string& b, const std::string& p, const std::string& n) {
    return Pad(a, g) + " " + Pad(b, t) + " " + Pad(p, 10) + " " + n + "\n";
  };
  std::string out = "\n" + line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
  for (const auto& r : rows) {
    out += line(r.group, r.topic, std::to_string(r.partition), std::to_string(r.new_offset));
  }
  return out;
}

std::string FormatAssignment(const std::vector<std::pair<std::string, std::vector<int32_t>>>& tps) {
  std::string out;
  for (const auto& [topic, parts] : tps) {
    if (!out.empty()) out += ",";
    out += topic + "(";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + std::to_string(parts[i]);
    out += ")";
  }
  return out;
}

std::optional<int64_t> ParseDateTime(const std::string& s) {
  int y, mo, d, h, mi, sec, ms = 0, used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6) {
    return std::nullopt;
  }
  std::string rest = s.substr(static_cast<size_t>(used));
  if (!rest.empty() && rest[0] == '.') {
    int n = 0;
    if (std::sscanf(rest.c_str(), ".%3d%n", &ms, &n) != 1 || n != 4) return std::nullopt;
    rest = rest.substr(4);
  }
  int64_t offset_min = 0;
  if (rest == "Z" || rest.empty()) {
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_min = (oh * 60 + om) * (rest[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_min * 60;
  return secs * 1000 + ms;
}

}  // namespace kafka::tools
