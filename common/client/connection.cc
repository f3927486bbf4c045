#include "common/client/connection.h"

#include <netdb.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/protocol/api_key.h"
#include "common/protocol/error_code.h"

namespace kafka::client {

namespace pr = kafka::protocol;

util::Result<std::string> ResolveHost(const std::string& host, Ms timeout) {
  // Numeric addresses need no lookup.
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    return host;
  }
  // getaddrinfo cannot be cancelled: run it on a detached thread that owns its
  // state, and stop waiting at the deadline.
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    int rc = 0;
    std::string addr;
  };
  auto state = std::make_shared<State>();
  std::thread([state, host] {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    std::string best;
    if (rc == 0) {
      for (addrinfo* p = res; p; p = p->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        if (p->ai_family == AF_INET) {
          inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr, buf, sizeof buf);
          best = buf;
          break;
        }
        if (p->ai_family == AF_INET6 && best.empty()) {
          inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr, buf,
                    sizeof buf);
          best = buf;
        }
      }
      freeaddrinfo(res);
    }
    std::lock_guard<std::mutex> lock(state->mu);
    state->done = true;
    state->rc = rc;
    state->addr = best;
    state->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(state->mu);
  if (!state->cv.wait_for(lock, timeout, [&] { return state->done; })) {
    return util::Status::Timeout("timed out resolving host");
  }
  if (state->rc != 0) return util::Status::IOError(gai_strerror(state->rc));
  if (state->addr.empty()) return util::Status::IOError("no address");
  return state->addr;
}

util::Status Connection::Open(Ms timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&] {
    return std::max(Ms(1), std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()));
  };
  client_.Close();
  auto ip = ResolveHost(addr_.host, left());
  if (!ip.ok()) return util::Status::IOError(ip.status().message());
  auto st = client_.Connect(*ip, addr_.port, left());
  if (!st.ok()) {
    // FramedClient says "connect to host:port: why"; keep only the why.
    std::string why = st.message();
    auto pos = why.rfind(": ");
    if (pos != std::string::npos) why = why.substr(pos + 2);
    if (st.IsTimeout()) why = "connection timed out";
    return util::Status::IOError(why);
  }
  st = Negotiate(left());
  if (st.IsTimeout()) {
    return util::Status::Timeout("no answer to ApiVersions within " +
                                 std::to_string(timeout.count()) + " ms");
  }
  return st;
}

util::Status Connection::Negotiate(Ms timeout) {
  pr::ApiVersionsRequest req;
  req.client_software_name = "kafka-tools";
  req.client_software_version = "1.0";
  int16_t v = 3;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int32_t corr = ++correlation_;
    auto body = Exchange(pr::EncodeRequestFrame(corr, client_id_, v, req), timeout);
    if (!body.ok()) return body.status();
    pr::Reader r(*body);
    // ApiVersions answers always carry response header v0.
    auto hdr = pr::DecodeResponseHeader(r, 0);
    if (!hdr.ok()) return Fail(hdr.status());
    const std::string_view rest = *body;
    const size_t body_at = 4;
    auto resp = pr::Decode<pr::ApiVersionsResponse>(r, v);
    if (!resp.ok() || resp->error_code == static_cast<int16_t>(pr::ErrorCode::kUnsupportedVersion)) {
      // Error 35 comes with a v0 body listing the versions the broker knows.
      // Some peers (librdkafka's mock) send a list we cannot read; then v0,
      // which every broker answers.
      pr::Reader r0(rest.substr(body_at));
      auto v0 = pr::Decode<pr::ApiVersionsResponse>(r0, 0);
      pr::Reader re(rest.substr(body_at));
      const int16_t error = re.Int16();
      if (!v0.ok() && (!re.ok() || error != static_cast<int16_t>(pr::ErrorCode::kUnsupportedVersion))) {
        return Fail(resp.ok() ? v0.status() : resp.status());
      }
      int16_t next = 0;
      if (v0.ok()) {
        for (const auto& k : v0->api_keys) {
          if (k.api_key == static_cast<int16_t>(pr::ApiKey::kApiVersions)) {
            next = std::min<int16_t>(k.max_version, v - 1);
          }
        }
      }
      if (next < 0) next = 0;
      if (attempt == 0 && next < v) {
        v = next;
        if (!client_.is_open()) return util::Status::IOError("broker closed the connection");
        continue;
      }
      return util::Status::NotSupported("ApiVersions negotiation failed");
    }
    if (resp->error_code != 0) {
      return util::Status::IOError("ApiVersions: " + std::string(pr::ErrorName(resp->error_code)));
    }
    versions_.clear();
    for (const auto& k : resp->api_keys) versions_[k.api_key] = {k.min_version, k.max_version};
    return util::Status::OK();
  }
  return util::Status::NotSupported("ApiVersions negotiation failed");
}

int16_t Connection::PickVersion(int16_t key, int16_t lo, int16_t hi) const {
  auto it = versions_.find(key);
  if (it == versions_.end()) return -1;
  const int16_t top = std::min(hi, it->second.second);
  if (top < std::max(lo, it->second.first)) return -1;
  return top;
}

util::Status Connection::NoCommonVersion(int16_t key) const {
  return util::Status::NotSupported("broker " + addr_.ToString() + " does not support " +
                                    std::string(pr::ApiKeyName(key)) + " at a version we implement");
}

util::Result<std::string> Connection::Exchange(const std::string& frame, Ms timeout) {
  if (!client_.is_open()) return util::Status::IOError("not connected to " + addr_.ToString());
  auto st = client_.SendRaw(frame, timeout);
  if (!st.ok()) return Fail(st);
  auto body = client_.Receive(timeout);
  if (!body.ok()) return Fail(body.status());
  return body;
}

util::Status Connection::Fail(const util::Status& st) {
  client_.Close();
  return st;
}

}  // namespace kafka::client
