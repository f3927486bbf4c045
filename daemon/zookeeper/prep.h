// The prep stage: validates a write request against the current tree (plus the
// earlier ops of the same multi) and turns it into a Txn, as ZooKeeper's
// PrepRequestProcessor does. Checks run in ZooKeeper's order (path, ACL fix-up,
// parent, permission, existence, version), so the first error reported is the one
// ZooKeeper would report.
//
// The tree already reflects every earlier transaction (the server applies a txn
// right after prep and holds all replies until it is durable), so no
// "outstanding changes" list is needed across requests; within one multi a small
// overlay plays that role.
//
// Thread safety: none; used from the server's io thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/zookeeper/data_tree.h"
#include "daemon/zookeeper/txn.h"
#include "daemon/zookeeper/types.h"

namespace zkserver {

// One write operation as decoded from a request (or one op of a multi).
struct WriteOp {
  int32_t type = 0;  // op::kCreate/kCreate2/kCreateContainer/kDelete/kSetData/kSetAcl/kCheck
  std::string path;
  std::string data;
  bool data_null = false;
  AclList acl;
  int32_t flags = 0;
  int32_t version = -1;
};

struct PrepContext {
  int64_t session_id = 0;
  const std::vector<Id>* auth = nullptr;  // the connection's ids (ip + digests)
  int64_t zxid = 0;                       // zxid the transaction will get
  int64_t time = 0;                       // ms since the epoch
};

class Prep {
 public:
  explicit Prep(const DataTree& tree) : tree_(tree) {}

  // A single write. Returns err::kOk and fills `txn`, or an error code.
  int32_t PrepareOne(const PrepContext& ctx, const WriteOp& op, Txn* txn);

  // A multi: `errors` gets one code per op (ZooKeeper's rules: ZOK before the
  // failing op, its error, ZRUNTIMEINCONSISTENCY after). Returns err::kOk with
  // the multi txn (one sub-txn per op, checks included, so apply results line
  // up with the ops) or the first error.
  int32_t PrepareMulti(const PrepContext& ctx, const std::vector<WriteOp>& ops, Txn* txn,
                       std::vector<int32_t>* errors);

 private:
  struct Info {
    int32_t version = 0;
    int32_t aversion = 0;
    int32_t creates = 0;
    int32_t num_children = 0;
    int64_t ephemeral_owner = 0;
    std::shared_ptr<const AclList> acl;
  };
  std::optional<Info> Get(const std::string& path) const;
  int32_t Prepare(const PrepContext& ctx, const WriteOp& op, Txn* txn);

  const DataTree& tree_;
  // Overlay of changes made by earlier ops of the current multi; nullopt = deleted.
  std::unordered_map<std::string, std::optional<Info>> overlay_;
};

}  // namespace zkserver
