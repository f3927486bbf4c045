// ACL checks and the digest scheme: ZooKeeper's fixupACL/checkACL rules, path
// validation (PathUtils.validatePath), and the small SHA-1 + base64 the digest
// scheme needs (`user:password` -> `user:base64(sha1("user:password"))`).
//
// SHA-1 is written here (RFC 3174, ~60 lines) rather than pulling in OpenSSL for
// one hash on the rare addAuth path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/zookeeper/types.h"

namespace zkserver {

// 20-byte SHA-1 digest of `data`.
std::string Sha1(std::string_view data);
std::string Base64(std::string_view data);
// "user:password" -> "user:base64(sha1(user:password))"; without ':' the whole
// credential is the user.
std::string DigestId(std::string_view user_password);

// True if one of the ACL entries grants `perm` to one of the `auth` ids.
// An empty ACL list allows everything, as in ZooKeeper.
bool CheckAcl(const AclList& acl, int32_t perm, const std::vector<Id>& auth);

// ZooKeeper's fixupACL: expands the `auth` scheme to the session's digest ids
// and rejects empty lists, unknown schemes and malformed ids. Returns err::kOk or
// err::kInvalidAcl.
int32_t FixupAcl(const AclList& in, const std::vector<Id>& auth, AclList* out);

// PathUtils.validatePath: absolute, no trailing '/', no empty, "." or ".."
// segments, no NUL or control/unassigned characters. Paths are UTF-8.
bool ValidatePath(std::string_view path);

}  // namespace zkserver
