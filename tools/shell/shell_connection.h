// ShellConnection: what quanta-shell needs from a connection to a Quanta (or Riak TS) node.
//
// The shell core (shell.h) talks only to this interface, so it can be tested with a fake and so
// the wire client behind it (pb_shell_connection.h wraps wire::pb::PbClient) can change without
// touching the command logic.
//
// Thread safety: none; a connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result_set.h"

namespace quanta::shell {

// host:port of one node.
struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 8087;

  std::string ToString() const { return host + ":" + std::to_string(port); }
  bool operator==(const Endpoint& o) const { return host == o.host && port == o.port; }
};

// Parses "host:port", "host" (port = default_port), "[v6addr]:port", or a riak-style node name
// "name@host" (port = default_port). Returns false for an empty host or a bad port.
bool ParseEndpoint(const std::string& text, uint16_t default_port, Endpoint* out);

// Why a request failed.
struct ShellError {
  enum class Kind : uint8_t {
    kNone,
    kServer,     // the node answered with an RpbErrorResp: `code` is the Riak error code
    kTransport,  // connect/send/receive failed or the answer could not be decoded; the
                 // connection is no longer usable
  };
  Kind kind = Kind::kNone;
  int code = 0;
  std::string message;

  bool ok() const { return kind == Kind::kNone; }
  bool transport() const { return kind == Kind::kTransport; }
  static ShellError Server(int code, std::string message) {
    return {Kind::kServer, code, std::move(message)};
  }
  static ShellError Transport(std::string message) {
    return {Kind::kTransport, 0, std::move(message)};
  }
};

struct ServerInfo {
  std::string node;
  std::string server_version;
};

class ShellConnection {
 public:
  virtual ~ShellConnection() = default;

  // Closes any open connection, then connects to `endpoint`. On failure the connection is
  // closed and the error is a kTransport one.
  virtual ShellError Open(const Endpoint& endpoint) = 0;
  virtual void Close() = 0;
  // True after a successful Open() until Close() or a transport error.
  virtual bool is_open() const = 0;

  // Runs one SQL statement (no trailing ';' needed) with column types requested. On success
  // `*result` holds the columns and rows (both empty for CREATE/INSERT/DELETE).
  // REQUIRES: is_open().
  virtual ShellError Query(const std::string& sql, ResultSet* result) = 0;

  // RpbPingReq round trip. REQUIRES: is_open().
  virtual ShellError Ping() = 0;

  // RpbGetServerInfoReq. REQUIRES: is_open().
  virtual ShellError GetServerInfo(ServerInfo* info) = 0;
};

// Creates connections; the shell makes extra short-lived ones for `ping <node>`.
class ShellConnectionFactory {
 public:
  virtual ~ShellConnectionFactory() = default;
  virtual std::unique_ptr<ShellConnection> Create() = 0;
};

}  // namespace quanta::shell
