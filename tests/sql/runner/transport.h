// Transport: how the golden SQL runner sends one statement to the server and what comes back,
// in a form every front end can produce (docs/testing.md "Transports").
//
//   inproc  TsService::Query called directly (always available)
//   pb      Protocol Buffers TsQueryReq over a TCP socket to an in-process PbServer (port 0)
//   ttb     the same socket, TTB (code 104) frames
//   http    POST /ts/v1/query to an in-process HttpServer (port 0)
//
// pb/ttb are compiled in when the wire library has the PB client (QUANTA_SQLTEST_PB), http when
// the HTTP server library exists (QUANTA_SQLTEST_HTTP); see tests/sql/CMakeLists.txt.
//
// The Harness owns the service and the servers for one .test file: it opens TsService on the
// file's private data directory, starts the servers on port 0, and builds one Transport per
// front end that was compiled in. `restart` and `config` stop everything and start it again on
// the same data directory, so Transport pointers are only valid until the next Start().
//
// With several coordinators (SetCoordinators, `sql_runner --coordinators N`) the Harness opens
// N services over the same RADOS pool and namespace, starts the front ends of each, and hands
// out transports that send each statement to the next coordinator (alternating.h).
//
// Adding a front end: implement Transport, create it in Harness::StartOne() and list its name in
// Harness::Known(). Nothing else in the runner knows which transports exist.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result_set.h"
#include "common/status.h"
#include "service/ts_service.h"

namespace quanta::sqltest {

// What a client saw for one statement.
struct Response {
  bool ok = true;
  // The error as the client received it: Riak error code (0 = API-level error) and message.
  int code = 0;
  std::string message;
  bool code_known = true;      // false when the front end has no Riak codes (HTTP statuses)
  ResultSet result;            // columns may be empty for an empty PB/TTB result
  bool types_known = true;     // false when the front end sends column names only (HTTP JSON)
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::string_view name() const = 0;
  // `declared` (optional) are the column types the test expects; a front end without types on
  // the wire (HTTP) uses them to decode cells (base64 blobs, integers vs doubles).
  virtual Response Execute(std::string_view sql,
                           const std::vector<ColumnType>* declared = nullptr) = 0;
  // PB/TTB drop the column list of a result with zero rows (wire_protocol.md section 2.5), so
  // `header` and type checks only apply to non-empty results there.
  virtual bool columns_when_empty() const { return true; }
};

class Harness {
 public:
  // Every transport name a .test file may use, and whether this build has it.
  static const std::vector<std::string>& Known();
  static bool Compiled(std::string_view name);

  explicit Harness(std::string data_dir);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Opens the service over data_dir with the current options and starts the front ends.
  Status Start();
  // Stops the front ends and closes the service (TsService::Close). Idempotent.
  Status Stop();
  Status Restart();
  // One pass of the data lifecycle on every coordinator (TsService::RunLifecycle), as the
  // background thread runs it: dropped tables' rows, expired quanta, space reclaim.
  Status RunLifecycle();
  // Sets one ServiceOptions field (docs/testing.md lists the keys), then restarts.
  Status Configure(std::string_view key, std::string_view value);
  // The same without restarting (before Start).
  Status Set(std::string_view key, std::string_view value);
  // How many coordinators Start() opens (before Start; 1 by default). More than one needs
  // storage.backend = rados: coordinator k > 1 keeps its data directory in data_dir + "-k".
  void SetCoordinators(int n) { coordinators_ = n; }

  // nullptr when `name` is not compiled in or failed to start.
  Transport* Get(std::string_view name);
  // All started transports, inproc first.
  std::vector<Transport*> All();

  const std::string& data_dir() const { return options_.data_dir; }

 private:
  struct Servers;
  // One service with its front ends.
  struct Coordinator {
    std::unique_ptr<service::TsService> service;
    std::unique_ptr<Servers> servers;
    std::vector<std::unique_ptr<Transport>> transports;
    ~Coordinator();
  };
  Status StartOne(const service::ServiceOptions& options, Coordinator* c);

  service::ServiceOptions options_;
  int coordinators_ = 1;
  std::vector<std::unique_ptr<Coordinator>> running_;
  // What Get() and All() hand out: the one coordinator's transports, or alternating ones.
  std::vector<std::unique_ptr<Transport>> alternating_;
  std::vector<Transport*> transports_;
};

}  // namespace quanta::sqltest
