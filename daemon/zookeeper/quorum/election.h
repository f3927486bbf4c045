// Leader election state, fast-leader-election style, without any I/O.
//
// A Vote names a candidate leader by (epoch, last zxid, sid), ordered in that
// order: the server with the newest epoch, then the longest log, then the
// largest id wins. ElectionState keeps one LOOKING server's logical clock
// (round), its current proposal and the latest notification from every peer,
// and decides once a strict majority of voting members backs the same vote, or
// once a majority of FOLLOWING/LEADING peers report one leader that itself says
// LEADING (how a restarted server joins a running ensemble). The caller sends
// Notification() to every peer whenever HandleNotification returns true and
// periodically, and calls Decided() after the finalize wait
// (DESIGN.md "Election").
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace zkserver::quorum {

enum class PeerState : int32_t { kLooking = 0, kFollowing = 1, kLeading = 2 };

struct Vote {
  int64_t epoch = 0;
  int64_t zxid = 0;
  int64_t sid = 0;

  friend bool operator==(const Vote&, const Vote&) = default;
  friend bool operator<(const Vote& a, const Vote& b) {
    return std::tie(a.epoch, a.zxid, a.sid) < std::tie(b.epoch, b.zxid, b.sid);
  }
};

struct Notification {
  int64_t sender = 0;
  int64_t round = 0;
  PeerState state = PeerState::kLooking;
  Vote vote;
};

class ElectionState {
 public:
  // `voters`: the configured voting server ids (ours included).
  ElectionState(int64_t my_sid, std::set<int64_t> voters);

  // Starts a new election proposing ourselves with our (epoch, last zxid).
  void Start(int64_t epoch, int64_t last_zxid);

  // Processes a peer's notification. Returns true if our proposal or round
  // changed (the caller then re-broadcasts Notification()). Notifications from
  // unknown senders are ignored.
  bool HandleNotification(const Notification& n);

  // Our notification as it should be broadcast now.
  Notification Mine() const;

  // The elected leader, if the votes collected so far decide one.
  std::optional<Vote> Decided() const;

  int64_t round() const { return round_; }
  const Vote& proposal() const { return proposal_; }
  size_t quorum() const { return voters_.size() / 2 + 1; }

 private:
  bool IsQuorum(const std::set<int64_t>& ids) const;

  int64_t my_sid_;
  std::set<int64_t> voters_;
  int64_t round_ = 0;
  Vote proposal_;
  std::map<int64_t, Vote> looking_votes_;      // this round's LOOKING votes (sender -> vote)
  std::map<int64_t, Notification> settled_;    // latest FOLLOWING/LEADING notifications
};

}  // namespace zkserver::quorum
