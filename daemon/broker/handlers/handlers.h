// Request handlers: one function per API (handlers/<api>.cc), each taking the
// decoded request and a Respond callback that may run now or later (ZooKeeper
// round trips, long-poll Fetch). Respond(std::nullopt) means "no response"
// (Produce with acks=0), which still keeps the request's place in the order.
// The registry (registry.cc) lists every API once with its versions; ApiVersions
// answers from that list so the advertised versions cannot drift.
// Thread safety: io thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/net/framed_server.h"
#include "common/protocol/error_code.h"
#include "common/protocol/field.h"
#include "common/protocol/header.h"
#include "common/protocol/messages/all.h"
#include "common/protocol/reader.h"

namespace kafka::broker {

class Broker;

struct RequestContext {
  Broker* broker = nullptr;
  protocol::RequestHeader header;
  uint64_t connection_id = 0;
  std::string peer;
  std::string listener;
  // >= 0: the connection proved it is broker `peer_broker_id` (the inter-broker
  // handshake, inter_broker/handshake.h). LeaderAndIsr, StopReplica,
  // UpdateMetadata, ControlledShutdown and Fetch with replica_id >= 0 are refused
  // unless from_broker() (RELIABILITY.md B12).
  int32_t peer_broker_id = -1;
  bool from_broker() const { return peer_broker_id >= 0; }
};

template <typename T>
using Respond = std::function<void(std::optional<T>)>;

// A response assembled from several asynchronous steps (one per topic): each step
// increments `pending` before it starts and calls MaybeFinish() when done; the
// handler sets `sealed` once every step is started. The response goes out once, when
// sealed and nothing is pending. Held by shared_ptr across the steps' callbacks.
template <typename T>
struct PendingResponse {
  T resp;
  Respond<T> respond;
  size_t pending = 0;
  bool sealed = false;
  void MaybeFinish() {
    if (sealed && pending == 0 && respond) {
      auto r = std::move(respond);
      respond = nullptr;
      r(std::move(resp));
    }
  }
};

// The gate of every controller -> broker request (LeaderAndIsr, StopReplica,
// UpdateMetadata): CLUSTER_AUTHORIZATION_FAILED from a client connection,
// STALE_BROKER_EPOCH when meant for an earlier registration of this broker id (only an
// older epoch is stale, Kafka's isBrokerEpochStale: the controller may learn our new
// registration before our own create reply is processed), STALE_CONTROLLER_EPOCH
// below the newest controller epoch seen; kNone to go on.
protocol::ErrorCode CheckControllerRequest(const RequestContext& ctx, int32_t controller_epoch,
                                           int64_t broker_epoch);

// The same error for every partition of a controller request, into `resp`.
template <typename Resp, typename TopicStates>
void FailAllPartitions(Resp& resp, const TopicStates& topic_states, protocol::ErrorCode code) {
  resp.error_code = protocol::ToWire(code);
  for (const auto& t : topic_states) {
    for (const auto& p : t.partition_states) {
      resp.partition_errors.push_back({t.topic_name, p.partition_index, resp.error_code, {}});
    }
  }
}

struct ApiHandler {
  int16_t api_key = 0;
  protocol::Versions versions;
  // Decodes the body from `body` and completes `responder` (now or later).
  std::function<void(const RequestContext&, protocol::Reader& body, net::Responder)> run;
};

// Every implemented API, sorted by key.
const std::vector<ApiHandler>& Handlers();
const ApiHandler* FindHandler(int16_t api_key);
// The ApiVersions key list built from Handlers().
std::vector<protocol::ApiVersionsResponse::ApiVersion> SupportedApiVersions();

void HandleApiVersions(const RequestContext&, protocol::ApiVersionsRequest,
                       Respond<protocol::ApiVersionsResponse>);
void HandleMetadata(const RequestContext&, protocol::MetadataRequest,
                    Respond<protocol::MetadataResponse>);
void HandleProduce(const RequestContext&, protocol::ProduceRequest,
                   Respond<protocol::ProduceResponse>);
void HandleFetch(const RequestContext&, protocol::FetchRequest,
                 Respond<protocol::FetchResponse>);
void HandleListOffsets(const RequestContext&, protocol::ListOffsetsRequest,
                       Respond<protocol::ListOffsetsResponse>);
void HandleCreateTopics(const RequestContext&, protocol::CreateTopicsRequest,
                        Respond<protocol::CreateTopicsResponse>);
void HandleDeleteTopics(const RequestContext&, protocol::DeleteTopicsRequest,
                        Respond<protocol::DeleteTopicsResponse>);
void HandleCreatePartitions(const RequestContext&, protocol::CreatePartitionsRequest,
                            Respond<protocol::CreatePartitionsResponse>);
void HandleDescribeConfigs(const RequestContext&, protocol::DescribeConfigsRequest,
                           Respond<protocol::DescribeConfigsResponse>);
void HandleUpdateMetadata(const RequestContext&, protocol::UpdateMetadataRequest,
                          Respond<protocol::UpdateMetadataResponse>);
void HandleControlledShutdown(const RequestContext&, protocol::ControlledShutdownRequest,
                              Respond<protocol::ControlledShutdownResponse>);
void HandleElectLeaders(const RequestContext&, protocol::ElectLeadersRequest,
                        Respond<protocol::ElectLeadersResponse>);
void HandleSaslHandshake(const RequestContext&, protocol::SaslHandshakeRequest,
                         Respond<protocol::SaslHandshakeResponse>);
void HandleSaslAuthenticate(const RequestContext&, protocol::SaslAuthenticateRequest,
                            Respond<protocol::SaslAuthenticateResponse>);
// Replication (ReplicaManager does the work).
void HandleLeaderAndIsr(const RequestContext&, protocol::LeaderAndIsrRequest,
                        Respond<protocol::LeaderAndIsrResponse>);
void HandleStopReplica(const RequestContext&, protocol::StopReplicaRequest,
                       Respond<protocol::StopReplicaResponse>);
void HandleOffsetForLeaderEpoch(const RequestContext&, protocol::OffsetForLeaderEpochRequest,
                                Respond<protocol::OffsetForLeaderEpochResponse>);
void HandleInitProducerId(const RequestContext&, protocol::InitProducerIdRequest,
                          Respond<protocol::InitProducerIdResponse>);

// Group coordinator APIs (daemon/broker/group does the work).
void HandleFindCoordinator(const RequestContext&, protocol::FindCoordinatorRequest,
                           Respond<protocol::FindCoordinatorResponse>);
void HandleJoinGroup(const RequestContext&, protocol::JoinGroupRequest,
                     Respond<protocol::JoinGroupResponse>);
void HandleSyncGroup(const RequestContext&, protocol::SyncGroupRequest,
                     Respond<protocol::SyncGroupResponse>);
void HandleHeartbeat(const RequestContext&, protocol::HeartbeatRequest,
                     Respond<protocol::HeartbeatResponse>);
void HandleLeaveGroup(const RequestContext&, protocol::LeaveGroupRequest,
                      Respond<protocol::LeaveGroupResponse>);
void HandleOffsetCommit(const RequestContext&, protocol::OffsetCommitRequest,
                        Respond<protocol::OffsetCommitResponse>);
void HandleOffsetFetch(const RequestContext&, protocol::OffsetFetchRequest,
                       Respond<protocol::OffsetFetchResponse>);
void HandleListGroups(const RequestContext&, protocol::ListGroupsRequest,
                      Respond<protocol::ListGroupsResponse>);
void HandleDescribeGroups(const RequestContext&, protocol::DescribeGroupsRequest,
                          Respond<protocol::DescribeGroupsResponse>);
void HandleDeleteGroups(const RequestContext&, protocol::DeleteGroupsRequest,
                        Respond<protocol::DeleteGroupsResponse>);
void HandleOffsetDelete(const RequestContext&, protocol::OffsetDeleteRequest,
                        Respond<protocol::OffsetDeleteResponse>);

// "/<ip>" of the peer, as Kafka shows a member's client host.
inline std::string ClientHost(const RequestContext& ctx) {
  const auto colon = ctx.peer.rfind(':');
  std::string ip = colon == std::string::npos ? ctx.peer : ctx.peer.substr(0, colon);
  return "/" + ip;
}

}  // namespace kafka::broker
