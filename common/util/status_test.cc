#include "common/util/status.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using util::Result;
using util::Status;

TEST_CASE("a default Status is OK and prints OK", "[util]") {
  Status s;
  CHECK(s.ok());
  CHECK(s.code() == Status::Code::kOk);
  CHECK(s.ToString() == "OK");
  CHECK(s == Status::OK());
}

TEST_CASE("error factories set code, message and predicates", "[util]") {
  CHECK(Status::NotFound("x").IsNotFound());
  CHECK(Status::Corruption("x").IsCorruption());
  CHECK(Status::InvalidArgument("x").IsInvalidArgument());
  CHECK(Status::IOError("x").IsIOError());
  CHECK(Status::AlreadyExists("x").IsAlreadyExists());
  CHECK(Status::Timeout("x").IsTimeout());
  CHECK(Status::Unavailable("x").IsUnavailable());
  Status s = Status::Corruption("bad crc at 42");
  CHECK_FALSE(s.ok());
  CHECK(s.message() == "bad crc at 42");
  CHECK(s.ToString() == "Corruption: bad crc at 42");
  CHECK_FALSE(s.IsNotFound());
}

TEST_CASE("WithContext prefixes the message and keeps the code", "[util]") {
  Status s = Status::IOError("disk full").WithContext("writing segment");
  CHECK(s.IsIOError());
  CHECK(s.message() == "writing segment: disk full");
  CHECK(Status::OK().WithContext("anything").ok());
}

TEST_CASE("Result holds a value or an error", "[util]") {
  Result<int> good = 7;
  REQUIRE(good.ok());
  CHECK(*good == 7);
  CHECK(good.status().ok());
  CHECK(good.value_or(3) == 7);

  Result<int> bad = Status::NotFound("no such topic");
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.status().IsNotFound());
  CHECK(bad.value_or(3) == 3);
}

TEST_CASE("Result moves out move-only values", "[util]") {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("hello");
  REQUIRE(r.ok());
  CHECK(*r.value() == "hello");
  std::unique_ptr<std::string> taken = std::move(r).value();
  CHECK(*taken == "hello");
}

namespace {
Status Fails() { return Status::Aborted("stop"); }
Status Chain(bool fail, int* reached) {
  if (fail) UTIL_RETURN_IF_ERROR(Fails());
  *reached = 1;
  return Status::OK();
}
Result<int> ChainResult() {
  UTIL_RETURN_IF_ERROR(Fails());
  return 1;
}
}  // namespace

TEST_CASE("UTIL_RETURN_IF_ERROR returns early on failure only", "[util]") {
  int reached = 0;
  CHECK(Chain(true, &reached).code() == Status::Code::kAborted);
  CHECK(reached == 0);
  CHECK(Chain(false, &reached).ok());
  CHECK(reached == 1);
  CHECK(ChainResult().status().message() == "stop");
}
