// Handlers: the endpoint logic of the HTTP API, independent of the socket layer. Each handler
// decodes the request, calls one TsService method and encodes the answer (riak_ts.md section 11);
// the only logic here is the order of checks Riak applies (route, method, query parameters,
// table, then body or key path).
//
// Thread safety: Handle() may be called concurrently; it blocks for the duration of the service
// call, so callers run it off their I/O threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/memory.h"
#include "http/router.h"
#include "http/static_assets.h"
#include "service/query_gate.h"

namespace quanta::service {
class TsService;
}

namespace quanta::http {

struct HttpRequest {
  Method method = Method::kGet;
  std::string target;    // as received: path plus optional "?query"
  std::string body;      // consumed by the handler (put bodies are decoded in place)
  std::string url_base;  // "http://<host>:<port>" of this listener, for list_keys URLs
  std::string peer;      // "ip:port" of the client, for the service's log lines
  // Headers the ingest endpoints read (docs/ingest.md), and the body limit a decompressed
  // body is held to.
  std::string content_encoding;
  std::string content_type;
  size_t max_body_bytes = 64 << 20;
  std::string accept_encoding;  // request headers the console's files depend on
  std::string if_none_match;
  std::string authorization;  // the Authorization header, if any
  // X-Requested-With: "XMLHttpRequest" from a script (the web console), which asks its user
  // itself: a 401 then leaves out WWW-Authenticate, so the browser shows no login box of its own.
  std::string requested_with;
  bool tls = false;           // arrived on the HTTPS listener
  std::string peer_ip;        // the client's address (security sources)
  // Set by the security check (http/http_security.h): the authenticated user, when security
  // is enabled.
  bool secured = false;
  std::string user;
  // The request's share of the memory account: the body (body_charged bytes of it), decoded
  // rows, the result set and the encoded answer are reserved here.
  MemoryReservation memory;
  int64_t body_charged = 0;
  // For /ts/v1/query: the slot the transport got from TsService::AdmitQuery before it queued the
  // request (not held: Query() waits for one itself).
  service::QuerySlot slot;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string allow;      // Allow header (405 only)
  std::string www_authenticate;  // WWW-Authenticate header (401 for missing credentials)
  std::vector<std::pair<std::string, std::string>> headers;  // any further headers
  bool streamed = false;  // the response already went out through the StreamSink
  // The request reached the TsService operation, which counts itself in Stats; requests
  // rejected before that are counted by Handle().
  bool reached_service = false;
};

// Where a streamed (chunked) response goes. Both methods block until the bytes are handed to the
// socket and return false when the client is gone or the write failed; the handler then stops.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Status line and headers of a chunked response. Called at most once, before any Write.
  virtual bool Begin(int status, std::string_view content_type) = 0;
  // One chunk of body. REQUIRES: Begin() returned true.
  virtual bool Write(std::string_view data) = 0;
};

class Handlers {
 public:
  // `service` must outlive this object. `max_list_keys_streams` > 0 bounds the list_keys streams
  // this server runs at once (each holds a worker thread while the client reads), below the
  // service's own list_keys.max_concurrent; beyond it -> 503 Overload.
  // `console` (may be null: no console) holds the web console's files and must outlive this.
  explicit Handlers(service::TsService& service, int max_list_keys_streams = 0,
                    const StaticAssetSet* console = nullptr);

  // Serves one request. For list_keys the body is streamed through `sink` and the result has
  // streamed = true (unless the request failed before anything was sent). The request's body is
  // consumed.
  HttpResponse Handle(HttpRequest& request, StreamSink& sink);

  // The answer to a query that was refused admission (AdmitQuery's 1001 overload or 1013
  // timeout), counted as a failed query.
  HttpResponse RefuseQuery(const Status& status);

 private:
  HttpResponse Query(HttpRequest& request);
  HttpResponse PutRows(const Route& route, HttpRequest& request);
  HttpResponse GetKey(const Route& route);
  HttpResponse DeleteKey(const Route& route);
  HttpResponse ListKeys(const Route& route, HttpRequest& request, StreamSink& sink);
  // Ingest (ingest_handlers.cc).
  HttpResponse InfluxWrite(const Route& route, HttpRequest& request);
  HttpResponse RemoteWrite(HttpRequest& request);
  HttpResponse Console(const Route& route, const HttpRequest& request) const;
  HttpResponse Admin(const Route& route, HttpRequest& request);

  service::TsService& service_;
  const int max_list_keys_streams_;
  const StaticAssetSet* const console_;
  std::atomic<int> list_keys_streams_{0};
};

}  // namespace quanta::http
