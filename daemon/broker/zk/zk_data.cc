#include "daemon/broker/zk/zk_data.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <random>
#include <tuple>

#include <nlohmann/json.hpp>

namespace kafka::broker::zkdata {
namespace {

using Json = nlohmann::json;
// Encoders build ordered_json so that keys come out exactly in Kafka's order.
using OJson = nlohmann::ordered_json;

// Jackson's compact output; invalid UTF-8 is replaced instead of throwing.
// Both escape control characters as \u00XX, but Jackson writes the hex digits in
// upper case (\u001F where nlohmann writes \u001f).
std::string Dump(const OJson& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '\\') continue;
    if (s[i + 1] == 'u') {
      for (size_t k = i + 2; k < i + 6 && k < s.size(); ++k)
        s[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[k])));
    }
    ++i;  // skip the escaped character, so "\\u" is not taken for an escape
  }
  return s;
}

// Parses without exceptions; anything but an object is an error.
util::Result<Json> ParseObject(std::string_view data, std::string_view what) {
  Json j = Json::parse(data.begin(), data.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return util::Status::Corruption(std::string(what) + ": invalid JSON");
  if (!j.is_object()) return util::Status::Corruption(std::string(what) + ": not a JSON object");
  return j;
}

util::Status Bad(std::string_view what, std::string_view detail) {
  return util::Status::Corruption(std::string(what) + ": " + std::string(detail));
}

std::optional<int64_t> AsInt64(const Json& v) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return static_cast<int64_t>(u);
    }
    return v.get<int64_t>();
  }
  return std::nullopt;
}

std::optional<int32_t> AsInt32(const Json& v) {
  auto i = AsInt64(v);
  if (!i || *i < std::numeric_limits<int32_t>::min() || *i > std::numeric_limits<int32_t>::max())
    return std::nullopt;
  return static_cast<int32_t>(*i);
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A required int32 member.
util::Result<int32_t> GetInt32(const Json& obj, const char* key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(what, std::string("missing \"") + key + "\"");
  auto v = AsInt32(*it);
  if (!v) return Bad(what, std::string("\"") + key + "\" is not an int32");
  return *v;
}

util::Result<std::vector<int32_t>> GetIntArray(const Json& v, std::string_view what,
                                               std::string_view key) {
  if (!v.is_array()) return Bad(what, "\"" + std::string(key) + "\" is not an array");
  std::vector<int32_t> out;
  out.reserve(v.size());
  for (const auto& e : v) {
    auto i = AsInt32(e);
    if (!i) return Bad(what, "\"" + std::string(key) + "\" holds a non-int32");
    out.push_back(*i);
  }
  return out;
}

// Timestamps are decimal strings in Kafka's JSON; unreadable ones read as 0, as
// Kafka never interprets them.
int64_t GetTimestamp(const Json& obj) {
  auto it = obj.find("timestamp");
  if (it == obj.end()) return 0;
  if (it->is_string()) return ParseInt64(it->get<std::string>()).value_or(0);
  return AsInt64(*it).value_or(0);
}

// Java's String.hashCode over UTF-16 code units; our keys are ASCII, and other
// bytes are hashed as Latin-1, which is close enough for ordering.
int32_t JavaStringHash(std::string_view s) {
  uint32_t h = 0;
  for (unsigned char c : s) h = 31 * h + c;
  return static_cast<int32_t>(h);
}

// HashMap's "improve"/"spread": h ^ (h >>> 16).
uint32_t Spread(int32_t h) {
  uint32_t u = static_cast<uint32_t>(h);
  return u ^ (u >> 16);
}

bool IsIpv6Host(std::string_view host) { return host.find(':') != std::string_view::npos; }

// "PLAINTEXT://host:9092", "SSL://[::1]:9093" -> listener, host, port
// (EndPoint.createEndPoint's regex: ^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)).
std::optional<BrokerEndpoint> ParseEndpoint(std::string_view s) {
  size_t sep = s.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  BrokerEndpoint ep;
  ep.listener_name = std::string(s.substr(0, sep));
  std::string_view rest = s.substr(sep + 3);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '%' || c == '.' ||
              c == '_' || c == ':';
    if (!ok) return std::nullopt;
  }
  auto port = ParseInt64(rest.substr(colon + 1));
  if (!port || *port < -1 || *port > 65535) return std::nullopt;
  ep.host = std::string(host);
  ep.port = static_cast<int32_t>(*port);
  ep.security_protocol = ep.listener_name;
  return ep;
}

