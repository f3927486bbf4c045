#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>
#include <string>

#include "common/protocol/header.h"
#include "common/protocol/messages/all.h"
#include "common/protocol/test_fill.h"

namespace kafka::protocol {
namespace {

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

#define ALL_MESSAGES                                                                           \
  ApiVersionsRequest, ApiVersionsResponse, MetadataRequest, MetadataResponse, ProduceRequest,  \
      ProduceResponse, FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,   \
      CreateTopicsRequest, CreateTopicsResponse, DeleteTopicsRequest, DeleteTopicsResponse,    \
      DescribeConfigsRequest, DescribeConfigsResponse, CreatePartitionsRequest,                \
      CreatePartitionsResponse, InitProducerIdRequest, InitProducerIdResponse,                 \
      FindCoordinatorRequest, FindCoordinatorResponse, JoinGroupRequest, JoinGroupResponse,    \
      SyncGroupRequest, SyncGroupResponse, HeartbeatRequest, HeartbeatResponse,                \
      LeaveGroupRequest, LeaveGroupResponse, OffsetCommitRequest, OffsetCommitResponse,        \
      OffsetFetchRequest, OffsetFetchResponse, ListGroupsRequest, ListGroupsResponse,          \
      DescribeGroupsRequest, DescribeGroupsResponse, SaslHandshakeRequest,                     \
      SaslHandshakeResponse, SaslAuthenticateRequest, SaslAuthenticateResponse, DeleteGroupsRequest,   \
      DeleteGroupsResponse, OffsetDeleteRequest, OffsetDeleteResponse, LeaderAndIsrRequest,          \
      LeaderAndIsrResponse, UpdateMetadataRequest, UpdateMetadataResponse, StopReplicaRequest,  \
      StopReplicaResponse, ControlledShutdownRequest, ControlledShutdownResponse,               \
      OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, ElectLeadersRequest,           \
      ElectLeadersResponse

TEMPLATE_TEST_CASE("every message round-trips at every supported version", "[protocol]",
                   ALL_MESSAGES) {
  using T = TestType;
  const int16_t v = static_cast<int16_t>(GENERATE(range(0, 20)));
  if (!T::kVersions.Contains(v)) return;
  INFO("version " << v);
  T sample;
  testing::FillStruct(sample, 3, 1);
  sample.unknown_tags = {{90, "zz"}};
  const std::string bytes = EncodeToString(sample, v);
  Reader r(bytes);
  auto decoded = Decode<T>(r, v);
  REQUIRE(decoded.ok());
  CHECK(r.AtEnd());
  CHECK(EncodeToString(*decoded, v) == bytes);
  if (v >= T::kFirstFlexible) {
    CHECK(decoded->unknown_tags == sample.unknown_tags);
  }
  // Every strict prefix fails cleanly.
  for (size_t n = 0; n < bytes.size(); ++n) {
    Reader p(std::string_view(bytes).substr(0, n));
    CHECK_FALSE(Decode<T>(p, v).ok());
  }
  // Defaults (nulls, empty arrays) round-trip too.
  T empty;
  const std::string empty_bytes = EncodeToString(empty, v);
  Reader er(empty_bytes);
  auto empty_decoded = Decode<T>(er, v);
  REQUIRE(empty_decoded.ok());
  CHECK(EncodeToString(*empty_decoded, v) == empty_bytes);
  // Corrupted bytes never crash.
  std::mt19937 rng(static_cast<uint32_t>(v) * 7919u + static_cast<uint32_t>(bytes.size()));
  for (int i = 0; i < 200 && !bytes.empty(); ++i) {
    std::string bad = bytes;
    for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    Reader br(bad);
    (void)Decode<T>(br, v);
  }
}

TEMPLATE_TEST_CASE("versions outside the supported range are rejected", "[protocol]",
                   ALL_MESSAGES) {
  using T = TestType;
  std::string bytes(64, '\0');
  Reader r1(bytes);
  auto below = Decode<TestType>(r1, static_cast<int16_t>(T::kVersions.lo - 1));
  REQUIRE_FALSE(below.ok());
  CHECK(below.status().code() == util::Status::Code::kNotSupported);
  Reader r2(bytes);
  CHECK_FALSE(Decode<TestType>(r2, static_cast<int16_t>(T::kVersions.hi + 1)).ok());
}

TEST_CASE("golden: ApiVersions v3 request as librdkafka 2.0.2 sends it", "[protocol]") {
  // Identical to the first frame kcat 1.7.1 (librdkafka 2.0.2) sent to a plain socket.
  ApiVersionsRequest req;
  req.client_software_name = "librdkafka";
  req.client_software_version = "2.0.2";
  std::string frame = EncodeRequestFrame(1, std::string("rdkafka"), 3, req);
  std::string want = Unhex(
      "00000024"                    // size 36
      "0012" "0003" "00000001"      // key 18, v3, correlation 1
      "0007" "72646b61666b61"       // client_id "rdkafka" (INT16 length even in v2 header)
      "00"                          // header tags
      "0b" "6c696272646b61666b61"   // compact "librdkafka"
      "06" "322e302e32"             // compact "2.0.2"
      "00");                        // body tags
  CHECK(frame == want);
  Reader r(std::string_view(want).substr(4));
  auto h = DecodeRequestHeader(r);
  REQUIRE(h.ok());
  auto body = Decode<ApiVersionsRequest>(r, h->api_version);
  REQUIRE(body.ok());
  CHECK(body->client_software_name == "librdkafka");
  CHECK(r.AtEnd());
}

TEST_CASE("golden: kafka-python 2.0.2's pipelined ApiVersions v0 + Metadata v0 probe",
          "[protocol]") {
  // Captured from kafka-python 2.0.2 (KafkaConsumer bootstrap) on a plain socket.
  const std::string wire = Unhex(
      "0000001c" "0012" "0000" "00000001" "0012" "6b61666b612d707974686f6e2d322e302e32"
      "00000020" "0003" "0000" "00000002" "0012" "6b61666b612d707974686f6e2d322e302e32"
      "00000000");
  MetadataRequest all;
  all.topics.emplace();  // v0: empty array = all topics
  const std::string client = "kafka-python-2.0.2";
  CHECK(EncodeRequestFrame(1, client, 0, ApiVersionsRequest{}) +
            EncodeRequestFrame(2, client, 0, all) ==
        wire);
  Reader r(std::string_view(wire).substr(4, 0x1c));
  auto h1 = DecodeRequestHeader(r);
  REQUIRE(h1.ok());
  CHECK(h1->api_key == 18);
  CHECK(Decode<ApiVersionsRequest>(r, 0).ok());
  CHECK(r.AtEnd());
  Reader r2(std::string_view(wire).substr(4 + 0x1c + 4));
  auto h2 = DecodeRequestHeader(r2);
  REQUIRE(h2.ok());
  CHECK(h2->correlation_id == 2);
  auto md = Decode<MetadataRequest>(r2, h2->api_version);
  REQUIRE(md.ok());
  REQUIRE(md->topics.has_value());
  CHECK(md->topics->empty());
  CHECK(r2.AtEnd());
}

TEST_CASE("golden: ApiVersions v3 response uses header v0 and a flexible body", "[protocol]") {
  ApiVersionsResponse resp;
  resp.api_keys = {{18, 0, 3, {}}};
  std::string frame = EncodeResponseFrame(7, 3, resp);
  std::string want = Unhex(
      "00000013" "00000007"        // size 19, correlation (no header tags)
      "0000"                       // error
      "02" "0012" "0000" "0003" "00"  // compact array of 1: key, min, max, tags
      "00000000"                   // throttle
      "00");                       // body tags
  CHECK(frame == want);
}

TEST_CASE("golden: Metadata v9 request is compact with tags", "[protocol]") {
  MetadataRequest req;
  req.topics = std::vector<MetadataRequest::MetadataRequestTopic>{{{}, "t", {}}};
  req.allow_auto_topic_creation = false;
  std::string body = EncodeToString(req, 9);
  CHECK(body == Unhex("02" "0274" "00" "00" "00" "00" "00"));
  MetadataRequest all;  // null topics: all
  CHECK(EncodeToString(all, 9) == Unhex("00" "01" "00" "00" "00"));
  CHECK(EncodeToString(all, 1) == Unhex("ffffffff"));
  CHECK(EncodeToString(all, 0) == Unhex("00000000"));
}

TEST_CASE("tagged fields are written only when they differ from the default", "[protocol]") {
  FetchResponse::PartitionData p;
  FetchResponse resp;
  resp.responses.push_back({"t", {p}, {}});
  std::string plain = EncodeToString(resp, 12);
  resp.responses[0].partitions[0].current_leader = {3, 9, {}};
  std::string tagged = EncodeToString(resp, 12);
  CHECK(tagged.size() == plain.size() + 1 /*tag*/ + 1 /*size*/ + 9 /*struct*/);
  Reader r(tagged);
  auto back = Decode<FetchResponse>(r, 12);
  REQUIRE(back.ok());
  CHECK(back->responses[0].partitions[0].current_leader.leader_id == 3);
  CHECK(back->responses[0].partitions[0].current_leader.leader_epoch == 9);
}

TEST_CASE("a hostile array count fails without allocating", "[protocol]") {
  // Metadata v1 request: topics count 2^31-1 with 10 bytes behind it.
  std::string bytes = Unhex("7fffffff") + std::string(10, 'a');
  Reader r(bytes);
  CHECK_FALSE(Decode<MetadataRequest>(r, 1).ok());
  // Compact: uvarint 0xffffffff.
  std::string cbytes = Unhex("ffffffff0f") + std::string(10, 'a');
  Reader cr(cbytes);
  CHECK_FALSE(Decode<MetadataRequest>(cr, 9).ok());
}

TEST_CASE("null where the version does not allow it is rejected", "[protocol]") {
  // Metadata v0 topics = -1 (null only allowed from v1).
  std::string bytes = Unhex("ffffffff");
  Reader r(bytes);
  CHECK_FALSE(Decode<MetadataRequest>(r, 0).ok());
  Reader r1(bytes);
  auto ok = Decode<MetadataRequest>(r1, 1);
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->topics.has_value());
}

TEST_CASE("produce records stay raw bytes", "[protocol]") {
  ProduceRequest req;
  req.acks = -1;
  req.timeout_ms = 1500;
  req.topic_data.push_back({"t", {{0, std::string("\x00\x01raw", 5), {}}}, {}});
  std::string bytes = EncodeToString(req, 7);
  Reader r(bytes);
  auto back = Decode<ProduceRequest>(r, 7);
  REQUIRE(back.ok());
  CHECK(*back->topic_data[0].partition_data[0].records == std::string("\x00\x01raw", 5));
  CHECK(back->acks == -1);
  CHECK_FALSE(back->transactional_id.has_value());
}

}  // namespace
}  // namespace kafka::protocol

