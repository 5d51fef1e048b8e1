// HttpServer: the Riak TS HTTP API (/ts/v1/...) plus /ping, /stats and /metrics
// (riak_ts.md section 11).
//
// Thread safety: Start/Stop from one controlling thread; requests are served by the server's own
// threads, which call the thread-safe TsService.
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
  int request_timeout_seconds = 60;
  int idle_timeout_seconds = 300;
  int threads = 0;                   // 0 = hardware concurrency
};

class HttpServer {
 public:
  HttpServer(service::TsService& service, HttpServerOptions options);
  ~HttpServer();
  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::http
