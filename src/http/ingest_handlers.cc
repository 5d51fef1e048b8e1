// The ingest endpoints (docs/ingest.md): decode the HTTP envelope (query parameters,
// Content-Encoding), make one service call (service/ingest_writer.h), answer as InfluxDB or
// Prometheus expect.
#include "http/handlers.h"
#include "http/http_security.h"
#include "http/json_codec.h"
#include "ingest/decompress.h"
#include "ingest/line_protocol.h"
#include "security/security.h"
#include "service/ingest_writer.h"
#include "service/ts_service.h"

namespace quanta::http {
namespace {

HttpResponse Respond(int status, std::string_view content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(content_type);
  response.body = std::move(body);
  return response;
}

// InfluxDB answers errors as {"error":"..."}; Prometheus logs the body as text, so the same
// JSON serves both.
HttpResponse IngestError(int status, std::string_view message) {
  return Respond(status, "application/json", ErrorLineJson(message));
}

int StatusFor(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kResultTooBig: return 413;
    case ErrorCode::kMemoryLimit:
    case ErrorCode::kTimeout: return 503;
    case ErrorCode::kSubmit: return status.message() == "overload" ? 503 : 400;
    case ErrorCode::kNoSpace: return 507;
    case ErrorCode::kPut:
      // With a cause, storage kept part of the batch (store.h): the server's fault, and the
      // senders retry 5xx only. Without, rows over the size limit: the data's.
      return status.detail().empty() ? 400 : 500;
    case ErrorCode::kGeneric:
    case ErrorCode::kIrregular:
    case ErrorCode::kCreate:
    case ErrorCode::kParse: return 400;
    default: return 500;  // a server fault or configuration (a retry may succeed once fixed)
  }
}

// With security enabled: the check the ingest writer makes before it creates or writes a table
// (service/ingest_writer.h), noting a refusal so that it is answered 403 and not as a storage
// error.
struct IngestGrants {
  service::TsService& service;
  const HttpRequest& request;
  std::string denied_table;
  Status denial;

  service::IngestAuthorizer Authorizer() {
    if (!request.secured) return {};
    return [this](std::string_view permission, const std::string& table) {
      Status st = service.security().Check(request.user, permission, table);
      if (!st.ok()) {
        denied_table = table;
        denial = st;
      }
      return st;
    };
  }

  // InfluxDB answers a missing write permission 403 with {"error": ...}; Prometheus does not
  // retry a 4xx.
  HttpResponse Refusal() const {
    return IngestError(403, "Access to table \"" + denied_table + "\" not allowed (" +
                                denial.message() + ")");
  }
};

HttpResponse FromStatus(const Status& status) {
  int code = StatusFor(status);
  return IngestError(code, code == 413 ? std::string_view("Request Entity Too Large")
                                       : std::string_view(status.message()));
}

// The body as the protocol sees it: inflated when Content-Encoding asks for it. *storage holds
// inflated bytes (reserved on the request's account); the raw body is released once inflated.
Status DecodedBody(HttpRequest& request, bool snappy_expected, std::string* storage,
                   std::string_view* body) {
  const std::string& encoding = request.content_encoding;
  Status st;
  if (snappy_expected) {
    if (!encoding.empty() && encoding != "snappy") {
      return Status(ErrorCode::kGeneric, "unsupported Content-Encoding \"" + encoding +
                                             "\" (remote write bodies are snappy)");
    }
    st = ingest::SnappyUncompress(request.body, request.max_body_bytes, &request.memory, storage);
  } else if (encoding.empty() || encoding == "identity") {
    *body = request.body;
    return Status::OK();
  } else if (encoding == "gzip" || encoding == "x-gzip") {
    st = ingest::Gunzip(request.body, request.max_body_bytes, &request.memory, storage);
  } else {
    return Status(ErrorCode::kGeneric, "unsupported Content-Encoding \"" + encoding + "\"");
  }
  std::string().swap(request.body);
  request.memory.Shrink(request.body_charged);
  request.body_charged = 0;
  QUANTA_RETURN_IF_ERROR(st);
  *body = *storage;
  return Status::OK();
}

}  // namespace

HttpResponse Handlers::InfluxWrite(const Route& route, HttpRequest& request) {
  ingest::Precision precision = ingest::Precision::kNanoseconds;
  for (const auto& [name, value] : route.params) {
    // db, rp, org, bucket, orgID, u, p, consistency: one database, accepted and ignored.
    if (name != "precision") continue;
    auto parsed = ingest::ParsePrecision(value);
    if (!parsed) return IngestError(400, "invalid precision \"" + value + "\"");
    precision = *parsed;
  }
  std::string inflated;
  std::string_view body;
  if (Status st = DecodedBody(request, /*snappy_expected=*/false, &inflated, &body); !st.ok()) {
    return FromStatus(st);
  }
  service::IngestReport report;
  IngestGrants grants{service_, request, {}, {}};
  Status st = service::IngestLineProtocol(service_, body, precision, &request.memory, &report,
                                          grants.Authorizer());
  if (!grants.denial.ok()) return grants.Refusal();
  if (!st.ok()) return FromStatus(st);
  if (report.dropped > 0) {
    return IngestError(400, "partial write: " + report.first_problem +
                                " dropped=" + std::to_string(report.dropped));
  }
  return Respond(204, "", "");
}

HttpResponse Handlers::RemoteWrite(HttpRequest& request) {
  // Remote write 2.0 is another message: refuse it so that the sender falls back to 1.0.
  if (request.content_type.find("io.prometheus.write.v2") != std::string::npos) {
    return IngestError(415, "remote write 2.0 is not supported; use protobuf_message "
                            "prometheus.WriteRequest (1.0)");
  }
  std::string raw;
  std::string_view message;
  if (Status st = DecodedBody(request, /*snappy_expected=*/true, &raw, &message); !st.ok()) {
    return FromStatus(st);
  }
  service::IngestReport report;
  IngestGrants grants{service_, request, {}, {}};
  Status st = service::IngestRemoteWrite(service_, message, &request.memory, &report,
                                         grants.Authorizer());
  if (!grants.denial.ok()) return grants.Refusal();
  if (!st.ok()) return FromStatus(st);
  return Respond(204, "", "");
}

}  // namespace quanta::http
