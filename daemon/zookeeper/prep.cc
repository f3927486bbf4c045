#include "daemon/zookeeper/prep.h"

#include <cstdio>

#include "daemon/zookeeper/acl.h"

namespace zkserver {
namespace {

int32_t CheckVersion(int32_t current, int32_t expected, int32_t* next) {
  if (expected != -1 && expected != current) return err::kBadVersion;
  *next = current == INT32_MAX ? 0 : current + 1;
  return err::kOk;
}

bool IsNormalEphemeral(int64_t owner) { return owner != 0 && owner != kContainerOwner; }

}  // namespace

std::optional<Prep::Info> Prep::Get(const std::string& path) const {
  auto it = overlay_.find(path);
  if (it != overlay_.end()) return it->second;
  const DataTree::Node* n = tree_.Find(path);
  if (!n) return std::nullopt;
  Info i;
  i.version = n->version;
  i.aversion = n->aversion;
  i.creates = n->creates;
  i.num_children = static_cast<int32_t>(n->children.size());
  i.ephemeral_owner = n->ephemeral_owner;
  i.acl = n->acl;
  return i;
}

int32_t Prep::PrepareOne(const PrepContext& ctx, const WriteOp& op, Txn* txn) {
  overlay_.clear();
  int32_t rc = Prepare(ctx, op, txn);
  overlay_.clear();
  return rc;
}

int32_t Prep::PrepareMulti(const PrepContext& ctx, const std::vector<WriteOp>& ops, Txn* txn,
                           std::vector<int32_t>* errors) {
  overlay_.clear();
  txn->type = op::kMulti;
  txn->zxid = ctx.zxid;
  txn->time = ctx.time;
  txn->session_id = ctx.session_id;
  txn->ops.clear();
  errors->assign(ops.size(), err::kOk);
  int32_t failed = err::kOk;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (failed != err::kOk) {
      (*errors)[i] = err::kRuntimeInconsistency;
      continue;
    }
    Txn sub;
    int32_t rc = Prepare(ctx, ops[i], &sub);
    if (rc != err::kOk) {
      (*errors)[i] = rc;
      failed = rc;
      continue;
    }
    txn->ops.push_back(std::move(sub));
  }
  overlay_.clear();
  if (failed != err::kOk) txn->ops.clear();
  return failed;
}

