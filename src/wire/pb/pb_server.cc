#include "wire/pb/pb_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "security/security.h"
#include "common/log.h"
#include "service/request_context.h"
#include "service/stats.h"
#include "service/ts_service.h"
#include "wire/error_map.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/request_handler.h"

namespace quanta::wire::pb {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {
// Bytes a worker may have queued ahead of the socket before it waits (list-keys streams).
constexpr size_t kMaxPendingBytes = 4 << 20;
constexpr size_t kReadChunk = 64 << 10;
// Frames gathered into one socket write.
constexpr size_t kMaxGather = 64;
// A frame buffer larger than this is given back once its connection has been idle for
// kShrinkAfterIdle (a client sending a stream of large puts keeps its buffer meanwhile).
constexpr size_t kKeepFrameBufferBytes = 256 << 10;
constexpr auto kShrinkAfterIdle = std::chrono::seconds(1);
}  // namespace

class Connection;

// Everything a server and its connections share.
struct ServerState {
  ServerState(service::TsService& s, PbServerOptions o)
      : service(s), options(std::move(o)), handler(s) {}

  void DoAccept();
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  std::vector<std::shared_ptr<Connection>> Snapshot();
  // A reservation on the service's account without the per-request cap (connection buffers).
  MemoryReservation ConnectionReservation() { return MemoryReservation(&service.memory(), 0); }

  service::TsService& service;
  PbServerOptions options;
  RequestHandler handler;
  // Set when the listener has a certificate and key (tls.certfile, tls.keyfile): STARTTLS
  // upgrades a connection with it. ReloadTls puts a new one in its place; a connection keeps
  // the one it started TLS with.
  std::shared_ptr<asio::ssl::context> Tls() {
    std::lock_guard lock(tls_mu);
    return tls;
  }
  std::mutex tls_mu;
  std::shared_ptr<asio::ssl::context> tls;  // guarded by tls_mu

  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{asio::make_strand(io)};  // handlers serialized on its strand
  std::optional<asio::steady_timer> accept_retry;
  std::unique_ptr<asio::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::atomic<bool> stopping{false};
  bool started = false;
  bool stopped = false;
  uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;  // GUARDED_BY(mu)
  // Admission callbacks the query gate has not called yet (Stop waits for them: they post to
  // the strands and the worker pool).
  int admissions_pending = 0;  // GUARDED_BY(mu)

  void AdmissionStarted() {
    std::lock_guard lock(mu);
    ++admissions_pending;
  }
  // Called on the gate's threads, which Stop() does not join: notifies under the lock so that
  // Stop() cannot return (and this state go) before the notification is done.
  void AdmissionDone() {
    std::lock_guard lock(mu);
    --admissions_pending;
    cv.notify_all();
  }
};

// One reply frame queued for the socket, with the memory charge it holds until written.
struct OutFrame {
  std::string bytes;
  MemoryReservation charge;
};

// One client socket. All members except the flow-control block are touched only on the
// socket's strand; a worker running this connection's request talks to it through post().
//
// Deadlines: between requests the idle timeout applies; once a frame's first byte has arrived
// the whole frame must arrive within pb.read_timeout (or the idle timeout, if shorter); every
// socket write must make progress within pb.write_timeout, and a worker waiting for the client
// to take queued output waits at most that long. Each expiry closes the connection.
//
// Memory: the frame buffer and every queued reply are charged to the service's memory account
// until the reply is written or the connection closes (OutFrame::charge, in_mem_).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerState& server, tcp::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        read_timer_(socket_.get_executor()),
        write_timer_(socket_.get_executor()),
        auth_timer_(socket_.get_executor()),
        frames_(server.options.max_frame_bytes),
        in_mem_(server.ConnectionReservation()) {
    session_.client_id = RequestHandler::NewClientId();
    // Riak decides when the connection opens whether it must go through STARTTLS and AuthReq.
    session_.secure = server.service.security().enabled();
    session_.tls_available = server.Tls() != nullptr;
    error_code ec;
    auto remote = socket_.remote_endpoint(ec);
    if (!ec) {
      session_.peer_ip = remote.address().to_string();
      session_.peer = session_.peer_ip + ":" + std::to_string(remote.port());
    }
  }

