// A small file system to fill, for the tests of a full disk (disk_full, ingest_disk_full): a
// tmpfs mounted in a private mount namespace, its free bytes, and ballast files.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

namespace quanta::durability {

inline bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  return static_cast<bool>(f);
}

// A private mount namespace (as root), else a user namespace with one (unprivileged), then a
// tmpfs of `mib` MiB on `dir`. Must run before any thread starts. Empty on success.
inline std::string MountTmpfs(const std::string& dir, int mib) {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWNS) != 0) {
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
      return std::string("unshare: ") + std::strerror(errno);
    }
    WriteFile("/proc/self/setgroups", "deny");
    if (!WriteFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !WriteFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
      return "cannot write the user namespace's id maps";
    }
  }
  // Keep the mount out of the parent namespace: it vanishes with this process.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("mount --make-rprivate /: ") + std::strerror(errno);
  }
  std::string opts = "size=" + std::to_string(mib) + "m";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) != 0) {
    return std::string("mount -t tmpfs: ") + std::strerror(errno);
  }
  return {};
}

inline uint64_t FreeBytes(const std::string& dir) {
  struct statvfs st{};
  if (::statvfs(dir.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// Writes `bytes` (or, with bytes = 0, as much as fits) to `path`; returns the bytes written.
inline uint64_t Ballast(const std::string& path, uint64_t bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  std::string chunk(1 << 16, 'x');
  uint64_t done = 0;
  while (bytes == 0 || done < bytes) {
    size_t n = bytes == 0 ? chunk.size() : std::min<uint64_t>(chunk.size(), bytes - done);
    ssize_t w = ::write(fd, chunk.data(), n);
    if (w <= 0) {
      if (w < 0 && errno == ENOSPC && n > 1 && bytes == 0) {
        chunk.resize(chunk.size() / 2);  // fill the last partial block too
        if (!chunk.empty()) continue;
      }
      break;
    }
    done += static_cast<uint64_t>(w);
  }
  ::close(fd);
  return done;
}

}  // namespace quanta::durability
