// Wire messages between ensemble members (our own protocol, Zab's shape).
//
// Election port: every connection starts with a Hello, then carries
// Notification frames. Quorum port: Hello, then QuorumPackets. Every frame is
// an int32 length prefix (checked against a limit before any allocation)
// followed by the body; bodies are jute, big-endian. Decoders never throw and
// return false on malformed or truncated input. See DESIGN.md for the meaning
// of each packet type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/zookeeper/quorum/election.h"

namespace zkserver::quorum {

inline constexpr int32_t kProtocolVersion = 1;
// Frames larger than this close the peer connection (a SNAP of a big tree is
// the largest legitimate frame).
inline constexpr size_t kMaxPeerFrame = 512u << 20;

struct Hello {
  int64_t sid = 0;
  int32_t protocol = kProtocolVersion;
};

enum class PacketType : int32_t {
  kFollowerInfo = 1,  // zxid = follower's last logged zxid, payload int64 acceptedEpoch
  kLeaderInfo = 2,    // zxid = newEpoch << 32
  kAckEpoch = 3,      // zxid = last logged zxid, payload int64 currentEpoch
  kDiff = 4,          // zxid = leader's last zxid; PROPOSAL/COMMIT pairs follow
  kTrunc = 5,         // zxid = truncate the log after this zxid
  kSnap = 6,          // payload = serialized snapshot
  kNewLeader = 7,     // zxid = newEpoch << 32
  kUpToDate = 8,
  kProposal = 9,      // zxid = txn zxid, payload = one log record (EncodeRecord)
  kAck = 10,          // zxid = highest durable zxid (cumulative)
  kCommit = 11,       // zxid = commit point (cumulative)
  kPing = 12,         // follower->leader payload: session touches (int64 id, int32 timeout)*
  kRequest = 13,      // payload: forwarded client request, see ForwardedRequest
  kReply = 14,        // payload: int64 connection id, buffer reply frame; zxid = needed zxid
  kRevalidate = 15,   // payload: int64 connection id, int64 session, buffer password
};

struct QuorumPacket {
  PacketType type = PacketType::kPing;
  int64_t zxid = 0;
  std::string payload;
};

// A client write forwarded by a follower to the leader.
struct ForwardedRequest {
  int64_t connection_id = 0;  // the follower's connection, echoed in the REPLY
  int64_t session_id = 0;
  std::string auth;           // encoded auth ids (int32 count, (scheme, id)*)
  std::string request;        // the client's frame without its length prefix
};

// Each Encode* returns a complete frame (length prefix included).
std::string EncodeHello(const Hello& h);
std::string EncodeNotification(const Notification& n);
std::string EncodePacket(const QuorumPacket& p);
std::string EncodeForwarded(const ForwardedRequest& r);  // payload only

// Each Decode* takes one frame body (without its length prefix).
bool DecodeHello(std::string_view body, Hello* h);
bool DecodeNotification(std::string_view body, Notification* n);
bool DecodePacket(std::string_view body, QuorumPacket* p);
bool DecodeForwarded(std::string_view payload, ForwardedRequest* r);

// Splits the next frame off `buf` starting at `*pos`: returns the body and
// advances `*pos`, nullopt if incomplete. Sets `*bad` on a length outside
// 0..max_frame (the connection must then be closed).
std::optional<std::string_view> NextFrame(std::string_view buf, size_t* pos, size_t max_frame,
                                          bool* bad);

}  // namespace zkserver::quorum
