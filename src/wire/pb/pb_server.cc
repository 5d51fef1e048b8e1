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
// Bytes a list-keys worker may have queued ahead of the socket before it waits.
constexpr size_t kMaxPendingBytes = 4 << 20;
constexpr size_t kReadChunk = 64 << 10;
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

  service::TsService& service;
  PbServerOptions options;
  RequestHandler handler;

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
};

// One client socket. All members except the flow-control block are touched only on the
// socket's strand; a worker running this connection's request talks to it through post().
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerState& server, tcp::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        idle_timer_(socket_.get_executor()),
        frames_(server.options.max_frame_bytes) {
    session_.client_id = RequestHandler::NewClientId();
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

  // Called by a worker thread: waits while too much output is queued, then hands the frame
  // to the strand. False once the connection is closed.
  bool SendFromWorker(std::string frame) {
    {
      std::unique_lock lock(flow_mu_);
      flow_cv_.wait(lock, [&] { return gone_ || pending_bytes_ < kMaxPendingBytes; });
      if (gone_) return false;
      pending_bytes_ += frame.size();
    }
    asio::post(socket_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
      self->Enqueue(std::move(f));
    });
    return true;
  }

  // Called on the strand (cheap requests run inline).
  bool SendInline(std::string frame) {
    if (closed_) return false;
    {
      std::lock_guard lock(flow_mu_);
      pending_bytes_ += frame.size();
    }
    Enqueue(std::move(frame));
    return true;
  }

 private:
  class WorkerSink : public FrameSink {
   public:
    explicit WorkerSink(Connection& c) : c_(c) {}
    bool Send(std::string frame) override { return c_.SendFromWorker(std::move(frame)); }

   private:
    Connection& c_;
  };

  class InlineSink : public FrameSink {
   public:
    explicit InlineSink(Connection& c) : c_(c) {}
    bool Send(std::string frame) override { return c_.SendInline(std::move(frame)); }

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
    if (DispatchBuffered()) return;
    ArmIdleTimer();
    if (reading_) return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(read_buf_),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(const error_code& ec, size_t n) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      Close();
      return;
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
        CancelIdleTimer();
        Status st(ErrorCode::kGeneric,
                  "Message too large: frame length " + std::to_string(frames_.bad_length()) +
                      " exceeds the maximum of " +
                      std::to_string(server_.options.max_frame_bytes + 1));
        SendInline(ErrorReplyFrame(st, RequestEncoding::kPb));
        close_after_flush_ = true;
        return true;
      }
      case FrameReassembler::Result::kFrame:
        break;
    }
    CancelIdleTimer();
    busy_ = true;
    uint8_t code = f.code;
    if (RequestHandler::IsCheap(code)) {
      InlineSink sink(*this);
      auto after = server_.handler.Handle(code, f.payload, session_, sink);
      RequestDone(after);
      return true;
    }
    asio::post(*server_.workers,
               [self = shared_from_this(), code, payload = std::string(f.payload)] {
                 WorkerSink sink(*self);
                 auto after = self->server_.handler.Handle(code, payload, self->session_, sink);
                 asio::post(self->socket_.get_executor(),
                            [self, after] { self->RequestDone(after); });
               });
    return true;
  }

  void RequestDone(RequestHandler::After after) {
    busy_ = false;
    if (after == RequestHandler::After::kClose) close_after_flush_ = true;
    if (!writing_) ContinueReading();
  }

  void Enqueue(std::string frame) {
    if (closed_) return;
    out_.push_back(std::move(frame));
    if (!writing_) DoWrite();
  }

  void DoWrite() {
    write_buf_.clear();
    for (auto& f : out_) write_buf_ += f;
    out_.clear();
    writing_ = true;
    asio::async_write(socket_, asio::buffer(write_buf_),
                      [self = shared_from_this()](const error_code& ec, size_t n) {
                        self->OnWrite(ec, n);
                      });
  }

  void OnWrite(const error_code& ec, size_t) {
    writing_ = false;
    {
      std::lock_guard lock(flow_mu_);
      pending_bytes_ -= std::min(pending_bytes_, write_buf_.size());
    }
    flow_cv_.notify_all();
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    if (!out_.empty()) {
      DoWrite();
    } else if (!busy_) {
      ContinueReading();
    }
  }

  void ArmIdleTimer() {
    if (server_.options.idle_timeout_seconds <= 0) return;
    uint64_t gen = ++idle_gen_;
    idle_timer_.expires_after(std::chrono::seconds(server_.options.idle_timeout_seconds));
    idle_timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
      if (ec || gen != self->idle_gen_ || self->busy_ || self->closed_) return;
      self->Close();
    });
  }

  void CancelIdleTimer() {
    ++idle_gen_;
    idle_timer_.cancel();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    idle_timer_.cancel();
    {
      std::lock_guard lock(flow_mu_);
      gone_ = true;
    }
    flow_cv_.notify_all();
    out_.clear();
    server_.Unregister(this);
  }

  ServerState& server_;
  tcp::socket socket_;
  asio::steady_timer idle_timer_;
  FrameReassembler frames_;
  std::array<char, kReadChunk> read_buf_;
  Session session_;
  std::deque<std::string> out_;
  std::string write_buf_;
  bool reading_ = false;
  bool writing_ = false;
  bool busy_ = false;               // a request is being served
  bool close_after_flush_ = false;
  bool closed_ = false;
  uint64_t idle_gen_ = 0;

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

struct PbServer::Impl {
  Impl(service::TsService& s, PbServerOptions o) : state(s, std::move(o)) {}
  ServerState state;
};

PbServer::PbServer(service::TsService& service, PbServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

PbServer::~PbServer() { Stop(); }

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

  int threads = s.options.threads > 0 ? s.options.threads
                                      : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  int io_threads = std::max(1, threads / 4);
  // Workers mostly wait on storage or the query gate, so there are more of them than cores.
  int worker_threads = std::max(8, 2 * threads);
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
          std::cerr << "quantad: PB I/O thread: unexpected exception: " << e.what() << std::endl;
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
  // Requests still running finish here (their output goes nowhere once the socket is closed).
  s.workers->join();
  s.work.reset();
  s.io.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
}

uint16_t PbServer::port() const { return impl_->state.bound_port; }

}  // namespace quanta::wire::pb
