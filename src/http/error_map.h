// Every HTTP error response the API sends: the one mapping from a service Status to an HTTP
// status and text/plain body (riak_ts.md sections 11.1-11.4, 10), plus the texts of the errors
// the HTTP layer itself detects (bad URLs, bad JSON, bad key paths).
//
// Keeping all of them here means the exact Riak texts live in one file.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "common/value.h"
#include "service/ts_service.h"

namespace quanta::http {

// An error response: status code and text/plain body.
struct HttpError {
  HttpError() = default;
  HttpError(int status_p, std::string body_p, std::string allow_p = {})
      : status(status_p), body(std::move(body_p)), allow(std::move(allow_p)) {}

  int status = 500;
  std::string body;
  std::string allow;  // Allow header value for 405 responses
  int riak_code = 0;  // MapStatus: the Riak code of the service error (0: none)
  bool operator==(const HttpError& o) const { return status == o.status && body == o.body; }
};

// Which endpoint produced a service error; the same code renders differently per endpoint.
enum class Endpoint : uint8_t { kQuery, kPut, kGet, kDelete, kListKeys };

struct ErrorContext {
  Endpoint endpoint = Endpoint::kQuery;
  // For kQuery: what the statement was and the table it names (QueryOutcome); for the key
  // endpoints: the table from the URL.
  service::StatementKind kind = service::StatementKind::kUnknown;
  std::string_view table;
};

// REQUIRES: !status.ok()
// Besides the Riak texts: kMemoryLimit (the memory account refused the request) -> 503 with the
// status message; 1001 "overload" (query queue or list_keys streams full) -> OverloadError.
HttpError MapStatus(const Status& status, const ErrorContext& context);

// Errors found by the HTTP layer before the service is called.
HttpError NoQueryError();                                        // 400 No query in request body
HttpError InvalidJsonError();                                    // 400 Invalid json in body
HttpError MissingFieldError(std::string_view field, std::string_view table);
HttpError BadValueError(std::string_view field, ColumnType type, std::string_view table);
HttpError KeyLengthError(size_t key_fields, size_t path_elements, std::string_view table);
HttpError NotAllKeyFieldsError();
HttpError NoSuchFieldError(std::string_view field, std::string_view table);
HttpError KeyNotFoundError();                                    // 404 Key not found
// The admin channel (POST /admin/v1/<command>): 401 without the data directory's token; a
// command's error: 400 for a bad request or unknown command, 507 disk full, 500 otherwise.
HttpError AdminUnauthorizedError();
HttpError AdminError(const Status& status);
HttpError TableMissingError(std::string_view table);             // 404 Table "t" does not exist
HttpError BadTimeoutError(std::string_view value);
HttpError UnknownParameterError(std::string_view name);
HttpError UnsupportedVersionError(std::string_view version);     // 412
HttpError MethodNotAllowedError(std::string_view allow);          // 405
HttpError RouteNotFoundError();                                  // 404 Not Found
HttpError BadUrlEncodingError();                                 // 400
HttpError BodyTooLargeError();                                   // 413
HttpError BadRequestError(std::string_view what);                // 400 for unparseable HTTP
HttpError OverloadError(Endpoint endpoint);  // 503 Query worker overload (query) / Overload
HttpError EncodingError(const ErrorContext& context, std::string_view what);  // 500

}  // namespace quanta::http
