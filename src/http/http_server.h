// HttpServer: the Riak TS HTTP API (/ts/v1/...) plus /ping, /stats and /metrics
// (riak_ts.md section 11).
//
// Threading: `threads` I/O threads run Boost.Beast sessions (accept, parse, write; never block).
// Each complete request is handed to a pool of `worker_threads` that runs the handler, which
// blocks in TsService (RocksDB I/O, the query queue, up to the query timeout); the response is
// posted back to the connection's strand. A separate pool keeps slow queries from stalling
// unrelated connections' I/O, and sizing it above the core count keeps a few queued queries
// from starving puts and gets. list_keys holds one worker for the duration of the stream and
// writes each batch as one HTTP chunk, waiting for the socket (backpressure).
//
// Connections: HTTP/1.1 keep-alive (one request at a time per connection), bodies over
// max_body_bytes -> 413 and close, idle connections closed after idle_timeout_seconds, reading a
// body or writing a response bounded by request_timeout_seconds.
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

namespace quanta::service {
class TsService;
}

namespace quanta::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8098;              // 0 = pick a free port (see port())
  size_t max_body_bytes = 64 << 20;  // larger bodies get 413
  int request_timeout_seconds = 60;  // headers and body must arrive within this
  int write_timeout_seconds = 30;    // a response or chunk must be taken within this
  int idle_timeout_seconds = 300;
  int threads = 0;                   // I/O threads; 0 = hardware concurrency
  int worker_threads = 0;            // handler threads; 0 = max(16, 4 x hardware concurrency)
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::http
