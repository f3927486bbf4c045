// One blocking connection to one Kafka broker: bounded resolve + connect, the
// ApiVersions handshake, and typed request/response calls at the highest version
// both sides implement.
//
// ApiVersions goes out as v3 first; a broker that does not know v3 answers error
// 35 (UNSUPPORTED_VERSION) with a v0 body listing its ApiVersions range, and we
// retry at the highest version in that list (or v0). Every call has a deadline;
// after a timeout or I/O error the connection is closed and must be reopened.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "common/net/framed_client.h"
#include "common/protocol/header.h"
#include "common/protocol/messages/api_versions.h"
#include "common/util/status.h"

namespace kafka::client {

using Ms = std::chrono::milliseconds;

struct BrokerAddress {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Resolves `host` with a deadline (getaddrinfo has none of its own) and returns
// a numeric address, IPv4 preferred.
util::Result<std::string> ResolveHost(const std::string& host, Ms timeout);

class Connection {
 public:
  Connection(BrokerAddress addr, std::string client_id)
      : addr_(std::move(addr)), client_id_(std::move(client_id)) {}

  // Resolve, connect and negotiate versions, all within `timeout`.
  util::Status Open(Ms timeout);
  bool is_open() const { return client_.is_open(); }
  void Close() { client_.Close(); }
  const BrokerAddress& address() const { return addr_; }

  // Broker's ranges by API key, as received in ApiVersions.
  const std::map<int16_t, std::pair<int16_t, int16_t>>& broker_versions() const {
    return versions_;
  }
  // Highest version in [lo, hi] ∩ the broker's range for `key`, or -1.
  int16_t PickVersion(int16_t key, int16_t lo, int16_t hi) const;

  // Sends `req` at the negotiated version and decodes the answer. `version_out`
  // receives the version used.
  template <typename Resp, typename Req>
  util::Result<Resp> Call(const Req& req, Ms timeout, int16_t* version_out = nullptr) {
    const int16_t key = static_cast<int16_t>(Req::kApiKey);
    const int16_t v = PickVersion(key, Req::kVersions.lo, Req::kVersions.hi);
    if (v < 0) return NoCommonVersion(key);
    if (version_out) *version_out = v;
    return CallAt<Resp>(req, v, timeout);
  }

  template <typename Resp, typename Req>
  util::Result<Resp> CallAt(const Req& req, int16_t v, Ms timeout) {
    const int16_t key = static_cast<int16_t>(Req::kApiKey);
    const int32_t corr = ++correlation_;
    auto body = Exchange(protocol::EncodeRequestFrame(corr, client_id_, v, req), timeout);
    if (!body.ok()) return body.status();
    protocol::Reader r(*body);
    auto hdr = protocol::DecodeResponseHeader(r, protocol::ResponseHeaderVersion(key, v));
    if (!hdr.ok()) return Fail(hdr.status());
    if (hdr->correlation_id != corr) {
      return Fail(util::Status::Corruption("correlation id mismatch"));
    }
    auto resp = protocol::Decode<Resp>(r, v);
    if (!resp.ok()) return Fail(resp.status());
    return resp;
  }

  // Sends without waiting for an answer (Produce with acks=0).
  template <typename Req>
  util::Status SendOnly(const Req& req, Ms timeout) {
    const int16_t key = static_cast<int16_t>(Req::kApiKey);
    const int16_t v = PickVersion(key, Req::kVersions.lo, Req::kVersions.hi);
    if (v < 0) return NoCommonVersion(key);
    std::string frame = protocol::EncodeRequestFrame(++correlation_, client_id_, v, req);
    auto st = client_.SendRaw(frame, timeout);
    if (!st.ok()) return Fail(st);
    return st;
  }

 private:
  util::Status Negotiate(Ms timeout);
  util::Result<std::string> Exchange(const std::string& frame, Ms timeout);
  util::Status NoCommonVersion(int16_t key) const;
  util::Status Fail(const util::Status& st);

  BrokerAddress addr_;
  std::string client_id_;
  net::FramedClient client_;
  int32_t correlation_ = 0;
  std::map<int16_t, std::pair<int16_t, int16_t>> versions_;
};

}  // namespace kafka::client
