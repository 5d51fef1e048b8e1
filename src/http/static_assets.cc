#include "http/static_assets.h"

#include <cctype>

namespace quanta::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Calls fn(element) for each comma-separated element of a header value, trimmed.
template <typename Fn>
bool AnyElement(std::string_view value, Fn fn) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view element = Trim(value.substr(0, comma));
    if (!element.empty() && fn(element)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// q=0 (or 0.0, 0.00, 0.000) refuses a coding; any other weight accepts it.
bool ZeroWeight(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = Trim(params.substr(0, semi));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string_view q = Trim(param.substr(2));
      bool zero = !q.empty() && q[0] == '0';
      for (size_t i = 1; zero && i < q.size(); ++i) zero = (i == 1 && q[i] == '.') || q[i] == '0';
      return zero;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  return AnyElement(accept_encoding, [](std::string_view element) {
    size_t semi = element.find(';');
    std::string_view coding = Trim(element.substr(0, semi));
    if (!EqualsIgnoreCase(coding, "gzip") && coding != "*") return false;
    return semi == std::string_view::npos || !ZeroWeight(element.substr(semi + 1));
  });
}

bool MatchesEtag(std::string_view if_none_match, std::string_view etag) {
  if (Trim(if_none_match) == "*") return true;
  return AnyElement(if_none_match, [etag](std::string_view tag) {
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    return tag.size() == etag.size() + 2 && tag.front() == '"' && tag.back() == '"' &&
           tag.substr(1, etag.size()) == etag;
  });
}

StaticReply ServeStatic(const StaticAssetSet* assets, std::string_view path,
                        const StaticRequest& request) {
  const StaticAsset* found = nullptr;
  for (size_t i = 0; assets != nullptr && i < assets->count && found == nullptr; ++i) {
    if (assets->items[i].path == path) found = &assets->items[i];
  }
  StaticReply reply;
  if (found == nullptr) {
    reply.status = 404;
    reply.content_type = "text/plain";
    reply.body = "Not Found";
    return reply;
  }
  // Weak: the identity and gzip bodies are the same content, so they share one validator.
  std::string etag = "W/\"" + std::string(found->etag) + "\"";
  reply.content_type = std::string(found->content_type);
  reply.headers.emplace_back("ETag", etag);
  reply.headers.emplace_back("Cache-Control", found->immutable
                                                  ? "public, max-age=31536000, immutable"
                                                  : "no-cache");
  reply.headers.emplace_back("Vary", "Accept-Encoding");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (found->path.empty()) {
    // The page: it loads only its own files and talks only to this server.
    reply.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (MatchesEtag(request.if_none_match, found->etag)) {
    reply.status = 304;
    return reply;
  }
  bool gzip = !found->gzip.empty() && AcceptsGzip(request.accept_encoding);
  if (gzip) reply.headers.emplace_back("Content-Encoding", "gzip");
  // (HEAD: the server layer sends the headers of this full reply and drops the body.)
  reply.body = std::string(gzip ? found->gzip : found->body);
  return reply;
}

}  // namespace quanta::http