OJson IntArray(const std::vector<int32_t>& v) {
  OJson a = OJson::array();
  for (int32_t i : v) a.push_back(i);
  return a;
}

// A Scala mutable.Map[String, List[Int]] filled in partition order, serialised
// in its own iteration order.
OJson PartitionMap(const std::map<int32_t, ReplicaAssignment>& parts,
                   std::vector<int32_t> ReplicaAssignment::*field, bool skip_empty) {
  std::vector<std::string> keys;
  std::map<std::string, const std::vector<int32_t>*> values;
  for (const auto& [p, ra] : parts) {
    const auto& v = ra.*field;
    if (skip_empty && v.empty()) continue;
    keys.push_back(std::to_string(p));
    values[keys.back()] = &v;
  }
  OJson o = OJson::object();
  for (const auto& k : ScalaMutableHashMapOrder(keys)) o[k] = IntArray(*values[k]);
  return o;
}

constexpr char kBase64Url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

// ---------------------------------------------------------------------------
// Paths.

std::string ConfigEntityTypeZNode::Path(std::string_view entity_type) {
  return "/config/" + std::string(entity_type);
}

std::vector<std::string> PersistentZkPaths() {
  std::vector<std::string> paths = {
      ConsumerPathZNode::Path(),
      BrokerIdsZNode::Path(),
      TopicsZNode::Path(),
      ConfigEntityChangeNotificationZNode::Path(),
      DeleteTopicsZNode::Path(),
      BrokerSequenceIdZNode::Path(),
      IsrChangeNotificationZNode::Path(),
      ProducerIdBlockZNode::Path(),
      LogDirEventNotificationZNode::Path(),
  };
  for (auto type : {kConfigTypeTopic, kConfigTypeClient, kConfigTypeUser, kConfigTypeBroker})
    paths.push_back(ConfigEntityTypeZNode::Path(type));
  paths.push_back(ClusterZNode::Path());
  return paths;
}

std::string DeleteTopicsTopicZNode::Path(std::string_view topic) {
  return DeleteTopicsZNode::Path() + "/" + std::string(topic);
}

std::string BrokerIdZNode::Path(int32_t broker_id) {
  return BrokerIdsZNode::Path() + "/" + std::to_string(broker_id);
}

std::string TopicZNode::Path(std::string_view topic) {
  return TopicsZNode::Path() + "/" + std::string(topic);
}

std::string TopicPartitionsZNode::Path(std::string_view topic) {
  return TopicZNode::Path(topic) + "/partitions";
}

std::string TopicPartitionZNode::Path(std::string_view topic, int32_t partition) {
  return TopicPartitionsZNode::Path(topic) + "/" + std::to_string(partition);
}

std::string TopicPartitionStateZNode::Path(std::string_view topic, int32_t partition) {
  return TopicPartitionZNode::Path(topic, partition) + "/state";
}

std::string ConfigEntityZNode::Path(std::string_view entity_type, std::string_view entity_name) {
  return ConfigEntityTypeZNode::Path(entity_type) + "/" + std::string(entity_name);
}

// ---------------------------------------------------------------------------
// /controller, /controller_epoch, /cluster/id.

std::string ControllerZNode::Encode() const {
  // Kafka: Map("version" -> 1, "brokerid" -> id, "timestamp" -> ts.toString), an
  // immutable Map3, which keeps insertion order.
  OJson j;
  j["version"] = kraft_controller_epoch ? 2 : 1;
  j["brokerid"] = broker_id;
  j["timestamp"] = std::to_string(timestamp_ms);
  if (kraft_controller_epoch) j["kraftControllerEpoch"] = *kraft_controller_epoch;
  return Dump(j);
}

