#include "daemon/broker/replication/channel_transport.h"

#include <boost/asio/post.hpp>

#include "common/protocol/messages/offset_for_leader_epoch.h"

namespace kafka::broker::replication {

namespace {
constexpr int16_t kFetchVersion = 12;
constexpr int16_t kEpochVersion = 4;
}  // namespace

ChannelTransport::ChannelTransport(boost::asio::io_context& io,
                                   inter_broker::ChannelOptions options, EndpointFn endpoint,
                                   std::chrono::milliseconds timeout)
    : io_(io), options_(std::move(options)), endpoint_(std::move(endpoint)), timeout_(timeout) {}

ChannelTransport::~ChannelTransport() {
  if (channel_) channel_->Close();
}

bool ChannelTransport::Refresh() {
  auto ep = endpoint_();
  if (!ep) return false;
  if (!channel_) {
    options_.host = ep->first;
    options_.port = ep->second;
    channel_ = inter_broker::Channel::Create(io_, options_);
  } else if (channel_->options().host != ep->first || channel_->options().port != ep->second) {
    channel_->SetEndpoint(ep->first, ep->second);
  }
  return true;
}

void ChannelTransport::Fetch(protocol::FetchRequest req,
                             std::function<void(util::Result<protocol::FetchResponse>)> done) {
  if (!Refresh()) {
    boost::asio::post(io_, [done = std::move(done)] {
      done(util::Status::Unavailable("source broker not registered"));
    });
    return;
  }
  const auto timeout = timeout_ + std::chrono::milliseconds(req.max_wait_ms);
  channel_->Send<protocol::FetchRequest, protocol::FetchResponse>(kFetchVersion, req, timeout,
                                                                  std::move(done));
}

void ChannelTransport::OffsetsForLeaderEpoch(
    int32_t replica_id, std::vector<EpochQuery> queries,
    std::function<void(util::Result<std::vector<EpochAnswer>>)> done) {
  if (!Refresh()) {
    boost::asio::post(io_, [done = std::move(done)] {
      done(util::Status::Unavailable("source broker not registered"));
    });
    return;
  }
  protocol::OffsetForLeaderEpochRequest req;
  req.replica_id = replica_id;
  for (const auto& q : queries) {
    if (req.topics.empty() || req.topics.back().topic != q.tp.topic) {
      req.topics.emplace_back();
      req.topics.back().topic = q.tp.topic;
    }
    protocol::OffsetForLeaderEpochRequest::Partition p;
    p.partition = q.tp.partition;
    p.current_leader_epoch = q.current_leader_epoch;
    p.leader_epoch = q.leader_epoch;
    req.topics.back().partitions.push_back(p);
  }
  channel_->Send<protocol::OffsetForLeaderEpochRequest, protocol::OffsetForLeaderEpochResponse>(
      kEpochVersion, req, timeout_,
      [done = std::move(done)](util::Result<protocol::OffsetForLeaderEpochResponse> r) {
        if (!r.ok()) return done(r.status());
        std::vector<EpochAnswer> out;
        for (const auto& t : r->topics) {
          for (const auto& p : t.partitions) {
            out.push_back({{t.topic, p.partition}, p.error_code, p.leader_epoch, p.end_offset});
          }
        }
        done(std::move(out));
      });
}

}  // namespace kafka::broker::replication
