#include "daemon/zookeeper/acl.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace zkserver {
namespace {

uint32_t Rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

bool IpMatches(const std::string& acl_id, const std::string& addr) {
  std::string net = acl_id;
  int bits = 32;
  size_t slash = acl_id.find('/');
  if (slash != std::string::npos) {
    net = acl_id.substr(0, slash);
    bits = std::atoi(acl_id.c_str() + slash + 1);
  }
  in_addr a{}, b{};
  if (inet_pton(AF_INET, net.c_str(), &a) != 1 || inet_pton(AF_INET, addr.c_str(), &b) != 1) {
    return net == addr;  // IPv6 and anything else: exact match only
  }
  if (bits <= 0) return true;
  if (bits > 32) bits = 32;
  uint32_t mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
  return (ntohl(a.s_addr) & mask) == (ntohl(b.s_addr) & mask);
}

bool ValidIpId(const std::string& id) {
  std::string net = id;
  size_t slash = id.find('/');
  if (slash != std::string::npos) net = id.substr(0, slash);
  in_addr a{};
  in6_addr a6{};
  return inet_pton(AF_INET, net.c_str(), &a) == 1 || inet_pton(AF_INET6, net.c_str(), &a6) == 1;
}

// Decodes one UTF-8 code point; returns -1 on malformed input.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  auto c = static_cast<uint8_t>(s[*i]);
  int extra;
  int32_t cp;
  if (c < 0x80) {
    ++*i;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    extra = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (*i + static_cast<size_t>(extra) >= s.size()) return -1;
  for (int k = 1; k <= extra; ++k) {
    auto cc = static_cast<uint8_t>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  *i += static_cast<size_t>(extra) + 1;
  return cp;
}

}  // namespace

std::string Sha1(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string msg(data);
  uint64_t bit_len = static_cast<uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>(bit_len >> (8 * i)));
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const uint8_t*>(msg.data() + off + 4 * i);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    for (int i = 16; i < 80; ++i) w[i] = Rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      uint32_t t = Rol(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = Rol(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  std::string out(20, '\0');
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<char>(h[i] >> (24 - 8 * j));
  }
  return out;
}

std::string Base64(std::string_view data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(data[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(data[i + 1])} << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = uint32_t{static_cast<uint8_t>(data[i])} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(data[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(data[i + 1])} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string DigestId(std::string_view user_password) {
  // As ZooKeeper: the user is the text before the first ':' (all of it if there
  // is none) and the hash covers the whole credential.
  size_t colon = user_password.find(':');
  std::string_view user =
      colon == std::string_view::npos ? user_password : user_password.substr(0, colon);
  return std::string(user) + ":" + Base64(Sha1(user_password));
}

bool CheckAcl(const AclList& acl, int32_t perm, const std::vector<Id>& auth) {
  if (acl.empty()) return true;
  for (const Acl& a : acl) {
    if ((a.perms & perm) == 0) continue;
    if (a.id.scheme == "world" && a.id.id == "anyone") return true;
    for (const Id& id : auth) {
      if (id.scheme != a.id.scheme) continue;
      if (id.scheme == "ip" ? IpMatches(a.id.id, id.id) : id.id == a.id.id) return true;
    }
  }
  return false;
}

int32_t FixupAcl(const AclList& in, const std::vector<Id>& auth, AclList* out) {
  out->clear();
  if (in.empty()) return err::kInvalidAcl;
  auto add = [out](const Acl& a) {
    for (const Acl& existing : *out) {
      if (existing == a) return;
    }
    out->push_back(a);
  };
  for (const Acl& a : in) {
    if (a.id.scheme == "world" && a.id.id == "anyone") {
      add(a);
    } else if (a.id.scheme == "auth") {
      bool any = false;
      for (const Id& id : auth) {
        if (id.scheme == "ip") continue;  // only authenticated schemes count
        add(Acl{a.perms, id});
        any = true;
      }
      if (!any) return err::kInvalidAcl;
    } else if (a.id.scheme == "digest") {
      size_t colon = a.id.id.find(':');
      if (colon == std::string::npos || a.id.id.find(':', colon + 1) != std::string::npos) {
        return err::kInvalidAcl;
      }
      add(a);
    } else if (a.id.scheme == "ip") {
      if (!ValidIpId(a.id.id)) return err::kInvalidAcl;
      add(a);
    } else {
      return err::kInvalidAcl;
    }
  }
  return err::kOk;
}

bool ValidatePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t i = 1;
  size_t seg_start = 1;
  while (i <= path.size()) {
    if (i == path.size() || path[i] == '/') {
      std::string_view seg = path.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..") return false;
      seg_start = i + 1;
      ++i;
      continue;
    }
    int32_t cp = NextCodePoint(path, &i);
    if (cp < 0) return false;
    if (cp == 0 || (cp > 0 && cp < 0x20) || (cp >= 0x7F && cp <= 0x9F) ||
        (cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFFF0 && cp <= 0xFFFF) || cp > 0xFFFF) {
      // Code points above the BMP are surrogate pairs in Java, which ZooKeeper rejects.
      return false;
    }
  }
  return true;
}

}  // namespace zkserver
