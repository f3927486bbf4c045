// The __consumer_offsets record formats (keys and values), byte-compatible with
// Kafka's OffsetCommitKey/Value, GroupMetadataKey/Value schemas so Kafka's
// OffsetsMessageFormatter / GroupMetadataMessageFormatter can read our topic,
// plus PartitionFor (which __consumer_offsets partition owns a group).
//
// Every key and value starts with an INT16 schema version. Key versions 0 and 1
// are offset commits (group, topic, partition), key version 2 is group metadata
// (group). We write key v1 / v2, offset values v3 (v1 when the commit carries an
// explicit expire timestamp, i.e. OffsetCommit v2-4 with a retention time) and
// group values v3; we read every non-flexible version (0-3). A null value is a
// tombstone (offset or group deleted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kafka::group {

// Java's String.hashCode over the UTF-16 code units of a UTF-8 string.
int32_t JavaStringHashCode(std::string_view utf8);

// Kafka's Utils.abs(groupId.hashCode) % num_partitions (abs(INT_MIN) == 0).
int32_t PartitionFor(std::string_view group_id, int32_t num_partitions);

struct OffsetKey {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  bool operator==(const OffsetKey&) const = default;
};

struct GroupKey {
  std::string group;
  bool operator==(const GroupKey&) const = default;
};

struct OffsetValue {
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = 0;
  std::optional<int64_t> expire_timestamp;  // only from value v1 (and v0: none)
  bool operator==(const OffsetValue&) const = default;
};

struct MemberValue {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string subscription;
  std::string assignment;
  bool operator==(const MemberValue&) const = default;
};

struct GroupValue {
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  int64_t current_state_timestamp = -1;  // -1 = absent (values v0/v1)
  std::vector<MemberValue> members;
  bool operator==(const GroupValue&) const = default;
};

std::string EncodeOffsetKey(const OffsetKey& key);
std::string EncodeGroupKey(const GroupKey& key);
// v1 when value.expire_timestamp is set, else v3.
std::string EncodeOffsetValue(const OffsetValue& value);
std::string EncodeGroupValue(const GroupValue& value);  // v3

// Decoders never throw; nullopt on malformed input or unknown versions.
std::optional<std::variant<OffsetKey, GroupKey>> DecodeKey(std::string_view bytes);
std::optional<OffsetValue> DecodeOffsetValue(std::string_view bytes);
std::optional<GroupValue> DecodeGroupValue(std::string_view bytes);

}  // namespace kafka::group
