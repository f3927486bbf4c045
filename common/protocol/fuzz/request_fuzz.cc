// libFuzzer entry point: a request frame body (header + message) as a broker
// receives it after the 4-byte size. Property checked: decoding never crashes,
// and anything that decodes re-encodes to bytes that decode to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/protocol/header.h"
#include "common/protocol/messages/all.h"

namespace kafka::protocol {
namespace {

template <typename T>
void RoundTrip(Reader& r, int16_t version) {
  auto first = Decode<T>(r, version);
  if (!first.ok()) return;
  std::string bytes = EncodeToString(*first, version);
  Reader again(bytes);
  auto second = Decode<T>(again, version);
  if (!second.ok() || !(*second == *first) || !again.AtEnd()) std::abort();
}

void DecodeBody(int16_t key, int16_t version, Reader& r) {
  switch (static_cast<ApiKey>(key)) {
    case ApiKey::kProduce: return RoundTrip<ProduceRequest>(r, version);
    case ApiKey::kFetch: return RoundTrip<FetchRequest>(r, version);
    case ApiKey::kListOffsets: return RoundTrip<ListOffsetsRequest>(r, version);
    case ApiKey::kMetadata: return RoundTrip<MetadataRequest>(r, version);
    case ApiKey::kOffsetCommit: return RoundTrip<OffsetCommitRequest>(r, version);
    case ApiKey::kOffsetFetch: return RoundTrip<OffsetFetchRequest>(r, version);
    case ApiKey::kFindCoordinator: return RoundTrip<FindCoordinatorRequest>(r, version);
    case ApiKey::kJoinGroup: return RoundTrip<JoinGroupRequest>(r, version);
    case ApiKey::kHeartbeat: return RoundTrip<HeartbeatRequest>(r, version);
    case ApiKey::kLeaveGroup: return RoundTrip<LeaveGroupRequest>(r, version);
    case ApiKey::kSyncGroup: return RoundTrip<SyncGroupRequest>(r, version);
    case ApiKey::kDescribeGroups: return RoundTrip<DescribeGroupsRequest>(r, version);
    case ApiKey::kListGroups: return RoundTrip<ListGroupsRequest>(r, version);
    case ApiKey::kApiVersions: return RoundTrip<ApiVersionsRequest>(r, version);
    case ApiKey::kCreateTopics: return RoundTrip<CreateTopicsRequest>(r, version);
    case ApiKey::kDeleteTopics: return RoundTrip<DeleteTopicsRequest>(r, version);
    case ApiKey::kInitProducerId: return RoundTrip<InitProducerIdRequest>(r, version);
    case ApiKey::kDescribeConfigs: return RoundTrip<DescribeConfigsRequest>(r, version);
    case ApiKey::kCreatePartitions: return RoundTrip<CreatePartitionsRequest>(r, version);
    case ApiKey::kSaslHandshake: return RoundTrip<SaslHandshakeRequest>(r, version);
    case ApiKey::kSaslAuthenticate: return RoundTrip<SaslAuthenticateRequest>(r, version);
    default: return;
  }
}

}  // namespace
}  // namespace kafka::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kafka::protocol;
  Reader r(std::string_view(reinterpret_cast<const char*>(data), size));
  auto header = DecodeRequestHeader(r);
  if (!header.ok()) return 0;
  DecodeBody(header->api_key, header->api_version, r);
  return 0;
}
