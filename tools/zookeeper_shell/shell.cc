#include "tools/zookeeper_shell/shell.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <sstream>

namespace zkshell {

namespace {

// A command's flags and positional arguments, commons-cli style: flags may come
// anywhere; a word starting with '-' that is not a known flag is positional.
struct Parsed {
  std::vector<std::string> flags;  // e.g. "s", "w"
  std::vector<std::pair<std::string, std::string>> valued;
  std::vector<std::string> pos;
  bool Has(const std::string& f) const {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
  }
  const std::string* Value(const std::string& f) const {
    for (const auto& [k, v] : valued) {
      if (k == f) return &v;
    }
    return nullptr;
  }
};

Parsed ParseArgs(const std::vector<std::string>& args, const std::string& bool_flags,
                 const std::string& value_flags) {
  Parsed p;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() == 2 && a[0] == '-') {
      const std::string f(1, a[1]);
      if (bool_flags.find(a[1]) != std::string::npos) {
        p.flags.push_back(f);
        continue;
      }
      if (value_flags.find(a[1]) != std::string::npos && i + 1 < args.size()) {
        p.valued.emplace_back(f, args[++i]);
        continue;
      }
    }
    p.pos.push_back(a);
  }
  return p;
}

bool ParseInt(const std::string& s, int64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string Hex(int64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << static_cast<uint64_t>(v);
  return o.str();
}

std::string JavaDate(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", &tm);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------------------
// Formatting helpers

std::vector<std::string> Shell::Tokenize(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    if (std::isspace(static_cast<unsigned char>(line[i]))) {
      ++i;
      continue;
    }
    if (line[i] == '"') {
      size_t close = line.find('"', i + 1);
      if (close != std::string_view::npos) {
        words.emplace_back(line.substr(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
    }
    size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string Shell::FormatStat(const zk::Stat& s) {
  std::ostringstream o;
  o << "cZxid = " << Hex(s.czxid) << "\n"
    << "ctime = " << JavaDate(s.ctime) << "\n"
    << "mZxid = " << Hex(s.mzxid) << "\n"
    << "mtime = " << JavaDate(s.mtime) << "\n"
    << "pZxid = " << Hex(s.pzxid) << "\n"
    << "cversion = " << s.cversion << "\n"
    << "dataVersion = " << s.version << "\n"
    << "aclVersion = " << s.aversion << "\n"
    << "ephemeralOwner = " << Hex(s.ephemeral_owner) << "\n"
    << "dataLength = " << s.data_length << "\n"
    << "numChildren = " << s.num_children << "\n";
  return o.str();
}

std::string Shell::PermString(int32_t perms) {
  std::string p;
  if (perms & zk::perms::kCreate) p += 'c';
  if (perms & zk::perms::kDelete) p += 'd';
  if (perms & zk::perms::kRead) p += 'r';
  if (perms & zk::perms::kWrite) p += 'w';
  if (perms & zk::perms::kAdmin) p += 'a';
  return p;
}

bool Shell::ParseAcl(std::string_view spec, zk::AclList* out) {
  out->clear();
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    size_t first = item.find(':');
    size_t last = item.rfind(':');
    if (first == std::string_view::npos || first == last) return false;
    zk::Acl acl;
    acl.id.scheme = std::string(item.substr(0, first));
    acl.id.id = std::string(item.substr(first + 1, last - first - 1));
    for (char c : item.substr(last + 1)) {
      switch (c) {
        case 'r': acl.perms |= zk::perms::kRead; break;
        case 'w': acl.perms |= zk::perms::kWrite; break;
        case 'c': acl.perms |= zk::perms::kCreate; break;
        case 'd': acl.perms |= zk::perms::kDelete; break;
        case 'a': acl.perms |= zk::perms::kAdmin; break;
        default: return false;
      }
    }
    out->push_back(std::move(acl));
  }
  return !out->empty();
}

std::string Shell::EventString(const zk::WatchedEvent& ev) {
  return std::string("WatchedEvent state:") + zk::KeeperStateName(ev.state) +
         " type:" + zk::EventTypeName(ev.type) + " path:" + (ev.path.empty() ? "null" : ev.path);
}

void Shell::PrintUsage(std::ostream& out) {
  out << "ZooKeeper -server host:port -timeout ms cmd args\n"
         "\taddauth scheme auth\n"
         "\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]\n"
         "\tdelete [-v version] path\n"
         "\tdeleteall path\n"
         "\tget [-s] [-w] path\n"
         "\tgetAcl [-s] path\n"
         "\tls [-s] [-w] [-R] path\n"
         "\tquit\n"
         "\tset [-s] [-v version] path data\n"
         "\tstat [-w] path\n"
         "\tsync path\n";
}

// ---------------------------------------------------------------------------
// Dispatch

int Shell::Execute(const std::vector<std::string>& words, bool* quit) {
  if (words.empty()) return 0;
  const std::string& cmd = words[0];
  if (cmd == "quit" || cmd == "exit") {
    if (quit) *quit = true;
    return 0;
  }
  if (cmd == "ls" || cmd == "ls2") return Ls(words);
  if (cmd == "get") return Get(words);
  if (cmd == "stat") return Stat(words);
  if (cmd == "create") return Create(words);
  if (cmd == "set") return Set(words);
  if (cmd == "delete") return Delete(words);
  if (cmd == "deleteall" || cmd == "rmr") return DeleteAll(words);
  if (cmd == "getAcl") return GetAcl(words);
  if (cmd == "sync") return Sync(words);
  if (cmd == "addauth") return AddAuth(words);
  if (cmd == "help") {
    std::lock_guard<std::mutex> lock(mu_);
    PrintUsage(out_);
    out_.flush();
    return 0;
  }
  std::lock_guard<std::mutex> lock(mu_);
  err_ << "Command not found: Command not found " << cmd << "\n";
  PrintUsage(err_);
  err_.flush();
  return 1;
}

void Shell::Print(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  out_ << text;
  out_.flush();
}

void Shell::PrintErr(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  err_ << text;
  err_.flush();
}

int Shell::Fail(int32_t err, const std::string& path) {
  PrintErr(zk::CliErrorMessage(err, path) + "\n");
  return 1;
}

bool Shell::CheckPath(const std::string& path) {
  std::string why;
  if (zk::ValidatePath(path, false, &why)) return true;
  PrintErr(why + "\n");
  return false;
}

void Shell::PrintEvent(const zk::WatchedEvent& ev) {
  Print("\nWATCHER::\n\n" + EventString(ev) + "\n");
}

zk::Watcher Shell::MakeWatcher() {
  return [this](const zk::WatchedEvent& ev) { PrintEvent(ev); };
}

// ---------------------------------------------------------------------------
// Commands

int Shell::Ls(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "swR", "");
  if (p.pos.size() != 1) {
    PrintErr("ls [-s] [-w] [-R] path\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  if (p.Has("R")) {
    // Depth-first, parents before children, as ZKUtil.visitSubTreeDFS.
    std::vector<std::string> stack{path};
    std::string listing;
    while (!stack.empty()) {
      std::string node = stack.back();
      stack.pop_back();
      auto r = client_.GetChildren(node);
      if (!r.ok()) {
        if (r.code() == zk::ErrorCode::kNoNode && node != path) continue;
        return Fail(r.err, node);
      }
      listing += node + "\n";
      auto kids = r.value.children;
      std::sort(kids.rbegin(), kids.rend());
      for (const auto& k : kids) stack.push_back(node == "/" ? "/" + k : node + "/" + k);
    }
    Print(listing);
    return 0;
  }
  auto r = client_.GetChildren(path, p.Has("w") ? MakeWatcher() : zk::Watcher());
  if (!r.ok()) return Fail(r.err, path);
  auto kids = r.value.children;
  std::sort(kids.begin(), kids.end());
  std::string text = "[";
  for (size_t i = 0; i < kids.size(); ++i) text += (i ? ", " : "") + kids[i];
  text += "]\n";
  if (p.Has("s") || args[0] == "ls2") text += FormatStat(r.value.stat);
  Print(text);
  return 0;
}

int Shell::Get(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "sw", "");
  if (p.pos.size() != 1) {
    PrintErr("get [-s] [-w] path\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  auto r = client_.GetData(path, p.Has("w") ? MakeWatcher() : zk::Watcher());
  if (!r.ok()) return Fail(r.err, path);
  std::string text = (r.value.is_null ? std::string("null") : r.value.data) + "\n";
  if (p.Has("s")) text += FormatStat(r.value.stat);
  Print(text);
  return 0;
}

int Shell::Stat(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "w", "");
  if (p.pos.size() != 1) {
    PrintErr("stat [-w] path\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  auto r = client_.Exists(path, p.Has("w") ? MakeWatcher() : zk::Watcher());
  if (!r.ok()) return Fail(r.err, path);
  if (!r.value) return Fail(static_cast<int32_t>(zk::ErrorCode::kNoNode), path);
  Print(FormatStat(*r.value));
  return 0;
}

int Shell::Create(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "sec", "t");
  if (p.pos.empty() || p.pos.size() > 3) {
    PrintErr("create [-s] [-e] [-c] [-t ttl] path [data] [acl]\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  const bool seq = p.Has("s");
  const bool eph = p.Has("e");
  int64_t ttl = 0;
  if (const std::string* t = p.Value("t"); t && (!ParseInt(*t, &ttl) || ttl <= 0)) {
    PrintErr("ttl must be a positive number of milliseconds: " + *t + "\n");
    return 1;
  }
  if ((eph && (p.Has("c") || ttl > 0)) || (p.Has("c") && (seq || ttl > 0))) {
    PrintErr("-e, -c and -t cannot be combined\n");
    return 1;
  }
  zk::CreateMode mode = zk::CreateMode::kPersistent;
  if (ttl > 0) {
    mode = seq ? zk::CreateMode::kPersistentSequentialWithTtl : zk::CreateMode::kPersistentWithTtl;
  } else if (p.Has("c")) {
    mode = zk::CreateMode::kContainer;
  } else if (eph) {
    mode = seq ? zk::CreateMode::kEphemeralSequential : zk::CreateMode::kEphemeral;
  } else if (seq) {
    mode = zk::CreateMode::kPersistentSequential;
  }
  std::string why;
  if (!zk::ValidatePath(path, seq, &why)) {
    PrintErr(why + "\n");
    return 1;
  }
  zk::AclList acl = zk::OpenAclUnsafe();
  if (p.pos.size() > 2 && !ParseAcl(p.pos[2], &acl)) {
    PrintErr("Acl is not valid : " + p.pos[2] + "\n");
    return 1;
  }
  std::optional<std::string> data;
  if (p.pos.size() > 1) data = p.pos[1];
  auto r = client_.Create(path, data, mode, acl, ttl);
  if (!r.ok()) return Fail(r.err, path);
  PrintErr("Created " + r.value.path + "\n");
  return 0;
}

int Shell::Set(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "s", "v");
  // `set path data [version]` (3.4) or `set [-s] [-v version] path data` (3.5+).
  if (p.pos.size() < 2 || p.pos.size() > 3) {
    PrintErr("set [-s] [-v version] path data\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  int64_t version = -1;
  const std::string* v = p.Value("v");
  if (!v && p.pos.size() == 3) v = &p.pos[2];
  if (v && !ParseInt(*v, &version)) {
    PrintErr("version is not a number: " + *v + "\n");
    return 1;
  }
  auto r = client_.SetData(path, p.pos[1], static_cast<int32_t>(version));
  if (!r.ok()) return Fail(r.err, path);
  if (p.Has("s")) Print(FormatStat(r.value));
  return 0;
}

int Shell::Delete(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "", "v");
  if (p.pos.empty() || p.pos.size() > 2) {
    PrintErr("delete [-v version] path\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  int64_t version = -1;
  const std::string* v = p.Value("v");
  if (!v && p.pos.size() == 2) v = &p.pos[1];
  if (v && !ParseInt(*v, &version)) {
    PrintErr("version is not a number: " + *v + "\n");
    return 1;
  }
  auto r = client_.Delete(path, static_cast<int32_t>(version));
  if (!r.ok()) return Fail(r.err, path);
  return 0;
}

int Shell::DeleteAll(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "", "b");
  if (p.pos.size() != 1) {
    PrintErr("deleteall path [-b batch size]\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  auto r = client_.DeleteAll(path);
  if (!r.ok()) return Fail(r.err, path);
  return 0;
}

int Shell::GetAcl(const std::vector<std::string>& args) {
  Parsed p = ParseArgs(args, "s", "");
  if (p.pos.size() != 1) {
    PrintErr("getAcl [-s] path\n");
    return 1;
  }
  const std::string& path = p.pos[0];
  if (!CheckPath(path)) return 1;
  auto r = client_.GetAcl(path);
  if (!r.ok()) return Fail(r.err, path);
  std::string text;
  for (const auto& a : r.value.acl) {
    text += "'" + a.id.scheme + ",'" + a.id.id + "\n: " + PermString(a.perms) + "\n";
  }
  if (p.Has("s")) text += FormatStat(r.value.stat);
  Print(text);
  return 0;
}

int Shell::Sync(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    PrintErr("sync path\n");
    return 1;
  }
  if (!CheckPath(args[1])) return 1;
  auto r = client_.Sync(args[1]);
  if (!r.ok()) return Fail(r.err, args[1]);
  Print("Sync is OK\n");
  return 0;
}

int Shell::AddAuth(const std::vector<std::string>& args) {
  if (args.size() < 2 || args.size() > 3) {
    PrintErr("addauth scheme auth\n");
    return 1;
  }
  auto r = client_.AddAuth(args[1], args.size() > 2 ? args[2] : "");
  if (!r.ok()) return Fail(r.err, "");
  return 0;
}

}  // namespace zkshell
