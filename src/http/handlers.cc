#include "http/handlers.h"

#include "http/error_map.h"
#include "http/http_security.h"
#include "security/security.h"
#include "http/json_codec.h"
#include "http/key_path.h"
#include "http/url_codec.h"
#include "service/request_context.h"
#include "service/stats.h"
#include "service/ts_service.h"

namespace quanta::http {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";

HttpResponse Ok(std::string_view content_type, std::string body) {
  HttpResponse response;
  response.content_type = std::string(content_type);
  response.body = std::move(body);
  return response;
}

HttpResponse Error(HttpError error) {
  HttpResponse response;
  response.status = error.status;
  response.content_type = std::string(kText);
  response.body = std::move(error.body);
  response.allow = std::move(error.allow);
  // Extension: the Riak error code of a service error, for clients such as the web console
  // (the body keeps Riak's text).
  if (error.riak_code != 0) {
    response.headers.emplace_back("X-Riak-Error-Code", std::to_string(error.riak_code));
  }
  return response;
}

// Key resources accept only `timeout=<non-negative integer>` (riak_ts.md section 11.2). The
// value is validated for compatibility; service calls carry no per-request deadline.
std::optional<HttpError> CheckKeyParams(const QueryParams& params) {
  for (const auto& [name, value] : params) {
    if (name != "timeout") return UnknownParameterError(name);
    std::string_view digits = value;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    bool ok = !digits.empty() && digits.size() <= 18;
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (!ok) return BadTimeoutError(value);
  }
  return std::nullopt;
}

std::optional<service::Op> OpFor(RouteKind kind) {
  switch (kind) {
    case RouteKind::kQuery: return service::Op::kQuery;
    case RouteKind::kPutRows: return service::Op::kPut;
    case RouteKind::kGetKey: return service::Op::kGet;
    case RouteKind::kDeleteKey: return service::Op::kDelete;
    case RouteKind::kListKeys: return service::Op::kListKeys;
    default: return std::nullopt;
  }
}

ErrorContext KeyContext(Endpoint endpoint, const Route& route) {
  ErrorContext context;
  context.endpoint = endpoint;
  context.table = route.table;
  return context;
}

// Frees the request body once it is no longer needed and gives back its reservation.
void ReleaseBody(HttpRequest& request) {
  std::string().swap(request.body);
  request.memory.Shrink(request.body_charged);
  request.body_charged = 0;
}

}  // namespace

Handlers::Handlers(service::TsService& service, int max_list_keys_streams,
                   const StaticAssetSet* console)
    : service_(service), max_list_keys_streams_(max_list_keys_streams), console_(console) {}

HttpResponse Handlers::RefuseQuery(const Status& status) {
  ErrorContext context;
  context.endpoint = Endpoint::kQuery;
  return Error(MapStatus(status, context));  // TsService::AdmitQuery counted and logged it
}

HttpResponse Handlers::Handle(HttpRequest& request, StreamSink& sink) {
  service::ScopedRequest context(service::Transport::kHttp, request.peer);
  Route route;
  if (auto error = ParseRoute(request.method, request.target, &route)) return Error(*error);

  // Security: the TS endpoints need HTTPS, credentials and a grant (http/http_security.h).
  std::string_view permission;
  switch (route.kind) {
    case RouteKind::kQuery: permission = "*"; break;  // by statement, in Query()
    case RouteKind::kPutRows: permission = "riak_ts.put"; break;
    case RouteKind::kGetKey: permission = "riak_ts.get"; break;
    case RouteKind::kDeleteKey: permission = "riak_ts.delete"; break;
    case RouteKind::kListKeys: permission = "riak_ts.list_keys"; break;
    // The list as SHOW TABLES; each table's estimate needs riak_ts.query_select on it (a
    // row count is what a SELECT COUNT(*) would tell).
    case RouteKind::kConsoleTables: permission = "riak_ts.show_tables"; break;
    // Ingest (extensions): riak_ts.put, and riak_ts.create_table for a new table, on each table
    // a request writes, checked by the ingest writer.
    case RouteKind::kInfluxWrite:
    case RouteKind::kRemoteWrite: permission = "*"; break;
    default: break;
  }
  if (!permission.empty()) {
    if (auto refusal = CheckHttpAccess(service_, request)) return *refusal;
    if (request.secured && permission != "*") {
      Status allowed = service_.security().Check(request.user, permission, route.table);
      if (!allowed.ok()) return AccessDenied(route.table, allowed);
    }
  }

  HttpResponse response;
  switch (route.kind) {
    case RouteKind::kPing:
      return Ok(kText, "OK");
    case RouteKind::kStats:
      return Ok(kJson, service_.StatsJson());
    case RouteKind::kMetrics:
      return Ok("text/plain; version=0.0.4", service_.MetricsText());
    case RouteKind::kQuery:
      response = Query(request);
      break;
    case RouteKind::kPutRows:
      response = PutRows(route, request);
      break;
    case RouteKind::kGetKey:
      response = GetKey(route);
      break;
    case RouteKind::kDeleteKey:
      response = DeleteKey(route);
      break;
    case RouteKind::kListKeys:
      response = ListKeys(route, request, sink);
      break;
    case RouteKind::kInfluxWrite:
      return InfluxWrite(route, request);
    case RouteKind::kRemoteWrite:
      return RemoteWrite(request);
    case RouteKind::kRoot:
      if (console_ == nullptr) return Error(RouteNotFoundError());
      response = Ok(kText, "See /console/\n");
      response.status = 302;
      response.headers.emplace_back("Location", "/console/");
      return response;
    case RouteKind::kConsole:
      return Console(route, request);
    case RouteKind::kConsoleTables: {
      std::function<Status(const std::string&)> authorize;
      if (request.secured) {
        authorize = [&](const std::string& table) {
          return service_.security().Check(request.user, "riak_ts.query_select", table);
        };
      }
      response = Ok(kJson, service_.TableRowsJson(authorize));
      response.headers.emplace_back("Cache-Control", "no-store");
      return response;
    }
    case RouteKind::kAdmin:
      return Admin(route, request);
  }
  // TsService counts every call it serves; count the ones rejected here so that each API
  // request shows up exactly once per operation.
  if (auto op = OpFor(route.kind); op && !response.reached_service) {
    service_.stats().Count(*op, /*ok=*/false);
  }
  return response;
}

