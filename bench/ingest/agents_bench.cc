// agents_bench: what an agent costs a server. Sends the cpu data set (cpu_dataset.h: 100 hosts,
// 10 metrics, 10 s apart) to a running server as InfluxDB line protocol (POST /write, 1,000
// lines a request, as Telegraf batches) or as Prometheus remote write (POST /api/v1/write,
// snappy protobuf, 2,000 samples a request with one sample per TimeSeries, as Prometheus
// sends), over a few keep-alive connections, and reports samples/s and the server's CPU
// seconds (utime + stime of --pid from /proc) per million samples. The same bytes go to any
// server that speaks the protocol (quantad, VictoriaMetrics); bench/ingest/agents_compare.sh
// runs the comparison of bench/README.md.
//
//   agents_bench --url http://127.0.0.1:19390 --protocol line|remote --pid N
//                [--points 1000] [--connections 2] [--label quantad]
//
// Prints one JSON line. Every request must be answered 2xx, else the run fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cpu_dataset.h"

namespace {

using quanta::bench::CpuDataSet;
using quanta::bench::kMetricNames;
using quanta::bench::kMetrics;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string protocol = "line";
  std::string label = "server";
  int pid = 0;
  int points = 1000;
  int connections = 2;
};

bool ParseUrl(const std::string& url, Args* a) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) return false;
  std::string rest = url.substr(prefix.size());
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  a->host = rest.substr(0, colon);
  a->port = std::atoi(rest.c_str() + colon + 1);
  return a->port > 0;
}

// utime + stime of `pid` in seconds.
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  // Fields after the command: state is field 3; utime 14, stime 15.
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
void PutBytes(uint32_t field, std::string_view bytes, std::string* out) {
  PutVarint((field << 3) | 2, out);
  PutVarint(bytes.size(), out);
  out->append(bytes);
}
void PutLabel(std::string_view name, std::string_view value, std::string* out) {
  std::string label;
  PutBytes(1, name, &label);
  PutBytes(2, value, &label);
  PutBytes(1, label, out);
}

struct Body {
  std::string bytes;
  size_t samples = 0;
};

std::vector<Body> LineBodies(const CpuDataSet& ds) {
  std::vector<Body> bodies;
  Body body;
  char num[32];
  for (size_t r = 0; r < ds.rows(); ++r) {
    std::string& b = body.bytes;
    b += "cpu,hostname=";
    b += ds.hostnames[ds.host_of(r)];
    const double* m = ds.metrics_of(r);
    for (int k = 0; k < kMetrics; ++k) {
      b += k == 0 ? ' ' : ',';
      b += kMetricNames[k];
      std::snprintf(num, sizeof num, "=%.2f", m[k]);
      b += num;
    }
    b += ' ';
    b += std::to_string(ds.ts_ms_of(r));
    b += '\n';
    body.samples += kMetrics;
    if (body.samples >= 1000 * kMetrics) {
      bodies.push_back(std::move(body));
      body = Body{};
    }
  }
  if (body.samples > 0) bodies.push_back(std::move(body));
  return bodies;
}

std::vector<Body> RemoteBodies(const CpuDataSet& ds) {
  std::vector<Body> bodies;
  std::string message;
  size_t samples = 0;
  auto flush = [&]() {
    Body b;
    snappy::Compress(message.data(), message.size(), &b.bytes);
    b.samples = samples;
    bodies.push_back(std::move(b));
    message.clear();
    samples = 0;
  };
  for (size_t r = 0; r < ds.rows(); ++r) {
    const double* m = ds.metrics_of(r);
    for (int k = 0; k < kMetrics; ++k) {
      std::string ts;
      PutLabel("__name__", std::string("cpu_") + kMetricNames[k], &ts);
      PutLabel("hostname", ds.hostnames[ds.host_of(r)], &ts);
      PutLabel("job", "bench", &ts);
      std::string sample;
      sample.push_back(static_cast<char>((1 << 3) | 1));
      uint64_t bits = 0;
      std::memcpy(&bits, &m[k], sizeof bits);
      for (int i = 0; i < 8; ++i) sample.push_back(static_cast<char>(bits >> (8 * i)));
      PutVarint(2 << 3, &sample);
      PutVarint(static_cast<uint64_t>(ds.ts_ms_of(r)), &sample);
      PutBytes(2, sample, &ts);
      PutBytes(1, ts, &message);
      if (++samples == 2000) flush();
    }
  }
  if (samples > 0) flush();
  return bodies;
}