  void Start() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->ContinueReading(); });
  }

  // Stop(): close now if idle; otherwise the reply in flight finishes first.
  void Drain() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_ && !self->writing_) self->Close();
    });
  }

  void ForceClose() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

  // Called by a worker thread: waits while too much output is queued (at most the write
  // timeout; then the connection is closed), then hands the frame to the strand. False once
  // the connection is closed.
  bool SendFromWorker(OutFrame frame) {
    {
      std::unique_lock lock(flow_mu_);
      auto ready = [&] { return gone_ || pending_bytes_ < kMaxPendingBytes; };
      int timeout = server_.options.write_timeout_seconds;
      if (timeout > 0) {
        if (!flow_cv_.wait_for(lock, std::chrono::seconds(timeout), ready)) {
          lock.unlock();
          ForceClose();  // the client stopped reading
          return false;
        }
      } else {
        flow_cv_.wait(lock, ready);
      }
      if (gone_) return false;
      pending_bytes_ += frame.bytes.size();
    }
    asio::post(socket_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
      self->Enqueue(std::move(f));
    });
    return true;
  }

  // Called on the strand (cheap requests run inline).
  bool SendInline(OutFrame frame) {
    if (closed_) return false;
    {
      std::lock_guard lock(flow_mu_);
      pending_bytes_ += frame.bytes.size();
    }
    Enqueue(std::move(frame));
    return true;
  }

 private:
  // A frame not charged by the request that produced it (errors, acknowledgements, key/value
  // replies, list-keys batches: all bounded by the object size or the flow control): the
  // connection charges it. A reply is never dropped for the account: if it refuses, the frame
  // goes out uncharged (and the refusal is counted).
  OutFrame Charge(std::string frame) {
    OutFrame f{std::move(frame), server_.ConnectionReservation()};
    f.charge.Grow(static_cast<int64_t>(f.bytes.size()), "the reply").IgnoreError();
    return f;
  }

  class WorkerSink : public FrameSink {
   public:
    explicit WorkerSink(Connection& c) : c_(c) {}
    bool Send(std::string frame) override { return c_.SendFromWorker(c_.Charge(std::move(frame))); }
    bool SendCharged(std::string frame, MemoryReservation charge) override {
      return c_.SendFromWorker(OutFrame{std::move(frame), std::move(charge)});
    }

   private:
    Connection& c_;
  };

  class InlineSink : public FrameSink {
   public:
    explicit InlineSink(Connection& c) : c_(c) {}
    bool Send(std::string frame) override { return c_.SendInline(c_.Charge(std::move(frame))); }
    bool SendCharged(std::string frame, MemoryReservation charge) override {
      return c_.SendInline(OutFrame{std::move(frame), std::move(charge)});
    }

   private:
    Connection& c_;
  };

  // REQUIRES: on the strand, no request in flight, no write in flight.
  void ContinueReading() {
    if (closed_) return;
    if (close_after_flush_ || server_.stopping.load()) {
      Close();
      return;
    }
    if (tls_pending_) {
      StartTls();
      return;
    }
    if (DispatchBuffered()) return;
    ArmReadTimer();
    if (reading_) return;
    reading_ = true;
    auto on_read = [self = shared_from_this()](const error_code& ec, size_t n) {
      self->OnRead(ec, n);
    };
    if (tls_) {
      tls_->async_read_some(asio::buffer(read_buf_), std::move(on_read));
    } else {
      socket_.async_read_some(asio::buffer(read_buf_), std::move(on_read));
    }
  }

  void OnRead(const error_code& ec, size_t n) {
    reading_ = false;
    server_.service.stats().pb_bytes_received.fetch_add(n, std::memory_order_relaxed);
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    // The frame buffer is charged before it grows.
    size_t cap = frames_.CapacityFor(n);
    if (static_cast<int64_t>(cap) > in_mem_.held()) {
      Status st = in_mem_.Resize(static_cast<int64_t>(cap), "the request frame");
      if (!st.ok()) {
        CancelReadTimer();
        SendInline(Charge(ErrorReplyFrame(st, RequestEncoding::kPb)));
        close_after_flush_ = true;
        return;
      }
    }
    frames_.Append(std::string_view(read_buf_.data(), n));
    ContinueReading();
  }

  // Starts the next buffered request, if a whole one is there. True when the connection is
  // now busy (or closing) and must not read.
  bool DispatchBuffered() {
    FrameView f;
    switch (frames_.Next(&f)) {
      case FrameReassembler::Result::kNeedMore:
        return false;
      case FrameReassembler::Result::kEmptyFrame:
        // Riak: "Unexpected message format", close without a reply.
        Close();
        return true;
      case FrameReassembler::Result::kTooLarge: {
        CancelReadTimer();
        Status st(ErrorCode::kGeneric,
                  "Message too large: frame length " + std::to_string(frames_.bad_length()) +
                      " exceeds the maximum of " +
                      std::to_string(server_.options.max_frame_bytes + 1));
        SendInline(Charge(ErrorReplyFrame(st, RequestEncoding::kPb)));
        close_after_flush_ = true;
        return true;
      }
      case FrameReassembler::Result::kFrame:
        break;
    }
    CancelReadTimer();
    busy_ = true;
    uint8_t code = f.code;
    // The payload views frames_, which is not touched until RequestDone (no reads while busy).
    std::string_view payload = f.payload;
    if (RequestHandler::IsCheap(code)) {
      InlineSink sink(*this);
      auto after = server_.handler.Handle(code, payload, session_, sink);
      RequestDone(after);
      return true;
    }
    if (RequestHandler::IsQuery(code, payload)) {
      // Admission before work: the query reaches the worker pool only with a slot; overload
      // and the queue timeout are answered from here.
      server_.AdmissionStarted();
      service::ScopedRequest context(
          code == code::kTsTtbMsg ? service::Transport::kTtb : service::Transport::kPb,
          session_.peer);
      server_.service.AdmitQuery(
          [self = shared_from_this(), code, payload](Result<service::QuerySlot> slot) mutable {
            if (slot.ok()) {
              self->RunOnWorker(code, payload, std::move(slot).value());
            } else {
              Status st = slot.error();
              asio::post(self->socket_.get_executor(), [self, code, st] {
                auto enc = code == code::kTsTtbMsg ? RequestEncoding::kTtb : RequestEncoding::kPb;
                self->SendInline(self->Charge(ErrorReplyFrame(st, enc)));
                self->RequestDone(RequestHandler::After::kKeepOpen);
              });
            }
            // The gate destroys this callback later on its own thread, possibly after Stop()
            // returned: it must not hold the connection (whose socket needs the io_context) then.
            ServerState& server = self->server_;
            self.reset();
            server.AdmissionDone();
          });
      return true;
    }
    RunOnWorker(code, payload, service::QuerySlot());
    return true;
  }

  // Any thread.
  void RunOnWorker(uint8_t code, std::string_view payload, service::QuerySlot slot) {
    asio::post(*server_.workers,
               [self = shared_from_this(), code, payload, slot = std::move(slot)]() mutable {
                 auto after = RequestHandler::After::kClose;
                 if (!self->Gone()) {  // a client that left while queued costs no work
                   WorkerSink sink(*self);
                   after = self->server_.handler.Handle(code, payload, self->session_, sink,
                                                        slot.held() ? &slot : nullptr);
                 }
                 slot.Release();
                 asio::post(self->socket_.get_executor(),
                            [self, after] { self->RequestDone(after); });
               });
  }

  // Any thread.
  bool Gone() {
    std::lock_guard lock(flow_mu_);
    return gone_;
  }

  void RequestDone(RequestHandler::After after) {
    if (after == RequestHandler::After::kAuthFailed) {
      // As Riak: the failure is answered after a delay, and the third one closes.
      auth_timer_.expires_after(std::chrono::milliseconds(server_.options.auth_failure_delay_ms));
      auth_timer_.async_wait([self = shared_from_this()](const error_code&) {
        if (self->closed_) return;
        self->SendInline(self->Charge(RequestHandler::AuthFailedFrame()));
        self->RequestDone(self->session_.auth_failures >= RequestHandler::kMaxAuthFailures
                              ? RequestHandler::After::kClose
                              : RequestHandler::After::kKeepOpen);
      });
      return;
    }
    if (after == RequestHandler::After::kStartTls) tls_pending_ = true;
    busy_ = false;
    if (after == RequestHandler::After::kClose) close_after_flush_ = true;
    if (!writing_) ContinueReading();
  }

  void Enqueue(OutFrame frame) {
    if (closed_) return;
    out_.push_back(std::move(frame));
    if (!writing_) DoWrite();
  }

  // Writes from the queued frames directly (no copy into one buffer).
  void DoWrite() {
    std::vector<asio::const_buffer> bufs;
    bufs.reserve(std::min(out_.size(), kMaxGather));
    for (auto& f : out_) {
      if (bufs.size() == kMaxGather) break;
      size_t skip = bufs.empty() ? out_offset_ : 0;
      bufs.push_back(asio::buffer(f.bytes.data() + skip, f.bytes.size() - skip));
    }
    writing_ = true;
    ArmWriteTimer();
    auto on_write = [self = shared_from_this()](const error_code& ec, size_t written) {
      self->OnWrite(ec, written);
    };
    if (tls_) {
      tls_->async_write_some(bufs, std::move(on_write));
    } else {
      socket_.async_write_some(bufs, std::move(on_write));
    }
  }

  // After the STARTTLS acknowledgement is written: the TLS handshake on the same socket, the
  // client as TLS client, within the read timeout. A client that sent more before the
  // handshake broke the protocol and is closed.
  void StartTls() {
    tls_pending_ = false;
    if (frames_.buffered() != 0) {
      Close();
      return;
    }
    tls_context_ = server_.Tls();
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_context_);
    busy_ = true;
    int limit = std::max(1, server_.options.read_timeout_seconds);
    uint64_t gen = ++read_gen_;
    read_timer_armed_ = true;
    armed_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(limit);
    read_timer_.expires_at(armed_deadline_);
    read_timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
      if (ec || gen != self->read_gen_ || self->closed_) return;
      self->Close();
    });
    tls_->async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](const error_code& ec) {
                            self->CancelReadTimer();
                            self->busy_ = false;
                            if (ec || self->closed_) {
                              self->Close();
                              return;
                            }
                            self->session_.tls = true;
                            self->session_.cert_name = self->VerifiedCertName();
                            self->ContinueReading();
                          });
  }

  // The common name of the client's certificate when it sent one and it verified against
  // tls.cacertfile.
  std::optional<std::string> VerifiedCertName() {
    SSL* ssl = tls_->native_handle();
    if (SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return std::nullopt;
    char cn[256] = {};
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    X509_free(cert);
    if (n <= 0) return std::nullopt;
    return std::string(cn, static_cast<size_t>(n));
  }

  void OnWrite(const error_code& ec, size_t written) {
    writing_ = false;
    server_.service.stats().pb_bytes_sent.fetch_add(written, std::memory_order_relaxed);
    if (closed_) {  // Close() woke the workers; the queue goes now that no write uses it
      out_.clear();
      out_offset_ = 0;
      return;
    }
    {
      std::lock_guard lock(flow_mu_);
      pending_bytes_ -= std::min(pending_bytes_, written);
    }
    flow_cv_.notify_all();
    if (ec) {
      Close();
      return;
    }
    while (written > 0 && !out_.empty()) {
      size_t left = out_.front().bytes.size() - out_offset_;
      if (written < left) {
        out_offset_ += written;
        break;
      }
      written -= left;
      out_offset_ = 0;
      out_.pop_front();  // releases the frame's memory charge
    }
    if (!out_.empty()) {
      DoWrite();
      return;
    }
    write_timer_.cancel();
    if (!busy_) ContinueReading();
  }

  void ArmWriteTimer() {
    if (server_.options.write_timeout_seconds <= 0) return;
    uint64_t gen = ++write_gen_;
    write_timer_.expires_after(std::chrono::seconds(server_.options.write_timeout_seconds));
    write_timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
      if (ec || gen != self->write_gen_ || self->closed_ || !self->writing_) return;
      self->Close();  // the client took nothing for write_timeout
    });
  }

  // Between frames the idle timeout runs from now (with an earlier wake-up to give back a large
  // frame buffer); once a frame has started, its deadline is fixed at its start plus
  // min(read timeout, idle timeout).
  void ArmReadTimer() {
    using Clock = std::chrono::steady_clock;
    const auto& o = server_.options;
    Clock::time_point deadline;
    bool shrink_wake = false;
    if (frames_.buffered() == 0) {
      frame_started_ = false;
      bool large = frames_.capacity() > kKeepFrameBufferBytes;
      if (o.idle_timeout_seconds <= 0 && !large) {
        CancelReadTimer();
        return;
      }
      deadline = o.idle_timeout_seconds > 0
                     ? Clock::now() + std::chrono::seconds(o.idle_timeout_seconds)
                     : Clock::time_point::max();
      idle_deadline_ = deadline;
      if (large && Clock::now() + kShrinkAfterIdle < deadline) {
        deadline = Clock::now() + kShrinkAfterIdle;
        shrink_wake = true;
      }
    } else {
      if (!frame_started_) {
        frame_started_ = true;
        int limit = o.read_timeout_seconds;
        if (o.idle_timeout_seconds > 0 && (limit <= 0 || o.idle_timeout_seconds < limit)) {
          limit = o.idle_timeout_seconds;
        }
        frame_deadline_ = limit > 0 ? Clock::now() + std::chrono::seconds(limit)
                                    : Clock::time_point::max();
      }
      if (frame_deadline_ == Clock::time_point::max()) {
        CancelReadTimer();
        return;
      }
      if (read_timer_armed_ && armed_deadline_ == frame_deadline_) return;
      deadline = frame_deadline_;
    }
    StartReadTimer(deadline, shrink_wake);
  }

  void StartReadTimer(std::chrono::steady_clock::time_point deadline, bool shrink_wake) {
    uint64_t gen = ++read_gen_;
    read_timer_armed_ = true;
    armed_deadline_ = deadline;
    read_timer_.expires_at(deadline);
    read_timer_.async_wait([self = shared_from_this(), gen, shrink_wake](const error_code& ec) {
      if (ec || gen != self->read_gen_ || self->busy_ || self->closed_) return;
      if (!shrink_wake) {
        self->Close();
        return;
      }
      // Idle for a while: the large frame buffer goes back, then the idle timeout runs on.
      if (self->frames_.buffered() == 0) {
        self->frames_.ShrinkIfLarge(kKeepFrameBufferBytes);
        self->in_mem_.Resize(static_cast<int64_t>(self->frames_.capacity()), "").IgnoreError();
      }
      if (self->idle_deadline_ == std::chrono::steady_clock::time_point::max()) {
        self->read_timer_armed_ = false;
        return;
      }
      self->StartReadTimer(self->idle_deadline_, false);
    });
  }

  void CancelReadTimer() {
    ++read_gen_;
    frame_started_ = false;
    if (read_timer_armed_) {
      read_timer_armed_ = false;
      read_timer_.cancel();
    }
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    read_timer_.cancel();
    write_timer_.cancel();
    auth_timer_.cancel();
    {
      std::lock_guard lock(flow_mu_);
      gone_ = true;
      pending_bytes_ = 0;
    }
    flow_cv_.notify_all();
    // The queued replies (and their charges) go now, or when the aborted write completes.
    if (!writing_) {
      out_.clear();
      out_offset_ = 0;
    }
    server_.Unregister(this);
  }

  ServerState& server_;
  tcp::socket socket_;
  // After STARTTLS every read and write goes through this stream over socket_.
  std::shared_ptr<asio::ssl::context> tls_context_;  // outlives tls_ (its verify callback)
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  bool tls_pending_ = false;  // the STARTTLS ack is queued; the handshake follows its write
  asio::steady_timer read_timer_;
  asio::steady_timer write_timer_;
  asio::steady_timer auth_timer_;
  FrameReassembler frames_;
  MemoryReservation in_mem_;  // charges frames_' buffer
  std::array<char, kReadChunk> read_buf_;
  Session session_;
  std::deque<OutFrame> out_;
  size_t out_offset_ = 0;  // bytes of out_.front() already written
  bool reading_ = false;
  bool writing_ = false;
  bool busy_ = false;               // a request is being served
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool frame_started_ = false;
  bool read_timer_armed_ = false;
  std::chrono::steady_clock::time_point frame_deadline_{};
  std::chrono::steady_clock::time_point idle_deadline_{};
  std::chrono::steady_clock::time_point armed_deadline_{};
  uint64_t read_gen_ = 0;
  uint64_t write_gen_ = 0;

  std::mutex flow_mu_;
  std::condition_variable flow_cv_;
  size_t pending_bytes_ = 0;  // GUARDED_BY(flow_mu_)
  bool gone_ = false;         // GUARDED_BY(flow_mu_)
};

