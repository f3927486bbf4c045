// The one list of implemented APIs, and the typed decode/encode glue around the
// handlers.
//
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

std::vector<ApiHandler> BuildHandlers() {
  std::vector<ApiHandler> v = {
      Make(&HandleProduce),
      Make(&HandleFetch),
      Make(&HandleListOffsets),
      Make(&HandleMetadata),
      Make(&HandleApiVersions),
      Make(&HandleCreateTopics),
      Make(&HandleDeleteTopics),
      Make(&HandleInitProducerId),
      Make(&HandleDescribeConfigs),
      Make(&HandleCreatePartitions),
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
