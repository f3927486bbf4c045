// Prints every message's field descriptors as JSON, in the shape of Kafka's
// message JSON (name, type, versions, nullableVersions, tag, taggedVersions),
// so a reviewer can diff our declarations against
// clients/src/main/resources/common/message/*.json.
// Usage: bazel run //common/protocol:schema_dump [> schema.json]
#include <cstdio>
#include <string>
#include <type_traits>

#include "common/protocol/codec_impl.h"
#include "common/protocol/messages/all.h"

namespace kafka::protocol {
namespace {

std::string VersionsText(Versions v) {
  if (v.empty()) return "none";
  if (v.hi == kMaxVersion) return std::to_string(v.lo) + "+";
  if (v.lo == v.hi) return std::to_string(v.lo);
  return std::to_string(v.lo) + "-" + std::to_string(v.hi);
}

template <typename S>
void DumpFields(int indent);

template <typename M>
std::string TypeName(bool bytes) {
  using namespace internal;
  if constexpr (std::is_same_v<M, bool>) return "bool";
  else if constexpr (std::is_same_v<M, int8_t>) return "int8";
  else if constexpr (std::is_same_v<M, int16_t>) return "int16";
  else if constexpr (std::is_same_v<M, uint16_t>) return "uint16";
  else if constexpr (std::is_same_v<M, int32_t>) return "int32";
  else if constexpr (std::is_same_v<M, int64_t>) return "int64";
  else if constexpr (std::is_same_v<M, double>) return "float64";
  else if constexpr (std::is_same_v<M, Uuid>) return "uuid";
  else if constexpr (std::is_same_v<M, std::string> ||
                     std::is_same_v<M, std::optional<std::string>>)
    return bytes ? "bytes" : "string";
  else if constexpr (IsVector<M>::value) return "[]" + TypeName<typename IsVector<M>::Elem>(bytes);
  else if constexpr (IsOptionalVector<M>::value)
    return TypeName<typename IsOptional<M>::Inner>(bytes);
  else return "struct";
}

template <typename M>
struct StructOf {
  using type = void;
};
template <typename M>
  requires internal::HasFields<M>
struct StructOf<M> {
  using type = M;
};
template <typename E>
struct StructOf<std::vector<E>> : StructOf<E> {};
template <typename E>
struct StructOf<std::optional<E>> : StructOf<E> {};

template <typename S>
void DumpFields(int indent) {
  constexpr auto fields = S::Fields();
  std::string pad(static_cast<size_t>(indent), ' ');
  std::printf("[\n");
  bool first = true;
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fd) {
          using M = std::remove_cvref_t<decltype(std::declval<S>().*(fd.member))>;
          std::printf("%s%s{ \"name\": \"%s\", \"type\": \"%s\", \"versions\": \"%s\"",
                      first ? "" : ",\n", pad.c_str(), fd.name, TypeName<M>(fd.bytes).c_str(),
                      VersionsText(fd.versions).c_str());
          first = false;
          if (!fd.nullable.empty())
            std::printf(", \"nullableVersions\": \"%s\"", VersionsText(fd.nullable).c_str());
          if (fd.tag >= 0)
            std::printf(", \"tag\": %d, \"taggedVersions\": \"%s\"", fd.tag,
                        VersionsText(fd.tagged).c_str());
          if (fd.never_flexible) std::printf(", \"flexibleVersions\": \"none\"");
          using Sub = typename StructOf<M>::type;
          if constexpr (!std::is_void_v<Sub>) {
            std::printf(", \"fields\": ");
            DumpFields<Sub>(indent + 2);
          }
          std::printf(" }");
        };
        (one(f), ...);
      },
      fields);
  std::printf("\n%s]", std::string(static_cast<size_t>(indent > 2 ? indent - 2 : 0), ' ').c_str());
}

bool first_message = true;

template <typename T>
void DumpMessage(const char* name) {
  std::printf("%s  { \"name\": \"%s\", \"apiKey\": %d, \"validVersions\": \"%s\", "
              "\"flexibleVersions\": \"%s\",\n    \"fields\": ",
              first_message ? "" : ",\n", name, static_cast<int>(T::kApiKey),
              VersionsText(T::kVersions).c_str(),
              T::kFirstFlexible == kNeverFlexible ? "none"
                                                  : VersionsText(Since(T::kFirstFlexible)).c_str());
  first_message = false;
  DumpFields<T>(6);
  std::printf(" }");
}

}  // namespace
}  // namespace kafka::protocol

int main() {
  using namespace kafka::protocol;
  std::printf("[\n");
#define DUMP(T) DumpMessage<T>(#T);
  DUMP(ProduceRequest) DUMP(ProduceResponse) DUMP(FetchRequest) DUMP(FetchResponse)
  DUMP(ListOffsetsRequest) DUMP(ListOffsetsResponse) DUMP(MetadataRequest) DUMP(MetadataResponse)
  DUMP(OffsetCommitRequest) DUMP(OffsetCommitResponse) DUMP(OffsetFetchRequest)
  DUMP(OffsetFetchResponse) DUMP(FindCoordinatorRequest) DUMP(FindCoordinatorResponse)
  DUMP(JoinGroupRequest) DUMP(JoinGroupResponse) DUMP(HeartbeatRequest) DUMP(HeartbeatResponse)
  DUMP(LeaveGroupRequest) DUMP(LeaveGroupResponse) DUMP(SyncGroupRequest) DUMP(SyncGroupResponse)
  DUMP(DescribeGroupsRequest) DUMP(DescribeGroupsResponse) DUMP(ListGroupsRequest)
  DUMP(ListGroupsResponse) DUMP(SaslHandshakeRequest) DUMP(SaslHandshakeResponse)
  DUMP(ApiVersionsRequest) DUMP(ApiVersionsResponse) DUMP(CreateTopicsRequest)
  DUMP(CreateTopicsResponse) DUMP(DeleteTopicsRequest) DUMP(DeleteTopicsResponse)
  DUMP(InitProducerIdRequest) DUMP(InitProducerIdResponse) DUMP(DescribeConfigsRequest)
  DUMP(DescribeConfigsResponse) DUMP(SaslAuthenticateRequest) DUMP(SaslAuthenticateResponse)
  DUMP(CreatePartitionsRequest) DUMP(CreatePartitionsResponse)
#undef DUMP
  std::printf("\n]\n");
  return 0;
}
