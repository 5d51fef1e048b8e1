// HTTP's side of security (docs/security.md): with security enabled the TS endpoints need
// HTTPS and Basic authentication, and each request is checked against the user's grants.
// /ping, /stats, /metrics and the admin channel (its own token) are not affected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/handlers.h"

namespace quanta::service {
class TsService;
}

namespace quanta::http {

// For a TS endpoint: nullopt when the request may go on (request.user is then the
// authenticated user, or empty with security disabled), else the refusal to send:
// 426 over plain HTTP, 401 with WWW-Authenticate for missing or wrong credentials.
std::optional<HttpResponse> CheckHttpAccess(service::TsService& service, HttpRequest& request);

// The refusal for a permission `denial` (Security::Check's error) on `table`: as Riak,
// 401 `Access to table "<T>" not allowed (<denial text>)`.
HttpResponse AccessDenied(std::string_view table, const Status& denial);

}  // namespace quanta::http
