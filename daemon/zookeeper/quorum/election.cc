#include "daemon/zookeeper/quorum/election.h"

#include <utility>

namespace zkserver::quorum {

ElectionState::ElectionState(int64_t my_sid, std::set<int64_t> voters)
    : my_sid_(my_sid), voters_(std::move(voters)) {}

void ElectionState::Start(int64_t epoch, int64_t last_zxid) {
  ++round_;
  proposal_ = Vote{epoch, last_zxid, my_sid_};
  looking_votes_.clear();
  looking_votes_[my_sid_] = proposal_;
  settled_.clear();  // what peers reported during an earlier election is stale
}

Notification ElectionState::Mine() const {
  return Notification{my_sid_, round_, PeerState::kLooking, proposal_};
}

bool ElectionState::HandleNotification(const Notification& n) {
  if (n.sender == my_sid_ || voters_.count(n.sender) == 0) return false;
  if (n.state != PeerState::kLooking) {
    settled_[n.sender] = n;
    return false;
  }
  settled_.erase(n.sender);
  if (n.round > round_) {
    // A newer election: join it, forgetting the votes of the old round.
    round_ = n.round;
    looking_votes_.clear();
    Vote own = proposal_;
    proposal_ = own < n.vote ? n.vote : own;
    looking_votes_[my_sid_] = proposal_;
    looking_votes_[n.sender] = n.vote;
    return true;
  }
  if (n.round < round_) return true;  // tell the laggard about the current round
  looking_votes_[n.sender] = n.vote;
  if (proposal_ < n.vote) {
    proposal_ = n.vote;
    looking_votes_[my_sid_] = proposal_;
    return true;
  }
  return false;
}

bool ElectionState::IsQuorum(const std::set<int64_t>& ids) const {
  size_t n = 0;
  for (int64_t id : ids) n += voters_.count(id);
  return n >= quorum();
}

std::optional<Vote> ElectionState::Decided() const {
  // 1. A running ensemble: a quorum of OTHER servers says FOLLOWING/LEADING
  //    the same leader, and that leader itself says LEADING. We do not count
  //    ourselves: a stale leader (paused, partitioned) plus us is no proof.
  std::map<int64_t, std::set<int64_t>> backers;  // leader sid -> servers
  for (const auto& [sender, n] : settled_) backers[n.vote.sid].insert(sender);
  for (auto& [leader, ids] : backers) {
    auto it = settled_.find(leader);
    if (it == settled_.end() || it->second.state != PeerState::kLeading) continue;
    if (IsQuorum(ids)) return it->second.vote;
  }
  // 2. This round: a quorum of LOOKING votes equal to our proposal.
  std::set<int64_t> agree;
  for (const auto& [sender, v] : looking_votes_) {
    if (v == proposal_) agree.insert(sender);
  }
  if (IsQuorum(agree)) return proposal_;
  return std::nullopt;
}

}  // namespace zkserver::quorum