util::Result<ControllerZNode> ControllerZNode::Decode(std::string_view data) {
  constexpr std::string_view kWhat = "/controller";
  auto j = ParseObject(data, kWhat);
  if (!j.ok()) return j.status();
  ControllerZNode out;
  auto id = GetInt32(*j, "brokerid", kWhat);
  if (!id.ok()) return id.status();
  out.broker_id = *id;
  out.timestamp_ms = GetTimestamp(*j);
  if (auto it = j->find("kraftControllerEpoch"); it != j->end()) {
    auto e = AsInt32(*it);
    if (!e) return Bad(kWhat, "\"kraftControllerEpoch\" is not an int32");
    if (*e >= 0) out.kraft_controller_epoch = *e;
  }
  return out;
}

std::string ControllerEpochZNode::Encode(int32_t epoch) { return std::to_string(epoch); }

util::Result<int32_t> ControllerEpochZNode::Decode(std::string_view data) {
  auto v = ParseInt64(data);
  if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max())
    return Bad("/controller_epoch", "not an integer: \"" + std::string(data.substr(0, 32)) + "\"");
  return static_cast<int32_t>(*v);
}

std::string ClusterIdZNode::Encode(std::string_view cluster_id) {
  OJson j;
  j["version"] = "1";  // a string in Kafka's JSON
  j["id"] = std::string(cluster_id);
  return Dump(j);
}

util::Result<std::string> ClusterIdZNode::Decode(std::string_view data) {
  constexpr std::string_view kWhat = "/cluster/id";
  auto j = ParseObject(data, kWhat);
  if (!j.ok()) return j.status();
  auto it = j->find("id");
  if (it == j->end() || !it->is_string()) return Bad(kWhat, "missing string \"id\"");
  return it->get<std::string>();
}

// ---------------------------------------------------------------------------
// /brokers/ids/<id>.

std::string BrokerEndpoint::ConnectionString() const {
  std::string hostport = IsIpv6Host(host) ? "[" + host + "]" : host;
  return listener_name + "://" + hostport + ":" + std::to_string(port);
}

std::string BrokerIdZNode::Encode() const {
  // Kafka fills a mutable.Map (version, host, port, endpoints, jmx_port, timestamp,
  // then rack, listener_security_protocol_map, features) and serialises it in that
  // map's iteration order. This is the order the widely deployed Scala 2.12 builds
  // write (e.g. {"listener_security_protocol_map":...,"endpoints":...,"jmx_port":-1,
  // "features":{},"host":...,"timestamp":...,"port":9092,"version":5}).
  const BrokerEndpoint* plaintext = nullptr;
  for (const auto& ep : endpoints) {
    if (ep.security_protocol == "PLAINTEXT") {
      plaintext = &ep;
      break;
    }
  }
  OJson j;
  if (version >= 4) {
    OJson m = OJson::object();
    for (const auto& ep : endpoints) m[ep.listener_name] = ep.security_protocol;
    j["listener_security_protocol_map"] = std::move(m);
  }
  OJson eps = OJson::array();
  for (const auto& ep : endpoints) eps.push_back(ep.ConnectionString());
  j["endpoints"] = std::move(eps);
  if (rack && version >= 3) j["rack"] = *rack;
  j["jmx_port"] = jmx_port;
  if (version >= 5) {
    OJson f = OJson::object();
    for (const auto& sf : features) {
      OJson r;
      r["min_version"] = sf.min_version;
      r["max_version"] = sf.max_version;
      f[sf.name] = std::move(r);
    }
    j["features"] = std::move(f);
  }
  if (plaintext) {
    j["host"] = plaintext->host;
  } else {
    j["host"] = nullptr;
  }
  j["timestamp"] = std::to_string(timestamp_ms);
  j["port"] = plaintext ? plaintext->port : -1;
  j["version"] = version;
  return Dump(j);
}