void ServerState::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu);
  connections.emplace(c.get(), c);
  service.stats().pb_connections.fetch_add(1, std::memory_order_relaxed);
}

void ServerState::Unregister(Connection* c) {
  {
    std::lock_guard lock(mu);
    if (connections.erase(c) == 0) return;
    service.stats().pb_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  cv.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerState::Snapshot() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu);
  for (auto& [ptr, weak] : connections) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

void ServerState::DoAccept() {
  acceptor.async_accept(asio::make_strand(io), [this](const error_code& ec, tcp::socket socket) {
    if (stopping.load() || !acceptor.is_open()) {
      error_code ignored;
      socket.close(ignored);
      return;
    }
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](const error_code&) {
        if (!stopping.load()) DoAccept();
      });
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto c = std::make_shared<Connection>(*this, std::move(socket));
    Register(c);
    c->Start();
    DoAccept();
  });
}

static Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const std::string& certfile,
                                                           const std::string& keyfile,
                                                           const std::string& cacertfile) {
  if (certfile.empty() || keyfile.empty()) {
    return Status(ErrorCode::kInvalidArgument, "TLS needs both tls.certfile and tls.keyfile");
  }
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  // Riak's official clients offer TLS 1.2 suites with DHE or plain RSA key exchange (the Node
  // client pins them); OpenSSL's built-in DH parameters serve the DHE ones.
  SSL_CTX_set_dh_auto(ctx->native_handle(), 1);
  if (!ec) ctx->use_certificate_chain_file(certfile, ec);
  if (ec) return Status(ErrorCode::kInvalidArgument, "tls.certfile " + certfile + ": " + ec.message());
  ctx->use_private_key_file(keyfile, asio::ssl::context::pem, ec);
  if (ec) return Status(ErrorCode::kInvalidArgument, "tls.keyfile " + keyfile + ": " + ec.message());
  if (!cacertfile.empty()) {
    ctx->load_verify_file(cacertfile, ec);
    if (ec) return Status(ErrorCode::kInvalidArgument, "tls.cacertfile " + cacertfile + ": " + ec.message());
    // Client certificates are asked for (certificate sources) but not required.
    ctx->set_verify_mode(asio::ssl::verify_peer, ec);
    ctx->set_verify_callback([](bool, asio::ssl::verify_context&) { return true; }, ec);
  }
  return ctx;
}