int32_t Prep::Prepare(const PrepContext& ctx, const WriteOp& op, Txn* txn) {
  static const std::vector<Id> kNoAuth;
  const std::vector<Id>& auth = ctx.auth ? *ctx.auth : kNoAuth;
  txn->zxid = ctx.zxid;
  txn->time = ctx.time;
  txn->session_id = ctx.session_id;
  txn->path = op.path;

  switch (op.type) {
    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer: {
      bool sequential = (op.flags & flags::kSequential) != 0;
      bool ephemeral = (op.flags & flags::kEphemeral) != 0;
      if (op.flags == 5 || op.flags == 6) return err::kUnimplemented;  // TTL nodes: disabled
      if (op.flags < 0 || op.flags > flags::kContainer) return err::kBadArguments;
      // ZooKeeper takes the mode from the flags; only createContainer insists on 4.
      bool container = op.flags == flags::kContainer;
      if (op.type == op::kCreateContainer && !container) return err::kBadArguments;
      // ZooKeeper's order: a slash and no NUL, then the ACL, then the parent
      // (the text before the last '/', unnormalised), and only then the full
      // path's syntax.
      size_t last_slash = op.path.rfind('/');
      if (last_slash == std::string::npos || op.path.find('\0') != std::string::npos) {
        return err::kBadArguments;
      }
      std::string parent_path = last_slash == 0 ? "/" : op.path.substr(0, last_slash);
      AclList acl;
      if (FixupAcl(op.acl, auth, &acl) != err::kOk) return err::kInvalidAcl;
      std::optional<Info> parent = Get(parent_path);
      if (!parent) return err::kNoNode;
      if (!CheckAcl(*parent->acl, perm::kCreate, auth)) return err::kNoAuth;
      std::string path = op.path;
      if (sequential) {
        char suffix[16];
        std::snprintf(suffix, sizeof(suffix), "%010d", parent->creates);
        path += suffix;
      }
      if (!ValidatePath(path)) return err::kBadArguments;
      if (path == "/" || Get(path)) return err::kNodeExists;
      if (IsNormalEphemeral(parent->ephemeral_owner)) return err::kNoChildrenForEphemerals;

      txn->type = op::kCreate;
      txn->path = path;
      txn->data = op.data;
      txn->data_null = op.data_null;
      txn->acl = std::move(acl);
      txn->ephemeral_owner = container ? kContainerOwner : (ephemeral ? ctx.session_id : 0);
      txn->value = parent->creates + 1;

      Info child;
      child.ephemeral_owner = txn->ephemeral_owner;
      child.acl = std::make_shared<const AclList>(txn->acl);
      overlay_[path] = child;
      parent->creates = txn->value;
      parent->num_children += 1;
      overlay_[parent_path] = parent;
      return err::kOk;
    }
    case op::kDelete:
    case op::kDeleteContainer: {
      // No syntax check beyond ZooKeeper's: a slash, no NUL, not a system node.
      size_t last_slash = op.path.rfind('/');
      if (last_slash == std::string::npos || op.path.find('\0') != std::string::npos ||
          op.path == "/" || op.path == "/zookeeper" || op.path == "/zookeeper/quota" ||
          op.path == "/zookeeper/config") {
        return err::kBadArguments;
      }
      std::string parent_path = last_slash == 0 ? "/" : op.path.substr(0, last_slash);
      std::optional<Info> parent = Get(parent_path);
      if (!parent) return err::kNoNode;
      std::optional<Info> node = Get(op.path);
      if (!node) return err::kNoNode;
      if (!CheckAcl(*parent->acl, perm::kDelete, auth)) return err::kNoAuth;
      int32_t unused;
      if (CheckVersion(node->version, op.version, &unused) != err::kOk) return err::kBadVersion;
      if (node->num_children > 0) return err::kNotEmpty;
      txn->type = op::kDelete;
      overlay_[op.path] = std::nullopt;
      parent->num_children -= 1;
      overlay_[parent_path] = parent;
      return err::kOk;
    }
    case op::kSetData: {
      if (!ValidatePath(op.path)) return err::kBadArguments;
      std::optional<Info> node = Get(op.path);
      if (!node) return err::kNoNode;
      if (!CheckAcl(*node->acl, perm::kWrite, auth)) return err::kNoAuth;
      int32_t next;
      if (CheckVersion(node->version, op.version, &next) != err::kOk) return err::kBadVersion;
      txn->type = op::kSetData;
      txn->data = op.data;
      txn->data_null = op.data_null;
      txn->value = next;
      node->version = next;
      overlay_[op.path] = node;
      return err::kOk;
    }
    case op::kSetAcl: {
      if (!ValidatePath(op.path)) return err::kBadArguments;
      AclList acl;
      if (FixupAcl(op.acl, auth, &acl) != err::kOk) return err::kInvalidAcl;
      std::optional<Info> node = Get(op.path);
      if (!node) return err::kNoNode;
      if (!CheckAcl(*node->acl, perm::kAdmin, auth)) return err::kNoAuth;
      int32_t next;
      if (CheckVersion(node->aversion, op.version, &next) != err::kOk) return err::kBadVersion;
      txn->type = op::kSetAcl;
      txn->acl = acl;
      txn->value = next;
      node->aversion = next;
      node->acl = std::make_shared<const AclList>(std::move(acl));
      overlay_[op.path] = node;
      return err::kOk;
    }
    case op::kCheck: {
      if (!ValidatePath(op.path)) return err::kBadArguments;
      std::optional<Info> node = Get(op.path);
      if (!node) return err::kNoNode;
      if (!CheckAcl(*node->acl, perm::kRead, auth)) return err::kNoAuth;
      int32_t unused;
      if (CheckVersion(node->version, op.version, &unused) != err::kOk) return err::kBadVersion;
      txn->type = op::kCheck;
      return err::kOk;
    }
    default:
      return err::kUnimplemented;
  }
}

}  // namespace zkserver
