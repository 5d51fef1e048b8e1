// quanta-admin backup / restore (docs/operations.md, "Backup and restore").
//
// backup asks the running server for a checkpoint (service/backup.h): the server writes it, so
// the directory is on the server's machine. restore runs offline, on the machine holding the
// backup: it checks the manifest against the files, then copies them into the data directory
// the server will be started on.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <rapidjson/document.h>

#include "commands.h"
#include "service/backup.h"

namespace quanta::admin {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxManifestBytes = 256u << 20;

std::string Mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

// True when a process holds RocksDB's lock on `data_dir` (a server runs on it). RocksDB locks
// the LOCK file with fcntl; a test lock of our own tells whether someone else holds it.
bool DataDirLocked(const std::string& data_dir) {
  const std::string lock = data_dir + "/LOCK";
  int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl{};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

Status SyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(ErrorCode::kIoError, "cannot sync " + path);
  return Status::OK();
}

Result<service::BackupManifest> ReadManifest(const std::string& backup) {
  const std::string path = backup + "/" + std::string(service::kBackupManifest);
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) {
    return Status(ErrorCode::kInvalidArgument,
                  path + " is missing: " + backup + " is not a (complete) quanta backup");
  }
  if (size > kMaxManifestBytes) return Status(ErrorCode::kInvalidArgument, path + " is too large");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status(ErrorCode::kIoError, "cannot read " + path);
  return service::DecodeBackupManifest(text.str());
}

Status Restore(const std::string& backup, const std::string& data_dir, bool force) {
  QUANTA_ASSIGN_OR_RETURN(service::BackupManifest m, ReadManifest(backup));
  const std::string from = backup + "/" + std::string(service::kBackupDataDir);
  // Every file the manifest lists, whole, before anything is touched.
  for (const auto& f : m.files) {
    std::error_code ec;
    const uint64_t size = fs::file_size(from + "/" + f.name, ec);
    if (ec) return Status(ErrorCode::kInvalidArgument, "the backup lacks " + from + "/" + f.name);
    if (size != f.bytes) {
      return Status(ErrorCode::kInvalidArgument,
                    "the backup's " + f.name + " has " + std::to_string(size) +
                        " bytes, the manifest says " + std::to_string(f.bytes));
    }
  }
  std::error_code ec;
  if (fs::exists(data_dir, ec)) {
    if (!fs::is_directory(data_dir, ec)) {
      return Status(ErrorCode::kInvalidArgument, data_dir + " is not a directory");
    }
    if (DataDirLocked(data_dir)) {
      return Status(ErrorCode::kInvalidArgument,
                    "a server is running on " + data_dir + ": stop it first");
    }
    if (!fs::is_empty(data_dir, ec)) {
      if (!force) {
        return Status(ErrorCode::kInvalidArgument,
                      data_dir + " is not empty: restore into a new directory, or add --force "
                                 "to replace its data");
      }
      // The admin token stays: scripts that hold it keep working after the restore.
      for (const auto& e : fs::directory_iterator(data_dir, ec)) {
        if (e.path().filename() == "admin.token") continue;
        fs::remove_all(e.path(), ec);
        if (ec) return Status(ErrorCode::kIoError, "cannot remove " + e.path().string() + ": " + ec.message());
      }
    }
  } else {
    fs::create_directories(data_dir, ec);
    if (ec) return Status(ErrorCode::kIoError, "cannot create " + data_dir + ": " + ec.message());
    fs::permissions(data_dir, fs::perms::owner_all, ec);
  }
  std::cerr << "restoring " << m.files.size() << " files (" << Mib(m.bytes) << ", " << m.tables
            << " tables, taken " << service::BackupTimeUtc(m.created_ms) << " by quanta "
            << m.quanta_version << ") into " << data_dir << "\n";
  uint64_t copied = 0;
  const bool tty = ::isatty(STDERR_FILENO);
  for (const auto& f : m.files) {
    const std::string dst = data_dir + "/" + f.name;
    fs::copy_file(from + "/" + f.name, dst, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status(ErrorCode::kIoError, "cannot copy " + f.name + ": " + ec.message());
    if (f.name == service::kBackupSecurityFile) {
      // Password hashes: readable by the server's user only, as the server writes it.
      fs::permissions(dst, fs::perms::owner_read | fs::perms::owner_write, ec);
      if (ec) return Status(ErrorCode::kIoError, "cannot restrict " + dst + ": " + ec.message());
    }
    QUANTA_RETURN_IF_ERROR(SyncPath(dst, false));
    copied += f.bytes;
    if (tty) std::cerr << "\r  " << Mib(copied) << " of " << Mib(m.bytes) << std::flush;
  }
  if (tty) std::cerr << "\n";
  QUANTA_RETURN_IF_ERROR(SyncPath(data_dir, true));
  std::cout << "restored " << m.files.size() << " files, " << copied << " bytes, " << m.tables
            << " tables into " << data_dir << "; start quantad with --data-dir " << data_dir
            << "\n";
  return Status::OK();
}

}  // namespace

int RunBackup(const AdminContext& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: quanta-admin backup DIR\n";
    return 2;
  }
  // The server resolves the path on its machine: give it an absolute one (relative to here,
  // which is where the operator means when server and tool share the machine).
  std::error_code ec;
  const std::string dir = fs::absolute(args[0], ec).lexically_normal().string();
  auto client = ctx.Server();
  if (!client.ok()) {
    std::cerr << "quanta-admin: " << client.error().message() << "\n";
    return 1;
  }
  std::cerr << "backing up the server at " << client->host() << ":" << client->port() << " into "
            << dir << " ...\n";
  auto answer = client->Call("backup", "{\"dir\":" + service::JsonQuote(dir) + "}");
  if (!answer.ok()) {
    std::cerr << "quanta-admin: " << answer.error().message() << "\n";
    return 1;
  }
  if (answer->status != 200) {
    std::cerr << "quanta-admin: " << answer->body << "\n";
    return 1;
  }
  rapidjson::Document doc;
  doc.Parse(answer->body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("bytes") ||
      !doc["bytes"].IsUint64() || !doc.HasMember("files") || !doc["files"].IsUint64() ||
      !doc.HasMember("tables") || !doc["tables"].IsUint64() || !doc.HasMember("seconds") ||
      !doc["seconds"].IsNumber()) {
    std::cerr << "quanta-admin: unexpected answer: " << answer->body << "\n";
    return 1;
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", doc["seconds"].GetDouble());
  std::cout << "backup done: " << doc["tables"].GetUint64() << " tables, "
            << doc["files"].GetUint64() << " files, " << Mib(doc["bytes"].GetUint64()) << " in "
            << secs << " s: " << dir << "\n";
  return 0;
}

int RunRestore(const AdminContext&, const std::vector<std::string>& args) {
  bool force = false;
  std::vector<std::string> pos;
  for (const auto& a : args) {
    if (a == "--force") {
      force = true;
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() != 2) {
    std::cerr << "usage: quanta-admin restore [--force] BACKUP_DIR DATA_DIR\n";
    return 2;
  }
  Status st = Restore(pos[0], pos[1], force);
  if (!st.ok()) {
    std::cerr << "quanta-admin: restore: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace quanta::admin
