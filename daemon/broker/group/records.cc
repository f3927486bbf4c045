#include "daemon/broker/group/records.h"

#include "common/protocol/reader.h"
#include "common/protocol/writer.h"

namespace kafka::group {

namespace {

constexpr int16_t kOffsetKeyVersion = 1;
constexpr int16_t kGroupKeyVersion = 2;
constexpr int16_t kGroupValueVersion = 3;

// Decodes one UTF-8 code point starting at s[i]; invalid bytes count as one
// U+FFFD each, which is what Java's decoder substitutes.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  int extra = 0;
  uint32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + static_cast<size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

}  // namespace

int32_t JavaStringHashCode(std::string_view utf8) {
  uint32_t h = 0;  // unsigned: Java int overflow wraps
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = NextCodePoint(utf8, i);
    if (cp >= 0x10000) {  // surrogate pair
      cp -= 0x10000;
      h = h * 31 + (0xD800 + (cp >> 10));
      h = h * 31 + (0xDC00 + (cp & 0x3FF));
    } else {
      h = h * 31 + cp;
    }
  }
  return static_cast<int32_t>(h);
}

int32_t PartitionFor(std::string_view group_id, int32_t num_partitions) {
  int32_t h = JavaStringHashCode(group_id);
  int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
  return num_partitions <= 0 ? 0 : abs % num_partitions;
}

std::string EncodeOffsetKey(const OffsetKey& key) {
  protocol::Writer w;
  w.Int16(kOffsetKeyVersion);
  w.String(key.group);
  w.String(key.topic);
  w.Int32(key.partition);
  return w.Take();
}

std::string EncodeGroupKey(const GroupKey& key) {
  protocol::Writer w;
  w.Int16(kGroupKeyVersion);
  w.String(key.group);
  return w.Take();
}

std::string EncodeOffsetValue(const OffsetValue& v) {
  protocol::Writer w;
  if (v.expire_timestamp) {
    w.Int16(1);
    w.Int64(v.offset);
    w.String(v.metadata);
    w.Int64(v.commit_timestamp);
    w.Int64(*v.expire_timestamp);
  } else {
    w.Int16(3);
    w.Int64(v.offset);
    w.Int32(v.leader_epoch);
    w.String(v.metadata);
    w.Int64(v.commit_timestamp);
  }
  return w.Take();
}

std::string EncodeGroupValue(const GroupValue& v) {
  protocol::Writer w;
  w.Int16(kGroupValueVersion);
  w.String(v.protocol_type);
  w.Int32(v.generation);
  w.NullableString(v.protocol);
  w.NullableString(v.leader);
  w.Int64(v.current_state_timestamp);
  w.ArrayLen(static_cast<int32_t>(v.members.size()));
  for (const MemberValue& m : v.members) {
    w.String(m.member_id);
    w.NullableString(m.group_instance_id);
    w.String(m.client_id);
    w.String(m.client_host);
    w.Int32(m.rebalance_timeout_ms);
    w.Int32(m.session_timeout_ms);
    w.Bytes(m.subscription);
    w.Bytes(m.assignment);
  }
  return w.Take();
}

std::optional<std::variant<OffsetKey, GroupKey>> DecodeKey(std::string_view bytes) {
  protocol::Reader r(bytes);
  int16_t version = r.Int16();
  if (!r.ok()) return std::nullopt;
  if (version == 0 || version == 1) {
    OffsetKey k;
    k.group = r.String();
    k.topic = r.String();
    k.partition = r.Int32();
    if (!r.ok()) return std::nullopt;
    return k;
  }
  if (version == 2) {
    GroupKey k;
    k.group = r.String();
    if (!r.ok()) return std::nullopt;
    return k;
  }
  return std::nullopt;
}

std::optional<OffsetValue> DecodeOffsetValue(std::string_view bytes) {
  protocol::Reader r(bytes);
  int16_t version = r.Int16();
  if (!r.ok() || version < 0 || version > 3) return std::nullopt;
  OffsetValue v;
  v.offset = r.Int64();
  if (version == 3) v.leader_epoch = r.Int32();
  v.metadata = r.String();
  v.commit_timestamp = r.Int64();
  if (version == 1) v.expire_timestamp = r.Int64();
  if (!r.ok()) return std::nullopt;
  return v;
}

std::optional<GroupValue> DecodeGroupValue(std::string_view bytes) {
  protocol::Reader r(bytes);
  int16_t version = r.Int16();
  if (!r.ok() || version < 0 || version > 3) return std::nullopt;
  GroupValue v;
  v.protocol_type = r.String();
  v.generation = r.Int32();
  v.protocol = r.NullableString();
  v.leader = r.NullableString();
  if (version >= 2) v.current_state_timestamp = r.Int64();
  // Smallest member: 4 empty strings (2 bytes each) + 2 empty bytes (4 each) + session.
  int32_t n = r.ArrayLen(2 * 3 + 4 * 3);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    MemberValue m;
    m.member_id = r.String();
    if (version >= 3) m.group_instance_id = r.NullableString();
    m.client_id = r.String();
    m.client_host = r.String();
    m.session_timeout_ms = 0;
    if (version >= 1) {
      m.rebalance_timeout_ms = r.Int32();
      m.session_timeout_ms = r.Int32();
    } else {
      m.session_timeout_ms = r.Int32();
      m.rebalance_timeout_ms = m.session_timeout_ms;
    }
    m.subscription = r.Bytes();
    m.assignment = r.Bytes();
    v.members.push_back(std::move(m));
  }
  if (!r.ok()) return std::nullopt;
  return v;
}

}  // namespace kafka::group