HttpResponse Handlers::Admin(const Route& route, HttpRequest& request) {
  if (!service_.admin().Authorized(request.authorization)) return Error(AdminUnauthorizedError());
  auto answer = service_.admin().Call(route.table, request.body);
  ReleaseBody(request);
  if (!answer.ok()) return Error(AdminError(answer.error()));
  return Ok(kJson, std::move(answer).value());
}

HttpResponse Handlers::Query(HttpRequest& request) {
  if (request.body.empty()) return Error(NoQueryError());
  service::QueryOutcome outcome;
  service::QueryOptions options;
  options.slot = request.slot.held() ? &request.slot : nullptr;
  options.memory = &request.memory;
  bool denied = false;
  if (request.secured) {
    options.authorize = [&](service::StatementKind kind, const std::string& table) {
      Status st = service_.security().Check(request.user, service::PermissionFor(kind), table);
      denied = !st.ok();
      return st;
    };
  }
  Status status = service_.Query(request.body, options, &outcome);
  if (denied) {
    request.slot.Release();
    ReleaseBody(request);
    HttpResponse refused = AccessDenied(outcome.table, status);
    refused.reached_service = true;
    return refused;
  }
  request.slot.Release();
  ReleaseBody(request);
  ErrorContext context;
  context.endpoint = Endpoint::kQuery;
  context.kind = outcome.kind;
  context.table = outcome.table;
  HttpResponse response;
  if (!status.ok()) {
    response = Error(MapStatus(status, context));
  } else if (outcome.kind == service::StatementKind::kCreateTable ||
             outcome.kind == service::StatementKind::kDropTable ||
             outcome.kind == service::StatementKind::kAlterTable) {
    response = Ok(kJson, SuccessJson());
  } else if (outcome.kind == service::StatementKind::kInsert ||
             outcome.kind == service::StatementKind::kDelete) {
    response = Ok(kJson, "{\"columns\":[],\"rows\":[]}");
  } else {
    std::string body;
    Status encoded = EncodeResultSet(&outcome.result, &request.memory, &body);
    if (encoded.ok()) {
      response = Ok(kJson, std::move(body));
    } else if (encoded.code() == ErrorCode::kMemoryLimit) {
      response = Error(MapStatus(encoded, context));
    } else {
      response = Error(EncodingError(context, encoded.message()));
    }
  }
  response.reached_service = true;
  return response;
}

HttpResponse Handlers::Console(const Route& route, const HttpRequest& request) const {
  StaticRequest what;
  what.accept_encoding = request.accept_encoding;
  what.if_none_match = request.if_none_match;
  StaticReply reply = ServeStatic(console_, route.asset, what);
  HttpResponse response;
  response.status = reply.status;
  response.content_type = std::move(reply.content_type);
  response.body = std::move(reply.body);
  response.headers = std::move(reply.headers);
  return response;
}

