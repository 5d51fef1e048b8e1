#include "http/error_map.h"

#include <cctype>

namespace quanta::http {
namespace {

HttpError Make(int status, std::string body) { return HttpError{status, std::move(body)}; }

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "Failed to put 3 record(s)" -> "3"; empty when the message has another shape.
std::string PutFailureCount(std::string_view message) {
  constexpr std::string_view kPrefix = "Failed to put ";
  if (message.substr(0, kPrefix.size()) != kPrefix) return {};
  std::string digits;
  for (size_t i = kPrefix.size(); i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])); ++i) {
    digits.push_back(message[i]);
  }
  return digits;
}

HttpError MapQueryStatus(const Status& status, const ErrorContext& context) {
  switch (status.code()) {
    case ErrorCode::kParse:
      // A parse error at a keyword/identifier token carries the token in detail().
      if (!status.detail().empty()) {
        return Make(400, "Query error: Unexpected token: '" + status.detail() + "'");
      }
      return Make(400, "Query error: " + status.message());
    case ErrorCode::kCreate:
      return Make(409, "Table " + Quoted(context.table) + " already exists");
    default:
      break;
  }
  if (status.message() == "Query coverage context fails checksum" ||
      status.message() == "Bad coverage context") {
    return Make(400, status.message());
  }
  if (context.kind == service::StatementKind::kCreateTable) {
    return Make(500, "Failed to create table " + Quoted(context.table) + ": " + status.message());
  }
  return Make(500, "Execution of " + std::string(service::StatementKindName(context.kind)) +
                       " query failed on table " + Quoted(context.table) + " (" +
                       status.message() + ")");
}

HttpError MapKeyStatus(const Status& status, const ErrorContext& context) {
  switch (status.code()) {
    case ErrorCode::kNotFound:
      return KeyNotFoundError();
    case ErrorCode::kPut: {
      std::string count = PutFailureCount(status.message());
      if (count.empty()) return Make(400, status.message());
      return Make(400, "Failed to put " + count + " records to table " + Quoted(context.table));
    }
    case ErrorCode::kIrregular:
    case ErrorCode::kBadKeyLength:
    case ErrorCode::kBadCompoundKey:
    case ErrorCode::kBadQuery:
    case ErrorCode::kParse:
      return Make(400, status.message());
    default:
      return Make(500, status.message());
  }
}

HttpError MapStatusText(const Status& status, const ErrorContext& context) {
  switch (status.code()) {
    case ErrorCode::kTableInactive:
      return TableMissingError(status.detail().empty() ? std::string_view(context.table)
                                                       : std::string_view(status.detail()));
    case ErrorCode::kTimeout:
      return Make(503, context.endpoint == Endpoint::kQuery ? "Query worker timeout"
                                                            : "Storage backend timeout");
    case ErrorCode::kNoSpace:
      // 507 Insufficient Storage: the request was fine, retry once space is freed.
      return Make(507, status.message());
    case ErrorCode::kMemoryLimit:
      // The memory account refused the request (common/memory.h): the server is busy, not the
      // request wrong; the message says what needed the memory.
      return Make(503, status.message());
    case ErrorCode::kSubmit:
      // The query gate's queue or the list_keys stream limit is full (Riak 1001 "overload").
      if (status.message() == "overload") return OverloadError(context.endpoint);
      break;
    default:
      break;
  }
  return context.endpoint == Endpoint::kQuery ? MapQueryStatus(status, context)
                                              : MapKeyStatus(status, context);
}

}  // namespace

HttpError MapStatus(const Status& status, const ErrorContext& context) {
  HttpError error = MapStatusText(status, context);
  error.riak_code = status.riak_code();
  return error;
}


HttpError NoQueryError() { return Make(400, "No query in request body"); }

HttpError InvalidJsonError() { return Make(400, "Invalid json in body"); }

HttpError MissingFieldError(std::string_view field, std::string_view table) {
  return Make(400, "Missing field " + Quoted(field) + " for key in table " + Quoted(table));
}

HttpError BadValueError(std::string_view field, ColumnType type, std::string_view table) {
  return Make(400, "Bad value for field " + Quoted(field) + " of type " +
                       std::string(ColumnTypeName(type)) + " in table " + Quoted(table));
}

HttpError KeyLengthError(size_t key_fields, size_t path_elements, std::string_view table) {
  return Make(400, "Need " + std::to_string(key_fields) + " field/value pairs for key in table " +
                       Quoted(table) + ", got " + std::to_string(path_elements) +
                       " path elements");
}

HttpError NotAllKeyFieldsError() { return Make(400, "Not all key-constituent fields given on URL"); }

HttpError NoSuchFieldError(std::string_view field, std::string_view table) {
  return Make(400, "Table " + Quoted(table) + " has no field named " + Quoted(field));
}

HttpError KeyNotFoundError() { return Make(404, "Key not found"); }

HttpError TableMissingError(std::string_view table) {
  return Make(404, "Table " + Quoted(table) + " does not exist");
}

HttpError BadTimeoutError(std::string_view value) {
  return Make(400, "Bad timeout value: " + std::string(value));
}

HttpError UnknownParameterError(std::string_view name) {
  return Make(400, "Unknown parameter: " + std::string(name));
}

HttpError UnsupportedVersionError(std::string_view version) {
  return Make(412, "Unsupported API version " + std::string(version));
}

HttpError MethodNotAllowedError(std::string_view allow) {
  HttpError error = Make(405, "Method Not Allowed");
  error.allow = std::string(allow);
  return error;
}

HttpError RouteNotFoundError() { return Make(404, "Not Found"); }

HttpError BadUrlEncodingError() { return Make(400, "Malformed percent-encoding in URL"); }

HttpError BodyTooLargeError() { return Make(413, "Request body too large"); }

HttpError BadRequestError(std::string_view what) { return Make(400, std::string(what)); }

HttpError OverloadError(Endpoint endpoint) {
  return Make(503, endpoint == Endpoint::kQuery ? "Query worker overload" : "Overload");
}

HttpError EncodingError(const ErrorContext& context, std::string_view what) {
  if (context.endpoint == Endpoint::kQuery) {
    return Make(500, "Execution of " + std::string(service::StatementKindName(context.kind)) +
                         " query failed on table " + Quoted(context.table) + " (" +
                         std::string(what) + ")");
  }
  return Make(500, std::string(what));
}

HttpError AdminUnauthorizedError() {
  return HttpError(401, "admin commands need the token in the data directory's admin.token "
                        "(Authorization: Bearer <token>)\n");
}

HttpError AdminError(const Status& status) {
  int code = 500;
  if (status.code() == ErrorCode::kInvalidArgument) code = 400;
  if (status.code() == ErrorCode::kNoSpace) code = 507;
  return HttpError(code, status.message() + "\n");
}

}  // namespace quanta::http
