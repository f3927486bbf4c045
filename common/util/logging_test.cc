#include "common/util/logging.h"

#include <catch2/catch.hpp>

TEST_CASE("Get returns one named logger per module", "[util][logging]") {
  auto a = util::logging::Get("storage");
  auto b = util::logging::Get("storage");
  auto c = util::logging::Get("net");
  REQUIRE(a);
  CHECK(a.get() == b.get());
  CHECK(a->name() == "storage");
  CHECK(c->name() == "net");
}

TEST_CASE("Init applies the default level to existing and new loggers", "[util][logging]") {
  auto before = util::logging::Get("zk");
  util::logging::Init("warn");
  CHECK(before->level() == spdlog::level::warn);
  CHECK(util::logging::Get("broker")->level() == spdlog::level::warn);
  util::logging::Init("info");
  CHECK(before->level() == spdlog::level::info);
}
