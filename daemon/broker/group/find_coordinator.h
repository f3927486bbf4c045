// Builds FindCoordinator answers (v0-3: one key; v4: a batch of keys) from a
// resolver the broker supplies, so the version-dependent response shape lives
// next to the coordinator. The broker's resolver decides, per key, which node
// leads the key's __consumer_offsets partition (GroupCoordinator::PartitionFor)
// and creates that topic on first use; it answers COORDINATOR_NOT_AVAILABLE
// while there is no leader (Kafka does the same while auto-creating).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/protocol/messages/find_coordinator.h"

namespace kafka::group {

struct CoordinatorLookup {
  int16_t error_code = 0;  // NONE, COORDINATOR_NOT_AVAILABLE, INVALID_REQUEST, ...
  std::optional<std::string> error_message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

// key_type: 0 = group, 1 = transaction (as in the request).
using CoordinatorResolver =
    std::function<CoordinatorLookup(int8_t key_type, const std::string& key)>;

protocol::FindCoordinatorResponse AnswerFindCoordinator(
    const protocol::FindCoordinatorRequest& request, int16_t version,
    const CoordinatorResolver& resolve);

}  // namespace kafka::group
