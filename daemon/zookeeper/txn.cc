#include "daemon/zookeeper/txn.h"

namespace zkserver {
namespace {

constexpr int kMaxMultiDepth = 1;  // multi inside multi is never produced

void ReadData(zk::jute::Reader& r, Txn* t) {
  std::optional<std::string> d = r.Buffer();
  t->data_null = !d.has_value();
  t->data = d ? std::move(*d) : std::string();
}

void EncodeBody(const Txn& t, zk::jute::Writer& w, int depth) {
  w.Int(t.type);
  switch (t.type) {
    case op::kCreate:
      w.String(t.path);
      if (t.data_null) w.Int(-1);
      else w.String(t.data);
      EncodeAcl(t.acl, w);
      w.Long(t.ephemeral_owner);
      w.Int(t.value);
      break;
    case op::kDelete:
    case op::kCheck:  // only inside a multi, so results line up with the ops
      w.String(t.path);
      break;
    case op::kSetData:
      w.String(t.path);
      if (t.data_null) w.Int(-1);
      else w.String(t.data);
      w.Int(t.value);
      break;
    case op::kSetAcl:
      w.String(t.path);
      EncodeAcl(t.acl, w);
      w.Int(t.value);
      break;
    case op::kCreateSession:
      w.Int(t.value);
      w.String(t.password);
      break;
    case op::kCloseSession:
      break;
    case op::kMulti:
      w.Int(static_cast<int32_t>(t.ops.size()));
      for (const Txn& sub : t.ops) {
        if (depth < kMaxMultiDepth) EncodeBody(sub, w, depth + 1);
      }
      break;
    default:
      break;
  }
}

bool DecodeBody(zk::jute::Reader& r, Txn* t, int depth) {
  t->type = r.Int();
  switch (t->type) {
    case op::kCreate:
      t->path = r.String();
      ReadData(r, t);
      if (!DecodeAcl(r, &t->acl)) return false;
      t->ephemeral_owner = r.Long();
      t->value = r.Int();
      break;
    case op::kDelete:
    case op::kCheck:
      t->path = r.String();
      break;
    case op::kSetData:
      t->path = r.String();
      ReadData(r, t);
      t->value = r.Int();
      break;
    case op::kSetAcl:
      t->path = r.String();
      if (!DecodeAcl(r, &t->acl)) return false;
      t->value = r.Int();
      break;
    case op::kCreateSession:
      t->value = r.Int();
      t->password = r.String();
      break;
    case op::kCloseSession:
      break;
    case op::kMulti: {
      if (depth >= kMaxMultiDepth) return false;
      int32_t n = r.Count(8);
      t->ops.clear();
      t->ops.reserve(static_cast<size_t>(n));
      for (int32_t i = 0; i < n && r.ok(); ++i) {
        Txn sub;
        sub.zxid = t->zxid;
        sub.time = t->time;
        sub.session_id = t->session_id;
        if (!DecodeBody(r, &sub, depth + 1)) return false;
        t->ops.push_back(std::move(sub));
      }
      break;
    }
    default:
      return false;
  }
  return r.ok();
}

}  // namespace

void EncodeAcl(const AclList& acl, zk::jute::Writer& w) {
  w.Int(static_cast<int32_t>(acl.size()));
  for (const Acl& a : acl) {
    w.Int(a.perms);
    w.String(a.id.scheme);
    w.String(a.id.id);
  }
}

bool DecodeAcl(zk::jute::Reader& r, AclList* acl) {
  int32_t n = r.Count(12);
  acl->clear();
  acl->reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    Acl a;
    a.perms = r.Int();
    a.id.scheme = r.String();
    a.id.id = r.String();
    acl->push_back(std::move(a));
  }
  return r.ok();
}

void EncodeTxn(const Txn& txn, zk::jute::Writer& w) {
  w.Long(txn.zxid);
  w.Long(txn.time);
  w.Long(txn.session_id);
  EncodeBody(txn, w, 0);
}

bool DecodeTxn(zk::jute::Reader& r, Txn* txn) {
  txn->zxid = r.Long();
  txn->time = r.Long();
  txn->session_id = r.Long();
  if (!r.ok()) return false;
  return DecodeBody(r, txn, 0);
}

}  // namespace zkserver
