#include "http/http_security.h"

#include "http/base64.h"
#include "security/security.h"
#include "service/ts_service.h"

namespace quanta::http {

namespace {

constexpr std::string_view kBasic = "Basic ";
constexpr size_t kMaxCredentialBytes = 4096;

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

HttpResponse Unauthorized(const HttpRequest& request) {
  HttpResponse r = Text(401, "Authentication failed\n");
  if (request.requested_with != "XMLHttpRequest") r.www_authenticate = "Basic realm=\"Riak\"";
  return r;
}

}  // namespace

std::optional<HttpResponse> CheckHttpAccess(service::TsService& service, HttpRequest& request) {
  request.user.clear();
  request.secured = false;
  if (!service.security().enabled()) return std::nullopt;
  if (!request.tls) {
    return Text(426, "Security is enabled and Riak does not accept credentials over HTTP. "
                     "Try HTTPS instead.\n");
  }
  std::string_view auth = request.authorization;
  if (auth.size() > kMaxCredentialBytes || auth.substr(0, kBasic.size()) != kBasic) {
    return Unauthorized(request);
  }
  auto decoded = Base64Decode(auth.substr(kBasic.size()));
  if (!decoded) return Unauthorized(request);
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return Unauthorized(request);
  std::string user = decoded->substr(0, colon);
  Status st = service.security().Authenticate(user, std::string_view(*decoded).substr(colon + 1),
                                              request.peer_ip, std::nullopt);
  if (!st.ok()) return Unauthorized(request);
  request.user = std::move(user);
  request.secured = true;
  return std::nullopt;
}

HttpResponse AccessDenied(std::string_view table, const Status& denial) {
  return Text(401, "Access to table \"" + std::string(table) + "\" not allowed (" +
                       denial.message() + ")\n");
}

}  // namespace quanta::http