// One keep-alive HTTP/1.1 connection; POSTs a body and reads the status (and any body).
class Connection {
 public:
  explicit Connection(const Args& a) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(a.port));
    ::inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { ::close(fd_); }

  // Returns the HTTP status, or -1.
  int Post(const std::string& path, const std::string& headers, const std::string& body) {
    if (!ok_) return -1;
    std::string req = "POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n" + headers + "\r\n";
    if (!SendAll(req) || !SendAll(body)) return -1;
    size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return -1;
    }
    std::string head = in_.substr(0, end);
    in_.erase(0, end + 4);
    int status = std::atoi(head.c_str() + 9);
    size_t length = 0;
    for (const char* name : {"Content-Length:", "content-length:"}) {
      size_t p = head.find(name);
      if (p != std::string::npos) length = std::strtoull(head.c_str() + p + 15, nullptr, 10);
    }
    while (in_.size() < length) {
      if (!Fill()) return -1;
    }
    last_body_ = in_.substr(0, length);
    in_.erase(0, length);
    return status;
  }
  const std::string& last_body() const { return last_body_; }

 private:
  bool SendAll(const std::string& s) {
    size_t sent = 0;
    while (sent < s.size()) {
      ssize_t n = ::send(fd_, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  bool Fill() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool ok_ = false;
  std::string in_;
  std::string last_body_;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--url" && !ParseUrl(v, &a)) {
      std::fprintf(stderr, "bad --url %s\n", v.c_str());
      return 2;
    }
    if (k == "--protocol") a.protocol = v;
    if (k == "--pid") a.pid = std::atoi(v.c_str());
    if (k == "--points") a.points = std::atoi(v.c_str());
    if (k == "--connections") a.connections = std::atoi(v.c_str());
    if (k == "--label") a.label = v;
  }
  if (a.port == 0 || a.pid <= 0 || (a.protocol != "line" && a.protocol != "remote")) {
    std::fprintf(stderr,
                 "usage: agents_bench --url http://HOST:PORT --protocol line|remote --pid N "
                 "[--points 1000] [--connections 2] [--label NAME]\n");
    return 2;
  }
  quanta::bench::CpuDataSetOptions o;
  o.points = a.points;
  // Recent timestamps: VictoriaMetrics drops samples outside its retention period.
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  o.start_s = (now_s - o.interval_s * a.points - 600) / 3600 * 3600;
  CpuDataSet ds = quanta::bench::GenerateCpuDataSet(o);
  const bool line = a.protocol == "line";
  std::vector<Body> bodies = line ? LineBodies(ds) : RemoteBodies(ds);
  const std::string path = line ? "/write?db=bench&precision=ms" : "/api/v1/write";
  const std::string headers =
      line ? "Content-Type: text/plain\r\n"
           : "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
             "X-Prometheus-Remote-Write-Version: 0.1.0\r\n";
  size_t samples = 0, bytes = 0;
  for (const Body& b : bodies) {
    samples += b.samples;
    bytes += b.bytes.size();
  }

  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  const double cpu0 = CpuSeconds(a.pid);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < a.connections; ++c) {
    threads.emplace_back([&]() {
      Connection conn(a);
      for (size_t i; (i = next.fetch_add(1)) < bodies.size() && !failed;) {
        int status = conn.Post(path, headers, bodies[i].bytes);
        if (status < 200 || status >= 300) {
          std::fprintf(stderr, "request %zu: status %d %s\n", i, status, conn.last_body().c_str());
          failed = true;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds(a.pid) - cpu0;
  if (failed) return 1;
  // Background work the load left behind (flushes, merges, seals): CPU over 5 more seconds.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const double cpu_settled = CpuSeconds(a.pid) - cpu0;
  std::printf(
      "{\"label\":\"%s\",\"protocol\":\"%s\",\"requests\":%zu,\"body_bytes\":%zu,"
      "\"samples\":%zu,\"rows\":%zu,\"seconds\":%.3f,\"samples_per_s\":%.0f,\"rows_per_s\":%.0f,"
      "\"cpu_s\":%.2f,\"cpu_s_per_1M_samples\":%.2f,\"cpu_s_settled_per_1M_samples\":%.2f}\n",
      a.label.c_str(), a.protocol.c_str(), bodies.size(), bytes, samples,
      line ? samples / kMetrics : samples, seconds, samples / seconds,
      (line ? samples / kMetrics : samples) / seconds, cpu, cpu * 1e6 / samples,
      cpu_settled * 1e6 / samples);
  return 0;
}
