#include "daemon/zookeeper/snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/util/crc32c.h"
#include "common/util/logging.h"
#include "daemon/zookeeper/txn_log.h"

namespace zkserver {
namespace {

constexpr char kSnapMagic[4] = {'Z', 'K', 'C', 'S'};
constexpr int32_t kSnapVersion = 1;

}  // namespace

std::string SerializeSnapshot(const DataTree& tree, int64_t zxid) {
  zk::jute::Writer w;
  w.Raw(std::string_view(kSnapMagic, 4));
  w.Int(kSnapVersion);
  w.Long(zxid);
  w.Int(static_cast<int32_t>(tree.sessions().size()));
  for (const auto& [id, s] : tree.sessions()) {
    w.Long(id);
    w.Int(s.timeout_ms);
    w.String(s.password);
  }
  w.Int(static_cast<int32_t>(tree.node_count() - 1));
  tree.ForEachNode([&w](const std::string& path, const DataTree::Node& n) {
    w.String(path);
    if (n.data_null) w.Int(-1);
    else w.String(n.data);
    EncodeAcl(*n.acl, w);
    w.Long(n.czxid);
    w.Long(n.mzxid);
    w.Long(n.pzxid);
    w.Long(n.ctime);
    w.Long(n.mtime);
    w.Int(n.version);
    w.Int(n.creates);
    w.Int(n.aversion);
    w.Long(n.ephemeral_owner);
  });
  uint32_t crc = util::crc32c::Value(w.data());
  w.Int(static_cast<int32_t>(crc));
  return w.Take();
}

util::Status DeserializeSnapshot(std::string_view bytes, DataTree* tree, int64_t* zxid) {
  if (bytes.size() < 20 || std::memcmp(bytes.data(), kSnapMagic, 4) != 0) {
    return util::Status::Corruption("bad snapshot header");
  }
  std::string_view body = bytes.substr(0, bytes.size() - 4);
  zk::jute::Reader tail(bytes.substr(bytes.size() - 4));
  if (static_cast<uint32_t>(tail.Int()) != util::crc32c::Value(body)) {
    return util::Status::Corruption("snapshot checksum mismatch");
  }
  zk::jute::Reader r(body.substr(4));
  if (r.Int() != kSnapVersion) return util::Status::Corruption("unknown snapshot version");
  *zxid = r.Long();
  tree->Clear();
  int32_t nsessions = r.Count(16);
  for (int32_t i = 0; i < nsessions && r.ok(); ++i) {
    int64_t id = r.Long();
    DataTree::Session s;
    s.timeout_ms = r.Int();
    s.password = r.String();
    tree->InsertSession(id, std::move(s));
  }
  int32_t nnodes = r.Count(60);
  for (int32_t i = 0; i < nnodes && r.ok(); ++i) {
    std::string path = r.String();
    DataTree::Node n;
    std::optional<std::string> data = r.Buffer();
    n.data_null = !data.has_value();
    if (data) n.data = std::move(*data);
    AclList acl;
    if (!DecodeAcl(r, &acl)) break;
    n.acl = std::make_shared<const AclList>(std::move(acl));
    n.czxid = r.Long();
    n.mzxid = r.Long();
    n.pzxid = r.Long();
    n.ctime = r.Long();
    n.mtime = r.Long();
    n.version = r.Int();
    n.creates = r.Int();
    n.aversion = r.Int();
    n.ephemeral_owner = r.Long();
    if (!r.ok()) break;
    if (!tree->InsertLoaded(path, std::move(n))) {
      return util::Status::Corruption("snapshot node without parent: " + path);
    }
  }
  if (!r.ok() || !r.AtEnd()) return util::Status::Corruption("truncated snapshot body");
  if (!tree->Find("/")) return util::Status::Corruption("snapshot without root");
  tree->set_last_zxid(*zxid);
  return util::Status::OK();
}

util::Status WriteSnapshotFile(const std::string& dir, int64_t zxid, const std::string& bytes) {
  std::string final_path = dir + "/snapshot." + ZxidHex(zxid);
  std::string tmp = final_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return util::Status::IOError("create " + tmp + ": " + std::strerror(errno));
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string e = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return util::Status::IOError("write " + tmp + ": " + e);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return util::Status::IOError("fsync " + tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    return util::Status::IOError("rename " + tmp + ": " + std::strerror(errno));
  }
  return FsyncDir(dir);
}

std::vector<SnapFile> ListSnapshots(const std::string& dir) {
  std::vector<SnapFile> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind("snapshot.", 0) != 0 || name.size() <= 9) continue;
    char* end = nullptr;
    unsigned long long z = std::strtoull(name.c_str() + 9, &end, 16);
    if (!end || *end != '\0') continue;  // skips *.tmp leftovers
    out.push_back(SnapFile{static_cast<int64_t>(z), dir + "/" + name});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const SnapFile& a, const SnapFile& b) { return a.zxid > b.zxid; });
  return out;
}

util::Status LoadLatestSnapshot(const std::string& dir, DataTree* tree, int64_t* zxid) {
  auto log = util::logging::Get("zkserver");
  for (const SnapFile& f : ListSnapshots(dir)) {
    std::string bytes;
    int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[1 << 16];
    ssize_t r;
    while ((r = ::read(fd, buf, sizeof(buf))) > 0) bytes.append(buf, static_cast<size_t>(r));
    ::close(fd);
    util::Status s = DeserializeSnapshot(bytes, tree, zxid);
    if (s.ok()) {
      log->info("loaded snapshot {} zxid=0x{:x} nodes={}", f.path, *zxid, tree->node_count());
      return s;
    }
    log->warn("[{}] skipping invalid snapshot: {}", f.path, s.ToString());
  }
  *tree = DataTree();
  *zxid = 0;
  return util::Status::OK();
}

void PurgeOldFiles(const std::string& snap_dir, const std::string& log_dir, int retain) {
  auto log = util::logging::Get("zkserver");
  if (retain < 1) retain = 1;
  std::vector<SnapFile> snaps = ListSnapshots(snap_dir);
  if (snaps.size() <= static_cast<size_t>(retain)) return;
  int64_t oldest_kept = snaps[static_cast<size_t>(retain) - 1].zxid;
  for (size_t i = static_cast<size_t>(retain); i < snaps.size(); ++i) {
    log->info("autopurge: removing {}", snaps[i].path);
    ::unlink(snaps[i].path.c_str());
  }
  // Keep the newest log starting at or before oldest_kept + 1 and all later ones.
  std::vector<LogFile> logs = ListLogs(log_dir);
  size_t keep_from = 0;
  for (size_t i = 0; i < logs.size(); ++i) {
    if (logs[i].start_zxid <= oldest_kept + 1) keep_from = i;
  }
  for (size_t i = 0; i < keep_from; ++i) {
    log->info("autopurge: removing {}", logs[i].path);
    ::unlink(logs[i].path.c_str());
  }
}

}  // namespace zkserver
