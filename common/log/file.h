// Thin POSIX file helpers for the partition log: every syscall error becomes a
// util::Status naming the path and errno text, so callers never look at errno.
//
// File is a move-only owner of one descriptor opened for positional reads and
// appends (pread/pwrite at explicit offsets: the log never relies on the file
// position). The free functions cover the few whole-file and directory operations
// the log needs, including the atomic replace used by checkpoints.
// Thread safety: File is not shared between threads; the free functions are
// stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace kafka::log {

class File {
 public:
  File() = default;
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Opens read-write, creating the file if it does not exist.
  static util::Result<File> OpenOrCreate(const std::string& path);
  // Opens an existing file for reading only (NotFound if missing).
  static util::Result<File> OpenReadOnly(const std::string& path);

  bool is_open() const { return fd_ >= 0; }
  // For sendfile(2) by the network layer; owned by this File.
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  util::Result<uint64_t> Size() const;
  // Reads up to n bytes at `offset`; fewer only at end of file.
  util::Status ReadAt(uint64_t offset, size_t n, std::string* out) const;
  util::Status WriteAt(uint64_t offset, std::string_view data);
  util::Status Truncate(uint64_t size);
  util::Status Sync();
  void Close();

 private:
  int fd_ = -1;
  std::string path_;
};

bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);
util::Status CreateDirs(const std::string& path);
// Names of the entries of `dir` (no "." / ".."), unsorted.
util::Result<std::vector<std::string>> ListDir(const std::string& dir);
util::Status RemoveFile(const std::string& path);          // missing is OK
util::Status RemoveAll(const std::string& path);           // recursive; missing is OK
util::Status RenamePath(const std::string& from, const std::string& to);
util::Status SyncDir(const std::string& dir);
util::Result<std::string> ReadWholeFile(const std::string& path);
// Writes `path`.tmp, fsyncs it, renames it over `path` and fsyncs the directory, so a
// reader sees either the old or the new content, never a mix (LevelDB SetCurrentFile).
util::Status WriteFileAtomic(const std::string& path, std::string_view data);
// Creates an empty file and fsyncs it and its directory.
util::Status TouchFile(const std::string& path);
std::string DirName(const std::string& path);
std::string JoinPath(const std::string& a, const std::string& b);

}  // namespace kafka::log
