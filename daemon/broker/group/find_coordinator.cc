#include "daemon/broker/group/find_coordinator.h"

namespace kafka::group {

protocol::FindCoordinatorResponse AnswerFindCoordinator(
    const protocol::FindCoordinatorRequest& request, int16_t version,
    const CoordinatorResolver& resolve) {
  protocol::FindCoordinatorResponse response;
  int8_t key_type = version >= 1 ? request.key_type : 0;
  auto lookup = [&](const std::string& key) {
    CoordinatorLookup c = resolve(key_type, key);
    if (c.error_code != 0) {
      // Kafka answers errors with node -1, empty host, port -1.
      c.node_id = -1;
      c.host.clear();
      c.port = -1;
    }
    return c;
  };
  if (version >= 4) {
    for (const std::string& key : request.coordinator_keys) {
      CoordinatorLookup c = lookup(key);
      protocol::FindCoordinatorResponse::Coordinator out;
      out.key = key;
      out.node_id = c.node_id;
      out.host = c.host;
      out.port = c.port;
      out.error_code = c.error_code;
      out.error_message = c.error_message;
      response.coordinators.push_back(std::move(out));
    }
    return response;
  }
  CoordinatorLookup c = lookup(request.key);
  response.error_code = c.error_code;
  response.error_message = c.error_message;
  response.node_id = c.node_id;
  response.host = c.host;
  response.port = c.port;
  return response;
}

}  // namespace kafka::group