HttpResponse Handlers::PutRows(const Route& route, HttpRequest& request) {
  if (auto error = CheckKeyParams(route.params)) return Error(*error);
  auto table = service_.FindTable(route.table);
  if (!table.ok()) return Error(MapStatus(table.error(), KeyContext(Endpoint::kPut, route)));

  std::vector<Row> rows;
  auto error = DecodeRows(**table, &request.body, &request.memory, &rows);
  ReleaseBody(request);
  if (error) return Error(*error);
  // An empty array still goes to the service (a no-op there) so that it is counted as a put.
  Status status = service_.Put(route.table, std::move(rows));
  HttpResponse response = status.ok()
                              ? Ok(kJson, SuccessJson())
                              : Error(MapStatus(status, KeyContext(Endpoint::kPut, route)));
  response.reached_service = true;
  return response;
}

HttpResponse Handlers::GetKey(const Route& route) {
  if (auto error = CheckKeyParams(route.params)) return Error(*error);
  ErrorContext context = KeyContext(Endpoint::kGet, route);
  auto table = service_.FindTable(route.table);
  if (!table.ok()) return Error(MapStatus(table.error(), context));

  Row key;
  if (auto error = ParseKeyPath(**table, route.key_path, &key)) return Error(*error);
  auto found = service_.Get(route.table, key);
  HttpResponse response;
  std::string body;
  if (!found.ok()) {
    response = Error(MapStatus(found.error(), context));
  } else if (!found->has_value()) {
    response = Error(KeyNotFoundError());
  } else if (!EncodeRowObject(**table, **found, &body)) {
    response = Error(EncodingError(context, "row contains a varchar that is not valid UTF-8"));
  } else {
    response = Ok(kJson, std::move(body));
  }
  response.reached_service = true;
  return response;
}

HttpResponse Handlers::DeleteKey(const Route& route) {
  if (auto error = CheckKeyParams(route.params)) return Error(*error);
  ErrorContext context = KeyContext(Endpoint::kDelete, route);
  auto table = service_.FindTable(route.table);
  if (!table.ok()) return Error(MapStatus(table.error(), context));

  Row key;
  if (auto error = ParseKeyPath(**table, route.key_path, &key)) return Error(*error);
  Status status = service_.Delete(route.table, key);
  HttpResponse response = status.ok() ? Ok(kJson, SuccessJson()) : Error(MapStatus(status, context));
  response.reached_service = true;
  return response;
}

HttpResponse Handlers::ListKeys(const Route& route, HttpRequest& request,
                                StreamSink& sink) {
  ErrorContext context = KeyContext(Endpoint::kListKeys, route);
  auto found = service_.FindTable(route.table);
  if (!found.ok()) return Error(MapStatus(found.error(), context));
  const schema::TableDef& table = **found;
  // A stream holds this worker thread while the client reads: bound how many run at once so
  // that the other requests always find workers.
  struct StreamCount {
    std::atomic<int>& n;
    ~StreamCount() { n.fetch_sub(1); }
  } stream_count{list_keys_streams_};
  if (list_keys_streams_.fetch_add(1) >= max_list_keys_streams_ && max_list_keys_streams_ > 0) {
    return Error(OverloadError(Endpoint::kListKeys));
  }

  const std::string prefix =
      request.url_base + "/ts/v1/tables/" + PercentEncode(route.table) + "/keys/";
  // Headers go out with the first batch, so an error before any key is an ordinary response.
  bool begun = false;
  bool client_gone = false;
  auto begin = [&]() {
    if (!begun) {
      begun = true;
      client_gone = !sink.Begin(200, kText);
    }
    return !client_gone;
  };

  Status status = service_.ListKeys(route.table, [&](std::vector<Row>&& keys) -> Status {
    std::string chunk;
    for (const Row& key : keys) {
      auto path = KeyUrlPath(table, key);
      if (!path) return InternalError("list_keys: key does not match the table's local key");
      chunk += prefix;
      chunk += *path;
      chunk.push_back('\n');
    }
    if (chunk.empty()) return Status::OK();
    // The chunk is held until the socket took it.
    int64_t chunk_bytes = static_cast<int64_t>(chunk.capacity());
    QUANTA_RETURN_IF_ERROR(request.memory.Grow(chunk_bytes, "a list_keys chunk"));
    bool written = begin() && sink.Write(chunk);
    request.memory.Shrink(chunk_bytes);
    if (!written) {
      client_gone = true;
      return Status(ErrorCode::kGeneric, "list_keys: client disconnected");
    }
    return Status::OK();
  });

  HttpResponse response;
  response.streamed = true;
  response.reached_service = true;
  if (status.ok()) {
    begin();
    return response;
  }
  if (!begun) {
    response = Error(MapStatus(status, context));
    response.reached_service = true;
    return response;
  }
  if (!client_gone) {
    // Riak ends a stream that failed part way with one JSON line.
    std::string line =
        status.code() == ErrorCode::kTimeout ? "{\"error\":\"timeout\"}" : ErrorLineJson(status.message());
    sink.Write(line + "\n");
  }
  response.status = 500;  // counted as an error; the client already saw 200
  return response;
}

}  // namespace quanta::http
