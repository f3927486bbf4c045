#include "tools/zookeeper_shell/shell.h"

#include <cstdlib>
#include <ctime>

#include <catch2/catch.hpp>

using zkshell::Shell;

TEST_CASE("tokenize like zkCli", "[zkshell]") {
  CHECK(Shell::Tokenize("  create /a  \"hello world\" ") ==
        std::vector<std::string>{"create", "/a", "hello world"});
  CHECK(Shell::Tokenize("set /a {\"k\":1}") == std::vector<std::string>{"set", "/a", "{\"k\":1}"});
  CHECK(Shell::Tokenize("").empty());
}

TEST_CASE("stat block matches StatPrinter", "[zkshell]") {
  setenv("TZ", "UTC", 1);
  tzset();
  zk::Stat s;
  s.czxid = 5;
  s.mzxid = 0x1a;
  s.ctime = 1700000000123;
  s.mtime = 1700000000123;
  s.pzxid = 5;
  s.version = 2;
  s.ephemeral_owner = 0x100000f40830000;
  s.data_length = 1;
  CHECK(Shell::FormatStat(s) ==
        "cZxid = 0x5\n"
        "ctime = Tue Nov 14 22:13:20 UTC 2023\n"
        "mZxid = 0x1a\n"
        "mtime = Tue Nov 14 22:13:20 UTC 2023\n"
        "pZxid = 0x5\n"
        "cversion = 0\n"
        "dataVersion = 2\n"
        "aclVersion = 0\n"
        "ephemeralOwner = 0x100000f40830000\n"
        "dataLength = 1\n"
        "numChildren = 0\n");
}

TEST_CASE("ACL strings", "[zkshell]") {
  CHECK(Shell::PermString(31) == "cdrwa");
  CHECK(Shell::PermString(zk::perms::kRead | zk::perms::kAdmin) == "ra");
  zk::AclList acl;
  REQUIRE(Shell::ParseAcl("world:anyone:cdrwa,digest:u:h=:r", &acl));
  REQUIRE(acl.size() == 2);
  CHECK(acl[0] == zk::Acl{31, zk::Id{"world", "anyone"}});
  CHECK(acl[1] == zk::Acl{1, zk::Id{"digest", "u:h="}});
  CHECK_FALSE(Shell::ParseAcl("world:anyone:x", &acl));
  CHECK_FALSE(Shell::ParseAcl("bogus", &acl));
}

TEST_CASE("watched event text", "[zkshell]") {
  CHECK(Shell::EventString(zk::WatchedEvent{3, 3, "/p"}) ==
        "WatchedEvent state:SyncConnected type:NodeDataChanged path:/p");
  CHECK(Shell::EventString(zk::WatchedEvent{-1, 3, ""}) ==
        "WatchedEvent state:SyncConnected type:None path:null");
}
