#include "common/protocol/header.h"

#include <catch2/catch.hpp>

namespace kafka::protocol {
namespace {

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST_CASE("header versions follow flexibility, ApiVersions responses use v0", "[protocol]") {
  CHECK(RequestHeaderVersion(18, 0) == 1);
  CHECK(RequestHeaderVersion(18, 3) == 2);
  CHECK(ResponseHeaderVersion(18, 3) == 0);
  CHECK(RequestHeaderVersion(3, 8) == 1);
  CHECK(RequestHeaderVersion(3, 9) == 2);
  CHECK(ResponseHeaderVersion(3, 9) == 1);
  CHECK(ResponseHeaderVersion(0, 7) == 0);
  CHECK(RequestHeaderVersion(7, 0) == 0);
  CHECK(RequestHeaderVersion(9999, 0) == 1);
  CHECK(ApiKeyName(ApiKey::kCreateTopics) == "CreateTopics");
  CHECK(ApiKeyName(int16_t{42}) == "DeleteGroups");
}

TEST_CASE("request header v2 keeps client_id as an INT16 string, then tags", "[protocol]") {
  // ApiVersions v3, correlation 1, client "rdkafka", no tags.
  std::string bytes = Unhex("0012" "0003" "00000001" "0007" "72646b61666b61" "00");
  Reader r(bytes);
  auto h = DecodeRequestHeader(r);
  REQUIRE(h.ok());
  CHECK(h->api_key == 18);
  CHECK(h->api_version == 3);
  CHECK(h->correlation_id == 1);
  CHECK(h->client_id == "rdkafka");
  CHECK(r.AtEnd());
  Writer w;
  EncodeRequestHeader(*h, w);
  CHECK(w.data() == bytes);
}

TEST_CASE("request header v1 has no tags and may carry a null client id", "[protocol]") {
  std::string bytes = Unhex("0003" "0000" "0000002a" "ffff");
  Reader r(bytes);
  auto h = DecodeRequestHeader(r);
  REQUIRE(h.ok());
  CHECK(h->api_key == 3);
  CHECK_FALSE(h->client_id.has_value());
  CHECK(r.AtEnd());
}

TEST_CASE("unknown header tags round-trip", "[protocol]") {
  RequestHeader h{3, 9, 7, std::string("c"), {{5, "xy"}}};
  Writer w;
  EncodeRequestHeader(h, w);
  Reader r(w.data());
  auto back = DecodeRequestHeader(r);
  REQUIRE(back.ok());
  CHECK(*back == h);
}

TEST_CASE("truncated headers fail cleanly", "[protocol]") {
  std::string bytes = Unhex("0012000300000001000772646b");
  for (size_t n = 0; n < bytes.size(); ++n) {
    Reader r(std::string_view(bytes).substr(0, n));
    CHECK_FALSE(DecodeRequestHeader(r).ok());
  }
}

TEST_CASE("response headers v0 and v1", "[protocol]") {
  Writer w;
  EncodeResponseHeader(9, 1, w);
  CHECK(w.size() == 5);
  Reader r(w.data());
  auto h = DecodeResponseHeader(r, 1);
  REQUIRE(h.ok());
  CHECK(h->correlation_id == 9);
  Writer w0;
  EncodeResponseHeader(9, 0, w0);
  CHECK(w0.size() == 4);
}

}  // namespace
}  // namespace kafka::protocol
