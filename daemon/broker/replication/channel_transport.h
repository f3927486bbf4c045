// ChannelTransport: a Fetcher's wire to its source broker over the inter-broker
// Channel (inter_broker/channel.h): Fetch v12 and OffsetForLeaderEpoch v4 (both
// ends are ours). The endpoint is looked up before every request, so a leader
// that re-registered on another port is followed. Request timeout: the fetch's
// max wait plus replica.socket.timeout.ms.
// Thread safety: io thread only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "daemon/broker/inter_broker/channel.h"
#include "daemon/broker/replication/fetcher.h"

namespace kafka::broker::replication {

class ChannelTransport : public FetcherTransport {
 public:
  using Endpoint = std::pair<std::string, uint16_t>;
  using EndpointFn = std::function<std::optional<Endpoint>()>;

  ChannelTransport(boost::asio::io_context& io, inter_broker::ChannelOptions options,
                   EndpointFn endpoint, std::chrono::milliseconds timeout);
  ~ChannelTransport() override;

  void Fetch(protocol::FetchRequest req,
             std::function<void(util::Result<protocol::FetchResponse>)> done) override;
  void OffsetsForLeaderEpoch(
      int32_t replica_id, std::vector<EpochQuery> queries,
      std::function<void(util::Result<std::vector<EpochAnswer>>)> done) override;

 private:
  // False (done already failed) when the source broker has no known endpoint.
  bool Refresh();

  boost::asio::io_context& io_;
  inter_broker::ChannelOptions options_;
  EndpointFn endpoint_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<inter_broker::Channel> channel_;
};

}  // namespace kafka::broker::replication
