#include "common/client/group_member.h"

#include <algorithm>
#include <set>

#include "common/protocol/error_code.h"
#include "common/protocol/messages/all.h"
#include "common/util/logging.h"

namespace kafka::client {
namespace {

namespace pr = protocol;
using Clock = std::chrono::steady_clock;
using E = pr::ErrorCode;

int16_t Code(E e) { return static_cast<int16_t>(e); }

bool CoordinatorGone(int16_t err) {
  return err == Code(E::kNotCoordinator) || err == Code(E::kCoordinatorNotAvailable) ||
         err == Code(E::kCoordinatorLoadInProgress);
}

}  // namespace

GroupMember::GroupMember(Client* client, GroupOptions opts)
    : client_(client), opts_(std::move(opts)) {}

GroupMember::~GroupMember() { StopHeartbeats(); }

void GroupMember::ResetCoordinator() {
  if (coordinator_) coordinator_->Close();
  coordinator_.reset();
}

util::Status GroupMember::EnsureCoordinator(Ms timeout) {
  if (coordinator_ && coordinator_->is_open()) return util::Status::OK();
  auto info = FindGroupCoordinator(*client_, opts_.group_id, timeout);
  if (!info.ok()) return info.status();
  coordinator_addr_ = info->address;
  coordinator_ = std::make_unique<Connection>(coordinator_addr_, client_->options().client_id);
  auto st = coordinator_->Open(timeout);
  if (!st.ok()) ResetCoordinator();
  return st;
}

util::Status GroupMember::Join(Ms timeout) {
  auto log = util::logging::Get("group");
  StopHeartbeats();
  const auto deadline = Clock::now() + timeout;
  util::Status last = util::Status::Timeout("join did not complete");
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now());
    auto st = EnsureCoordinator(left);
    if (st.ok()) {
      bool retry = false;
      st = JoinOnce(left, &retry);
      if (st.ok()) {
        rejoin_ = false;
        StartHeartbeats();
        return st;
      }
      if (!retry) return st;
    }
    last = st;
    log->debug("join group {}: {}; retrying", opts_.group_id, st.message());
    std::this_thread::sleep_for(Ms(100));
  }
  return last;
}

util::Status GroupMember::JoinOnce(Ms timeout, bool* retry) {
  *retry = true;
  pr::JoinGroupRequest join;
  join.group_id = opts_.group_id;
  join.session_timeout_ms = static_cast<int32_t>(opts_.session_timeout.count());
  join.rebalance_timeout_ms = static_cast<int32_t>(opts_.rebalance_timeout.count());
  join.member_id = member_id_;
  join.protocol_type = kConsumerProtocolType;
  Subscription sub;
  sub.topics = opts_.topics;
  sub.owned_partitions = assignment_;
  const std::string metadata = EncodeSubscription(sub);
  for (const auto& a : opts_.assignors) join.protocols.push_back({a, metadata, {}});
  // The coordinator holds JoinGroup until every member rejoined (up to the
  // rebalance timeout), so allow that on top of the request timeout.
  const Ms call_timeout = std::min(timeout, opts_.rebalance_timeout + client_->options().request_timeout);
  auto jr = coordinator_->Call<pr::JoinGroupResponse>(join, call_timeout);
  if (!jr.ok()) {
    ResetCoordinator();
    return jr.status();
  }
  if (jr->error_code == Code(E::kMemberIdRequired)) {
    member_id_ = jr->member_id;
    return util::Status::Unavailable("member id required");
  }
  if (jr->error_code == Code(E::kUnknownMemberId) || jr->error_code == Code(E::kIllegalGeneration)) {
    member_id_.clear();
    generation_ = -1;
    return util::Status::Unavailable(DescribeError(jr->error_code));
  }
  if (CoordinatorGone(jr->error_code)) {
    ResetCoordinator();
    return util::Status::Unavailable(DescribeError(jr->error_code));
  }
  if (jr->error_code == Code(E::kRebalanceInProgress)) {
    return util::Status::Unavailable(DescribeError(jr->error_code));
  }
  if (jr->error_code != 0) {
    *retry = false;
    return util::Status::Unavailable("JoinGroup: " + DescribeError(jr->error_code));
  }
  member_id_ = jr->member_id;
  generation_ = jr->generation_id;
  protocol_ = jr->protocol_name;
  is_leader_ = jr->leader == member_id_;

  pr::SyncGroupRequest sync;
  sync.group_id = opts_.group_id;
  sync.generation_id = generation_;
  sync.member_id = member_id_;
  if (is_leader_) {
    auto assignments = LeaderAssign(jr->members);
    if (!assignments.ok()) {
      *retry = false;
      return assignments.status();
    }
    // LeaderAssign packs member id and assignment pairs; unpack them here.
    pr::Reader r(*assignments);
    int32_t n = r.Int32();
    for (int32_t i = 0; i < n && r.ok(); ++i) {
      pr::SyncGroupRequest::SyncGroupRequestAssignment a;
      a.member_id = r.String();
      a.assignment = r.Bytes();
      sync.assignments.push_back(std::move(a));
    }
  }
  auto sr = coordinator_->Call<pr::SyncGroupResponse>(sync, client_->options().request_timeout +
                                                                 opts_.rebalance_timeout);
  if (!sr.ok()) {
    ResetCoordinator();
    return sr.status();
  }
  if (sr->error_code != 0) {
    if (sr->error_code == Code(E::kUnknownMemberId)) member_id_.clear();
    if (CoordinatorGone(sr->error_code)) ResetCoordinator();
    return util::Status::Unavailable("SyncGroup: " + DescribeError(sr->error_code));
  }
  auto a = DecodeAssignment(sr->assignment);
  if (!a.ok()) {
    *retry = false;
    return a.status();
  }
  assignment_ = a->partitions;
  util::logging::Get("group")->debug("joined {} generation {} as {} (leader: {}), {} topic(s) assigned",
                                     opts_.group_id, generation_, member_id_, is_leader_,
                                     assignment_.size());
  return util::Status::OK();
}