util::Result<BrokerIdZNode> BrokerIdZNode::Decode(int32_t broker_id, std::string_view data) {
  const std::string what = Path(broker_id);
  auto jr = ParseObject(data, what);
  if (!jr.ok()) return jr.status();
  const Json& j = *jr;
  BrokerIdZNode out;
  out.broker_id = broker_id;
  auto version = GetInt32(j, "version", what);
  if (!version.ok()) return version.status();
  out.version = *version;
  if (out.version < 1) return Bad(what, "unsupported version of broker registration");
  if (auto it = j.find("jmx_port"); it != j.end()) {
    auto v = AsInt32(*it);
    if (!v) return Bad(what, "\"jmx_port\" is not an int32");
    out.jmx_port = *v;
  }
  out.timestamp_ms = GetTimestamp(j);
  if (auto it = j.find("host"); it != j.end() && it->is_string()) out.host = it->get<std::string>();
  if (auto it = j.find("port"); it != j.end()) out.port = AsInt32(*it).value_or(-1);

  if (out.version == 1) {
    if (!out.host) return Bad(what, "version 1 without \"host\"");
    out.endpoints.push_back(BrokerEndpoint{"PLAINTEXT", *out.host, out.port, "PLAINTEXT"});
  } else {
    std::map<std::string, std::string> protocols;
    if (auto it = j.find("listener_security_protocol_map"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) return Bad(what, "\"listener_security_protocol_map\" is not an object");
      for (const auto& [k, v] : it->items()) {
        if (!v.is_string()) return Bad(what, "security protocol is not a string");
        protocols[k] = v.get<std::string>();
      }
    }
    auto it = j.find("endpoints");
    if (it == j.end() || !it->is_array()) return Bad(what, "missing \"endpoints\" array");
    for (const auto& e : *it) {
      if (!e.is_string()) return Bad(what, "endpoint is not a string");
      auto ep = ParseEndpoint(e.get<std::string>());
      if (!ep) return Bad(what, "unparsable endpoint \"" + e.get<std::string>() + "\"");
      if (!protocols.empty()) {
        auto p = protocols.find(ep->listener_name);
        if (p == protocols.end())
          return Bad(what, "no security protocol for listener " + ep->listener_name);
        ep->security_protocol = p->second;
      }
      out.endpoints.push_back(std::move(*ep));
    }
  }
  if (auto it = j.find("rack"); it != j.end() && it->is_string()) out.rack = it->get<std::string>();
  if (auto it = j.find("features"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Bad(what, "\"features\" is not an object");
    for (const auto& [name, range] : it->items()) {
      if (!range.is_object()) return Bad(what, "feature range is not an object");
      auto lo = range.find("min_version");
      auto hi = range.find("max_version");
      auto lo_v = lo == range.end() ? std::nullopt : AsInt32(*lo);
      auto hi_v = hi == range.end() ? std::nullopt : AsInt32(*hi);
      if (!lo_v || !hi_v) return Bad(what, "feature " + name + " lacks min/max_version");
      out.features.push_back(SupportedFeature{name, static_cast<int16_t>(*lo_v),
                                              static_cast<int16_t>(*hi_v)});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// /brokers/topics/<topic>.

std::string TopicZNode::Encode() const {
  // mutable.Map(version, partitions, adding_replicas, removing_replicas) sized for
  // four entries (a table of 8), plus topic_id: Scala 2.13 iterates it as below.
  OJson j;
  j["partitions"] = PartitionMap(partitions, &ReplicaAssignment::replicas, false);
  if (topic_id) j["topic_id"] = *topic_id;
  j["adding_replicas"] = PartitionMap(partitions, &ReplicaAssignment::adding_replicas, true);
  j["removing_replicas"] = PartitionMap(partitions, &ReplicaAssignment::removing_replicas, true);
  j["version"] = kCurrentVersion;
  return Dump(j);
}

util::Result<TopicZNode> TopicZNode::Decode(std::string_view data) {
  constexpr std::string_view kWhat = "topic assignment";
  auto jr = ParseObject(data, kWhat);
  if (!jr.ok()) return jr.status();
  const Json& j = *jr;
  TopicZNode out;
  out.version = 1;
  if (auto it = j.find("version"); it != j.end()) {
    auto v = AsInt32(*it);
    if (!v) return Bad(kWhat, "\"version\" is not an int32");
    out.version = *v;
  }
  if (auto it = j.find("topic_id"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Bad(kWhat, "\"topic_id\" is not a string");
    auto id = ParseKafkaUuid(it->get<std::string>());
    if (!id.ok()) return Bad(kWhat, id.status().message());
    out.topic_id = it->get<std::string>();
  }
  auto read_map = [&](const char* key, std::vector<int32_t> ReplicaAssignment::*field,
                      bool create) -> util::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return util::Status::OK();
    if (!it->is_object()) return Bad(kWhat, std::string("\"") + key + "\" is not an object");
    for (const auto& [k, v] : it->items()) {
      auto p = ParseInt64(k);
      if (!p || *p < 0 || *p > std::numeric_limits<int32_t>::max())
        return Bad(kWhat, "bad partition \"" + k + "\"");
      auto replicas = GetIntArray(v, kWhat, key);
      if (!replicas.ok()) return replicas.status();
      auto slot = out.partitions.find(static_cast<int32_t>(*p));
      if (slot == out.partitions.end()) {
        // adding/removing entries for partitions that are not assigned are ignored,
        // as Kafka only looks them up per assigned partition.
        if (!create) continue;
        slot = out.partitions.emplace(static_cast<int32_t>(*p), ReplicaAssignment{}).first;
      }
      slot->second.*field = std::move(*replicas);
    }
    return util::Status::OK();
  };
  UTIL_RETURN_IF_ERROR(read_map("partitions", &ReplicaAssignment::replicas, true));
  UTIL_RETURN_IF_ERROR(read_map("adding_replicas", &ReplicaAssignment::adding_replicas, false));
  UTIL_RETURN_IF_ERROR(read_map("removing_replicas", &ReplicaAssignment::removing_replicas, false));
  return out;
}

// ---------------------------------------------------------------------------
// /brokers/topics/<topic>/partitions/<p>/state.

std::string TopicPartitionStateZNode::Encode() const {
  // An immutable Map of five entries (a HashMap trie): this is its iteration order.
  OJson j;
  j["controller_epoch"] = controller_epoch;
  j["leader"] = leader;
  j["version"] = 1;
  j["leader_epoch"] = leader_epoch;
  j["isr"] = IntArray(isr);
  if (leader_recovery_state != 0) j["leader_recovery_state"] = leader_recovery_state;
  return Dump(j);
}

util::Result<TopicPartitionStateZNode> TopicPartitionStateZNode::Decode(std::string_view data) {
  constexpr std::string_view kWhat = "partition state";
  auto jr = ParseObject(data, kWhat);
  if (!jr.ok()) return jr.status();
  const Json& j = *jr;
  TopicPartitionStateZNode out;
  auto leader = GetInt32(j, "leader", kWhat);
  if (!leader.ok()) return leader.status();
  auto epoch = GetInt32(j, "leader_epoch", kWhat);
  if (!epoch.ok()) return epoch.status();
  auto cepoch = GetInt32(j, "controller_epoch", kWhat);
  if (!cepoch.ok()) return cepoch.status();
  auto isr_it = j.find("isr");
  if (isr_it == j.end()) return Bad(kWhat, "missing \"isr\"");
  auto isr = GetIntArray(*isr_it, kWhat, "isr");
  if (!isr.ok()) return isr.status();
  out.leader = *leader;
  out.leader_epoch = *epoch;
  out.controller_epoch = *cepoch;
  out.isr = std::move(*isr);
  if (auto it = j.find("leader_recovery_state"); it != j.end()) {
    auto v = AsInt32(*it);
    if (!v || *v < 0 || *v > 1) return Bad(kWhat, "bad \"leader_recovery_state\"");
    out.leader_recovery_state = static_cast<int8_t>(*v);
  }
  return out;
}

// ---------------------------------------------------------------------------
// /config/<type>/<name> and change notifications.

std::string ConfigEntityZNode::Encode() const {
  // Map("version" -> 1, "config" -> properties): the Properties object iterates in
  // ConcurrentHashMap order (Java 9+).
  std::vector<std::string> keys;
  keys.reserve(config.size());
  for (const auto& [k, v] : config) keys.push_back(k);
  OJson c = OJson::object();
  for (const auto& k : JavaPropertiesOrder(keys)) c[k] = config.at(k);
  OJson j;
  j["version"] = 1;
  j["config"] = std::move(c);
  return Dump(j);
}

util::Result<ConfigEntityZNode> ConfigEntityZNode::Decode(std::string_view data) {
  constexpr std::string_view kWhat = "entity config";
  ConfigEntityZNode out;
  if (data.empty()) return out;
  auto jr = ParseObject(data, kWhat);
  if (!jr.ok()) return jr.status();
  auto it = jr->find("config");
  if (it == jr->end() || it->is_null()) return out;
  if (!it->is_object()) return Bad(kWhat, "\"config\" is not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Bad(kWhat, "value of \"" + k + "\" is not a string");
    out.config[k] = v.get<std::string>();
  }
  return out;
}

std::string ConfigEntityChangeNotificationSequenceZNode::Encode(std::string_view entity_path) {
  OJson j;
  j["version"] = 2;
  j["entity_path"] = std::string(entity_path);
  return Dump(j);
}

util::Result<std::string> ConfigEntityChangeNotificationSequenceZNode::Decode(
    std::string_view data) {
  constexpr std::string_view kWhat = "config change notification";
  auto jr = ParseObject(data, kWhat);
  if (!jr.ok()) return jr.status();
  auto version = GetInt32(*jr, "version", kWhat);
  if (!version.ok()) return version.status();
  if (*version == 1) {
    auto type = jr->find("entity_type");
    auto name = jr->find("entity_name");
    if (type == jr->end() || name == jr->end() || !type->is_string() || !name->is_string())
      return Bad(kWhat, "version 1 without entity_type/entity_name");
    return type->get<std::string>() + "/" + name->get<std::string>();
  }
  if (*version != 2) return Bad(kWhat, "unsupported version " + std::to_string(*version));
  auto it = jr->find("entity_path");
  if (it == jr->end() || !it->is_string()) return Bad(kWhat, "missing string \"entity_path\"");
  return it->get<std::string>();
}

// ---------------------------------------------------------------------------
// Uuids.

std::string FormatKafkaUuid(const UuidBytes& b) {
  std::string out;
  out.reserve(22);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t byte : b) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 0x3f]);
  return out;
}

