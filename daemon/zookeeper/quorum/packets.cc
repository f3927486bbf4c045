#include "daemon/zookeeper/quorum/packets.h"

#include "common/zk/jute.h"

namespace zkserver::quorum {
namespace {

std::string Frame(zk::jute::Writer& w) {
  w.PatchInt(0, static_cast<int32_t>(w.size() - 4));
  return w.Take();
}

zk::jute::Writer Begin() {
  zk::jute::Writer w;
  w.Int(0);  // length, patched by Frame()
  return w;
}

bool ValidType(int32_t t) {
  return t >= static_cast<int32_t>(PacketType::kFollowerInfo) &&
         t <= static_cast<int32_t>(PacketType::kRevalidate);
}

}  // namespace

std::string EncodeHello(const Hello& h) {
  zk::jute::Writer w = Begin();
  w.Long(h.sid);
  w.Int(h.protocol);
  return Frame(w);
}

bool DecodeHello(std::string_view body, Hello* h) {
  zk::jute::Reader r(body);
  h->sid = r.Long();
  h->protocol = r.Int();
  return r.ok() && r.AtEnd();
}

std::string EncodeNotification(const Notification& n) {
  zk::jute::Writer w = Begin();
  w.Long(n.sender);
  w.Long(n.round);
  w.Int(static_cast<int32_t>(n.state));
  w.Long(n.vote.epoch);
  w.Long(n.vote.zxid);
  w.Long(n.vote.sid);
  return Frame(w);
}

bool DecodeNotification(std::string_view body, Notification* n) {
  zk::jute::Reader r(body);
  n->sender = r.Long();
  n->round = r.Long();
  int32_t state = r.Int();
  n->vote.epoch = r.Long();
  n->vote.zxid = r.Long();
  n->vote.sid = r.Long();
  if (!r.ok() || !r.AtEnd() || state < 0 || state > 2) return false;
  n->state = static_cast<PeerState>(state);
  return true;
}

std::string EncodePacket(const QuorumPacket& p) {
  zk::jute::Writer w = Begin();
  w.Int(static_cast<int32_t>(p.type));
  w.Long(p.zxid);
  w.String(p.payload);
  return Frame(w);
}

bool DecodePacket(std::string_view body, QuorumPacket* p) {
  zk::jute::Reader r(body);
  int32_t type = r.Int();
  p->zxid = r.Long();
  std::optional<std::string> payload = r.Buffer();
  if (!r.ok() || !r.AtEnd() || !ValidType(type)) return false;
  p->type = static_cast<PacketType>(type);
  p->payload = payload ? std::move(*payload) : std::string();
  return true;
}

std::string EncodeForwarded(const ForwardedRequest& f) {
  zk::jute::Writer w;
  w.Long(f.connection_id);
  w.Long(f.session_id);
  w.String(f.auth);
  w.String(f.request);
  return w.Take();
}

bool DecodeForwarded(std::string_view payload, ForwardedRequest* f) {
  zk::jute::Reader r(payload);
  f->connection_id = r.Long();
  f->session_id = r.Long();
  f->auth = r.String();
  f->request = r.String();
  return r.ok() && r.AtEnd();
}

std::optional<std::string_view> NextFrame(std::string_view buf, size_t* pos, size_t max_frame,
                                          bool* bad) {
  *bad = false;
  if (buf.size() < *pos || buf.size() - *pos < 4) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(buf.data() + *pos);
  uint32_t len = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (len > 0x7fffffffu || len > max_frame) {
    *bad = true;
    return std::nullopt;
  }
  if (buf.size() - *pos - 4 < len) return std::nullopt;
  std::string_view body = buf.substr(*pos + 4, len);
  *pos += 4 + len;
  return body;
}

}  // namespace zkserver::quorum
