// abuse_harness: what every abuse case shares (docs/testing.md, "Abuse suite").
//
//  * Server: a quantad child process (fresh data directory, default settings plus the case's
//    `--set`s) that dies with the test driver (PR_SET_PDEATHSIG).
//  * Monitor: samples /proc/PID/status (VmHWM, VmRSS) every 50 ms, notices an exit, and kills a
//    server whose RSS passes the harness's hard cap (so a runaway cannot take the machine down;
//    that is a failure, reported with the figure).
//  * Canary: two threads, one PB and one HTTP, each sending a trivial SELECT on a small table
//    every 200 ms on its own connection (not one the attack uses). Every canary must be answered
//    within 1 s: the right 10 rows, or a quick refusal (Riak error 1001 on PB, HTTP 503). After
//    each query the thread writes one row to the table `acked`; the rows whose write was
//    acknowledged must all be readable at the end.
//  * Raw sockets: the attacks speak PB frames and HTTP by hand so that they can stop reading,
//    send half a request, or hold a connection.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../durability/mini_http.h"
#include "../support/spawn.h"
#include "wire/pb/pb_client.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"

namespace quanta::abuse {

using Clock = std::chrono::steady_clock;
using durability::HttpAnswer;
using durability::HttpClient;
using testing::Json;

inline double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
inline void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

constexpr long kMiB = 1024;  // in kB, the unit of /proc/PID/status
constexpr long kGiB = 1024 * kMiB;

// ---- failures ----------------------------------------------------------------------------

// Collects the failed assertions of a case (thread-safe); the case fails if there is any.
class Failures {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    list_.push_back(what);
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return list_.size();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> list_;
};

inline void Log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline void Log(const char* fmt, ...) {
  static Clock::time_point t0 = Clock::now();
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  std::printf("[%7.2f] %s\n", Since(t0), buf);
  std::fflush(stdout);
}

// ---- raw sockets ---------------------------------------------------------------------------

// A blocking TCP connection to 127.0.0.1:port, or -1. rcvbuf > 0 shrinks the receive buffer
// (before connect, so the window is small from the start): a client that never reads then
// pushes back on the server after a few kB instead of megabytes.
inline int ConnectTcp(uint16_t port, int rcvbuf = 0, int timeout_ms = 5000) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, timeout_ms) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
        err != 0) {
      ::close(fd);
      return -1;
    }
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// Sends everything within timeout_ms; false on error or timeout.
inline bool SendAll(int fd, std::string_view data, int timeout_ms) {
  auto t0 = Clock::now();
  while (!data.empty()) {
    int left = timeout_ms - static_cast<int>(Since(t0) * 1000);
    if (left <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, left) != 1) return false;
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

enum class Io { kOk, kTimeout, kClosed };

// Reads exactly n bytes within the deadline.
inline Io RecvExact(int fd, char* dst, size_t n, Clock::time_point deadline) {
  while (n > 0) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return Io::kTimeout;
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, left);
    if (pr == 0) return Io::kTimeout;
    if (pr < 0) {
      if (errno == EINTR) continue;
      return Io::kClosed;
    }
    ssize_t got = ::recv(fd, dst, n, MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) return Io::kClosed;
    dst += got;
    n -= static_cast<size_t>(got);
  }
  return Io::kOk;
}

// A PB frame: 4-byte big-endian length of (code + payload), code, payload.
inline std::string PbFrameBytes(uint8_t code, std::string_view payload) {
  uint32_t len = static_cast<uint32_t>(payload.size() + 1);
  std::string out;
  out.reserve(payload.size() + 5);
  out.push_back(static_cast<char>(len >> 24));
  out.push_back(static_cast<char>(len >> 16));
  out.push_back(static_cast<char>(len >> 8));
  out.push_back(static_cast<char>(len));
  out.push_back(static_cast<char>(code));
  out.append(payload);
  return out;
}

// Reads one PB frame. Frames longer than max_bytes are a kClosed (the harness will not buffer
// them).
inline Io ReadPbFrame(int fd, Clock::time_point deadline, uint8_t* code, std::string* payload,
                      size_t max_bytes = size_t{1} << 30) {
  unsigned char hdr[5];
  Io io = RecvExact(fd, reinterpret_cast<char*>(hdr), 5, deadline);
  if (io != Io::kOk) return io;
  uint32_t len = (uint32_t{hdr[0]} << 24) | (uint32_t{hdr[1]} << 16) | (uint32_t{hdr[2]} << 8) |
                 hdr[3];
  if (len == 0 || len - 1 > max_bytes) return Io::kClosed;
  *code = hdr[4];
  payload->assign(len - 1, '\0');
  return RecvExact(fd, payload->data(), len - 1, deadline);
}

