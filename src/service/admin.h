// AdminCommands: the operator's channel into a running server (`quanta-admin`, docs/admin.md).
//
// A command is a name and a handler taking a JSON request body and answering a JSON body. The
// HTTP listener serves them at `POST /admin/v1/<name>`, authorized by the bearer token kept in
// the data directory's `admin.token` (readable by the server's user only): whoever can read the
// data directory can administer the server, and nobody else. Modules register their commands
// (status, security, backup, ...) when the server starts.
//
// Thread safety: Register() before the listeners start; Call() and Authorized() concurrently.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace quanta::service {

class AdminCommands {
 public:
  // Answers a JSON body, or an error: kInvalidArgument (bad request, HTTP 400), kNotFound-like
  // errors as the handler chooses; the transport maps them in its one place.
  using Handler = std::function<Result<std::string>(std::string_view body)>;

  // `token` empty = every Authorized() is false (the admin channel is closed).
  explicit AdminCommands(std::string token = {}) : token_(std::move(token)) {}

  void Register(std::string name, Handler handler);
  // The handler's answer; kInvalidArgument "unknown admin command 'x'" when none is registered.
  Result<std::string> Call(std::string_view name, std::string_view body) const;
  bool Has(std::string_view name) const;
  std::vector<std::string> Names() const;

  // True when `authorization` is "Bearer <token>" with this server's token (compared in
  // constant time).
  bool Authorized(std::string_view authorization) const;
  void set_token(std::string token) { token_ = std::move(token); }

 private:
  std::string token_;
  std::map<std::string, Handler, std::less<>> handlers_;
};

// The admin token file `<dir>/admin.token`: read when it exists, else created (mode 0600) with
// 32 random bytes in hex. The directory must exist.
Result<std::string> LoadOrCreateAdminToken(const std::string& dir);

// `text` as a JSON string literal, quotes included (for handlers' answers).
std::string JsonQuote(std::string_view text);

// Reads the token from `path` (whitespace trimmed); used by quanta-admin.
Result<std::string> ReadAdminToken(const std::string& path);

}  // namespace quanta::service
