#include "http/http_server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/memory.h"
#include "http/error_map.h"
#include "http/handlers.h"
#include "http/router.h"
#include "service/request_context.h"
#include "service/stats.h"
#include "service/ts_service.h"

namespace quanta::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Long key URLs (varchar keys) need more than Beast's 8 KiB default.
constexpr uint32_t kHeaderLimit = 64 * 1024;
// After an error that closes the connection, unread request bytes are drained for at most this
// long so that the client sees the response instead of a reset.
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr size_t kDrainBytes = 16 << 20;
// The first read of a request (after the idle wait) and the step of a chunked body's reservation.
constexpr size_t kFirstRead = 4096;
constexpr int64_t kChunkChargeStep = 64 << 10;
constexpr std::string_view kServerName = "Quanta";

beast::string_view Bsv(std::string_view s) { return beast::string_view(s.data(), s.size()); }

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::delete_: return Method::kDelete;
    default: return Method::kOther;
  }
}

class Session;

// A connection's byte stream: plain TCP, or TLS over it on the HTTPS listener. Beast's
// algorithms use it like a tcp_stream; the timeouts stay on the TCP layer.
class SessionStream {
 public:
  using executor_type = beast::tcp_stream::executor_type;

  // `tls`: the HTTPS listener's context when the session was accepted (kept: SIGHUP may put a
  // new one in the server's place while this session runs).
  SessionStream(tcp::socket socket, std::shared_ptr<net::ssl::context> tls)
      : tcp_(std::move(socket)), tls_context_(std::move(tls)) {
    if (tls_context_) tls_.emplace(tcp_, *tls_context_);
  }
  executor_type get_executor() { return tcp_.get_executor(); }
  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      tcp_.async_read_some(buffers, std::forward<Handler>(handler));
    }
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      tcp_.async_write_some(buffers, std::forward<Handler>(handler));
    }
  }
  template <class Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(net::ssl::stream_base::server, std::forward<Handler>(handler));
  }
  bool tls() const { return tls_.has_value(); }
  tcp::socket& socket() { return tcp_.socket(); }
  template <class Duration>
  void expires_after(Duration d) { tcp_.expires_after(d); }
  void expires_never() { tcp_.expires_never(); }
  void close() { tcp_.close(); }

 private:
  beast::tcp_stream tcp_;
  std::shared_ptr<net::ssl::context> tls_context_;  // outlives tls_
  std::optional<net::ssl::stream<beast::tcp_stream&>> tls_;
};

// The HTTPS listener's context from the certificate and key files.
Result<std::shared_ptr<net::ssl::context>> MakeHttpsContext(const HttpServerOptions& o) {
  beast::error_code ec;
  auto tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1,
                   ec);
  tls->use_certificate_chain_file(o.tls_certfile, ec);
  if (ec) {
    return Status(ErrorCode::kInvalidArgument, "https: tls.certfile " + o.tls_certfile + ": " + ec.message());
  }
  tls->use_private_key_file(o.tls_keyfile, net::ssl::context::pem, ec);
  if (ec) {
    return Status(ErrorCode::kInvalidArgument, "https: tls.keyfile " + o.tls_keyfile + ": " + ec.message());
  }
  return tls;
}

// Everything the sessions share. HttpServer::Impl is this plus the thread handles.
unsigned Hardware() { return std::max(1u, std::thread::hardware_concurrency()); }

int WorkerCount(const HttpServerOptions& o) {
  return o.worker_threads > 0 ? o.worker_threads : std::max(16, 4 * static_cast<int>(Hardware()));
}

struct ServerCore {
  ServerCore(service::TsService& service_p, HttpServerOptions options_p)
      : service(service_p),
        options(std::move(options_p)),
        worker_count(WorkerCount(options)),
        // list_keys streams hold workers: at most half of them, so other requests always run.
        handlers(service_p, std::max(1, worker_count / 2), options.console) {}