inline std::string QueryFrame(const std::string& sql) {
  wire::pb::TsQueryReq req;
  req.query = wire::pb::TsInterpolation{sql, {}};
  return PbFrameBytes(wire::pb::code::kTsQueryReq, wire::pb::Encode(req));
}

// One PB reply, classified.
struct PbReply {
  Io io = Io::kTimeout;
  uint8_t code = 0;
  int errcode = 0;      // for an error frame
  std::string errmsg;   // for an error frame
  size_t frame_bytes = 0;
  std::string payload;  // when keep_payload
};

inline PbReply ReadPbReply(int fd, Clock::time_point deadline, bool keep_payload = false,
                           size_t max_bytes = size_t{1} << 30) {
  PbReply r;
  std::string payload;
  r.io = ReadPbFrame(fd, deadline, &r.code, &payload, max_bytes);
  if (r.io != Io::kOk) return r;
  r.frame_bytes = payload.size() + 5;
  if (r.code == wire::pb::code::kErrorResp) {
    wire::pb::RpbErrorResp e;
    if (wire::pb::Decode(payload, &e).ok()) {
      r.errcode = static_cast<int>(e.errcode);
      r.errmsg = e.errmsg;
    } else {
      r.errmsg = "(undecodable error frame)";
    }
  }
  if (keep_payload) r.payload = std::move(payload);
  return r;
}

// True when the peer has closed the connection (EOF or reset). Whatever the peer sent before
// (say a 408 answer) is read and dropped, so that it cannot hide the EOF behind it.
inline bool PeerClosed(int fd) {
  char buf[4096];
  for (int i = 0; i < 64; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
  return false;
}

// An HTTP answer read off a raw socket: the status line's code (0 when none arrived) and, when
// the answer carries a Content-Length (or ends with the connection), the body.
struct RawHttpAnswer {
  int status = 0;
  std::string body;
};

// Reads one answer (headers, then Content-Length bytes or up to EOF) within the deadline.
inline RawHttpAnswer ReadHttpAnswer(int fd, std::string in, Clock::time_point deadline) {
  RawHttpAnswer a;
  size_t head_end;
  char buf[65536];
  auto fill = [&]() {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) != 1) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) return false;
    in.append(buf, static_cast<size_t>(n));
    return true;
  };
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) {
      if (in.rfind("HTTP/1.", 0) == 0 && in.size() >= 12) a.status = std::atoi(in.c_str() + 9);
      return a;
    }
  }
  if (in.rfind("HTTP/1.", 0) != 0 || in.size() < 12) return a;
  a.status = std::atoi(in.c_str() + 9);
  std::string head = in.substr(0, head_end);
  for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  size_t cl = head.find("content-length:");
  size_t want = cl == std::string::npos ? std::string::npos
                                          : std::strtoull(head.c_str() + cl + 15, nullptr, 10);
  in.erase(0, head_end + 4);
  while ((want == std::string::npos || in.size() < want) && fill()) {
  }
  a.body = want == std::string::npos ? in : in.substr(0, std::min(want, in.size()));
  return a;
}

// Sends one request with a large body and reads the answer. The server may answer (and close)
// before it has read the whole body, as a decoder that stops at the first bad row should: the
// answer is then read instead of treating the unsent rest as a failure.
inline RawHttpAnswer HttpRequestLargeBody(uint16_t port, const std::string& method,
                                          const std::string& path, const std::string& body,
                                          const std::string& content_type, int timeout_s) {
  RawHttpAnswer a;
  int fd = ConnectTcp(port);
  if (fd < 0) return a;
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " +
                    content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n";
  std::string_view pending[2] = {req, body};
  bool stop = false;  // answered early, closed, or out of time
  for (std::string_view& part : pending) {
    while (!stop && !part.empty()) {
      if (Clock::now() >= deadline) {
        stop = true;
        break;
      }
      pollfd p{fd, POLLOUT | POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        stop = true;
        break;
      }
      ssize_t n = ::send(fd, part.data(), part.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        stop = true;
        break;
      }
      part.remove_prefix(static_cast<size_t>(n));
    }
  }
  a = ReadHttpAnswer(fd, std::string(), deadline);
  ::close(fd);
  return a;
}

