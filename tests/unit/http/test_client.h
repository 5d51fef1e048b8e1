// TestClient: a deliberately small blocking HTTP/1.1 client over a POSIX socket, for the server
// tests. It writes raw request bytes and parses responses itself (Content-Length, chunked, or
// read-to-close), keeping every chunk so tests can assert on streaming.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quanta::http::testing {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::vector<std::string> chunks;  // non-empty only for chunked responses
  bool chunked = false;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, int timeout_ms = 10000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return connected_; }

  bool SendRaw(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Builds and sends one HTTP/1.1 request (Host and Content-Length added).
  bool Send(const std::string& method, const std::string& target, const std::string& body = "",
            const std::vector<std::string>& extra_headers = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& h : extra_headers) req += h + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    return SendRaw(req);
  }

  // Reads one response; nullopt on EOF/timeout/garbage before a complete response.
  std::optional<ClientResponse> Read(bool head_request = false) {
    ClientResponse r;
    std::string line;
    if (!ReadLine(&line)) return std::nullopt;
    // "HTTP/1.1 200 OK"
    if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    r.status = std::stoi(line.substr(9, 3));
    while (true) {
      if (!ReadLine(&line)) return std::nullopt;
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string::npos) return std::nullopt;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers[name] = line.substr(v);
    }
    if (r.status == 100) return Read(head_request);  // interim response
    if (head_request) return r;
    std::string te = r.header("transfer-encoding");
    if (te.find("chunked") != std::string::npos) {
      r.chunked = true;
      while (true) {
        if (!ReadLine(&line)) return std::nullopt;
        size_t size = std::stoul(line, nullptr, 16);
        if (size == 0) {
          // Trailers until the empty line.
          do {
            if (!ReadLine(&line)) return std::nullopt;
          } while (!line.empty());
          break;
        }
        std::string chunk;
        if (!ReadExact(size, &chunk)) return std::nullopt;
        r.chunks.push_back(chunk);
        r.body += chunk;
        if (!ReadLine(&line) || !line.empty()) return std::nullopt;
      }
    } else if (!r.header("content-length").empty()) {
      if (!ReadExact(std::stoul(r.header("content-length")), &r.body)) return std::nullopt;
    } else {
      char buf[4096];
      r.body = buffer_;
      buffer_.clear();
      ssize_t n;
      while ((n = ::recv(fd_, buf, sizeof(buf), 0)) > 0) r.body.append(buf, static_cast<size_t>(n));
    }
    return r;
  }

  // Sends and reads one response.
  std::optional<ClientResponse> Request(const std::string& method, const std::string& target,
                                        const std::string& body = "",
                                        const std::vector<std::string>& extra_headers = {}) {
    if (!Send(method, target, body, extra_headers)) return std::nullopt;
    return Read(method == "HEAD");
  }

  // Reads raw bytes up to and including the next empty line (a status line plus headers).
  std::optional<std::string> ReadHead() {
    while (true) {
      size_t pos = buffer_.find("\r\n\r\n");
      if (pos != std::string::npos) {
        std::string head = buffer_.substr(0, pos + 4);
        buffer_.erase(0, pos + 4);
        return head;
      }
      if (!Fill()) return std::nullopt;
    }
  }

  // Reads and discards everything until the server closes the connection: true on EOF or
  // reset, false when nothing arrives within the receive timeout or after `max_bytes`.
  bool DrainUntilClosed(size_t max_bytes = size_t{256} << 20) {
    size_t total = buffer_.size();
    buffer_.clear();
    char buf[65536];
    while (total <= max_bytes) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
      total += static_cast<size_t>(n);
    }
    return false;
  }

  // True when the server closed the connection (EOF) within the receive timeout.
  bool PeerClosed() {
    if (!buffer_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n > 0) buffer_.push_back(c);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool Fill() {
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  bool ReadLine(std::string* line) {
    while (true) {
      size_t pos = buffer_.find("\r\n");
      if (pos != std::string::npos) {
        *line = buffer_.substr(0, pos);
        buffer_.erase(0, pos + 2);
        return true;
      }
      if (!Fill()) return false;
    }
  }
  bool ReadExact(size_t n, std::string* out) {
    while (buffer_.size() < n) {
      if (!Fill()) return false;
    }
    *out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

}  // namespace quanta::http::testing
