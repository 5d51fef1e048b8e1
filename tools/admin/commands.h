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

namespace quanta::admin {

struct AdminContext {
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 8098;
  std::string pb_host = "127.0.0.1";
  uint16_t pb_port = 8087;
  std::string data_dir = "./data";
  std::string token_file;  // empty: <data_dir>/admin.token

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

int RunStatus(const AdminContext& ctx, const std::vector<std::string>& args);

}  // namespace quanta::admin
