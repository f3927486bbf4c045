#include "common/zk/proto.h"

#include <catch2/catch.hpp>

namespace {

using namespace zk;

template <typename T>
void CheckRoundTrip(const T& rec) {
  std::string bytes = Encode(rec);
  T back;
  jute::Reader r(bytes);
  REQUIRE(T::Read(r, &back));
  CHECK(r.AtEnd());
  CHECK(back == rec);
  // Every strict prefix fails cleanly (no throw, no crash).
  for (size_t n = 0; n < bytes.size(); ++n) {
    T partial;
    jute::Reader pr(std::string_view(bytes).substr(0, n));
    T::Read(pr, &partial);
    if (pr.ok()) {
      // Only records with an optional tail may succeed on a prefix.
      CHECK(n + 1 == bytes.size());
    }
  }
}

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

Stat SampleStat() {
  Stat s;
  s.czxid = 1;
  s.mzxid = 2;
  s.ctime = 3;
  s.mtime = 4;
  s.version = 5;
  s.cversion = 6;
  s.aversion = 7;
  s.ephemeral_owner = 8;
  s.data_length = 9;
  s.num_children = 10;
  s.pzxid = 11;
  return s;
}

}  // namespace

TEST_CASE("enum values match ZooKeeper", "[zk][proto]") {
  CHECK(static_cast<int>(OpCode::kCreate2) == 15);
  CHECK(static_cast<int>(OpCode::kMultiRead) == 22);
  CHECK(static_cast<int>(OpCode::kWhoAmI) == 107);
  CHECK(static_cast<int>(OpCode::kCloseSession) == -11);
  CHECK(static_cast<int>(ErrorCode::kThrottledOp) == -127);
  CHECK(static_cast<int>(ErrorCode::kSessionExpired) == -112);
  CHECK(ErrorName(ErrorCode::kNoNode) == "NoNode");
  CHECK(ErrorName(ErrorCode::kNodeExists) == "NodeExists");
  CHECK(ErrorName(-999) == "Unknown error -999");
  CHECK(KeeperErrorMessage(-4, "/x") == "KeeperErrorCode = ConnectionLoss for /x");
  CHECK(KeeperErrorMessage(-4, "") == "KeeperErrorCode = ConnectionLoss");
  CHECK(CliErrorMessage(-101, "/x") == "Node does not exist: /x");
  CHECK(CliErrorMessage(-110, "/p") == "Node already exists: /p");
  CHECK(CliErrorMessage(-111, "/p") == "Node not empty: /p");
  CHECK(std::string(OpCodeName(12)) == "getChildren2");
  CHECK(std::string(EventTypeName(4)) == "NodeChildrenChanged");
  CHECK(std::string(KeeperStateName(-112)) == "Expired");
  CHECK(IsEphemeralMode(3));
  CHECK(IsSequentialMode(6));
  CHECK_FALSE(IsSequentialMode(1));
  CHECK_FALSE(ValidCreateMode(7));
}

TEST_CASE("byte-exact encodings", "[zk][proto]") {
  CHECK(Hex(Encode(RequestHeader{7, 4})) == "0000000700000004");
  CHECK(Hex(Encode(ReplyHeader{-2, 0x10, -101})) == "fffffffe0000000000000010ffffff9b");
  CHECK(Hex(Encode(SampleStat())) ==
        "0000000000000001"
        "0000000000000002"
        "0000000000000003"
        "0000000000000004"
        "00000005"
        "00000006"
        "00000007"
        "0000000000000008"
        "00000009"
        "0000000a"
        "000000000000000b");
  CHECK(Encode(SampleStat()).size() == kStatWireSize);

  ConnectRequest cr;
  cr.timeout_ms = 30000;
  cr.passwd = std::string(16, '\0');
  CHECK(Hex(Encode(cr)) ==
        "00000000"
        "0000000000000000"
        "00007530"
        "0000000000000000"
        "00000010" "00000000000000000000000000000000"
        "00");

  CreateRequest c{"/a", std::string("x"), OpenAclUnsafe(), 1};
  CHECK(Hex(Encode(c)) ==
        "000000022f61"
        "0000000178"
        "00000001"
        "0000001f" "00000005776f726c64" "00000006616e796f6e65"
        "00000001");
  CHECK(Hex(Encode(GetDataRequest{"/a", true})) == "000000022f6101");
  CHECK(Hex(Encode(SetDataRequest{"/a", std::nullopt, -1})) == "000000022f61ffffffffffffffff");
  CHECK(Hex(EncodeFrame(RequestHeader{1, 9}, SyncRequest{"/"})) ==
        "0000000d" "00000001" "00000009" "000000012f");

  MultiRequest reads;
  reads.ops.push_back(MultiOp::GetData("/a"));
  CHECK(Hex(Encode(reads)) ==
        "00000004" "00" "ffffffff"
        "000000022f61" "00"  // GetDataRequest: path, watch=false
        "ffffffff" "01" "ffffffff");

  MultiRequest m;
  m.ops.push_back(MultiOp::Check("/a", 3));
  CHECK(Hex(Encode(m)) ==
        "0000000d" "00" "ffffffff"
        "000000022f61" "00000003"
        "ffffffff" "01" "ffffffff");
}

