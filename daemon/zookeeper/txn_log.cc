#include "daemon/zookeeper/txn_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/util/crc32c.h"
#include "common/util/logging.h"

namespace zkserver {
namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

util::Status Errno(const std::string& what) {
  return util::Status::IOError(what + ": " + std::strerror(errno));
}

util::Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return util::Status::OK();
}

bool ReadFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[1 << 16];
  while (true) {
    ssize_t r = ::read(fd, buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out->append(buf, static_cast<size_t>(r));
  }
  ::close(fd);
  return true;
}

}  // namespace

std::string ZxidHex(int64_t zxid) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(zxid));
  return buf;
}

util::Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync " + dir);
  return util::Status::OK();
}

util::Status EnsureDir(const std::string& dir) {
  // mkdir -p
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      cur = dir.substr(0, i);
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir " + cur);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return util::Status::IOError(dir + " is not a directory");
  }
  return util::Status::OK();
}

std::string FrameRecord(std::string_view payload) {
  std::string out;
  out.reserve(kRecordHeaderSize + payload.size());
  PutU32(out, static_cast<uint32_t>(payload.size()));
  PutU32(out, util::crc32c::Value(payload));
  out.append(payload);
  return out;
}

std::string EncodeRecord(const Txn& txn) {
  // Reserve the record header, encode, then patch length and CRC in place.
  zk::jute::Writer w;
  w.Raw(std::string_view("\0\0\0\0\0\0\0\0", kRecordHeaderSize));
  EncodeTxn(txn, w);
  std::string out = w.Take();
  std::string_view payload(out.data() + kRecordHeaderSize, out.size() - kRecordHeaderSize);
  uint32_t crc = util::crc32c::Value(payload);
  uint32_t len = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<char>(len >> (24 - 8 * i));
    out[4 + i] = static_cast<char>(crc >> (24 - 8 * i));
  }
  return out;
}

TxnLogWriter::~TxnLogWriter() { Roll(); }

util::Status TxnLogWriter::Append(int64_t first_zxid, std::string_view records) {
  if (fd_ < 0) {
    path_ = dir_ + "/log." + ZxidHex(first_zxid);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("create " + path_);
    std::string header(kLogMagic, 4);
    PutU32(header, kLogVersion);
    header.append(8, '\0');  // dbid, always 0
    UTIL_RETURN_IF_ERROR(WriteAll(fd_, header.data(), header.size(), path_));
    pos_ = allocated_ = header.size();
    dir_dirty_ = true;
  }
  UTIL_RETURN_IF_ERROR(Preallocate(records.size()));
  const char* p = records.data();
  size_t n = records.size();
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(pos_));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + path_);
    }
    p += w;
    n -= static_cast<size_t>(w);
    pos_ += static_cast<uint64_t>(w);
  }
  return util::Status::OK();
}

util::Status TxnLogWriter::Preallocate(size_t needed) {
  if (pos_ + needed <= allocated_) return util::Status::OK();
  static const std::string kZeros(64 * 1024, '\0');
  uint64_t target = ((pos_ + needed) / kPreallocBytes + 1) * kPreallocBytes;
  while (allocated_ < target) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(kZeros.size(), target - allocated_));
    ssize_t w = ::pwrite(fd_, kZeros.data(), chunk, static_cast<off_t>(allocated_));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("preallocate " + path_);
    }
    allocated_ += static_cast<uint64_t>(w);
  }
  return util::Status::OK();
}

util::Status TxnLogWriter::Sync() {
  if (fd_ < 0) return util::Status::OK();
  if (::fdatasync(fd_) != 0) return Errno("fdatasync " + path_);
  if (dir_dirty_) {
    UTIL_RETURN_IF_ERROR(FsyncDir(dir_));
    dir_dirty_ = false;
  }
  return util::Status::OK();
}

void TxnLogWriter::Roll() {
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
  }
  fd_ = -1;
  path_.clear();
  pos_ = allocated_ = 0;
}

std::vector<LogFile> ListLogs(const std::string& dir) {
  std::vector<LogFile> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind("log.", 0) != 0 || name.size() <= 4) continue;
    char* end = nullptr;
    unsigned long long z = std::strtoull(name.c_str() + 4, &end, 16);
    if (!end || *end != '\0') continue;
    out.push_back(LogFile{static_cast<int64_t>(z), dir + "/" + name});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const LogFile& a, const LogFile& b) { return a.start_zxid < b.start_zxid; });
  return out;
}