util::Result<UuidBytes> ParseKafkaUuid(std::string_view text) {
  std::string_view s = text;
  if (s.size() == 24 && s.substr(22) == "==") s = s.substr(0, 22);
  if (s.size() != 22)
    return util::Status::InvalidArgument("invalid Uuid \"" + std::string(text.substr(0, 64)) +
                                         "\": expected 22 base64url characters");
  UuidBytes out{};
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : s) {
    int v = Base64UrlValue(c);
    if (v < 0)
      return util::Status::InvalidArgument("invalid Uuid \"" + std::string(text) +
                                           "\": not base64url");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < out.size()) out[n++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  return out;
}

std::string GenerateKafkaUuid() {
  static thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  for (;;) {
    UuidBytes b{};
    uint64_t hi = rng(), lo = rng();
    for (int i = 0; i < 8; ++i) {
      b[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
      b[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
    }
    // java.util.UUID.randomUUID(): version 4, IETF variant.
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
    std::string s = FormatKafkaUuid(b);
    // Zero and metadata-topic ids cannot occur with the version bits set; a leading
    // '-' would read as a command-line option, so Kafka draws again.
    if (s.front() == '-') continue;
    return s;
  }
}

// ---------------------------------------------------------------------------
// Topic names.

util::Status ValidateTopicName(std::string_view topic) {
  if (topic.empty()) return util::Status::InvalidArgument("Topic name is illegal, it can't be empty");
  if (topic == "." || topic == "..")
    return util::Status::InvalidArgument("Topic name cannot be \".\" or \"..\"");
  if (topic.size() > kMaxTopicNameLength)
    return util::Status::InvalidArgument(
        "Topic name is illegal, it can't be longer than " + std::to_string(kMaxTopicNameLength) +
        " characters, Topic name: " + std::string(topic));
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok)
      return util::Status::InvalidArgument(
          "Topic name \"" + std::string(topic) +
          "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and "
          "'-'");
  }
  return util::Status::OK();
}

