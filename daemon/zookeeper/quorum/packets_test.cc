#include "daemon/zookeeper/quorum/packets.h"

#include <catch2/catch.hpp>

using namespace zkserver::quorum;

namespace {
// Strips the length prefix after checking it.
std::string_view Body(const std::string& frame) {
  size_t pos = 0;
  bool bad = false;
  auto body = NextFrame(frame, &pos, kMaxPeerFrame, &bad);
  REQUIRE(body);
  REQUIRE(pos == frame.size());
  return *body;
}
}  // namespace

TEST_CASE("hello round trip") {
  std::string f = EncodeHello(Hello{3, kProtocolVersion});
  Hello h;
  REQUIRE(DecodeHello(Body(f), &h));
  CHECK(h.sid == 3);
  CHECK(h.protocol == kProtocolVersion);
}

TEST_CASE("notification round trip and validation") {
  Notification n{2, 5, PeerState::kLeading, Vote{4, (int64_t{4} << 32) | 1, 2}};
  std::string f = EncodeNotification(n);
  Notification d;
  REQUIRE(DecodeNotification(Body(f), &d));
  CHECK(d.sender == 2);
  CHECK(d.round == 5);
  CHECK(d.state == PeerState::kLeading);
  CHECK(d.vote == n.vote);
  // Bad state, truncated and trailing bytes are all rejected.
  std::string body(Body(f));
  std::string bad_state = body;
  bad_state[19] = 7;
  CHECK_FALSE(DecodeNotification(bad_state, &d));
  CHECK_FALSE(DecodeNotification(body.substr(0, body.size() - 1), &d));
  CHECK_FALSE(DecodeNotification(body + "x", &d));
}

TEST_CASE("packet round trip") {
  QuorumPacket p{PacketType::kProposal, 0x100000007, std::string("rec\0ord", 7)};
  std::string f = EncodePacket(p);
  QuorumPacket d;
  REQUIRE(DecodePacket(Body(f), &d));
  CHECK(d.type == PacketType::kProposal);
  CHECK(d.zxid == 0x100000007);
  CHECK(d.payload == p.payload);
  std::string body(Body(f));
  body[3] = 99;  // unknown type
  CHECK_FALSE(DecodePacket(body, &d));
}

TEST_CASE("forwarded request round trip") {
  ForwardedRequest r{42, 0x0100000000000001, "auth", std::string("\0\0\0\1req", 7)};
  ForwardedRequest d;
  REQUIRE(DecodeForwarded(EncodeForwarded(r), &d));
  CHECK(d.connection_id == 42);
  CHECK(d.session_id == r.session_id);
  CHECK(d.auth == "auth");
  CHECK(d.request == r.request);
  CHECK_FALSE(DecodeForwarded(EncodeForwarded(r).substr(3), &d));
}

TEST_CASE("frames: incomplete, split and hostile lengths") {
  std::string two = EncodeHello(Hello{1, 1}) + EncodeHello(Hello{2, 1});
  size_t pos = 0;
  bool bad = false;
  CHECK_FALSE(NextFrame(std::string_view(two).substr(0, 3), &pos, 100, &bad));
  CHECK_FALSE(bad);
  CHECK_FALSE(NextFrame(std::string_view(two).substr(0, 10), &pos, 100, &bad));
  CHECK(NextFrame(two, &pos, 100, &bad));
  CHECK(NextFrame(two, &pos, 100, &bad));
  CHECK_FALSE(NextFrame(two, &pos, 100, &bad));
  CHECK(pos == two.size());
  pos = 0;
  std::string huge("\x7f\xff\xff\xff", 4);
  CHECK_FALSE(NextFrame(huge, &pos, 100, &bad));
  CHECK(bad);
  std::string negative("\xff\xff\xff\xff", 4);
  CHECK_FALSE(NextFrame(negative, &pos, 100, &bad));
  CHECK(bad);
}