  service::TsService& service;
  const HttpServerOptions options;
  const int worker_count;
  Handlers handlers;
  std::string advertised_host;  // host part of list_keys URLs; empty = the socket's local address
  uint16_t bound_port = 0;

  // The HTTPS listener's certificate and key; replaced by ReloadTls.
  std::shared_ptr<net::ssl::context> Tls() {
    std::lock_guard lock(tls_mu);
    return tls;
  }
  std::mutex tls_mu;
  std::shared_ptr<net::ssl::context> tls;  // guarded by tls_mu

  std::mutex mu;
  std::condition_variable sessions_changed;
  std::unordered_set<Session*> sessions;  // guarded by mu
  bool stopping = false;                  // guarded by mu
  std::atomic<bool> stopping_flag{false};  // lock-free copy for the hot path

  // Declared after the state above so that handlers destroyed with the io_context (which may
  // own the last reference to a Session) can still unregister.
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};
  std::optional<net::thread_pool> workers;

  // Registers a new session; false when the server is stopping (the session must close).
  bool Register(Session* session) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) return false;
    sessions.insert(session);
    return true;
  }
  void Unregister(Session* session) {
    {
      std::lock_guard<std::mutex> lock(mu);
      sessions.erase(session);
    }
    sessions_changed.notify_all();
  }

  void DoAccept();
};

