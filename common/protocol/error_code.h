// Kafka protocol error codes as one X-macro table: code, Kafka's name (what tools
// print and tests compare, e.g. UNKNOWN_TOPIC_OR_PARTITION), whether a client
// should retry, and a one-line description. Error codes travel as data inside
// responses; see STYLE.md §6.4.
#pragma once

#include <cstdint>
#include <string_view>

namespace kafka::protocol {

// X(enumerator, code, NAME, retriable, description)
#define KAFKA_ERROR_CODES(X)                                                                  \
  X(kUnknownServerError, -1, "UNKNOWN_SERVER_ERROR", false, "unexpected server error")        \
  X(kNone, 0, "NONE", false, "success")                                                       \
  X(kOffsetOutOfRange, 1, "OFFSET_OUT_OF_RANGE", false, "offset outside the log's range")     \
  X(kCorruptMessage, 2, "CORRUPT_MESSAGE", true, "message failed its CRC or is malformed")    \
  X(kUnknownTopicOrPartition, 3, "UNKNOWN_TOPIC_OR_PARTITION", true,                          \
    "this server does not host this topic-partition")                                         \
  X(kInvalidFetchSize, 4, "INVALID_FETCH_SIZE", false, "requested fetch size is invalid")     \
  X(kLeaderNotAvailable, 5, "LEADER_NOT_AVAILABLE", true, "leader election in progress")      \
  X(kNotLeaderOrFollower, 6, "NOT_LEADER_OR_FOLLOWER", true,                                  \
    "this server is not the leader or a follower of the partition")                           \
  X(kRequestTimedOut, 7, "REQUEST_TIMED_OUT", true, "the request timed out")                  \
  X(kBrokerNotAvailable, 8, "BROKER_NOT_AVAILABLE", false, "the broker is not available")     \
  X(kReplicaNotAvailable, 9, "REPLICA_NOT_AVAILABLE", true, "the replica is not available")   \
  X(kMessageTooLarge, 10, "MESSAGE_TOO_LARGE", false, "message larger than the server allows") \
  X(kStaleControllerEpoch, 11, "STALE_CONTROLLER_EPOCH", false, "old controller epoch")       \
  X(kOffsetMetadataTooLarge, 12, "OFFSET_METADATA_TOO_LARGE", false,                          \
    "commit metadata string too large")                                                       \
  X(kNetworkException, 13, "NETWORK_EXCEPTION", true, "connection closed unexpectedly")       \
  X(kCoordinatorLoadInProgress, 14, "COORDINATOR_LOAD_IN_PROGRESS", true,                     \
    "coordinator is loading its state")                                                       \
  X(kCoordinatorNotAvailable, 15, "COORDINATOR_NOT_AVAILABLE", true,                          \
    "coordinator is not available")                                                           \
  X(kNotCoordinator, 16, "NOT_COORDINATOR", true, "this is not the correct coordinator")      \
  X(kInvalidTopicException, 17, "INVALID_TOPIC_EXCEPTION", false, "invalid topic name")       \
  X(kRecordListTooLarge, 18, "RECORD_LIST_TOO_LARGE", false, "batch larger than segment size") \
  X(kNotEnoughReplicas, 19, "NOT_ENOUGH_REPLICAS", true, "fewer in-sync replicas than needed") \
  X(kNotEnoughReplicasAfterAppend, 20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true,              \
    "written, but to fewer in-sync replicas than needed")                                     \
  X(kInvalidRequiredAcks, 21, "INVALID_REQUIRED_ACKS", false, "invalid acks value")           \
  X(kIllegalGeneration, 22, "ILLEGAL_GENERATION", false, "generation id is not current")      \
  X(kInconsistentGroupProtocol, 23, "INCONSISTENT_GROUP_PROTOCOL", false,                     \
    "member protocols incompatible with the group's")                                         \
  X(kInvalidGroupId, 24, "INVALID_GROUP_ID", false, "group id is empty or invalid")           \
  X(kUnknownMemberId, 25, "UNKNOWN_MEMBER_ID", false, "member id is not in the group")        \
  X(kInvalidSessionTimeout, 26, "INVALID_SESSION_TIMEOUT", false,                             \
    "session timeout outside the broker's range")                                             \
  X(kRebalanceInProgress, 27, "REBALANCE_IN_PROGRESS", false, "the group is rebalancing")     \
  X(kInvalidCommitOffsetSize, 28, "INVALID_COMMIT_OFFSET_SIZE", false,                        \
    "committing offset data failed")                                                          \
  X(kTopicAuthorizationFailed, 29, "TOPIC_AUTHORIZATION_FAILED", false, "topic not authorized") \
  X(kGroupAuthorizationFailed, 30, "GROUP_AUTHORIZATION_FAILED", false, "group not authorized") \
  X(kClusterAuthorizationFailed, 31, "CLUSTER_AUTHORIZATION_FAILED", false,                   \
    "cluster action not authorized")                                                          \
  X(kInvalidTimestamp, 32, "INVALID_TIMESTAMP", false, "timestamp out of acceptable range")   \
  X(kUnsupportedSaslMechanism, 33, "UNSUPPORTED_SASL_MECHANISM", false,                       \
    "SASL mechanism not enabled")                                                             \
  X(kIllegalSaslState, 34, "ILLEGAL_SASL_STATE", false, "request not valid in SASL state")    \
  X(kUnsupportedVersion, 35, "UNSUPPORTED_VERSION", false, "API version not supported")       \
  X(kTopicAlreadyExists, 36, "TOPIC_ALREADY_EXISTS", false, "topic already exists")           \
  X(kInvalidPartitions, 37, "INVALID_PARTITIONS", false, "number of partitions is invalid")   \
  X(kInvalidReplicationFactor, 38, "INVALID_REPLICATION_FACTOR", false,                       \
    "replication factor is invalid")                                                          \
  X(kInvalidReplicaAssignment, 39, "INVALID_REPLICA_ASSIGNMENT", false,                       \
    "replica assignment is invalid")                                                          \
  X(kInvalidConfig, 40, "INVALID_CONFIG", false, "configuration is invalid")                  \
  X(kNotController, 41, "NOT_CONTROLLER", true, "this is not the controller")                 \
  X(kInvalidRequest, 42, "INVALID_REQUEST", false, "request is malformed or invalid")         \
  X(kUnsupportedForMessageFormat, 43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false,                \
    "message format does not support this request")                                           \
  X(kPolicyViolation, 44, "POLICY_VIOLATION", false, "request violates a configured policy")  \
  X(kOutOfOrderSequenceNumber, 45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false,                     \
    "out of order sequence number")                                                           \
  X(kDuplicateSequenceNumber, 46, "DUPLICATE_SEQUENCE_NUMBER", false, "duplicate sequence")   \
  X(kInvalidProducerEpoch, 47, "INVALID_PRODUCER_EPOCH", false, "producer epoch is fenced")   \
  X(kInvalidTxnState, 48, "INVALID_TXN_STATE", false, "invalid transaction state")            \
  X(kInvalidProducerIdMapping, 49, "INVALID_PRODUCER_ID_MAPPING", false,                      \
    "producer id does not match the transactional id")                                        \
  X(kInvalidTransactionTimeout, 50, "INVALID_TRANSACTION_TIMEOUT", false,                     \
    "transaction timeout too large")                                                          \
  X(kConcurrentTransactions, 51, "CONCURRENT_TRANSACTIONS", true,                             \
    "another transaction is being completed")                                                 \
  X(kTransactionCoordinatorFenced, 52, "TRANSACTION_COORDINATOR_FENCED", false,               \
    "transaction coordinator was fenced")                                                     \
  X(kTransactionalIdAuthorizationFailed, 53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false,  \
    "transactional id not authorized")                                                        \
  X(kSecurityDisabled, 54, "SECURITY_DISABLED", false, "security features are disabled")      \
  X(kOperationNotAttempted, 55, "OPERATION_NOT_ATTEMPTED", false,                             \
    "not attempted because another part of the request failed")                               \
  X(kKafkaStorageError, 56, "KAFKA_STORAGE_ERROR", true, "disk error accessing the log")      \
  X(kLogDirNotFound, 57, "LOG_DIR_NOT_FOUND", false, "log directory not found")               \
  X(kSaslAuthenticationFailed, 58, "SASL_AUTHENTICATION_FAILED", false,                       \
    "SASL authentication failed")                                                             \
  X(kUnknownProducerId, 59, "UNKNOWN_PRODUCER_ID", false, "producer id unknown to the broker") \
  X(kReassignmentInProgress, 60, "REASSIGNMENT_IN_PROGRESS", false,                           \
    "partition reassignment in progress")                                                     \
  X(kDelegationTokenAuthDisabled, 61, "DELEGATION_TOKEN_AUTH_DISABLED", false,                \
    "delegation tokens are disabled")                                                         \
  X(kDelegationTokenNotFound, 62, "DELEGATION_TOKEN_NOT_FOUND", false, "token not found")     \
  X(kDelegationTokenOwnerMismatch, 63, "DELEGATION_TOKEN_OWNER_MISMATCH", false,              \
    "principal is not the token owner")                                                       \
  X(kDelegationTokenRequestNotAllowed, 64, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false,     \
    "token requests not allowed on this channel")                                             \
  X(kDelegationTokenAuthorizationFailed, 65, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false,  \
    "token authorization failed")                                                             \
  X(kDelegationTokenExpired, 66, "DELEGATION_TOKEN_EXPIRED", false, "token expired")          \
  X(kInvalidPrincipalType, 67, "INVALID_PRINCIPAL_TYPE", false, "principal type unsupported") \
  X(kNonEmptyGroup, 68, "NON_EMPTY_GROUP", false, "the group is not empty")                   \
  X(kGroupIdNotFound, 69, "GROUP_ID_NOT_FOUND", false, "the group id does not exist")         \
  X(kFetchSessionIdNotFound, 70, "FETCH_SESSION_ID_NOT_FOUND", true,                          \
    "fetch session id not found")                                                             \
  X(kInvalidFetchSessionEpoch, 71, "INVALID_FETCH_SESSION_EPOCH", true,                       \
    "fetch session epoch is invalid")                                                         \
  X(kListenerNotFound, 72, "LISTENER_NOT_FOUND", true, "no endpoint for the listener")        \
  X(kTopicDeletionDisabled, 73, "TOPIC_DELETION_DISABLED", false, "topic deletion disabled")  \
  X(kFencedLeaderEpoch, 74, "FENCED_LEADER_EPOCH", true, "leader epoch is older than broker's") \
  X(kUnknownLeaderEpoch, 75, "UNKNOWN_LEADER_EPOCH", true, "leader epoch newer than broker's") \
  X(kUnsupportedCompressionType, 76, "UNSUPPORTED_COMPRESSION_TYPE", false,                   \
    "compression type not supported for this request version")                                \
  X(kStaleBrokerEpoch, 77, "STALE_BROKER_EPOCH", false, "broker epoch has changed")           \
  X(kOffsetNotAvailable, 78, "OFFSET_NOT_AVAILABLE", true, "offset not yet available")        \
  X(kMemberIdRequired, 79, "MEMBER_ID_REQUIRED", false, "rejoin with the returned member id") \
  X(kPreferredLeaderNotAvailable, 80, "PREFERRED_LEADER_NOT_AVAILABLE", true,                 \
    "preferred leader not available")                                                         \
  X(kGroupMaxSizeReached, 81, "GROUP_MAX_SIZE_REACHED", false, "group is full")               \
  X(kFencedInstanceId, 82, "FENCED_INSTANCE_ID", false, "static member was fenced")           \
  X(kEligibleLeadersNotAvailable, 83, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true,                 \
    "no eligible leader")                                                                     \
  X(kElectionNotNeeded, 84, "ELECTION_NOT_NEEDED", false, "leader election not needed")       \
  X(kNoReassignmentInProgress, 85, "NO_REASSIGNMENT_IN_PROGRESS", false,                      \
    "no reassignment in progress")                                                            \
  X(kGroupSubscribedToTopic, 86, "GROUP_SUBSCRIBED_TO_TOPIC", false,                          \
    "group is subscribed to the topic")                                                       \
  X(kInvalidRecord, 87, "INVALID_RECORD", false, "record failed broker validation")           \
  X(kUnstableOffsetCommit, 88, "UNSTABLE_OFFSET_COMMIT", true, "pending offset commits")      \
  X(kThrottlingQuotaExceeded, 89, "THROTTLING_QUOTA_EXCEEDED", true, "throttling quota hit")  \
  X(kProducerFenced, 90, "PRODUCER_FENCED", false, "a newer producer has the same id")        \
  X(kResourceNotFound, 91, "RESOURCE_NOT_FOUND", false, "resource does not exist")            \
  X(kDuplicateResource, 92, "DUPLICATE_RESOURCE", false, "resource repeated in the request")  \
  X(kUnacceptableCredential, 93, "UNACCEPTABLE_CREDENTIAL", false, "credential rejected")     \
  X(kInconsistentVoterSet, 94, "INCONSISTENT_VOTER_SET", false, "voter set mismatch")         \
  X(kInvalidUpdateVersion, 95, "INVALID_UPDATE_VERSION", false, "invalid update version")     \
  X(kFeatureUpdateFailed, 96, "FEATURE_UPDATE_FAILED", false, "feature update failed")        \
  X(kPrincipalDeserializationFailure, 97, "PRINCIPAL_DESERIALIZATION_FAILURE", false,         \
    "principal could not be deserialized")                                                    \
  X(kSnapshotNotFound, 98, "SNAPSHOT_NOT_FOUND", false, "snapshot not found")                 \
  X(kPositionOutOfRange, 99, "POSITION_OUT_OF_RANGE", false, "position out of range")         \
  X(kUnknownTopicId, 100, "UNKNOWN_TOPIC_ID", true, "topic id unknown")                       \
  X(kDuplicateBrokerRegistration, 101, "DUPLICATE_BROKER_REGISTRATION", false,                \
    "broker id already registered")                                                           \
  X(kBrokerIdNotRegistered, 102, "BROKER_ID_NOT_REGISTERED", false, "broker id not registered") \
  X(kInconsistentTopicId, 103, "INCONSISTENT_TOPIC_ID", true, "topic id mismatch")            \
  X(kInconsistentClusterId, 104, "INCONSISTENT_CLUSTER_ID", false, "cluster id mismatch")     \
  X(kTransactionalIdNotFound, 105, "TRANSACTIONAL_ID_NOT_FOUND", false,                       \
    "transactional id not found")                                                             \
  X(kFetchSessionTopicIdError, 106, "FETCH_SESSION_TOPIC_ID_ERROR", true,                     \
    "fetch session topic id error")                                                           \
  X(kIneligibleReplica, 107, "INELIGIBLE_REPLICA", false, "replica not eligible for ISR")     \
  X(kNewLeaderElected, 108, "NEW_LEADER_ELECTED", false, "a new leader was elected")

enum class ErrorCode : int16_t {
#define KAFKA_ERROR_ENUM(e, c, n, r, d) e = c,
  KAFKA_ERROR_CODES(KAFKA_ERROR_ENUM)
#undef KAFKA_ERROR_ENUM
};

// Kafka's name for a code ("UNKNOWN_TOPIC_OR_PARTITION"); "UNKNOWN_ERROR_CODE_<n>"
// style is not needed by callers, so unknown codes return "UNKNOWN".
std::string_view ErrorName(int16_t code);
inline std::string_view ErrorName(ErrorCode code) { return ErrorName(static_cast<int16_t>(code)); }

// Whether clients treat the error as retriable; false for unknown codes.
bool IsRetriable(int16_t code);
inline bool IsRetriable(ErrorCode code) { return IsRetriable(static_cast<int16_t>(code)); }

// One-line description; "unknown error code" for unknown codes.
std::string_view ErrorDescription(int16_t code);
inline std::string_view ErrorDescription(ErrorCode code) {
  return ErrorDescription(static_cast<int16_t>(code));
}

// Looks a name up ("TOPIC_ALREADY_EXISTS" -> 36); returns false if unknown.
bool ErrorCodeFromName(std::string_view name, int16_t* code);

// Convenience for building responses: ErrorCode -> wire int16.
constexpr int16_t ToWire(ErrorCode code) { return static_cast<int16_t>(code); }

}  // namespace kafka::protocol