// Closes a set of descriptors.
inline void CloseAll(std::vector<int>* fds) {
  for (int fd : *fds) {
    if (fd >= 0) ::close(fd);
  }
  fds->clear();
}

// ---- the server ----------------------------------------------------------------------------

class Server {
 public:
  ~Server() { Kill(); }

  bool Start(const std::string& quantad, const std::string& dir, uint16_t pb, uint16_t http,
             const std::vector<std::string>& extra, std::string* why) {
    pb_port = pb;
    http_port = http;
    log_path = dir + "/quantad.log";
    std::vector<std::string> args = {quantad,        "--data-dir", dir + "/data",
                                     "--pb-listen",  "127.0.0.1:" + std::to_string(pb),
                                     "--http-listen", "127.0.0.1:" + std::to_string(http)};
    for (const auto& a : extra) args.push_back(a);
    pid_t child = ::quanta::testing::SpawnChild(args, log_path);
    if (child < 0) {
      *why = "fork failed";
      return false;
    }
    pid = child;
    auto t0 = Clock::now();
    while (Since(t0) < 60) {
      if (!Alive()) {
        *why = "quantad exited during start-up (" + ExitText() + "), see " + log_path;
        return false;
      }
      HttpClient c("127.0.0.1", http, 5);
      if (c.Request("GET", "/ping").status == 200) return true;
      SleepMs(20);
    }
    *why = "quantad did not answer /ping within 60 s, see " + log_path;
    Kill();
    return false;
  }

  // False once the process has exited (reaps it; thread-safe).
  bool Alive() {
    std::lock_guard<std::mutex> lock(mu_);
    if (pid <= 0) return false;
    if (exited_) return false;
    int st = 0;
    pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      exited_ = true;
      status_ = st;
      return false;
    }
    return true;
  }

  std::string ExitText() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!exited_) return "running";
    if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
    return "exit status " + std::to_string(WEXITSTATUS(status_));
  }

  // SIGTERM, then SIGKILL after 20 s. Returns true on a clean exit (status 0).
  bool Stop() {
    if (!Alive()) return false;
    ::kill(pid, SIGTERM);
    auto t0 = Clock::now();
    while (Alive() && Since(t0) < 20) SleepMs(20);
    if (Alive()) {
      Kill();
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    return WIFEXITED(status_) && WEXITSTATUS(status_) == 0;
  }

  void Kill() {
    if (Alive()) {
      ::kill(pid, SIGKILL);
      while (Alive()) SleepMs(5);
    }
  }

  pid_t pid = -1;
  uint16_t pb_port = 0;
  uint16_t http_port = 0;
  std::string log_path;

 private:
  std::mutex mu_;
  bool exited_ = false;
  int status_ = 0;
};

// ---- memory monitor ------------------------------------------------------------------------

struct MemSample {
  long hwm_kb = 0;
  long rss_kb = 0;
};

inline bool ReadMem(pid_t pid, MemSample* m) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return false;
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      m->hwm_kb = std::strtol(line.c_str() + 6, nullptr, 10);
      any = true;
    } else if (line.rfind("VmRSS:", 0) == 0) {
      m->rss_kb = std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  return any && m->hwm_kb > 0;
}

class Monitor {
 public:
  Monitor(Server* server, Failures* failures, long kill_rss_kb)
      : server_(server), failures_(failures), kill_rss_kb_(kill_rss_kb) {}
  ~Monitor() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long hwm_kb() const { return hwm_kb_.load(); }
  long rss_kb() const { return rss_kb_.load(); }
  long max_rss_kb() const { return max_rss_kb_.load(); }
  bool exited() const { return exited_.load(); }
  void ResetMaxRss() { max_rss_kb_ = rss_kb_.load(); }

 private:
  void Run() {
    while (!stop_) {
      if (!server_->Alive()) {
        if (!exited_.exchange(true)) {
          failures_->Add("quantad exited during the case: " + server_->ExitText() + " (log " +
                         server_->log_path + ")");
        }
        return;
      }
      MemSample m;
      if (ReadMem(server_->pid, &m)) {
        hwm_kb_ = std::max(hwm_kb_.load(), m.hwm_kb);
        rss_kb_ = m.rss_kb;
        max_rss_kb_ = std::max(max_rss_kb_.load(), m.rss_kb);
        if (m.rss_kb > kill_rss_kb_) {
          failures_->Add("quantad RSS reached " + std::to_string(m.rss_kb / kMiB) +
                         " MiB, past the harness's hard cap of " +
                         std::to_string(kill_rss_kb_ / kMiB) + " MiB: killed it");
          ::kill(server_->pid, SIGKILL);
        }
      }
      SleepMs(50);
    }
  }