// One HTTP connection. All socket work happens on the connection's strand; handlers run on the
// worker pool and post their response back.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerCore& core)
      : stream_(std::move(socket), core.Tls()), core_(core) {
    core_.service.stats().http_connections.fetch_add(1, std::memory_order_relaxed);
  }
  // Bytes of the connection, for quanta_network_*_bytes_total.
  void Received(size_t n) {
    core_.service.stats().http_bytes_received.fetch_add(n, std::memory_order_relaxed);
  }
  void Sent(size_t n) {
    core_.service.stats().http_bytes_sent.fetch_add(n, std::memory_order_relaxed);
  }
  ~Session() {
    core_.service.stats().http_connections.fetch_sub(1, std::memory_order_relaxed);
    if (registered_) core_.Unregister(this);
  }

  void Start() {
    registered_ = core_.Register(this);
    if (!registered_) return;  // stopping: the socket closes with this object
    url_base_ = MakeUrlBase();
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ip_ = remote.address().to_string();
      peer_ = peer_ip_ + ":" + std::to_string(remote.port());
    }
    if (stream_.tls()) {
      net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        self->stream_.expires_after(std::chrono::seconds(self->core_.options.request_timeout_seconds));
        self->stream_.async_handshake([self](beast::error_code ec) {
          if (ec) return self->Close();
          self->ReadHeader();
        });
      });
      return;
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Stop(): close the connection now if it is between requests. Thread-safe.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->Close();
    });
  }
  // Stop() after its grace period: close whatever the state. Thread-safe.
  void ForceClose() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  friend class ChunkedSink;

  std::string MakeUrlBase() {
    std::string host = core_.advertised_host;
    if (host.empty()) {
      beast::error_code ec;
      auto local = stream_.socket().local_endpoint(ec);
      host = ec ? "127.0.0.1" : local.address().to_string();
      if (!ec && local.address().is_v6()) host = "[" + host + "]";
    }
    return std::string(stream_.tls() ? "https://" : "http://") + host + ":" +
           std::to_string(core_.bound_port);
  }

  // Strand: waits (up to the idle timeout) for the first byte of the next request.
  void ReadHeader() {
    if (core_.stopping_flag.load()) return Close();
    idle_ = true;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(core_.options.max_body_bytes);
    request_memory_ = MemoryReservation();
    body_charged_ = 0;
    memory_error_ = Status::OK();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: the next request has begun
    stream_.expires_after(std::chrono::seconds(core_.options.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->Received(n);
                              if (ec) return self->Close();  // idle timeout, EOF, reset, Stop()
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  // Strand: from the request's first byte, its line, headers and body must all arrive within
  // request_timeout_seconds. One deadline, set here once: a client trickling bytes does not
  // extend it.
  void ReadRequest() {
    idle_ = false;
    stream_.expires_after(std::chrono::seconds(core_.options.request_timeout_seconds));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t n) {
                               self->Received(n);
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // The body is reserved from the memory account while it is held: a declared length up front
    // (Beast reserves the whole string), a chunked body as it grows.
    request_memory_ = core_.service.NewReservation();
    if (auto length = parser_->content_length(); length && *length > 0) {
      Status st = request_memory_.Grow(static_cast<int64_t>(*length), "the request body");
      if (!st.ok()) return WriteError(MapStatus(st, ErrorContext{}));
      body_charged_ = static_cast<int64_t>(*length);
    } else if (parser_->chunked()) {
      chunk_body_ = [this](uint64_t, beast::string_view data, beast::error_code& chunk_ec) {
        std::string& body = parser_->get().body();
        int64_t needed = static_cast<int64_t>(body.size() + data.size());
        if (needed > body_charged_) {
          int64_t step = std::max<int64_t>(needed - body_charged_, kChunkChargeStep);
          Status st = request_memory_.Grow(step, "the request body");
          if (!st.ok()) {
            memory_error_ = std::move(st);
            chunk_ec = bhttp::error::body_limit;  // stops the read; OnReadError answers 503
            return size_t{0};
          }
          body_charged_ += step;
        }
        body.append(data.data(), data.size());
        return data.size();
      };
      parser_->on_chunk_body(chunk_body_);
    }
    const auto& header = parser_->get();
    auto expect = header[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
      auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(
          bhttp::status::continue_, header.version());
      bhttp::async_write(stream_, *interim,
                         [self = shared_from_this(), interim](beast::error_code wec, size_t n) {
                           self->Sent(n);
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t n) {
                        self->Received(n);
                        if (ec) return self->OnReadError(ec);
                        self->Dispatch();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (!memory_error_.ok()) return WriteError(MapStatus(memory_error_, ErrorContext{}));
    if (ec == bhttp::error::body_limit) return WriteError(BodyTooLargeError());
    if (ec == bhttp::error::header_limit) {
      return WriteError(HttpError{431, "Request header fields too large", {}});
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return WriteError(BadRequestError("Malformed HTTP request"));
    }
    // end of stream, timeout, reset, or cancelled by Stop(): nothing to answer.
    Close();
  }

  void Dispatch() {
    auto request = std::make_shared<HttpRequest>();
    auto& message = parser_->get();
    request->method = ToMethod(message.method());
    request->target = std::string(message.target());
    request->body = std::move(message.body());
    request->url_base = url_base_;
    request->tls = stream_.tls();
    request->peer_ip = peer_ip_;
    request->peer = peer_;
    request->content_encoding = std::string(message[bhttp::field::content_encoding]);
    request->content_type = std::string(message[bhttp::field::content_type]);
    request->max_body_bytes = core_.options.max_body_bytes;
    request->accept_encoding = std::string(message[bhttp::field::accept_encoding]);
    request->if_none_match = std::string(message[bhttp::field::if_none_match]);
    if (auto auth = message.find(bhttp::field::authorization); auth != message.end()) {
      request->authorization = std::string(auth->value());
    }
    request->requested_with = std::string(message["X-Requested-With"]);
    request->memory = std::move(request_memory_);
    request->body_charged = body_charged_;
    body_charged_ = 0;
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_request_ = message.method() == bhttp::verb::head;
    stream_.expires_never();  // the handler may legitimately take long (query timeout)
    parser_.reset();          // (the chunk callback refers to this session's parser)

    // A query asks the query gate for a slot before it takes a worker: no query waits in the
    // pool's queue unseen by the gate, and overload / queue timeout are answered from here.
    Route route;
    if (request->method == Method::kPost && !request->body.empty() &&
        !ParseRoute(request->method, request->target, &route) && route.kind == RouteKind::kQuery) {
      // The gate runs and destroys this callback on its own threads, which Stop() does not wait
      // for: the session reference moves into the posted handler, so that the last one is never
      // dropped there (~Session unregisters, then closes a socket that needs the io_context).
      service::ScopedRequest context(service::Transport::kHttp, peer_);
      core_.service.AdmitQuery([self = shared_from_this(), request](Result<service::QuerySlot> slot) mutable {
        if (!slot.ok()) {
          auto response = std::make_shared<HttpResponse>(self->core_.handlers.RefuseQuery(slot.error()));
          auto strand = self->stream_.get_executor();
          net::post(strand, [self = std::move(self), request, response] {
            self->Respond(*request, std::move(*response));
          });
          return;
        }
        request->slot = std::move(slot).value();
        auto& workers = *self->core_.workers;
        net::post(workers, [self = std::move(self), request] { self->RunHandler(request); });
      });
      return;
    }
    net::post(*core_.workers, [self = shared_from_this(), request] { self->RunHandler(request); });
  }

  // Worker thread.
  void RunHandler(const std::shared_ptr<HttpRequest>& request);

  // Strand: sends `response`, holding the request's reservation (now only the response body's
  // bytes) until the socket took it.
  void Respond(HttpRequest& request, HttpResponse response) {
    request.slot.Release();
    std::string().swap(request.body);
    // Shrinks, or grows by the few bytes of an error text; a refusal only leaves them uncounted.
    request.memory.Resize(static_cast<int64_t>(response.body.capacity()), "the reply").IgnoreError();
    response_memory_ = std::move(request.memory);
    WriteResponse(std::move(response));
  }

  // Strand: sends a complete (non-streamed) response.
  void WriteResponse(HttpResponse response) {
    bool keep_alive = keep_alive_ && !core_.stopping_flag.load();
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), version_);
    message->set(bhttp::field::server, Bsv(kServerName));
    if (!response.content_type.empty()) {
      message->set(bhttp::field::content_type, Bsv(response.content_type));
    }
    if (!response.allow.empty()) message->set(bhttp::field::allow, Bsv(response.allow));
    if (!response.www_authenticate.empty()) {
      message->set(bhttp::field::www_authenticate, Bsv(response.www_authenticate));
    }
    for (const auto& [name, value] : response.headers) message->set(Bsv(name), Bsv(value));
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    if (head_request_) message->body().clear();  // HEAD: headers (with Content-Length) only
    // The client must take the response within the write timeout, or the connection closes.
    stream_.expires_after(std::chrono::seconds(core_.options.write_timeout_seconds));
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message, keep_alive](beast::error_code ec,
                                                                        size_t n) {
                         self->Sent(n);
                         self->AfterResponse(ec, keep_alive);
                       });
  }

  // Strand: an error detected while reading; the connection closes after it.
  void WriteError(const HttpError& error) {
    keep_alive_ = false;
    head_request_ = false;
    version_ = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    HttpResponse response;
    response.status = error.status;
    response.content_type = "text/plain";
    response.body = error.body;
    WriteResponse(std::move(response));
  }

  void AfterResponse(beast::error_code ec, bool keep_alive) {
    response_memory_ = MemoryReservation();
    if (ec) return Close();
    if (!keep_alive) return Drain();
    ReadHeader();
  }

  // Strand: ends a connection after its last response. Closing with unread input (the rest of a
  // refused body, pipelined requests) would make the kernel send a reset that can destroy the
  // response in flight, so half-close and discard input until EOF, a cap, or a short deadline.
  void Drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTime);
    drain_buffer_.resize(64 * 1024);
    DrainSome();
  }
  void DrainSome() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->Received(n);
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainBytes) return self->Close();
                              self->DrainSome();
                            });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  SessionStream stream_;
  std::string peer_ip_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // Appends a chunked body while reserving it (the parser keeps a reference to it).
  std::function<size_t(uint64_t, beast::string_view, beast::error_code&)> chunk_body_;
  // Strand-only: the request being read, and the response being written.
  MemoryReservation request_memory_;
  int64_t body_charged_ = 0;
  Status memory_error_;
  MemoryReservation response_memory_;
  ServerCore& core_;
  std::string url_base_;
  std::string peer_;  // "ip:port" of the client
  bool registered_ = false;
  // Strand-only state.
  bool idle_ = true;   // waiting for the next request's header
  bool closed_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool head_request_ = false;
  std::vector<char> drain_buffer_;
  size_t drained_ = 0;
};

