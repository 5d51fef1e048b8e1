// RequestContext: which transport and which client a request on this thread came from.
//
// Transports declare it (a ScopedRequest around the TsService call) and TsService reads it to
// count requests per transport and to name the transport and peer in its log lines. It only
// describes the request; no decision depends on it.
//
// Thread safety: the context is per thread; a ScopedRequest restores the previous one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace quanta::service {

enum class Transport : uint8_t { kInproc, kPb, kTtb, kHttp, kCount };
const char* TransportName(Transport transport);  // "inproc", "pb", "ttb", "http"

struct RequestContext {
  Transport transport = Transport::kInproc;
  std::string_view peer;  // "ip:port" of the client; empty in-process
};

// The context of the request this thread is serving (kInproc, no peer, outside any scope).
const RequestContext& CurrentRequest();

class ScopedRequest {
 public:
  ScopedRequest(Transport transport, std::string_view peer);
  ~ScopedRequest();
  ScopedRequest(const ScopedRequest&) = delete;
  ScopedRequest& operator=(const ScopedRequest&) = delete;

 private:
  RequestContext saved_;
};

}  // namespace quanta::service
