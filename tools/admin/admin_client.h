// AdminClient: quanta-admin's side of the admin channel (service/admin.h): one HTTP POST of a
// JSON body to /admin/v1/<command> on the server's HTTP listener, with the data directory's
// bearer token.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace quanta::admin {

struct AdminAnswer {
  int status = 0;    // HTTP status
  std::string body;  // JSON on 200, an error text otherwise
};

class AdminClient {
 public:
  AdminClient(std::string host, uint16_t port, std::string token, int timeout_seconds = 600)
      : host_(std::move(host)), port_(port), token_(std::move(token)),
        timeout_seconds_(timeout_seconds) {}

  // The server's answer (any HTTP status), or an error when it could not be reached.
  Result<AdminAnswer> Call(const std::string& command, const std::string& json_body) const;

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

 private:
  std::string host_;
  uint16_t port_;
  std::string token_;
  int timeout_seconds_;
};

}  // namespace quanta::admin