// StreamSink over a Session: a worker thread posts each write to the strand and waits for it.
class ChunkedSink : public StreamSink {
 public:
  ChunkedSink(std::shared_ptr<Session> session, bool keep_alive)
      : session_(std::move(session)), keep_alive_(keep_alive) {}

  bool Begin(int status, std::string_view content_type) override {
    header_.emplace(static_cast<bhttp::status>(status), session_->version_);
    header_->set(bhttp::field::server, Bsv(kServerName));
    header_->set(bhttp::field::content_type, Bsv(content_type));
    header_->keep_alive(keep_alive_);
    header_->chunked(true);
    serializer_.emplace(*header_);
    begun_ = true;
    ok_ = RunOnStrand([this](auto done) {
      bhttp::async_write_header(session_->stream_, *serializer_,
                                [this, done](beast::error_code ec, size_t n) {
                                  session_->Sent(n);
                                  done(ec);
                                });
    });
    return ok_;
  }

  bool Write(std::string_view data) override {
    if (!ok_) return false;
    ok_ = RunOnStrand([this, data](auto done) {
      net::async_write(session_->stream_, bhttp::make_chunk(net::const_buffer(data.data(), data.size())),
                       [this, done](beast::error_code ec, size_t n) {
                         session_->Sent(n);
                         done(ec);
                       });
    });
    return ok_;
  }