TEST_CASE("every record round-trips", "[zk][proto]") {
  CheckRoundTrip(Id{"digest", "u:h"});
  CheckRoundTrip(Acl{perms::kRead | perms::kWrite, Id{"ip", "127.0.0.1"}});
  CheckRoundTrip(SampleStat());
  ConnectRequest cr{0, 77, 10000, 0x1234, std::string(16, 'p'), true, true};
  CheckRoundTrip(cr);
  ConnectResponse resp{0, 4000, 99, std::string(16, 'q'), true, false};
  CheckRoundTrip(resp);
  CheckRoundTrip(RequestHeader{5, 1});
  CheckRoundTrip(ReplyHeader{5, 100, -110});
  CheckRoundTrip(AuthPacket{0, "digest", std::string("u:p")});
  CheckRoundTrip(SetWatches{10, {"/a"}, {"/b", "/c"}, {}});
  CheckRoundTrip(SetWatches2{10, {"/a"}, {}, {"/c"}, {"/d"}, {"/e"}});
  CheckRoundTrip(WatcherEvent{1, 3, "/x"});
  CheckRoundTrip(ErrorResponse{-101});
  CheckRoundTrip(PathRecord{"/sync"});
  CheckRoundTrip(PathWatchRecord{"/w", true});
  CheckRoundTrip(PathVersionRecord{"/d", 4});
  CheckRoundTrip(StatRecord{SampleStat()});
  CheckRoundTrip(CreateRequest{"/c", std::string("data"), OpenAclUnsafe(), 3});
  CheckRoundTrip(CreateRequest{"/c", std::nullopt, {}, 0});
  CheckRoundTrip(CreateTtlRequest{"/t", std::string("d"), CreatorAllAcl(), 5, 1000});
  CheckRoundTrip(Create2Response{"/c0000000001", SampleStat()});
  CheckRoundTrip(GetDataResponse{std::string("v"), SampleStat()});
  CheckRoundTrip(GetDataResponse{std::nullopt, SampleStat()});
  CheckRoundTrip(SetDataRequest{"/s", std::string("v"), 2});
  CheckRoundTrip(GetAclResponse{ReadAclUnsafe(), SampleStat()});
  CheckRoundTrip(SetAclRequest{"/s", OpenAclUnsafe(), -1});
  CheckRoundTrip(StringListRecord{{"a", "b", ""}});
  CheckRoundTrip(GetChildren2Response{{"x"}, SampleStat()});
  CheckRoundTrip(GetAllChildrenNumberResponse{42});
  CheckRoundTrip(PathTypeRecord{"/w", 2});
  CheckRoundTrip(MultiHeader{1, false, -1});

  MultiRequest m;
  m.ops.push_back(MultiOp::Create(CreateRequest{"/m", std::string("1"), OpenAclUnsafe(), 0}));
  m.ops.push_back(MultiOp::Create(CreateRequest{"/m2", std::nullopt, OpenAclUnsafe(), 2},
                                  OpCode::kCreate2));
  m.ops.push_back(MultiOp{static_cast<int32_t>(OpCode::kCreateTtl),
                          CreateTtlRequest{"/t", std::string(""), OpenAclUnsafe(), 5, 9}});
  m.ops.push_back(MultiOp::Delete("/m", 3));
  m.ops.push_back(MultiOp::SetData("/m", "v", -1));
  m.ops.push_back(MultiOp::Check("/m", 0));
  m.ops.push_back(MultiOp::GetChildren("/"));
  m.ops.push_back(MultiOp::GetData("/m"));
  CheckRoundTrip(m);
  CheckRoundTrip(MultiRequest{});

  MultiResponse mr;
  MultiResult create;
  create.type = 1;
  create.path = "/m";
  mr.results.push_back(create);
  MultiResult create2;
  create2.type = 15;
  create2.path = "/m2";
  create2.stat = SampleStat();
  mr.results.push_back(create2);
  MultiResult del;
  del.type = 2;
  mr.results.push_back(del);
  MultiResult set;
  set.type = 5;
  set.stat = SampleStat();
  mr.results.push_back(set);
  MultiResult kids;
  kids.type = 8;
  kids.children = {"a", "b"};
  mr.results.push_back(kids);
  MultiResult data;
  data.type = 4;
  data.data = "zz";
  data.stat = SampleStat();
  mr.results.push_back(data);
  mr.results.push_back(MultiResult::Error(-101));
  CheckRoundTrip(mr);
}

