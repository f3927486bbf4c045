// Line-driven test driver for zk::SyncClient, used by test_client_vs_apache.py.
//
// Reads one command per line on stdin and answers exactly one line on stdout
// ("ok ..." or "err <ErrorName>"), so a test can script a session against a
// real server. Watch events and state changes are collected in the background
// and fetched with `events` / `wait_events` / `states`.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/zk/client.h"

namespace {

std::mutex mu;
std::condition_variable cv;
std::vector<std::string> events;  // "<EventType> <path>"
std::vector<std::string> states;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string Err(int32_t err) { return "err " + zk::ErrorName(err); }

zk::Watcher MakeWatcher(const std::string& tag) {
  return [tag](const zk::WatchedEvent& ev) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(tag + " " + zk::EventTypeName(ev.type) + " " + ev.path);
    cv.notify_all();
  };
}

std::string StatLine(const zk::Stat& s) {
  std::ostringstream o;
  o << "v=" << s.version << " cv=" << s.cversion << " av=" << s.aversion
    << " eph=" << (s.ephemeral_owner != 0 ? 1 : 0) << " len=" << s.data_length
    << " kids=" << s.num_children;
  return o.str();
}

}  // namespace

int main() {
  std::unique_ptr<zk::SyncClient> client;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::vector<std::string> a;
    for (std::string w; in >> w;) a.push_back(w);
    if (a.empty()) continue;
    const std::string& cmd = a[0];
    auto arg = [&](size_t i, const std::string& def = "") { return i < a.size() ? a[i] : def; };
    const bool watch = std::find(a.begin(), a.end(), "w") != a.end();
    std::string out;
    if (cmd == "connect") {
      zk::ClientOptions opts;
      opts.connect_string = arg(1);
      opts.session_timeout = std::chrono::milliseconds(std::stoi(arg(2, "4000")));
      if (a.size() > 4) opts.request_timeout = std::chrono::milliseconds(std::stoi(arg(4)));
      client = std::make_unique<zk::SyncClient>(opts);
      client->SetStateListener([](zk::KeeperState s) {
        std::lock_guard<std::mutex> lock(mu);
        states.push_back(zk::KeeperStateName(static_cast<int32_t>(s)));
        cv.notify_all();
      });
      auto r = client->Connect(std::chrono::milliseconds(std::stoi(arg(3, "5000"))));
      if (r.ok()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "ok 0x%llx %lld",
                      static_cast<unsigned long long>(client->client()->session_id()),
                      static_cast<long long>(client->client()->negotiated_timeout().count()));
        out = buf;
      } else {
        out = Err(r.err);
      }
    } else if (!client && cmd != "quit") {
      out = "err not-connected";
    } else if (cmd == "session") {
      char buf[32];
      std::snprintf(buf, sizeof buf, "ok 0x%llx",
                    static_cast<unsigned long long>(client->client()->session_id()));
      out = buf;
    } else if (cmd == "create" || cmd == "create_creator") {
      // create <path> <data|-> <mode int> [ttl]
      std::string data = arg(2, "-") == "-" ? "" : arg(2);
      auto mode = static_cast<zk::CreateMode>(std::stoi(arg(3, "0")));
      auto acl = cmd == "create_creator" ? zk::CreatorAllAcl() : zk::OpenAclUnsafe();
      auto r = client->Create(arg(1), data, mode, acl, std::stoll(arg(4, "0")));
      out = r.ok() ? "ok " + r.value.path + " " + StatLine(r.value.stat) : Err(r.err);
    } else if (cmd == "get") {
      auto r = client->GetData(arg(1), watch ? MakeWatcher("data") : zk::Watcher());
      out = r.ok() ? "ok " + (r.value.data.empty() ? "-" : r.value.data) + " " +
                         StatLine(r.value.stat)
                   : Err(r.err);
    } else if (cmd == "set") {
      auto r = client->SetData(arg(1), arg(2), std::stoi(arg(3, "-1")));
      out = r.ok() ? "ok " + StatLine(r.value) : Err(r.err);
    } else if (cmd == "exists") {
      auto r = client->Exists(arg(1), watch ? MakeWatcher("exists") : zk::Watcher());
      out = !r.ok()         ? Err(r.err)
            : r.value       ? "ok yes " + StatLine(*r.value)
                            : std::string("ok no");
    } else if (cmd == "ls") {
      auto r = client->GetChildren(arg(1), watch ? MakeWatcher("child") : zk::Watcher());
      if (r.ok()) {
        auto kids = r.value.children;
        std::sort(kids.begin(), kids.end());
        out = "ok";
        for (size_t i = 0; i < kids.size(); ++i) out += (i ? "," : " ") + kids[i];
      } else {
        out = Err(r.err);
      }
    } else if (cmd == "delete") {
      auto r = client->Delete(arg(1), std::stoi(arg(2, "-1")));
      out = r.ok() ? "ok" : Err(r.err);
    } else if (cmd == "deleteall") {
      auto r = client->DeleteAll(arg(1));
      out = r.ok() ? "ok" : Err(r.err);
    } else if (cmd == "sync") {
      auto r = client->Sync(arg(1));
      out = r.ok() ? "ok " + r.value : Err(r.err);
    } else if (cmd == "multi") {
      // multi create:/p:data check:/p:0 set:/p:data:-1 delete:/p:-1
      std::vector<zk::MultiOp> ops;
      for (size_t i = 1; i < a.size(); ++i) {
        auto f = Split(a[i], ':');
        if (f[0] == "create") {
          ops.push_back(zk::MultiOp::Create(
              zk::CreateRequest{f[1], f.size() > 2 ? f[2] : "", zk::OpenAclUnsafe(),
                                f.size() > 3 ? std::stoi(f[3]) : 0}));
        } else if (f[0] == "check") {
          ops.push_back(zk::MultiOp::Check(f[1], std::stoi(f[2])));
        } else if (f[0] == "set") {
          ops.push_back(zk::MultiOp::SetData(f[1], f[2], std::stoi(f[3])));
        } else if (f[0] == "delete") {
          ops.push_back(zk::MultiOp::Delete(f[1], std::stoi(f[2])));
        } else if (f[0] == "getdata") {
          ops.push_back(zk::MultiOp::GetData(f[1]));
        } else if (f[0] == "children") {
          ops.push_back(zk::MultiOp::GetChildren(f[1]));
        }
      }
      auto r = client->Multi(ops);
      out = r.ok() ? "ok" : Err(r.err);
      for (const auto& res : r.value) {
        out += " ";
        out += zk::OpCodeName(res.type);
        if (res.type == -1) out += "=" + std::to_string(res.err);
        if (!res.path.empty()) out += "=" + res.path;
        if (res.type == static_cast<int32_t>(zk::OpCode::kGetData)) out += "=" + res.data.value_or("null");
        if (res.type == static_cast<int32_t>(zk::OpCode::kGetChildren)) {
          auto kids = res.children;
          std::sort(kids.begin(), kids.end());
          out += "=";
          for (size_t k = 0; k < kids.size(); ++k) out += (k ? ";" : "") + kids[k];
        }
      }
    } else if (cmd == "auth") {
      auto r = client->AddAuth(arg(1), arg(2));
      out = r.ok() ? "ok" : Err(r.err);
    } else if (cmd == "getacl") {
      auto r = client->GetAcl(arg(1));
      if (r.ok()) {
        out = "ok";
        for (const auto& acl : r.value.acl) {
          out += " " + std::to_string(acl.perms) + ":" + acl.id.scheme + ":" + acl.id.id;
        }
      } else {
        out = Err(r.err);
      }
    } else if (cmd == "setacl_world") {
      // setacl_world <path> <perms> <version>
      auto r = client->SetAcl(arg(1), {zk::Acl{std::stoi(arg(2)), zk::Id{"world", "anyone"}}},
                              std::stoi(arg(3, "-1")));
      out = r.ok() ? "ok " + StatLine(r.value) : Err(r.err);
    } else if (cmd == "wait_events" || cmd == "events") {
      // wait_events <n> <timeout ms>: waits for n events, prints them joined by '|'
      size_t n = cmd == "events" ? 0 : std::stoul(arg(1, "1"));
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(std::stoi(arg(2, "5000"))),
                  [&] { return events.size() >= n; });
      out = "ok";
      for (size_t i = 0; i < events.size(); ++i) out += (i ? "|" : " ") + events[i];
      events.clear();
    } else if (cmd == "wait_state") {
      // wait_state <name> <timeout ms>
      std::unique_lock<std::mutex> lock(mu);
      bool seen = cv.wait_for(lock, std::chrono::milliseconds(std::stoi(arg(2, "5000"))), [&] {
        return std::find(states.begin(), states.end(), arg(1)) != states.end();
      });
      out = seen ? "ok" : "err timeout";
    } else if (cmd == "states") {
      std::lock_guard<std::mutex> lock(mu);
      out = "ok";
      for (size_t i = 0; i < states.size(); ++i) out += (i ? "," : " ") + states[i];
    } else if (cmd == "close") {
      client->Close();
      out = "ok";
    } else if (cmd == "quit") {
      std::cout << "ok" << std::endl;
      break;
    } else {
      out = "err unknown-command";
    }
    std::cout << out << std::endl;
  }
  client.reset();
  return 0;
}
