// Transactions: the state changes the prep stage produces, the sync stage logs
// and the data tree applies.
//
// A Txn is fully determined at prep time (final sequential path, new versions,
// parent cversion, session password), so applying it is deterministic and cannot
// fail; replaying the log after a restart rebuilds exactly the same tree. Multi
// transactions carry their sub-transactions, which share the outer zxid and time.
// Encode/Decode use jute (big-endian); the layout is documented in FORMAT.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/zk/jute.h"
#include "daemon/zookeeper/types.h"

namespace zkserver {

struct Txn {
  int64_t zxid = 0;
  int64_t time = 0;        // ms since the epoch, the server's clock at prep time
  int32_t type = 0;        // op::kCreate, kDelete, kSetData, kSetAcl, kCreateSession,
                           // kCloseSession or kMulti
  int64_t session_id = 0;  // the session that issued it (target of create/closeSession)

  std::string path;
  std::string data;             // create, setData
  bool data_null = false;       // the client sent a null buffer (length -1)
  AclList acl;                  // create, setAcl
  int64_t ephemeral_owner = 0;  // create: 0, a session id, or kContainerOwner
  // create: the parent's new create counter; setData: new version;
  // setAcl: new aversion; createSession: timeout in ms.
  int32_t value = 0;
  std::string password;         // createSession
  std::vector<Txn> ops;         // multi

  friend bool operator==(const Txn&, const Txn&) = default;
};

void EncodeTxn(const Txn& txn, zk::jute::Writer& w);
// Returns false on malformed input (never throws, never over-allocates).
bool DecodeTxn(zk::jute::Reader& r, Txn* txn);

void EncodeAcl(const AclList& acl, zk::jute::Writer& w);
bool DecodeAcl(zk::jute::Reader& r, AclList* acl);

}  // namespace zkserver
