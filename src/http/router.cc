#include "http/router.h"

namespace quanta::http {
namespace {

constexpr std::string_view kApiVersion = "v1";

std::optional<HttpError> DecodeInto(std::string_view raw, std::string* out) {
  auto decoded = PercentDecode(raw);
  if (!decoded) return BadUrlEncodingError();
  *out = std::move(*decoded);
  return std::nullopt;
}

std::optional<HttpError> CheckSingleMethod(Method method, Method allowed, std::string_view allow) {
  if (method != allowed) return MethodNotAllowedError(allow);
  return std::nullopt;
}

}  // namespace

std::optional<HttpError> ParseRoute(Method method, std::string_view target, Route* route) {
  *route = Route{};
  TargetParts parts = SplitTarget(target);
  std::vector<std::string_view> segments = SplitPath(parts.path);
  // A trailing slash is ignored, except that inside a key path an empty last segment is a value
  // ("keys/a/" is a trailing slash, "keys/a/x/b/" gives b the empty value).
  bool in_key_path = segments.size() >= 6 && segments[0] == "ts" && segments[2] == "tables" &&
                     segments[4] == "keys";
  if (!segments.empty() && segments.back().empty() &&
      (!in_key_path || (segments.size() - 5) % 2 == 1)) {
    segments.pop_back();
  }

  auto finish = [&](RouteKind kind) -> std::optional<HttpError> {
    route->kind = kind;
    auto params = ParseQueryString(parts.query);
    if (!params) return BadUrlEncodingError();
    route->params = std::move(*params);
    return std::nullopt;
  };

  // Ingest endpoints (docs/ingest.md).
  if ((segments.size() == 1 && segments[0] == "write") ||
      (segments.size() == 3 && segments[0] == "api" && segments[2] == "write" &&
       (segments[1] == "v1" || segments[1] == "v2"))) {
    if (auto error = CheckSingleMethod(method, Method::kPost, "POST")) return error;
    return finish(segments.size() == 3 && segments[1] == "v1" ? RouteKind::kRemoteWrite
                                                              : RouteKind::kInfluxWrite);
  }

  // The web console's own API (an extension): the tables with their row estimates.
  if (segments.size() >= 2 && segments[0] == "console" && segments[1] == "api") {
    if (segments.size() != 3 || segments[2] != "tables") return RouteNotFoundError();
    if (auto error = CheckSingleMethod(method, Method::kGet, "GET")) return error;
    return finish(RouteKind::kConsoleTables);
  }

  // The web console: "/" redirects to it, "/console/..." are its files.
  if (segments.empty() || segments[0] == "console") {
    if (method != Method::kGet && method != Method::kHead) return MethodNotAllowedError("GET, HEAD");
    for (size_t i = 1; i < segments.size(); ++i) {
      std::string element;
      if (auto error = DecodeInto(segments[i], &element)) return error;
      if (i > 1) route->asset.push_back('/');
      route->asset += element;
    }
    return finish(segments.empty() ? RouteKind::kRoot : RouteKind::kConsole);
  }

  // Node-level endpoints.
  if (segments.size() == 1) {
    std::optional<RouteKind> kind;
    if (segments[0] == "ping") kind = RouteKind::kPing;
    if (segments[0] == "stats") kind = RouteKind::kStats;
    if (segments[0] == "metrics") kind = RouteKind::kMetrics;
    if (!kind) return RouteNotFoundError();
    if (auto error = CheckSingleMethod(method, Method::kGet, "GET")) return error;
    return finish(*kind);
  }

  // The operator's channel (service/admin.h).
  if (segments.size() == 3 && segments[0] == "admin" && segments[1] == "v1") {
    if (auto error = CheckSingleMethod(method, Method::kPost, "POST")) return error;
    if (auto error = DecodeInto(segments[2], &route->table)) return error;
    return finish(RouteKind::kAdmin);
  }

  if (segments.size() < 3 || segments[0] != "ts") return RouteNotFoundError();

  // Shape first: /ts/<v>/query, /ts/<v>/tables/<t>/keys[/...], /ts/<v>/tables/<t>/list_keys.
  enum class Shape { kQuery, kKeys, kKeyPath, kListKeys };
  Shape shape;
  if (segments.size() == 3 && segments[2] == "query") {
    shape = Shape::kQuery;
  } else if (segments.size() >= 5 && segments[2] == "tables" && segments[4] == "keys") {
    shape = segments.size() == 5 ? Shape::kKeys : Shape::kKeyPath;
  } else if (segments.size() == 5 && segments[2] == "tables" && segments[4] == "list_keys") {
    shape = Shape::kListKeys;
  } else {
    return RouteNotFoundError();
  }

  std::string version;
  if (auto error = DecodeInto(segments[1], &version)) return error;
  if (version != kApiVersion) return UnsupportedVersionError(version);

  RouteKind kind;
  switch (shape) {
    case Shape::kQuery:
      if (auto error = CheckSingleMethod(method, Method::kPost, "POST")) return error;
      kind = RouteKind::kQuery;
      break;
    case Shape::kKeys:
      if (auto error = CheckSingleMethod(method, Method::kPost, "POST")) return error;
      kind = RouteKind::kPutRows;
      break;
    case Shape::kKeyPath:
      if (method == Method::kGet) {
        kind = RouteKind::kGetKey;
      } else if (method == Method::kDelete) {
        kind = RouteKind::kDeleteKey;
      } else {
        return MethodNotAllowedError("GET, DELETE");
      }
      break;
    case Shape::kListKeys:
      if (auto error = CheckSingleMethod(method, Method::kGet, "GET")) return error;
      kind = RouteKind::kListKeys;
      break;
  }

  if (shape != Shape::kQuery) {
    if (auto error = DecodeInto(segments[3], &route->table)) return error;
  }
  for (size_t i = 5; shape == Shape::kKeyPath && i < segments.size(); ++i) {
    std::string element;
    if (auto error = DecodeInto(segments[i], &element)) return error;
    route->key_path.push_back(std::move(element));
  }
  return finish(kind);
}

}  // namespace quanta::http