struct PbServer::Impl {
  Impl(service::TsService& s, PbServerOptions o) : state(s, std::move(o)) {}
  ServerState state;
};

PbServer::PbServer(service::TsService& service, PbServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

PbServer::~PbServer() { Stop(); }

Status PbServer::ReloadTls() {
  ServerState& s = impl_->state;
  if (s.options.tls_certfile.empty() && s.options.tls_keyfile.empty()) return Status::OK();
  QUANTA_ASSIGN_OR_RETURN(
      auto ctx, MakeTlsContext(s.options.tls_certfile, s.options.tls_keyfile, s.options.tls_cacertfile));
  std::lock_guard lock(s.tls_mu);
  s.tls = std::move(ctx);
  return Status::OK();
}

Status PbServer::Start() {
  ServerState& s = impl_->state;
  if (s.started) return Status(ErrorCode::kInvalidArgument, "PbServer already started");
  std::string where = s.options.host + ":" + std::to_string(s.options.port);
  error_code ec;
  tcp::resolver resolver(s.io);
  auto endpoints = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status(ErrorCode::kIoError, "cannot resolve " + where + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    return Status(ErrorCode::kIoError, "cannot listen on " + where + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  if (!s.options.tls_certfile.empty() || !s.options.tls_keyfile.empty()) {
    auto ctx = MakeTlsContext(s.options.tls_certfile, s.options.tls_keyfile, s.options.tls_cacertfile);
    if (!ctx.ok()) {
      error_code ignored;
      s.acceptor.close(ignored);
      return ctx.error();
    }
    s.tls = std::move(ctx).value();
  }

  int threads = s.options.threads > 0 ? s.options.threads
                                      : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  int io_threads = std::max(1, threads / 4);
  // Workers mostly wait on storage or on slow clients, so there are more of them than cores:
  // room for every admitted query and every list-keys stream the service allows at once, plus
  // a share that only key/value requests can be left to use.
  const auto& so = s.service.options();
  int worker_threads = std::max(0, so.max_concurrent_queries) +
                       std::max(0, so.max_concurrent_list_keys) + std::max(4, 2 * threads);
  s.workers = std::make_unique<asio::thread_pool>(worker_threads);
  s.accept_retry.emplace(s.acceptor.get_executor());
  s.work.emplace(s.io.get_executor());
  s.started = true;
  s.DoAccept();
  for (int i = 0; i < io_threads; ++i) {
    s.io_threads.emplace_back([&s] {
      for (;;) {
        try {
          s.io.run();
          return;
        } catch (const std::exception& e) {
          log::Error(std::string("quantad: PB I/O thread: unexpected exception: ") + e.what());
        }
      }
    });
  }
  return Status::OK();
}

void PbServer::Stop() {
  ServerState& s = impl_->state;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping.store(true);
  asio::post(s.acceptor.get_executor(), [&s] {
    error_code ignored;
    s.acceptor.close(ignored);
    if (s.accept_retry) s.accept_retry->cancel();
  });
  // Idle connections close now; busy ones after their reply has been written.
  for (auto& c : s.Snapshot()) c->Drain();
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, std::chrono::seconds(std::max(0, s.options.shutdown_grace_seconds)),
                  [&s] { return s.connections.empty(); });
  }
  for (auto& c : s.Snapshot()) c->ForceClose();
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, std::chrono::seconds(5), [&s] { return s.connections.empty(); });
  }
  {
    // Queries still waiting for a slot get one or their 1013 within the query timeout.
    std::unique_lock lock(s.mu);
    int64_t timeout_ms = std::max<int64_t>(0, s.service.options().query_timeout_ms);
    auto limit = std::chrono::milliseconds(timeout_ms) + std::chrono::seconds(2);
    s.cv.wait_for(lock, limit, [&s] { return s.admissions_pending == 0; });
  }
  // Requests still running finish here (their output goes nowhere once the socket is closed).
  s.workers->join();
  s.work.reset();
  s.io.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
}

uint16_t PbServer::port() const { return impl_->state.bound_port; }

}  // namespace quanta::wire::pb
