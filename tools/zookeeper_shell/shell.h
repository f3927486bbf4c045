// zookeeper-shell's commands: zkCli 3.8 syntax and output on top of zk::SyncClient.
//
// Execute() runs one command line (already split into words) and returns zkCli's
// exit code: 0 on success, 1 on a ZooKeeper error or bad usage, with the message
// on `err` ("Node does not exist: /x"). Results go to `out` in zkCli's formats:
// `[a, b]` for ls, the data (or "null") for get, the "cZxid = 0x.." block for
// stat and -s. As in zkCli 3.8, "Created /p" goes to `err`.
// The shell is used from one thread; watch notifications (-w) arrive on the
// client's thread and are printed under the same lock as command output.
#pragma once

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/zk/client.h"

namespace zkshell {

class Shell {
 public:
  Shell(zk::SyncClient& client, std::ostream& out, std::ostream& err)
      : client_(client), out_(out), err_(err) {}

  // Runs one command; returns the exit code. Sets *quit for quit/exit.
  int Execute(const std::vector<std::string>& words, bool* quit = nullptr);

  // Prints a watch or session event as zkCli's watcher does ("WATCHER::" block).
  void PrintEvent(const zk::WatchedEvent& ev);

  // zkCli's command list, for help and unknown commands.
  static void PrintUsage(std::ostream& out);

  // Splits a line into words: "double quoted strings" or runs of non-blanks.
  static std::vector<std::string> Tokenize(std::string_view line);

  // zkCli's StatPrinter block (one "key = value" line each, dates as Java's
  // Date.toString() in the local time zone).
  static std::string FormatStat(const zk::Stat& stat);
  // "cdrwa" subset, in zkCli's order.
  static std::string PermString(int32_t perms);
  // "world:anyone:cdrwa,digest:u:h:r" -> ACL list; false on a bad spec.
  static bool ParseAcl(std::string_view spec, zk::AclList* out);
  // Java's WatchedEvent.toString().
  static std::string EventString(const zk::WatchedEvent& ev);

 private:
  int Ls(const std::vector<std::string>& args);
  int Get(const std::vector<std::string>& args);
  int Stat(const std::vector<std::string>& args);
  int Create(const std::vector<std::string>& args);
  int Set(const std::vector<std::string>& args);
  int Delete(const std::vector<std::string>& args);
  int DeleteAll(const std::vector<std::string>& args);
  int GetAcl(const std::vector<std::string>& args);
  int Sync(const std::vector<std::string>& args);
  int AddAuth(const std::vector<std::string>& args);

  // Prints zkCli's message for a failed call on `path` and returns 1.
  int Fail(int32_t err, const std::string& path);
  // Checks a path argument; prints the reason and returns false if invalid.
  bool CheckPath(const std::string& path);
  zk::Watcher MakeWatcher();
  void Print(const std::string& text);
  void PrintErr(const std::string& text);

  zk::SyncClient& client_;
  std::ostream& out_;
  std::ostream& err_;
  std::mutex mu_;
};

}  // namespace zkshell