bool HasCollisionChars(std::string_view topic) {
  return topic.find_first_of("._") != std::string_view::npos;
}

std::string UnifyCollisionChars(std::string_view topic) {
  std::string out(topic);
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

bool TopicNamesCollide(std::string_view a, std::string_view b) {
  return UnifyCollisionChars(a) == UnifyCollisionChars(b);
}

util::Status ValidateReplicaAssignment(const std::map<int32_t, std::vector<int32_t>>& assignment) {
  if (assignment.empty())
    return util::Status::InvalidArgument("Number of partitions must be larger than 0.");
  size_t rf = assignment.begin()->second.size();
  int32_t expected = 0;
  for (const auto& [p, replicas] : assignment) {
    if (p != expected++)
      return util::Status::InvalidArgument(
          "partitions should be a consecutive 0-based integer sequence");
    if (replicas.empty())
      return util::Status::InvalidArgument("Replication factor must be larger than 0.");
    if (replicas.size() != rf)
      return util::Status::InvalidArgument("All partitions should have the same number of replicas");
    std::vector<int32_t> sorted = replicas;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      return util::Status::InvalidArgument("Duplicate replica assignment found for partition " +
                                           std::to_string(p));
  }
  return util::Status::OK();
}

// ---------------------------------------------------------------------------
// Map iteration orders.

std::vector<std::string> ScalaMutableHashMapOrder(const std::vector<std::string>& keys) {
  // scala.collection.mutable.HashMap (2.13): table of 16, load factor 0.75, grown
  // before an insert when size + 1 >= threshold; bucket = improved hash & (n - 1);
  // each bucket is kept sorted by improved hash (as a signed int). Growing splits
  // buckets without reordering, so the final order depends only on the final size.
  size_t n = 16;
  for (size_t size = 0; size < keys.size(); ++size) {
    if (size + 1 >= static_cast<size_t>(n * 0.75)) n *= 2;
  }
  std::vector<std::tuple<uint32_t, int32_t, size_t>> order;
  for (size_t i = 0; i < keys.size(); ++i) {
    uint32_t h = Spread(JavaStringHash(keys[i]));
    order.emplace_back(h & (n - 1), static_cast<int32_t>(h), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> out;
  for (const auto& t : order) out.push_back(keys[std::get<2>(t)]);
  return out;
}

std::vector<std::string> JavaPropertiesOrder(const std::vector<std::string>& keys) {
  // java.util.concurrent.ConcurrentHashMap(8): 16 bins; new keys go to the tail of
  // their bin; once size >= 0.75 n the table doubles, each bin splitting by the
  // next hash bit with the nodes before the bin's "lastRun" prepended (reversed).
  size_t n = 16;
  std::vector<std::vector<std::pair<uint32_t, std::string>>> bins(n);
  size_t count = 0;
  for (const auto& k : keys) {
    uint32_t h = Spread(JavaStringHash(k)) & 0x7fffffffu;
    bins[h & (n - 1)].emplace_back(h, k);
    ++count;
    if (count >= n - (n >> 2)) {
      std::vector<std::vector<std::pair<uint32_t, std::string>>> next(2 * n);
      for (size_t i = 0; i < n; ++i) {
        auto& bin = bins[i];
        if (bin.empty()) continue;
        size_t last_run = 0;
        uint32_t run_bit = bin[0].first & n;
        for (size_t j = 1; j < bin.size(); ++j) {
          uint32_t b = bin[j].first & n;
          if (b != run_bit) {
            run_bit = b;
            last_run = j;
          }
        }
        std::vector<std::pair<uint32_t, std::string>> lo, hi;
        auto& run_dst = run_bit == 0 ? lo : hi;
        run_dst.assign(bin.begin() + last_run, bin.end());
        for (size_t j = 0; j < last_run; ++j) {
          auto& dst = (bin[j].first & n) == 0 ? lo : hi;
          dst.insert(dst.begin(), bin[j]);
        }
        next[i] = std::move(lo);
        next[i + n] = std::move(hi);
      }
      bins = std::move(next);
      n *= 2;
    }
  }
  std::vector<std::string> out;
  for (const auto& bin : bins)
    for (const auto& e : bin) out.push_back(e.second);
  return out;
}

}  // namespace kafka::broker::zkdata
