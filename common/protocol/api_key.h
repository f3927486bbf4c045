// Kafka API keys, their names, and the first flexible version of each API.
//
// The first flexible version decides the header versions (header.h): a flexible
// request uses request header v2, a flexible response uses response header v1.
// kNeverFlexible marks APIs with no flexible version. The table covers every API
// a client may send to a broker, including ones we do not implement, so that the
// broker can still parse their headers and answer or close cleanly.
#pragma once

#include <cstdint>
#include <string_view>

namespace kafka::protocol {

inline constexpr int16_t kNeverFlexible = 0x7fff;

// X(enumerator, key, Kafka name, first flexible version)
#define KAFKA_API_KEYS(X)                                   \
  X(kProduce, 0, "Produce", 9)                              \
  X(kFetch, 1, "Fetch", 12)                                 \
  X(kListOffsets, 2, "ListOffsets", 6)                      \
  X(kMetadata, 3, "Metadata", 9)                            \
  X(kLeaderAndIsr, 4, "LeaderAndIsr", 4)                    \
  X(kStopReplica, 5, "StopReplica", 2)                      \
  X(kUpdateMetadata, 6, "UpdateMetadata", 6)                \
  X(kControlledShutdown, 7, "ControlledShutdown", 3)        \
  X(kOffsetCommit, 8, "OffsetCommit", 8)                    \
  X(kOffsetFetch, 9, "OffsetFetch", 6)                      \
  X(kFindCoordinator, 10, "FindCoordinator", 3)             \
  X(kJoinGroup, 11, "JoinGroup", 6)                         \
  X(kHeartbeat, 12, "Heartbeat", 4)                         \
  X(kLeaveGroup, 13, "LeaveGroup", 4)                       \
  X(kSyncGroup, 14, "SyncGroup", 4)                         \
  X(kDescribeGroups, 15, "DescribeGroups", 5)               \
  X(kListGroups, 16, "ListGroups", 3)                       \
  X(kSaslHandshake, 17, "SaslHandshake", kNeverFlexible)    \
  X(kApiVersions, 18, "ApiVersions", 3)                     \
  X(kCreateTopics, 19, "CreateTopics", 5)                   \
  X(kDeleteTopics, 20, "DeleteTopics", 4)                   \
  X(kDeleteRecords, 21, "DeleteRecords", 2)                 \
  X(kInitProducerId, 22, "InitProducerId", 2)               \
  X(kOffsetForLeaderEpoch, 23, "OffsetForLeaderEpoch", 4)   \
  X(kAddPartitionsToTxn, 24, "AddPartitionsToTxn", 3)       \
  X(kAddOffsetsToTxn, 25, "AddOffsetsToTxn", 3)             \
  X(kEndTxn, 26, "EndTxn", 3)                               \
  X(kWriteTxnMarkers, 27, "WriteTxnMarkers", 1)             \
  X(kTxnOffsetCommit, 28, "TxnOffsetCommit", 3)             \
  X(kDescribeAcls, 29, "DescribeAcls", 2)                   \
  X(kCreateAcls, 30, "CreateAcls", 2)                       \
  X(kDeleteAcls, 31, "DeleteAcls", 2)                       \
  X(kDescribeConfigs, 32, "DescribeConfigs", 4)             \
  X(kAlterConfigs, 33, "AlterConfigs", 2)                   \
  X(kAlterReplicaLogDirs, 34, "AlterReplicaLogDirs", 2)     \
  X(kDescribeLogDirs, 35, "DescribeLogDirs", 2)             \
  X(kSaslAuthenticate, 36, "SaslAuthenticate", 2)           \
  X(kCreatePartitions, 37, "CreatePartitions", 2)           \
  X(kDeleteGroups, 42, "DeleteGroups", 2)                   \
  X(kElectLeaders, 43, "ElectLeaders", 2)                   \
  X(kIncrementalAlterConfigs, 44, "IncrementalAlterConfigs", 1) \
  X(kOffsetDelete, 47, "OffsetDelete", kNeverFlexible)

enum class ApiKey : int16_t {
#define KAFKA_API_ENUM(e, k, n, f) e = k,
  KAFKA_API_KEYS(KAFKA_API_ENUM)
#undef KAFKA_API_ENUM
};

// "Produce", "ApiVersions", ...; "Unknown" for keys not in the table.
constexpr std::string_view ApiKeyName(int16_t key) {
  switch (key) {
#define KAFKA_API_NAME(e, k, n, f) \
  case k:                          \
    return n;
    KAFKA_API_KEYS(KAFKA_API_NAME)
#undef KAFKA_API_NAME
  }
  return "Unknown";
}
constexpr std::string_view ApiKeyName(ApiKey key) { return ApiKeyName(static_cast<int16_t>(key)); }

// First flexible version of an API, kNeverFlexible if none or if the key is unknown.
constexpr int16_t FirstFlexibleVersion(int16_t key) {
  switch (key) {
#define KAFKA_API_FLEX(e, k, n, f) \
  case k:                          \
    return f;
    KAFKA_API_KEYS(KAFKA_API_FLEX)
#undef KAFKA_API_FLEX
  }
  return kNeverFlexible;
}

constexpr bool IsKnownApiKey(int16_t key) { return ApiKeyName(key) != "Unknown"; }

}  // namespace kafka::protocol