  Server* server_;
  Failures* failures_;
  long kill_rss_kb_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> exited_{false};
  std::atomic<long> hwm_kb_{0};
  std::atomic<long> rss_kb_{0};
  std::atomic<long> max_rss_kb_{0};
  std::thread thread_;
};

// ---- canary --------------------------------------------------------------------------------

// The canary table: 10 rows, h = 'c', t = 1..10.
inline const char* kCanaryDdl =
    "CREATE TABLE canary (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
    "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))";
inline const char* kAckedDdl =
    "CREATE TABLE acked (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
    "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))";
inline const char* kCanarySql = "SELECT * FROM canary WHERE h = 'c' AND t >= 1 AND t <= 10";

struct CanaryStats {
  int sent = 0;
  int ok = 0;
  int refused = 0;  // 1001 / 503
  int failed = 0;   // late, wrong or unanswered
  double max_latency = 0;
  int acked = 0;
};

class Canary {
 public:
  static constexpr double kBoundSeconds = 1.0;
  static constexpr int kPeriodMs = 200;
  static constexpr int kWaitMs = 5000;  // how long one canary waits before it is "unanswered"

  Canary(uint16_t pb_port, uint16_t http_port, Failures* failures)
      : pb_port_(pb_port), http_port_(http_port), failures_(failures) {}
  ~Canary() { Stop(); }

  void Start() {
    stop_ = false;
    pb_thread_ = std::thread([this] { RunPb(); });
    http_thread_ = std::thread([this] { RunHttp(); });
  }
  void Stop() {
    stop_ = true;
    if (pb_thread_.joinable()) pb_thread_.join();
    if (http_thread_.joinable()) http_thread_.join();
  }
  // What the attack is doing, for the failure messages.
  void SetPhase(const std::string& phase) {
    std::lock_guard<std::mutex> lock(mu_);
    phase_ = phase;
  }

