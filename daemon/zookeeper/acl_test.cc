#include "daemon/zookeeper/acl.h"

#include <catch2/catch.hpp>

using namespace zkserver;

TEST_CASE("sha1 and base64 match known vectors", "[zkserver][acl]") {
  CHECK(Base64(Sha1("abc")) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
  CHECK(Base64(Sha1("")) == "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  CHECK(Base64("a") == "YQ==");
  CHECK(Base64("ab") == "YWI=");
  // 56-byte message: padding spills into a second block.
  CHECK(Base64(Sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "hJg+RBw70m66rkqh+VEp5eVGcPE=");
}

TEST_CASE("digest ids are user:base64(sha1(user:password))", "[zkserver][acl]") {
  CHECK(DigestId("user:password") == "user:" + Base64(Sha1("user:password")));
  CHECK(DigestId("nocolon") == "nocolon:" + Base64(Sha1("nocolon")));
}

TEST_CASE("path validation follows PathUtils", "[zkserver][acl]") {
  CHECK(ValidatePath("/"));
  CHECK(ValidatePath("/a/b-c_d.e"));
  CHECK(ValidatePath("/\xc3\xa9"));  // é
  CHECK_FALSE(ValidatePath(""));
  CHECK_FALSE(ValidatePath("a"));
  CHECK_FALSE(ValidatePath("/a/"));
  CHECK_FALSE(ValidatePath("//a"));
  CHECK_FALSE(ValidatePath("/a/.."));
  CHECK_FALSE(ValidatePath(std::string("/a\0b", 4)));
  CHECK_FALSE(ValidatePath("/a\x7f"));
  CHECK_FALSE(ValidatePath("/\xff"));
  CHECK_FALSE(ValidatePath("/\xc3"));
}

TEST_CASE("ip ACLs match address and mask", "[zkserver][acl]") {
  AclList acl{Acl{perm::kRead, Id{"ip", "10.1.0.0/16"}}};
  CHECK(CheckAcl(acl, perm::kRead, {Id{"ip", "10.1.2.3"}}));
  CHECK_FALSE(CheckAcl(acl, perm::kRead, {Id{"ip", "10.2.2.3"}}));
  CHECK_FALSE(CheckAcl(acl, perm::kWrite, {Id{"ip", "10.1.2.3"}}));
  AclList out;
  CHECK(FixupAcl({Acl{perm::kAll, Id{"world", "someone"}}}, {}, &out) == err::kInvalidAcl);
  CHECK(FixupAcl({Acl{perm::kAll, Id{"digest", "nocolon"}}}, {}, &out) == err::kInvalidAcl);
  CHECK(FixupAcl({Acl{perm::kAll, Id{"ip", "1.2.3.4/8"}}}, {}, &out) == err::kOk);
}
