// HttpServer: the Riak TS HTTP API (/ts/v1/...) plus /ping, /stats and /metrics
// (riak_ts.md section 11).
//
// Threading: `threads` I/O threads run Boost.Beast sessions (accept, parse, write; never block).
// Each complete request is handed to a pool of `worker_threads` that runs the handler, which
// blocks in TsService (RocksDB I/O, up to the query timeout); the response is posted back to the
// connection's strand. A /ts/v1/query request first asks the service's query gate for a slot
// (TsService::AdmitQuery) and only then takes a worker, so queries never wait in the pool's queue
// unseen by the gate: overload (queue full) and the queue timeout answer 503 at once. list_keys
// holds one worker for the duration of the stream and writes each batch as one HTTP chunk,
// waiting for the socket at most write_timeout_seconds; at most half of the workers stream at
// once (beyond that, or beyond the service's list_keys.max_concurrent: 503).
//
// Connections: HTTP/1.1 keep-alive (one request at a time per connection), bodies over
// max_body_bytes -> 413 and close. Between requests a connection may stay idle for
// idle_timeout_seconds; from the first byte of a request, its line, headers and body must
// arrive within request_timeout_seconds (one deadline, not renewed by trickled bytes). Every
// response, interim response and chunk must be taken by the client within write_timeout_seconds,
// else the connection is closed. Timeouts close without an answer.
//
// Memory: each request has a MemoryReservation on the service's account (common/memory.h). The
// body is reserved while it is held (a declared length before it is read, a chunked body as it
// grows), then the decoded rows, the result set and the encoded reply; the reply's bytes stay
// reserved until the socket took them. A refusal answers 503 with the account's message.
//
// Thread safety: Start/Stop from one controlling thread; requests are served by the server's own
// threads, which call the thread-safe TsService. Stop() stops accepting, closes idle
// connections, lets in-flight requests finish and answer (with Connection: close), then joins
// every thread. The destructor calls Stop().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/static_assets.h"

namespace quanta::service {
class TsService;
}

namespace quanta::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8098;              // 0 = pick a free port (see port())
  size_t max_body_bytes = 64 << 20;  // larger bodies get 413
  int request_timeout_seconds = 60;  // request line, headers and body, from its first byte
  int write_timeout_seconds = 30;    // a response or chunk must be taken within this
  int idle_timeout_seconds = 300;    // waiting for the next request's first byte
  int threads = 0;                   // I/O threads; 0 = hardware concurrency
  int worker_threads = 0;            // handler threads; 0 = max(16, 4 x hardware concurrency)
  // HTTPS (https.listen): TLS with this certificate chain and key (PEM) on every connection.
  bool tls = false;
  std::string tls_certfile;
  std::string tls_keyfile;
  // The web console's files, served at /console (null: none, / and /console answer 404).
  // Must outlive the server.
  const StaticAssetSet* console = nullptr;
};

class HttpServer {
 public:
  HttpServer(service::TsService& service, HttpServerOptions options);
  ~HttpServer();
  // Binds host:port and starts serving. IoError when the address cannot be bound.
  // REQUIRES: not started before.
  Status Start();
  // Graceful shutdown (see above). Idempotent; a no-op when never started.
  void Stop();
  // The bound port (useful with port 0). REQUIRES: Start() returned OK.
  uint16_t port() const;
  // The HTTPS listener reads its certificate and key files again (SIGHUP: a renewed
  // certificate), for the connections accepted from now on. On an error the old ones stay.
  // A no-op for a plain HTTP listener. Thread-safe.
  Status ReloadTls();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::http