  // Ends the chunked body. false when the connection is unusable.
  bool Finish() {
    if (!ok_) return false;
    ok_ = RunOnStrand([this](auto done) {
      net::async_write(session_->stream_, bhttp::make_chunk_last(),
                       [this, done](beast::error_code ec, size_t n) {
                         session_->Sent(n);
                         done(ec);
                       });
    });
    return ok_;
  }

  bool begun() const { return begun_; }

 private:
  // Starts `op` on the strand (op receives a completion callback taking an error_code) and
  // blocks until it completes. Returns true on success.
  template <typename Op>
  bool RunOnStrand(Op op) {
    std::promise<beast::error_code> promise;
    auto future = promise.get_future();
    auto done = [&promise](beast::error_code ec) { promise.set_value(ec); };
    net::post(session_->stream_.get_executor(), [this, &op, done] {
      if (session_->closed_) return done(net::error::operation_aborted);
      // A chunk the client does not take within the write timeout closes the connection, which
      // ends the wait of the worker thread blocked here.
      session_->stream_.expires_after(
          std::chrono::seconds(session_->core_.options.write_timeout_seconds));
      op(done);
    });
    return !future.get();
  }

  std::shared_ptr<Session> session_;
  bool keep_alive_;
  bool begun_ = false;
  bool ok_ = true;
  std::optional<bhttp::response<bhttp::empty_body>> header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> serializer_;
};

