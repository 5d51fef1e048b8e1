// quanta-admin's commands. Each is a function of the parsed global options and its own
// arguments, returning the process exit status (0 ok, 1 failed, 2 usage). Commands that talk to
// the running server use `ctx.Server()`; the ones that speak Riak's PB API (import, export)
// connect to `ctx.pb_host:ctx.pb_port` themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin_client.h"
#include "wire/pb/pb_client.h"

namespace quanta::admin {

// How to log in to a server's PB port with security enabled (docs/security.md): STARTTLS
// verifying its certificate, then RpbAuthReq. Off when no user is given.
struct PbLogin {
  std::string user;
  std::string password;  // from the password file or the environment, never argv
  bool password_given = false;  // by a file (the environment is not read then)
  wire::pb::PbTlsOptions tls;
  bool enabled() const { return !user.empty(); }
};

// Parses one login option (--user, --password-file, --cacert, --cert, --key, each after
// `prefix`, "--" or "--from-") at args[*i], taking its value; false when args[*i] is none of
// them. *error is set (and true returned) for a missing value or an unreadable file.
bool ParseLoginOption(const std::vector<std::string>& args, size_t* i, const std::string& prefix,
                      PbLogin* login, std::string* error);
// The password from `env` (QUANTA_PASSWORD, QUANTA_FROM_PASSWORD) when a user is given and no
// password file was: "" when unset.
void PasswordFromEnvironment(const char* env, PbLogin* login);

struct AdminContext {
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 8098;
  std::string pb_host = "127.0.0.1";
  uint16_t pb_port = 8087;
  std::string data_dir = "./data";
  std::string token_file;  // empty: <data_dir>/admin.token
  PbLogin pb_login;        // for the server at pb_host:pb_port

  // A client for the server's admin channel, or an error (the token could not be read).
  Result<AdminClient> Server() const;
};

struct Command {
  const char* name;
  const char* usage;  // one line: arguments
  const char* help;   // one line: what it does
  int (*run)(const AdminContext& ctx, const std::vector<std::string>& args);
};

// Calls `command` with `body` on the server and prints its answer (pretty enough for people:
// the JSON as the server sent it) or the error to stderr. Exit status.
int CallAndPrint(const AdminContext& ctx, const std::string& command, const std::string& body);

// A PB connection for the commands that move rows (long I/O timeout: list_keys streams).
// With `login` enabled: STARTTLS and RpbAuthReq before anything else.
Result<std::unique_ptr<wire::pb::PbClient>> ConnectPb(const std::string& host, uint16_t port,
                                                      const PbLogin& login);

int RunStatus(const AdminContext& ctx, const std::vector<std::string>& args);
int RunBackup(const AdminContext& ctx, const std::vector<std::string>& args);
int RunRestore(const AdminContext& ctx, const std::vector<std::string>& args);
int RunExport(const AdminContext& ctx, const std::vector<std::string>& args);
int RunImportCsv(const AdminContext& ctx, const std::vector<std::string>& args);
int RunImport(const AdminContext& ctx, const std::vector<std::string>& args);
int RunSecurity(const AdminContext& ctx, const std::vector<std::string>& args);

}  // namespace quanta::admin
