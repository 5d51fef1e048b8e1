// PbServer: the Riak Protocol Buffers listener (default port 8087), serving PB message codes and
// TTB (code 104) frames over the same sockets (docs/formats/pb_framing.md, ttb_subset.md).
//
// Thread safety: Start/Stop from one controlling thread; connections are served by the server's
// own threads, which call the thread-safe TsService.
//
// Threading model (pb_server.cc): Boost.Asio with a few I/O threads that only accept, read,
// frame and write; each socket's handlers run on its own strand. Requests that touch storage or
// run SQL (TS codes 90-100 and TTB 104) run on a separate worker pool, so a slow query never
// stalls the I/O threads or other connections' pings; cheap requests (ping, server info, client
// id, STARTTLS, unknown codes, bucket probes) are answered inline on the I/O thread. A
// connection reads its next request only after the previous reply has been written, which keeps
// replies in request order and bounds memory per connection; list-keys streams apply
// back-pressure to the worker when the client reads slowly.
//
// Resource bounds (issue 9, docs/operations.md):
//  * Admission before work: SQL queries (TsQueryReq, TTB tsqueryreq) ask TsService::AdmitQuery
//    for a slot on the I/O thread and reach the worker pool only with one; overload (1001) and
//    the queue timeout (1013) are answered without a worker. The pool has room for every
//    admitted query and list-keys stream the service allows, plus max(4, 2 * threads) workers
//    that only key/value requests can be left to use.
//  * Deadlines: a started frame must arrive within read_timeout_seconds (or the idle timeout
//    if shorter); every socket write must make progress within write_timeout_seconds; a worker
//    waits at most write_timeout_seconds for a slow client to take queued output. Each expiry
//    closes the connection (and gives back what it held).
//  * Memory: the frame buffer (grown no further than the frame being assembled) and every
//    queued reply are charged to the service's memory account until written or the connection
//    closes; replies to queries are charged by the request that produced them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace quanta::service {
class TsService;
}

namespace quanta::wire::pb {

struct PbServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8087;              // 0 = pick a free port (see port())
  size_t max_frame_bytes = 64 << 20; // larger length prefix -> error frame and close
  int idle_timeout_seconds = 3600;   // idle connections are closed after this
  int read_timeout_seconds = 30;     // a frame whose first byte arrived must complete within this
  int write_timeout_seconds = 30;    // queued output must be taken by the client within this
  int threads = 0;                   // sizes the I/O and worker pools; 0 = hardware concurrency
  int shutdown_grace_seconds = 30;   // Stop(): wait this long for requests in flight
  // TLS for STARTTLS (docs/security.md): PEM files; the CA file verifies client certificates.
  std::string tls_certfile;
  std::string tls_keyfile;
  std::string tls_cacertfile;
  int auth_failure_delay_ms = 5000;  // a failed RpbAuthReq is answered after this (as Riak)
};

class PbServer {
 public:
  PbServer(service::TsService& service, PbServerOptions options);
  ~PbServer();
  // Binds and starts serving. Error if the address cannot be bound.
  Status Start();
  // The listener reads tls.certfile, tls.keyfile and tls.cacertfile again (SIGHUP: a renewed
  // certificate) for the STARTTLS upgrades from now on. On an error the old ones stay. A no-op
  // without TLS. Thread-safe.
  Status ReloadTls();
  // Stops accepting, lets requests in flight finish, closes connections. Idempotent.
  void Stop();
  // The bound port (after Start).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::wire::pb