TEST_CASE("multi error results carry the code twice", "[zk][proto]") {
  MultiResponse mr;
  mr.results.push_back(MultiResult::Error(0));
  mr.results.push_back(MultiResult::Error(-103));
  mr.results.push_back(MultiResult::Error(-2));
  CHECK(Hex(Encode(mr)) ==
        "ffffffff" "00" "00000000" "00000000"
        "ffffffff" "00" "ffffff99" "ffffff99"
        "ffffffff" "00" "fffffffe" "fffffffe"
        "ffffffff" "01" "ffffffff");
}

TEST_CASE("multi rejects unknown op types", "[zk][proto]") {
  jute::Writer w;
  MultiHeader{3, false, -1}.Write(w);  // exists is not a multi op
  PathWatchRecord{"/a", false}.Write(w);
  MultiHeader{-1, true, -1}.Write(w);
  MultiRequest m;
  jute::Reader r(w.data());
  CHECK_FALSE(MultiRequest::Read(r, &m));
}

TEST_CASE("connect records accept a missing readOnly flag", "[zk][proto]") {
  ConnectRequest old;
  old.has_read_only = false;
  old.timeout_ms = 5000;
  old.passwd = std::string(16, 'x');
  std::string bytes = Encode(old);
  CHECK(bytes.size() == 4 + 8 + 4 + 8 + 4 + 16);
  ConnectRequest back;
  REQUIRE(Decode(bytes, &back));
  CHECK_FALSE(back.has_read_only);
  CHECK(back.timeout_ms == 5000);

  ConnectResponse resp;
  resp.has_read_only = false;
  resp.session_id = 3;
  ConnectResponse rback;
  REQUIRE(Decode(Encode(resp), &rback));
  CHECK_FALSE(rback.has_read_only);
  CHECK(rback.session_id == 3);
}

TEST_CASE("decoders reject hostile lengths", "[zk][proto]") {
  jute::Writer w;
  w.Int(0x7fffffff);  // children count far beyond the bytes left
  StringListRecord rec;
  CHECK_FALSE(Decode(w.data(), &rec));
  jute::Writer w2;
  w2.String("/a");
  w2.Int(-5);  // negative data length
  CreateRequest c;
  CHECK_FALSE(Decode(w2.data(), &c));
}

TEST_CASE("ValidatePath follows PathUtils", "[zk][proto]") {
  std::string why;
  CHECK(ValidatePath("/", false));
  CHECK(ValidatePath("/a", false));
  CHECK(ValidatePath("/a/b.c/...", false));
  CHECK(ValidatePath("/a/.b", false));
  CHECK(ValidatePath("/zookeeper/quota", false));
  CHECK(ValidatePath("/\xc3\xa9t\xc3\xa9", false));  // été
  CHECK_FALSE(ValidatePath("", false, &why));
  CHECK(why == "Path length must be > 0");
  CHECK_FALSE(ValidatePath("a", false, &why));
  CHECK(why == "Path must start with / character");
  CHECK_FALSE(ValidatePath("/a/", false, &why));
  CHECK(why == "Path must not end with / character");
  CHECK(ValidatePath("/a/", true));  // sequential prefix
  CHECK(ValidatePath("/", true));
  CHECK_FALSE(ValidatePath("/a//b", false, &why));
  CHECK(why == "Invalid path string \"/a//b\" caused by empty node name specified @3");
  CHECK_FALSE(ValidatePath("/a/.", false));
  CHECK_FALSE(ValidatePath("/a/./b", false));
  CHECK_FALSE(ValidatePath("/..", false));
  CHECK_FALSE(ValidatePath("/a/../b", false, &why));
  CHECK(why == "Invalid path string \"/a/../b\" caused by relative paths not allowed @4");
  CHECK_FALSE(ValidatePath(std::string_view("/a\0b", 4), false, &why));
  CHECK(why == "Invalid path string \"" + std::string("/a\0b", 4) +
                   "\" caused by null character not allowed @2");
  CHECK_FALSE(ValidatePath("/a\x01", false));
  CHECK_FALSE(ValidatePath("/a\x1f", false));
  CHECK_FALSE(ValidatePath("/a\x7f", false));
  CHECK_FALSE(ValidatePath("/a\xc2\x85", false));        // U+0085
  CHECK(ValidatePath("/a\xc2\xa0", false));              // U+00A0
  CHECK_FALSE(ValidatePath("/a\xee\x80\x80", false));    // U+E000 (private use)
  CHECK(ValidatePath("/a\xef\xa4\x80", false));          // U+F900
  CHECK_FALSE(ValidatePath("/a\xef\xbf\xbf", false));    // U+FFFF
  CHECK_FALSE(ValidatePath("/a\xf0\x9f\x98\x80", false));  // emoji: surrogate pair
  CHECK_FALSE(ValidatePath("/a\xff", false));            // invalid UTF-8 -> U+FFFD
  CHECK(ParentPath("/a/b") == "/a");
  CHECK(ParentPath("/a") == "/");
  CHECK(NodeName("/a/b") == "b");
}
