#include "daemon/zookeeper/zk_config.h"

#include <catch2/catch.hpp>

using namespace zkserver;

namespace {
util::Result<ServerConfig> Parse(const std::string& text) {
  auto p = config::Properties::Parse(text);
  REQUIRE(p.ok());
  return ParseServerConfig(*p);
}
}  // namespace

TEST_CASE("zoo.cfg defaults follow ZooKeeper", "[zkserver][config]") {
  auto c = Parse("dataDir=/tmp/zk\n");
  REQUIRE(c.ok());
  CHECK(c->tick_time == 2000);
  CHECK(c->client_port == 2181);
  CHECK(c->data_log_dir == "/tmp/zk");
  CHECK(c->max_client_cnxns == 60);
  CHECK(c->min_session_timeout == 4000);
  CHECK(c->max_session_timeout == 40000);
  CHECK(c->FourLetterAllowed("srvr"));
  CHECK_FALSE(c->FourLetterAllowed("ruok"));
  CHECK(c->jute_max_buffer == 0xfffff);
  CHECK(c->snap_retain_count == 3);
  CHECK(c->purge_interval_hours == 0);
  CHECK_FALSE(c->read_only_enabled);  // Apache's readonlymode.enabled default
}

TEST_CASE("zoo.cfg keys are honoured", "[zkserver][config]") {
  auto c = Parse(
      "tickTime=500\ndataDir=/d\ndataLogDir=/l\nclientPort=12181\n"
      "clientPortAddress=127.0.0.1\nmaxClientCnxns=0\nminSessionTimeout=1500\n"
      "4lw.commands.whitelist=ruok, stat ,mntr\nadmin.enableServer=false\n"
      "autopurge.snapRetainCount=5\nautopurge.purgeInterval=2\n"
      "server.1=127.0.0.1:2888:3888\nserver.2=h2:2889:3889;2182\n");
  REQUIRE(c.ok());
  CHECK(c->tick_time == 500);
  CHECK(c->data_log_dir == "/l");
  CHECK(c->client_port == 12181);
  CHECK(c->client_port_address == "127.0.0.1");
  CHECK(c->max_client_cnxns == 0);
  CHECK(c->min_session_timeout == 1500);
  CHECK(c->max_session_timeout == 10000);
  CHECK(c->FourLetterAllowed("stat"));
  CHECK(c->FourLetterAllowed("srvr"));  // always on
  CHECK_FALSE(c->FourLetterAllowed("conf"));
  CHECK(c->snap_retain_count == 5);
  CHECK(c->purge_interval_hours == 2);
  REQUIRE(c->servers.size() == 2);
  CHECK(c->servers[2].host == "h2");
  CHECK(c->servers[2].client_port == 2182);
  CHECK(Parse("dataDir=/d\n4lw.commands.whitelist=*\n")->FourLetterAllowed("envi"));
  CHECK(Parse("dataDir=/d\nreadonlymode.enabled=true\n")->read_only_enabled);
}

TEST_CASE("bad zoo.cfg values are errors", "[zkserver][config]") {
  CHECK_FALSE(Parse("clientPort=1\n").ok());  // no dataDir
  CHECK_FALSE(Parse("dataDir=/d\ntickTime=abc\n").ok());
  CHECK_FALSE(Parse("dataDir=/d\nclientPort=70000\n").ok());
  CHECK_FALSE(Parse("dataDir=/d\nminSessionTimeout=9000\nmaxSessionTimeout=5000\n").ok());
  CHECK_FALSE(Parse("dataDir=/d\nserver.1=host:12\n").ok());
  CHECK_FALSE(Parse("dataDir=/d\nserver.x=h:1:2\n").ok());
  CHECK_FALSE(Parse("dataDir=/d\nreadonlymode.enabled=maybe\n").ok());
}
