// SaslHandshake v0-1 and SaslAuthenticate v0-2: only the private inter-broker
// mechanism (inter_broker/handshake.h). A connection that presents the cluster's
// secret is marked "broker <id>" for the rest of its life; client SASL
// mechanisms are not supported (UNSUPPORTED_SASL_MECHANISM lists ours).
// SaslHandshake v0 would switch to raw SASL frames, which we do not speak: it is
// refused the same way.
#include "common/protocol/error_code.h"
#include "common/util/logging.h"
#include "daemon/broker/broker.h"
#include "daemon/broker/handlers/handlers.h"
#include "daemon/broker/inter_broker/handshake.h"

namespace kafka::broker {

using namespace kafka::protocol;

namespace {

spdlog::logger& Log() {
  static auto logger = util::logging::Get("broker");
  return *logger;
}

}  // namespace

void HandleSaslHandshake(const RequestContext& ctx, SaslHandshakeRequest req,
                         Respond<SaslHandshakeResponse> respond) {
  SaslHandshakeResponse resp;
  resp.mechanisms = {std::string(inter_broker::kMechanism)};
  if (ctx.header.api_version < 1 || req.mechanism != inter_broker::kMechanism) {
    resp.error_code = ToWire(ErrorCode::kUnsupportedSaslMechanism);
  } else {
    ctx.broker->SetSaslHandshakeDone(ctx.connection_id);
  }
  respond(std::move(resp));
}

void HandleSaslAuthenticate(const RequestContext& ctx, SaslAuthenticateRequest req,
                            Respond<SaslAuthenticateResponse> respond) {
  SaslAuthenticateResponse resp;
  Broker& broker = *ctx.broker;
  if (!broker.SaslHandshakeDone(ctx.connection_id)) {
    resp.error_code = ToWire(ErrorCode::kIllegalSaslState);
    resp.error_message = "SaslAuthenticate before a successful SaslHandshake";
    return respond(std::move(resp));
  }
  auto token = inter_broker::DecodeAuthToken(req.auth_bytes);
  if (!token || broker.inter_broker_secret().empty() ||
      !inter_broker::SecretsEqual(token->secret, broker.inter_broker_secret())) {
    Log().warn("[{}] inter-broker authentication failed", ctx.peer);
    resp.error_code = ToWire(ErrorCode::kSaslAuthenticationFailed);
    resp.error_message = "Authentication failed: invalid credentials";
    return respond(std::move(resp));
  }
  broker.AuthenticateBroker(ctx.connection_id, token->broker_id);
  Log().debug("[{}] authenticated as broker {}", ctx.peer, token->broker_id);
  respond(std::move(resp));
}

}  // namespace kafka::broker