void Session::RunHandler(const std::shared_ptr<HttpRequest>& request) {
  bool keep_alive = keep_alive_ && !core_.stopping_flag.load();
  ChunkedSink sink(shared_from_this(), keep_alive);
  HttpResponse response;
  try {
    response = core_.handlers.Handle(*request, sink);
  } catch (const std::exception& e) {
    // The single top-level catch: a stray exception becomes an internal error response.
    response = HttpResponse{};
    response.status = 500;
    response.content_type = "text/plain";
    response.body = std::string("Internal error: ") + e.what();
    response.streamed = sink.begun();
  }
  request->slot.Release();
  if (response.streamed && sink.begun()) {
    bool finished = sink.Finish();
    net::post(stream_.get_executor(), [self = shared_from_this(), finished, keep_alive] {
      self->AfterResponse(finished ? beast::error_code{} : net::error::operation_aborted,
                          keep_alive);
    });
    return;
  }
  net::post(stream_.get_executor(),
            [self = shared_from_this(), request, r = std::move(response)]() mutable {
              self->Respond(*request, std::move(r));
            });
}

void ServerCore::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping_flag.load() || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors and similar: back off briefly instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) DoAccept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), *this)->Start();
    DoAccept();
  });
}

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(service::TsService& service, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::ReloadTls() {
  Impl& s = *impl_;
  if (!s.options.tls) return Status::OK();
  QUANTA_ASSIGN_OR_RETURN(auto tls, MakeHttpsContext(s.options));
  std::lock_guard lock(s.tls_mu);
  s.tls = std::move(tls);
  return Status::OK();
}

Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return Status(ErrorCode::kInvalidArgument, "http: server already started");
  const HttpServerOptions& o = s.options;

  beast::error_code ec;
  if (o.tls) {
    QUANTA_ASSIGN_OR_RETURN(s.tls, MakeHttpsContext(o));
  }
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(o.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, o.port);
  } else {
    tcp::resolver resolver(s.ioc);
    auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || results.empty()) {
      return IoError("http: cannot resolve " + o.host + ": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  auto fail = [&](const char* what) {
    return IoError("http: " + std::string(what) + " " + o.host + ":" + std::to_string(o.port) +
                   ": " + ec.message());
  };
  s.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  s.acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  s.bound_port = s.acceptor.local_endpoint().port();
  if (!endpoint.address().is_unspecified()) {
    s.advertised_host = endpoint.address().to_string();
    if (endpoint.address().is_v6()) s.advertised_host = "[" + s.advertised_host + "]";
  }

  int io_threads = o.threads > 0 ? o.threads : static_cast<int>(Hardware());
  s.workers.emplace(static_cast<size_t>(s.worker_count));
  s.work.emplace(s.ioc.get_executor());
  s.DoAccept();
  for (int i = 0; i < io_threads; ++i) s.io_threads.emplace_back([&s] { s.ioc.run(); });
  s.started = true;
  return Status::OK();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;

  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.stopping = true;
    s.stopping_flag.store(true);
  }
  net::post(s.ioc, [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
  });

  // Sessions unregister in their destructors; take strong references under the lock (skipping
  // any already being destroyed) and act on them outside it.
  auto for_each_session = [&s](auto fn) {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      for (Session* session : s.sessions) {
        if (auto strong = session->weak_from_this().lock()) live.push_back(std::move(strong));
      }
    }
    for (auto& session : live) fn(*session);
  };
  for_each_session([](Session& session) { session.CloseIfIdle(); });

  // In-flight requests get the request timeout to finish; then connections are cut.
  auto grace = std::chrono::seconds(std::max(1, s.options.request_timeout_seconds));
  {
    std::unique_lock<std::mutex> lock(s.mu);
    s.sessions_changed.wait_for(lock, grace, [&s] { return s.sessions.empty(); });
  }
  for_each_session([](Session& session) { session.ForceClose(); });
  {
    // A handler still inside the service holds its session until the call returns.
    std::unique_lock<std::mutex> lock(s.mu);
    s.sessions_changed.wait(lock, [&s] { return s.sessions.empty(); });
  }

  s.workers->join();
  s.work.reset();
  s.ioc.stop();
  for (auto& thread : s.io_threads) thread.join();
  s.io_threads.clear();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

}  // namespace quanta::http
