#include "tools/broker_api_versions/api_versions_format.h"

#include <catch2/catch.hpp>

namespace kafka::tools {

TEST_CASE("NodeApiVersions text") {
  VersionRanges broker{{0, {3, 7}}, {18, {0, 3}}, {1, {0, 3}}, {999, {0, 1}}, {21, {1, 1}}};
  VersionRanges client{{0, {3, 7}}, {1, {4, 12}}, {18, {0, 3}}, {19, {2, 7}}};
  CHECK(FormatApiVersions(broker, client) ==
        "(\n"
        "\tProduce(0): 3 to 7 [usable: 7],\n"
        "\tFetch(1): 0 to 3 [unusable: node too old],\n"
        "\tApiVersions(18): 0 to 3 [usable: 3],\n"
        "\tCreateTopics(19): UNSUPPORTED,\n"
        "\tDeleteRecords(21): 1,\n"
        "\tUNKNOWN(999): 0 to 1\n"
        ")");
  CHECK(NodeLine("localhost", 9092, 1, std::nullopt) == "localhost:9092 (id: 1 rack: null)");
}

TEST_CASE("client ranges are the codec's") {
  CHECK(ClientVersions().at(0) == std::make_pair<int16_t, int16_t>(3, 7));
  CHECK(ClientVersions().at(18) == std::make_pair<int16_t, int16_t>(0, 3));
}

}  // namespace kafka::tools