util::Result<std::string> GroupMember::LeaderAssign(
    const std::vector<pr::JoinGroupResponse::JoinGroupResponseMember>& members) {
  MemberTopics subs;
  std::set<std::string> topics;
  for (const auto& m : members) {
    auto s = DecodeSubscription(m.metadata);
    if (!s.ok()) return util::Status::Corruption("member " + m.member_id + ": " + s.status().message());
    subs[m.member_id] = s->topics;
    topics.insert(s->topics.begin(), s->topics.end());
  }
  PartitionCounts counts;
  auto md = client_->Metadata(std::vector<std::string>(topics.begin(), topics.end()), false);
  if (!md.ok()) return md.status();
  for (const auto& t : md->topics) {
    if (t.error_code == 0) counts[t.name] = static_cast<int32_t>(t.partitions.size());
  }
  auto plan = Assign(protocol_, subs, counts);
  if (!plan) return util::Status::NotSupported("unknown assignor " + protocol_);
  pr::Writer w;
  w.Int32(static_cast<int32_t>(plan->size()));
  for (const auto& [member, tps] : *plan) {
    Assignment a;
    a.version = 1;
    a.partitions = tps;
    w.String(member);
    w.Bytes(EncodeAssignment(a));
  }
  return w.Take();
}

void GroupMember::StartHeartbeats() {
  StopHeartbeats();
  std::lock_guard<std::mutex> lock(mu_);
  hb_stop_ = false;
  hb_thread_ = std::thread([this, member = member_id_, gen = generation_] { HeartbeatLoop(member, gen); });
}

void GroupMember::StopHeartbeats() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hb_stop_ = true;
  }
  cv_.notify_all();
  if (hb_thread_.joinable()) hb_thread_.join();
}

void GroupMember::HeartbeatLoop(std::string member_id, int32_t generation) {
  // Own connection: the caller's thread may be blocked on the main one.
  Connection conn(coordinator_addr_, client_->options().client_id);
  pr::HeartbeatRequest req;
  req.group_id = opts_.group_id;
  req.generation_id = generation;
  req.member_id = std::move(member_id);
  auto log = util::logging::Get("group");
  std::unique_lock<std::mutex> lock(mu_);
  while (!hb_stop_) {
    if (cv_.wait_for(lock, opts_.heartbeat_interval, [this] { return hb_stop_; })) break;
    lock.unlock();
    const Ms t = std::min(opts_.session_timeout, client_->options().request_timeout);
    util::Status st = conn.is_open() ? util::Status::OK() : conn.Open(t);
    int16_t err = 0;
    if (st.ok()) {
      auto resp = conn.Call<pr::HeartbeatResponse>(req, t);
      if (resp.ok()) err = resp->error_code;
      else st = resp.status();
    }
    if (!st.ok()) {
      log->debug("heartbeat: {}", st.message());
    } else if (err != 0) {
      log->debug("heartbeat: {}", DescribeError(err));
      if (err == Code(E::kRebalanceInProgress) || err == Code(E::kIllegalGeneration) ||
          err == Code(E::kUnknownMemberId) || CoordinatorGone(err) ||
          err == Code(E::kFencedInstanceId)) {
        rejoin_ = true;
      }
    }
    lock.lock();
  }
}

util::Result<TopicOffsets> GroupMember::FetchCommitted(Ms timeout) {
  UTIL_RETURN_IF_ERROR(EnsureCoordinator(timeout));
  if (assignment_.empty()) return TopicOffsets{};
  auto got = FetchCommittedOffsets(*coordinator_, opts_.group_id, assignment_, timeout);
  if (!got.ok()) ResetCoordinator();
  return got;
}

util::Status GroupMember::Commit(const TopicOffsets& offsets, Ms timeout) {
  if (offsets.empty()) return util::Status::OK();
  UTIL_RETURN_IF_ERROR(EnsureCoordinator(timeout));
  auto res = CommitOffsets(*coordinator_, opts_.group_id, generation_, member_id_, offsets, timeout);
  if (!res.ok()) {
    ResetCoordinator();
    return res.status();
  }
  for (const auto& [tp, err] : *res) {
    if (err == 0) continue;
    if (err == Code(E::kRebalanceInProgress) || err == Code(E::kIllegalGeneration) ||
        err == Code(E::kUnknownMemberId)) {
      rejoin_ = true;
      if (err == Code(E::kUnknownMemberId)) member_id_.clear();
    }
    if (CoordinatorGone(err)) ResetCoordinator();
    return util::Status::Unavailable("OffsetCommit " + tp.first + "-" + std::to_string(tp.second) +
                                     ": " + DescribeError(err));
  }
  return util::Status::OK();
}

void GroupMember::Leave() {
  StopHeartbeats();
  if (member_id_.empty() || !coordinator_ || !coordinator_->is_open()) return;
  pr::LeaveGroupRequest req;
  req.group_id = opts_.group_id;
  req.member_id = member_id_;
  req.members.push_back({member_id_, std::nullopt, {}});
  auto resp = coordinator_->Call<pr::LeaveGroupResponse>(req, client_->options().request_timeout);
  auto log = util::logging::Get("group");
  if (!resp.ok()) log->debug("LeaveGroup: {}", resp.status().message());
  else if (resp->error_code != 0) log->debug("LeaveGroup: {}", DescribeError(resp->error_code));
  else log->debug("left group {}", opts_.group_id);
  member_id_.clear();
  generation_ = -1;
}

}  // namespace kafka::client
