// Handlers: the endpoint logic of the HTTP API, independent of the socket layer. Each handler
// decodes the request, calls one TsService method and encodes the answer (riak_ts.md section 11);
// the only logic here is the order of checks Riak applies (route, method, query parameters,
// table, then body or key path).
//
// Thread safety: Handle() may be called concurrently; it blocks for the duration of the service
// call, so callers run it off their I/O threads.
#pragma once

#include <string>
#include <string_view>

#include "http/router.h"

namespace quanta::service {
class TsService;
}

namespace quanta::http {

struct HttpRequest {
  Method method = Method::kGet;
  std::string target;    // as received: path plus optional "?query"
  std::string body;
  std::string url_base;  // "http://<host>:<port>" of this listener, for list_keys URLs
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string allow;      // Allow header (405 only)
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
  // `service` must outlive this object.
  explicit Handlers(service::TsService& service);

  // Serves one request. For list_keys the body is streamed through `sink` and the result has
  // streamed = true (unless the request failed before anything was sent).
  HttpResponse Handle(const HttpRequest& request, StreamSink& sink);

 private:
  HttpResponse Query(const HttpRequest& request);
  HttpResponse PutRows(const Route& route, const HttpRequest& request);
  HttpResponse GetKey(const Route& route);
  HttpResponse DeleteKey(const Route& route);
  HttpResponse ListKeys(const Route& route, const HttpRequest& request, StreamSink& sink);

  service::TsService& service_;
};

}  // namespace quanta::http
