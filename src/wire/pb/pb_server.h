// PbServer: the Riak Protocol Buffers listener (default port 8087), serving PB message codes and
// TTB (code 104) frames over the same sockets (docs/formats/pb_framing.md, ttb_subset.md).
//
// Thread safety: Start/Stop from one controlling thread; connections are served by the server's
// own threads, which call the thread-safe TsService.
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
  int threads = 0;                   // I/O + worker threads; 0 = hardware concurrency
};

class PbServer {
 public:
  PbServer(service::TsService& service, PbServerOptions options);
  ~PbServer();
  // Binds and starts serving. Error if the address cannot be bound.
  Status Start();
  // Stops accepting, lets requests in flight finish, closes connections. Idempotent.
  void Stop();
  // The bound port (after Start).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::wire::pb
