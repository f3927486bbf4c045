// The one list of implemented APIs, and the typed decode/encode glue around the
// handlers.
//
// Produce is advertised from v0 (see MakeLegacyProduce).
// Policy for malformed requests (RELIABILITY.md B8/B9): a body that does not
// decode, or a valid body followed by extra bytes in the same frame, closes the
// connection without an answer, with a warning naming the peer. Kafka's own
// parser ignores trailing bytes in some versions; treating them as corruption is
// the stricter choice and no client we know sends them.
#include <algorithm>

#include "common/protocol/codec.h"
#include "common/util/logging.h"
#include "daemon/broker/handlers/handlers.h"

namespace kafka::broker {
namespace {

using namespace kafka::protocol;

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

template <typename Req, typename Resp>
ApiHandler Make(void (*fn)(const RequestContext&, Req, Respond<Resp>)) {
  static_assert(Req::kVersions.lo == Resp::kVersions.lo && Req::kVersions.hi == Resp::kVersions.hi);
  ApiHandler h;
  h.api_key = static_cast<int16_t>(Req::kApiKey);
  h.versions = Req::kVersions;
  h.run = [fn](const RequestContext& ctx, Reader& body, net::Responder responder) {
    const int16_t version = ctx.header.api_version;
    auto req = Decode<Req>(body, version);
    if (!req.ok()) {
      Log().warn("[{}] closing: undecodable {} v{} body: {}", ctx.peer,
                 ApiKeyName(ctx.header.api_key), version, req.status().ToString());
      responder.Close();
      return;
    }
    if (!body.AtEnd()) {
      Log().warn("[{}] closing: {} trailing byte(s) after {} v{} body", ctx.peer, body.remaining(),
                 ApiKeyName(ctx.header.api_key), version);
      responder.Close();
      return;
    }
    auto shared = std::make_shared<net::Responder>(std::move(responder));
    const int32_t correlation_id = ctx.header.correlation_id;
    fn(ctx, std::move(*req), [shared, correlation_id, version](std::optional<Resp> resp) {
      if (!resp) {
        shared->NoResponse();
        return;
      }
      if (!shared->connection_open()) {
        shared->NoResponse();
        return;
      }
      Writer w;
      EncodeResponseHeader(correlation_id,
                           ResponseHeaderVersion(static_cast<int16_t>(Resp::kApiKey), version), w);
      Encode(*resp, version, w);
      shared->Send(w.Take());
    });
  };
  return h;
}

// Produce v0-2 (MessageSet era). librdkafka 2.0.2 compresses (gzip/snappy/lz4)
// only when the broker's Produce range contains v0, so the range starts at 0 as
// Kafka's does; clients that pick record batches use v3+. The v0-2 layout is read
// here (the shared codec starts at v3): acks, timeout, topics[name,
// partitions[index, records]]. Magic 0/1 message sets are answered with
// CORRUPT_MESSAGE (no down-conversion); a v2 batch sent with these versions is
// accepted like v3 without zstd.
ApiHandler MakeLegacyProduce(const ApiHandler& modern) {
  ApiHandler h = modern;
  h.versions = Range(0, modern.versions.hi);
  h.run = [modern_run = modern.run](const RequestContext& ctx, Reader& body,
                                    net::Responder responder) {
    const int16_t version = ctx.header.api_version;
    if (version >= 3) return modern_run(ctx, body, std::move(responder));
    ProduceRequest req;
    req.acks = body.Int16();
    req.timeout_ms = body.Int32();
    const int32_t topics = body.ArrayLen(6);
    bool bad = topics < 0;
    for (int32_t t = 0; t < topics && body.ok(); ++t) {
      ProduceRequest::TopicProduceData topic;
      topic.name = body.String();
      const int32_t partitions = body.ArrayLen(8);
      for (int32_t p = 0; p < partitions && body.ok(); ++p) {
        ProduceRequest::PartitionProduceData part;
        part.index = body.Int32();
        part.records = body.NullableBytes();
        topic.partition_data.push_back(std::move(part));
      }
      if (partitions < 0) bad = true;  // null array
      req.topic_data.push_back(std::move(topic));
    }
    if (!body.ok() || bad || !body.AtEnd()) {
      Log().warn("[{}] closing: undecodable Produce v{} body", ctx.peer, version);
      responder.Close();
      return;
    }
    auto shared = std::make_shared<net::Responder>(std::move(responder));
    const int32_t correlation_id = ctx.header.correlation_id;
    HandleProduce(ctx, std::move(req),
                  [shared, correlation_id, version](std::optional<ProduceResponse> resp) {
      if (!resp || !shared->connection_open()) {
        shared->NoResponse();
        return;
      }
      Writer w;
      EncodeResponseHeader(correlation_id, 0, w);
      w.ArrayLen(static_cast<int32_t>(resp->responses.size()));
      for (const auto& t : resp->responses) {
        w.String(t.name);
        w.ArrayLen(static_cast<int32_t>(t.partition_responses.size()));
        for (const auto& p : t.partition_responses) {
          w.Int32(p.index);
          w.Int16(p.error_code);
          w.Int64(p.base_offset);
          if (version >= 2) w.Int64(p.log_append_time_ms);
        }
      }
      if (version >= 1) w.Int32(resp->throttle_time_ms);
      shared->Send(w.Take());
    });
  };
  return h;
}

std::vector<ApiHandler> BuildHandlers() {
  std::vector<ApiHandler> v = {
      MakeLegacyProduce(Make(&HandleProduce)),
      Make(&HandleFetch),
      Make(&HandleListOffsets),
      Make(&HandleMetadata),
      Make(&HandleApiVersions),
      Make(&HandleCreateTopics),
      Make(&HandleDeleteTopics),
      Make(&HandleInitProducerId),
      Make(&HandleDescribeConfigs),
      Make(&HandleCreatePartitions),
      Make(&HandleFindCoordinator),
      Make(&HandleJoinGroup),
      Make(&HandleSyncGroup),
      Make(&HandleHeartbeat),
      Make(&HandleLeaveGroup),
      Make(&HandleOffsetCommit),
      Make(&HandleOffsetFetch),
      Make(&HandleListGroups),
      Make(&HandleDescribeGroups),
      Make(&HandleDeleteGroups),
      Make(&HandleOffsetDelete),
      Make(&HandleLeaderAndIsr),
      Make(&HandleStopReplica),
      Make(&HandleOffsetForLeaderEpoch),
      Make(&HandleUpdateMetadata),
      Make(&HandleControlledShutdown),
      Make(&HandleElectLeaders),
      Make(&HandleSaslHandshake),
      Make(&HandleSaslAuthenticate),
  };
  std::sort(v.begin(), v.end(),
            [](const ApiHandler& a, const ApiHandler& b) { return a.api_key < b.api_key; });
  return v;
}

}  // namespace

const std::vector<ApiHandler>& Handlers() {
  static const std::vector<ApiHandler> handlers = BuildHandlers();
  return handlers;
}

const ApiHandler* FindHandler(int16_t api_key) {
  for (const auto& h : Handlers()) {
    if (h.api_key == api_key) return &h;
  }
  return nullptr;
}

std::vector<ApiVersionsResponse::ApiVersion> SupportedApiVersions() {
  std::vector<ApiVersionsResponse::ApiVersion> out;
  for (const auto& h : Handlers()) {
    ApiVersionsResponse::ApiVersion v;
    v.api_key = h.api_key;
    v.min_version = h.versions.lo;
    v.max_version = h.versions.hi;
    out.push_back(v);
  }
  return out;
}

void HandleApiVersions(const RequestContext&, ApiVersionsRequest,
                       Respond<ApiVersionsResponse> respond) {
  ApiVersionsResponse resp;
  resp.api_keys = SupportedApiVersions();
  respond(std::move(resp));
}

}  // namespace kafka::broker
