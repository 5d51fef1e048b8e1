// A tiny blocking HTTP/1.1 client (keep-alive, Content-Length or chunked answers) and a small
// JSON reader, just enough for the durability test to talk to quantad's /ts/v1 API.
#pragma once

#include "json_value.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::durability {

struct HttpAnswer {
  int status = 0;   // 0: transport failure (connection refused/reset/closed, timeout)
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, int timeout_s = 30)
      : host_(std::move(host)), port_(port), timeout_s_(timeout_s) {}
  ~HttpClient() { Close(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    in_.clear();
  }

  // One request. A failure on a reused connection is not retried: the caller must know whether
  // a write may have happened.
  HttpAnswer Request(const std::string& method, const std::string& path,
                     const std::string& body = {},
                     const std::string& content_type = "application/json") {
    HttpAnswer a;
    if (fd_ < 0 && !Connect()) return a;
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
    if (!body.empty() || method == "POST") {
      req += "Content-Type: " + content_type + "\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n";
    req += body;
    if (!SendAll(req)) {
      Close();
      return a;
    }
    if (!ReadAnswer(&a)) {
      Close();
      a.status = 0;
    }
    return a;
  }

 private:
  bool Connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    timeval tv{timeout_s_, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port_);
    ::inet_pton(AF_INET, host_.c_str(), &sa.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      Close();
      return false;
    }
    return true;
  }
  bool SendAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
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
  bool ReadLine(std::string* line) {
    size_t pos;
    while ((pos = in_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    *line = in_.substr(0, pos);
    in_.erase(0, pos + 2);
    return true;
  }
  bool ReadBytes(size_t n, std::string* out) {
    while (in_.size() < n) {
      if (!Fill()) return false;
    }
    out->append(in_, 0, n);
    in_.erase(0, n);
    return true;
  }
  bool ReadAnswer(HttpAnswer* a) {
    std::string line;
    if (!ReadLine(&line) || line.size() < 12 || line.compare(0, 5, "HTTP/") != 0) return false;
    a->status = std::atoi(line.c_str() + 9);
    std::optional<size_t> length;
    bool chunked = false, close_after = false;
    for (;;) {
      if (!ReadLine(&line)) return false;
      if (line.empty()) break;
      std::string lower;
      for (char c : line) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower.rfind("content-length:", 0) == 0) length = std::strtoull(lower.c_str() + 15, nullptr, 10);
      if (lower.rfind("transfer-encoding:", 0) == 0 && lower.find("chunked") != std::string::npos) chunked = true;
      if (lower.rfind("connection:", 0) == 0 && lower.find("close") != std::string::npos) close_after = true;
    }
    if (chunked) {
      for (;;) {
        if (!ReadLine(&line)) return false;
        size_t n = std::strtoull(line.c_str(), nullptr, 16);
        if (n == 0) {
          if (!ReadLine(&line)) return false;  // trailer end
          break;
        }
        if (!ReadBytes(n, &a->body) || !ReadLine(&line)) return false;
      }
    } else if (length) {
      if (!ReadBytes(*length, &a->body)) return false;
    } else {
      while (Fill()) {
      }
      a->body = std::move(in_);
      in_.clear();
      close_after = true;
    }
    if (close_after) Close();
    return true;
  }

  std::string host_;
  uint16_t port_;
  int timeout_s_;
  int fd_ = -1;
  std::string in_;
};

// ---- JSON ---------------------------------------------------------------------------------

using testing::Json;

}  // namespace quanta::durability
