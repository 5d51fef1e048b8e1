#include "service/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>

#include <rapidjson/document.h>

#include "common/version.h"

namespace quanta::service {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxManifestFiles = 1000000;

// Writes `text` to `path` under a temporary name, fsynced, then renamed: the manifest appears
// whole or not at all.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot create " + tmp);
  const bool wrote = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!wrote || !synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(ErrorCode::kIoError, "cannot write " + path);
  }
  const std::string parent = fs::path(path).parent_path().string();
  int dfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself survives a power loss
    ::close(dfd);
  }
  return Status::OK();
}

bool SafeFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Result<std::string> DirFromBody(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("dir") || !doc["dir"].IsString()) {
    return Status(ErrorCode::kInvalidArgument, "backup wants a JSON body {\"dir\":\"/path\"}");
  }
  std::string dir(doc["dir"].GetString(), doc["dir"].GetStringLength());
  if (dir.empty() || dir[0] != '/') {
    return Status(ErrorCode::kInvalidArgument,
                  "backup: the directory must be an absolute path on the server's machine");
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

Result<std::string> RunBackup(const BackupSource& source, const std::string& dir) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec))) {
    return Status(ErrorCode::kInvalidArgument, "backup: " + dir + " already exists");
  }
  const fs::path parent = fs::path(dir).parent_path();
  if (!fs::is_directory(parent, ec)) {
    return Status(ErrorCode::kInvalidArgument,
                  "backup: " + parent.string() + " is not a directory on the server's machine");
  }
  if (::mkdir(dir.c_str(), 0700) != 0) {
    return Status(ErrorCode::kIoError, "backup: cannot create " + dir + ": " + std::strerror(errno));
  }
  // From here on a failure removes what was made: a half backup must not pass for one.
  auto fail = [&](Status st) -> Status {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return st;
  };
  const std::string data = dir + "/" + std::string(kBackupDataDir);
  Status st = source.checkpoint(data);
  if (!st.ok()) return fail(Status(st.code(), "backup: " + st.message()));
  if (source.security_state) {
    st = WriteFileAtomically(data + "/" + std::string(kBackupSecurityFile), source.security_state());
    if (!st.ok()) return fail(Status(st.code(), "backup: " + st.message()));
  }

  BackupManifest m;
  m.quanta_version = kQuantaVersion;
  m.backend = source.backend;
  m.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  m.tables = source.table_count();
  for (const auto& e : fs::directory_iterator(data, ec)) {
    if (!e.is_regular_file(ec)) continue;
    BackupFile f{e.path().filename().string(), e.file_size(ec)};
    if (ec) return fail(Status(ErrorCode::kIoError, "backup: cannot stat " + e.path().string()));
    m.bytes += f.bytes;
    m.files.push_back(std::move(f));
  }
  if (ec) return fail(Status(ErrorCode::kIoError, "backup: cannot list " + data + ": " + ec.message()));
  std::sort(m.files.begin(), m.files.end(),
            [](const BackupFile& a, const BackupFile& b) { return a.name < b.name; });
  st = WriteFileAtomically(dir + "/" + std::string(kBackupManifest), EncodeBackupManifest(m));
  if (!st.ok()) return fail(st);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", seconds);
  return "{\"dir\":" + JsonQuote(dir) + ",\"tables\":" + std::to_string(m.tables) +
         ",\"files\":" + std::to_string(m.files.size()) + ",\"bytes\":" + std::to_string(m.bytes) +
         ",\"seconds\":" + secs + "}";
}

}  // namespace

std::string BackupTimeUtc(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string EncodeBackupManifest(const BackupManifest& m) {
  std::string out = "{\"format\":" + std::to_string(m.format) +
                    ",\"quanta_version\":" + JsonQuote(m.quanta_version) +
                    ",\"backend\":" + JsonQuote(m.backend) +
                    ",\"created_ms\":" + std::to_string(m.created_ms) +
                    ",\"created\":" + JsonQuote(BackupTimeUtc(m.created_ms)) +
                    ",\"tables\":" + std::to_string(m.tables) +
                    ",\"bytes\":" + std::to_string(m.bytes) + ",\"files\":[";
  for (size_t i = 0; i < m.files.size(); ++i) {
    out += (i ? ",\n  " : "\n  ");
    out += "{\"name\":" + JsonQuote(m.files[i].name) +
           ",\"bytes\":" + std::to_string(m.files[i].bytes) + "}";
  }
  out += "]}\n";
  return out;
}

Result<BackupManifest> DecodeBackupManifest(std::string_view json) {
  auto bad = [](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, "bad backup manifest: " + what);
  };
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return bad("not a JSON object");
  BackupManifest m;
  auto u64 = [&](const char* key, uint64_t* out) {
    if (!doc.HasMember(key) || !doc[key].IsUint64()) return false;
    *out = doc[key].GetUint64();
    return true;
  };
  auto str = [&](const char* key, std::string* out) {
    if (!doc.HasMember(key) || !doc[key].IsString()) return false;
    *out = std::string(doc[key].GetString(), doc[key].GetStringLength());
    return true;
  };
  uint64_t format = 0, created = 0;
  if (!u64("format", &format)) return bad("no \"format\"");
  if (format != static_cast<uint64_t>(kBackupFormat)) {
    return bad("format " + std::to_string(format) + " is not " + std::to_string(kBackupFormat) +
               " (written by a newer quanta?)");
  }
  if (!str("quanta_version", &m.quanta_version)) return bad("no \"quanta_version\"");
  if (!str("backend", &m.backend)) return bad("no \"backend\"");
  if (!u64("created_ms", &created)) return bad("no \"created_ms\"");
  m.created_ms = static_cast<int64_t>(created);
  if (!u64("tables", &m.tables)) return bad("no \"tables\"");
  if (!u64("bytes", &m.bytes)) return bad("no \"bytes\"");
  if (!doc.HasMember("files") || !doc["files"].IsArray()) return bad("no \"files\"");
  const auto& files = doc["files"].GetArray();
  if (files.Size() > kMaxManifestFiles) return bad("too many files");
  uint64_t total = 0;
  for (const auto& f : files) {
    if (!f.IsObject() || !f.HasMember("name") || !f["name"].IsString() || !f.HasMember("bytes") ||
        !f["bytes"].IsUint64()) {
      return bad("a file entry is not {\"name\":...,\"bytes\":...}");
    }
    BackupFile file{std::string(f["name"].GetString(), f["name"].GetStringLength()),
                    f["bytes"].GetUint64()};
    if (!SafeFileName(file.name)) return bad("unsafe file name '" + file.name + "'");
    total += file.bytes;
    m.files.push_back(std::move(file));
  }
  if (total != m.bytes) return bad("the files' sizes do not add up to \"bytes\"");
  return m;
}

void RegisterBackupCommand(AdminCommands& admin, BackupSource source) {
  auto running = std::make_shared<std::mutex>();
  admin.Register("backup", [source = std::move(source), running](
                               std::string_view body) -> Result<std::string> {
    QUANTA_ASSIGN_OR_RETURN(std::string dir, DirFromBody(body));
    std::unique_lock lock(*running, std::try_to_lock);
    if (!lock.owns_lock()) {
      return Status(ErrorCode::kInvalidArgument, "backup: another backup is running");
    }
    return RunBackup(source, dir);
  });
}

}  // namespace quanta::service