util::Status TruncateTxnLog(const std::string& dir, int64_t zxid) {
  std::vector<LogFile> files = ListLogs(dir);
  std::string buf;
  for (const LogFile& f : files) {
    if (f.start_zxid > zxid) {
      if (::unlink(f.path.c_str()) != 0) return Errno("unlink " + f.path);
      continue;
    }
    if (!ReadFile(f.path, &buf)) return util::Status::IOError("cannot read " + f.path);
    if (buf.size() < kLogHeaderSize) continue;
    size_t pos = kLogHeaderSize;
    while (buf.size() - pos >= kRecordHeaderSize) {
      uint32_t len = GetU32(buf.data() + pos);
      uint32_t crc = GetU32(buf.data() + pos + 4);
      if ((len == 0 && crc == 0) || len > buf.size() - pos - kRecordHeaderSize) break;
      std::string_view payload(buf.data() + pos + kRecordHeaderSize, len);
      zk::jute::Reader r(payload);
      Txn txn;
      if (util::crc32c::Value(payload) != crc || !DecodeTxn(r, &txn)) break;
      if (txn.zxid > zxid) {
        if (::truncate(f.path.c_str(), static_cast<off_t>(pos)) != 0) {
          return Errno("truncate " + f.path);
        }
        int fd = ::open(f.path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
          ::fsync(fd);
          ::close(fd);
        }
        break;
      }
      pos += kRecordHeaderSize + len;
    }
  }
  return FsyncDir(dir);
}

util::Result<ReplayStats> ReadTxnLog(const std::string& dir, int64_t after_zxid,
                                     const std::function<void(const Txn&)>& apply) {
  auto log = util::logging::Get("zkserver");
  std::vector<LogFile> files = ListLogs(dir);
  // Start at the newest file that begins at or before after_zxid + 1.
  size_t first = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].start_zxid <= after_zxid + 1) first = i;
  }
  ReplayStats stats;
  stats.last_zxid = after_zxid;
  std::string buf;
  for (size_t i = first; i < files.size(); ++i) {
    const std::string& path = files[i].path;
    if (!ReadFile(path, &buf)) return util::Status::IOError("cannot read " + path);
    size_t pos = 0;
    size_t valid_end = 0;
    std::string problem;
    if (buf.size() < kLogHeaderSize || std::memcmp(buf.data(), kLogMagic, 4) != 0 ||
        static_cast<int32_t>(GetU32(buf.data() + 4)) != kLogVersion) {
      problem = "bad or torn file header";
    } else {
      pos = valid_end = kLogHeaderSize;
      while (pos < buf.size()) {
        if (buf.size() - pos < kRecordHeaderSize) {
          // Zero fill (preallocation) or a torn record header.
          if (buf.find_first_not_of('\0', pos) != std::string::npos) problem = "torn record header";
          break;
        }
        uint32_t len = GetU32(buf.data() + pos);
        uint32_t crc = GetU32(buf.data() + pos + 4);
        if (len == 0 && crc == 0) {
          if (buf.find_first_not_of('\0', pos) != std::string::npos) problem = "garbage after end";
          break;  // zero fill marks the end
        }
        if (len > buf.size() - pos - kRecordHeaderSize) {
          problem = "torn record (length " + std::to_string(len) + ")";
          break;
        }
        std::string_view payload(buf.data() + pos + kRecordHeaderSize, len);
        if (util::crc32c::Value(payload) != crc) {
          problem = "checksum mismatch";
          break;
        }
        zk::jute::Reader r(payload);
        Txn txn;
        if (!DecodeTxn(r, &txn) || !r.AtEnd()) {
          problem = "undecodable record";
          break;
        }
        pos += kRecordHeaderSize + len;
        valid_end = pos;
        if (txn.zxid <= stats.last_zxid) continue;
        apply(txn);
        stats.last_zxid = txn.zxid;
        ++stats.applied;
      }
    }
    if (problem.empty()) continue;
    log->warn("[{}] {} at offset {}; truncating the log there (later records are not loaded)",
              path, problem, valid_end);
    stats.truncated = true;
    if (valid_end == 0) {
      ::unlink(path.c_str());
    } else if (::truncate(path.c_str(), static_cast<off_t>(valid_end)) != 0) {
      return Errno("truncate " + path);
    }
    for (size_t j = i + 1; j < files.size(); ++j) {
      log->warn("[{}] removing log file after the truncated one", files[j].path);
      ::unlink(files[j].path.c_str());
    }
    UTIL_RETURN_IF_ERROR(FsyncDir(dir));
    break;
  }
  return stats;
}

}  // namespace zkserver