  CanaryStats pb() {
    std::lock_guard<std::mutex> lock(mu_);
    return pb_;
  }
  CanaryStats http() {
    std::lock_guard<std::mutex> lock(mu_);
    return http_;
  }
  std::vector<int64_t> acked_pb() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_pb_;
  }
  std::vector<int64_t> acked_http() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_http_;
  }

  // One canary of each kind that must return the 10 rows (used after the attack).
  static std::string CheckPb(uint16_t port) {
    wire::pb::PbClientOptions o;
    o.connect_timeout_ms = kWaitMs;
    o.io_timeout_ms = kWaitMs;
    auto c = wire::pb::PbClient::Connect("127.0.0.1", port, o);
    if (!c.ok()) return "PB connect: " + c.status().message();
    auto rs = (*c)->Query(kCanarySql);
    if (!rs.ok()) return "PB canary: error " + std::to_string(rs.status().riak_code()) + " " +
                         rs.status().message();
    if (rs->rows.size() != 10) return "PB canary: " + std::to_string(rs->rows.size()) + " rows";
    return "";
  }
  static std::string CheckHttp(uint16_t port) {
    HttpClient c("127.0.0.1", port, kWaitMs / 1000);
    HttpAnswer a = c.Request("POST", "/ts/v1/query", kCanarySql, "text/plain");
    if (a.status != 200) return "HTTP canary: status " + std::to_string(a.status) + " " +
                                a.body.substr(0, 200);
    if (RowCount(a.body) != 10) return "HTTP canary: wrong rows " + a.body.substr(0, 200);
    return "";
  }

  static long RowCount(const std::string& body) {
    auto j = testing::ParseJson(body);
    if (!j.ok()) return -1;
    const Json* rows = j->Get("rows");
    if (!rows || rows->kind != Json::Kind::kArray) return -1;
    return static_cast<long>(rows->items.size());
  }

 private:
  std::string Phase() {
    std::lock_guard<std::mutex> lock(mu_);
    return phase_;
  }
  void Record(bool pb, double latency, bool ok, bool refused, const std::string& problem) {
    std::string fail;
    {
      std::lock_guard<std::mutex> lock(mu_);
      CanaryStats& s = pb ? pb_ : http_;
      ++s.sent;
      if (ok) ++s.ok;
      if (refused) ++s.refused;
      s.max_latency = std::max(s.max_latency, latency);
      if (problem.empty() && latency <= kBoundSeconds) return;
      // The first few failures are listed in full; the summary line counts them all.
      if (++s.failed > 5) return;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s canary during '%s': ", pb ? "PB" : "HTTP",
                    phase_.c_str());
      fail = buf;
      if (!problem.empty()) {
        std::snprintf(buf, sizeof buf, " (after %.2f s)", latency);
        fail += problem + buf;
      } else {
        std::snprintf(buf, sizeof buf, "answered after %.2f s (bound %.1f s)", latency,
                      kBoundSeconds);
        fail += buf;
      }
    }
    failures_->Add(fail);
  }

  void Pace(Clock::time_point start) {
    int spent = static_cast<int>(Since(start) * 1000);
    for (int left = kPeriodMs - spent; left > 0 && !stop_; left -= 20) SleepMs(std::min(left, 20));
  }

  void RunPb() {
    std::unique_ptr<wire::pb::PbClient> client;
    int64_t seq = 0;
    while (!stop_) {
      auto round = Clock::now();
      auto t0 = Clock::now();
      std::string problem;
      bool ok = false, refused = false;
      if (!client) {
        wire::pb::PbClientOptions o;
        o.connect_timeout_ms = kWaitMs;
        o.io_timeout_ms = kWaitMs;
        auto c = wire::pb::PbClient::Connect("127.0.0.1", pb_port_, o);
        if (c.ok()) client = std::move(*c);
        else problem = "cannot connect: " + c.status().message();
      }
      if (client) {
        auto rs = client->Query(kCanarySql);
        if (rs.ok()) {
          ok = rs->rows.size() == 10;
          if (!ok) problem = "wrong answer: " + std::to_string(rs->rows.size()) + " rows";
        } else if (rs.status().riak_code() == 1001) {
          refused = true;
        } else {
          problem = "error " + std::to_string(rs.status().riak_code()) + " " +
                    rs.status().message();
          if (rs.status().code() == ErrorCode::kIoError) client.reset();
        }
      }
      double latency = Since(t0);
      Record(true, latency, ok, refused, problem);
      if (client && !stop_) {
        ++seq;
        Status st = client->Put("acked", {Row{Value::Bytes("pb"), Value::Int(seq), Value::Double(1)}});
        if (st.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          acked_pb_.push_back(seq);
          ++pb_.acked;
        } else if (st.code() == ErrorCode::kIoError) {
          client.reset();
        }
      }
      Pace(round);
    }
  }

  void RunHttp() {
    HttpClient client("127.0.0.1", http_port_, kWaitMs / 1000);
    int64_t seq = 0;
    while (!stop_) {
      auto round = Clock::now();
      auto t0 = Clock::now();
      std::string problem;
      bool ok = false, refused = false;
      HttpAnswer a = client.Request("POST", "/ts/v1/query", kCanarySql, "text/plain");
      double latency = Since(t0);
      if (a.status == 200) {
        ok = RowCount(a.body) == 10;
        if (!ok) problem = "wrong answer: " + a.body.substr(0, 200);
      } else if (a.status == 503) {
        refused = true;
      } else if (a.status == 0) {
        problem = "no answer within " + std::to_string(kWaitMs / 1000) +
                  " s (or connection refused/closed)";
      } else {
        problem = "status " + std::to_string(a.status) + " " + a.body.substr(0, 200);
      }
      Record(false, latency, ok, refused, problem);
      if (!stop_) {
        ++seq;
        std::string row = "[{\"h\":\"http\",\"t\":" + std::to_string(seq) + ",\"v\":1.0}]";
        HttpAnswer w = client.Request("POST", "/ts/v1/tables/acked/keys", row);
        if (w.status == 200) {
          std::lock_guard<std::mutex> lock(mu_);
          acked_http_.push_back(seq);
          ++http_.acked;
        }
      }
      Pace(round);
    }
  }

  uint16_t pb_port_;
  uint16_t http_port_;
  Failures* failures_;
  std::atomic<bool> stop_{true};
  std::mutex mu_;
  std::string phase_ = "idle";
  CanaryStats pb_, http_;
  std::vector<int64_t> acked_pb_, acked_http_;
  std::thread pb_thread_, http_thread_;
};

}  // namespace quanta::abuse
