// Online backup (docs/operations.md, "Backup and restore"): the admin command "backup" and the
// backup directory's manifest, shared by the server (which writes a backup) and quanta-admin
// (which restores one, offline).
//
// A backup directory holds
//   quanta-backup.json   the manifest (below), written last: a directory without it is not a
//                        backup (the server died mid-way)
//   data/                the store's checkpoint, openable as a data directory, with the
//                        security state (users, password hashes, grants) as security.json
// The manifest is one JSON object:
//   {"format":1,"quanta_version":"0.1.0","backend":"rocksdb","created_ms":...,
//    "created":"2026-12-07T11:30:00Z","tables":3,"bytes":123456,
//    "files":[{"name":"000012.sst","bytes":1234},...]}
// `files` lists every file of data/ with its size, so that a restore can tell a whole backup
// from a damaged or truncated copy.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "service/admin.h"

namespace quanta::service {

inline constexpr std::string_view kBackupManifest = "quanta-backup.json";
inline constexpr std::string_view kBackupDataDir = "data";
inline constexpr std::string_view kBackupSecurityFile = "security.json";
inline constexpr int kBackupFormat = 1;

struct BackupFile {
  std::string name;
  uint64_t bytes = 0;
};

struct BackupManifest {
  int format = kBackupFormat;
  std::string quanta_version;
  std::string backend;
  int64_t created_ms = 0;
  uint64_t tables = 0;
  uint64_t bytes = 0;
  std::vector<BackupFile> files;
};

std::string EncodeBackupManifest(const BackupManifest& manifest);
// `ms` since the epoch as the manifest's "created" shows it: 2026-12-07T11:30:00Z.
std::string BackupTimeUtc(int64_t ms);
// kInvalidArgument naming what is wrong (not JSON, a missing or mistyped field, a file name
// with a '/' or "..", more than 1,000,000 files).
Result<BackupManifest> DecodeBackupManifest(std::string_view json);

// What the backup command needs from the service.
struct BackupSource {
  std::string backend;  // "rocksdb" | "rados"
  // Writes the store's checkpoint into the new directory given.
  std::function<Status(const std::string& dir)> checkpoint;
  std::function<uint64_t()> table_count;
  // The security state as security.json holds it (docs/formats/security.md), taken when the
  // checkpoint is; written into data/ so that a restored server keeps its users and grants.
  std::function<std::string()> security_state;
};

// Registers "backup": body {"dir":"/absolute/path"}; the directory must not exist and its
// parent must. Answers {"dir":...,"tables":N,"files":N,"bytes":N,"seconds":S}. One backup at a
// time; on failure nothing is left at `dir`.
void RegisterBackupCommand(AdminCommands& admin, BackupSource source);

}  // namespace quanta::service