namespace kafka::protocol {
namespace {

template <typename T>
bool DecodesExactly(std::string_view bytes, int16_t v) {
  Reader r(bytes);
  auto d = Decode<T>(r, v);
  return d.ok() && r.AtEnd() && EncodeToString(*d, v) == bytes;
}

using Checker = bool (*)(std::string_view, int16_t);

// kafka-python class family -> our message.
const std::map<std::string, Checker>& KafkaPythonNames() {
  static const std::map<std::string, Checker> kMap = {
      {"MetadataRequest", &DecodesExactly<MetadataRequest>},
      {"MetadataResponse", &DecodesExactly<MetadataResponse>},
      {"ProduceRequest", &DecodesExactly<ProduceRequest>},
      {"ProduceResponse", &DecodesExactly<ProduceResponse>},
      {"FetchRequest", &DecodesExactly<FetchRequest>},
      {"FetchResponse", &DecodesExactly<FetchResponse>},
      {"OffsetRequest", &DecodesExactly<ListOffsetsRequest>},
      {"OffsetResponse", &DecodesExactly<ListOffsetsResponse>},
      {"ApiVersionRequest", &DecodesExactly<ApiVersionsRequest>},
      {"ApiVersionResponse", &DecodesExactly<ApiVersionsResponse>},
      {"CreateTopicsRequest", &DecodesExactly<CreateTopicsRequest>},
      {"CreateTopicsResponse", &DecodesExactly<CreateTopicsResponse>},
      {"DeleteTopicsRequest", &DecodesExactly<DeleteTopicsRequest>},
      {"DeleteTopicsResponse", &DecodesExactly<DeleteTopicsResponse>},
      {"DescribeConfigsRequest", &DecodesExactly<DescribeConfigsRequest>},
      {"DescribeConfigsResponse", &DecodesExactly<DescribeConfigsResponse>},
      {"CreatePartitionsRequest", &DecodesExactly<CreatePartitionsRequest>},
      {"CreatePartitionsResponse", &DecodesExactly<CreatePartitionsResponse>},
      {"ListGroupsRequest", &DecodesExactly<ListGroupsRequest>},
      {"ListGroupsResponse", &DecodesExactly<ListGroupsResponse>},
      {"DescribeGroupsRequest", &DecodesExactly<DescribeGroupsRequest>},
      {"DescribeGroupsResponse", &DecodesExactly<DescribeGroupsResponse>},
      {"GroupCoordinatorRequest", &DecodesExactly<FindCoordinatorRequest>},
      {"GroupCoordinatorResponse", &DecodesExactly<FindCoordinatorResponse>},
      {"OffsetCommitRequest", &DecodesExactly<OffsetCommitRequest>},
      {"OffsetCommitResponse", &DecodesExactly<OffsetCommitResponse>},
      {"OffsetFetchRequest", &DecodesExactly<OffsetFetchRequest>},
      {"OffsetFetchResponse", &DecodesExactly<OffsetFetchResponse>},
      {"JoinGroupRequest", &DecodesExactly<JoinGroupRequest>},
      {"JoinGroupResponse", &DecodesExactly<JoinGroupResponse>},
      {"SyncGroupRequest", &DecodesExactly<SyncGroupRequest>},
      {"SyncGroupResponse", &DecodesExactly<SyncGroupResponse>},
      {"HeartbeatRequest", &DecodesExactly<HeartbeatRequest>},
      {"HeartbeatResponse", &DecodesExactly<HeartbeatResponse>},
      {"LeaveGroupRequest", &DecodesExactly<LeaveGroupRequest>},
      {"LeaveGroupResponse", &DecodesExactly<LeaveGroupResponse>},
      {"SaslHandShakeRequest", &DecodesExactly<SaslHandshakeRequest>},
      {"SaslHandShakeResponse", &DecodesExactly<SaslHandshakeResponse>},
      {"SaslAuthenticateRequest", &DecodesExactly<SaslAuthenticateRequest>},
      {"SaslAuthenticateResponse", &DecodesExactly<SaslAuthenticateResponse>},
  };
  return kMap;
}

TEST_CASE("bodies encoded by kafka-python decode exactly and re-encode byte for byte",
          "[protocol]") {
  std::ifstream in("common/protocol/testdata/kafka_python_frames.txt");
  REQUIRE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t sp = line.find(' ');
    std::string cls = line.substr(0, sp);
    std::string hex = sp == std::string::npos ? "" : line.substr(sp + 1);
    size_t vpos = cls.rfind("_v");
    REQUIRE(vpos != std::string::npos);
    std::string family = cls.substr(0, vpos);
    int16_t v = static_cast<int16_t>(std::stoi(cls.substr(vpos + 2)));
    auto it = KafkaPythonNames().find(family);
    REQUIRE(it != KafkaPythonNames().end());
    INFO(cls);
    CHECK(it->second(Unhex(hex), v));
    ++checked;
  }
  CHECK(checked > 100);
}

}  // namespace
}  // namespace kafka::protocol
