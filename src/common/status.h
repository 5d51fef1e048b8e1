// Status and Result<T>: every fallible call in Quanta returns one of these. Errors are values;
// no exception crosses a layer boundary.
//
// An error carries an ErrorCode (whose numeric value is the Riak TS error code where one exists,
// see docs/errors.md), a human-readable message exactly as a client should see it, and an optional
// `detail` used by transports that render some errors differently (HTTP prints the offending
// token of a parse error as `Unexpected token: 'x'`, the table name of a missing table, ...).
//
// Thread safety: a Status is a value; const methods may be called concurrently.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace quanta {

// Numeric values equal the Riak TS error codes (riak_kv_ts_svc.erl) so that the PB/TTB
// transports can send them unchanged. Codes >= 2000 are Quanta-internal kinds; each transport
// maps them in one place (RiakErrorCode() below for PB/TTB, http/error_map.cc for HTTP).
enum class ErrorCode : int {
  kOk = 0,
  kSubmit = 1001,           // query compile/validation and runtime errors
  kIrregular = 1003,        // invalid row data
  kPut = 1004,
  kNotTsType = 1006,
  kMissingType = 1007,
  kDelete = 1009,
  kGet = 1010,
  kBadKeyLength = 1011,
  kListKeys = 1012,
  kTimeout = 1013,
  kCreate = 1014,           // CREATE TABLE failed (e.g. already exists)
  kBadQuery = 1018,
  kTableInactive = 1019,    // no such (active) table
  kParse = 1020,            // lexer/parser/DDL validation
  kNotFound = 1021,         // delete of a missing key
  kResultTooBig = 1022,
  kQbufCreate = 1023,
  kQbufIo = 1024,
  kQuantaLimit = 1025,
  kBadCompoundKey = 1026,
  kQbufInternal = 1027,
  // Quanta-internal kinds.
  kGeneric = 2000,          // API-level error, Riak errcode 0 (e.g. "Message decoding error: ...")
  kInternal = 2001,         // a bug or unexpected condition
  kIoError = 2002,          // storage I/O failure
  kCorruption = 2003,       // stored data could not be decoded
  kInvalidArgument = 2004,  // bad configuration or API misuse (not user SQL)
  kMemoryLimit = 2005,      // a request would pass the memory account (common/memory.h); Riak 1001
  kNoSpace = 2006,          // a write refused: the data directory's disk is full; Riak 1004
  kConflict = 2007,         // a read through a snapshot met a change the backend cannot hide
                            // (backend.h); the storage engine resumes the read, never returns it
};

// Riak numeric code sent on the wire for `code` (0 for API-level/internal errors; 1001 for
// kMemoryLimit, a refused request like Riak's "overload"; 1004 (E_PUT) for kNoSpace).
int RiakErrorCode(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message, std::string detail = {})
      : code_(code), message_(std::move(message)), detail_(std::move(detail)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  int riak_code() const { return RiakErrorCode(code_); }
  const std::string& message() const { return message_; }
  // Extra machine-readable context; its meaning depends on the code (see the factories below).
  const std::string& detail() const { return detail_; }

  // "code: message" for logs and test output.
  std::string ToString() const;

  // Marks a status as intentionally ignored (searchable, like RocksDB's PermitUncheckedError).
  void IgnoreError() const {}

  bool operator==(const Status& o) const {
    return code_ == o.code_ && message_ == o.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string detail_;
};

// Common error factories. `detail` conventions:
//  - TableNotActive: detail = table name (HTTP renders `Table "<t>" does not exist`).
//  - ParseUnexpectedToken: detail = the token text (HTTP renders `Unexpected token: '<t>'`).
Status TableNotActive(std::string_view table);
Status ParseError(std::string message);
Status ParseUnexpectedToken(std::string_view token);
Status SubmitError(std::string message);
Status InternalError(std::string message);
Status IoError(std::string message);

// A value or an error. Modelled on std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error, or OK.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }
  // REQUIRES: !ok()
  const Status& error() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace quanta

// Propagates a non-OK Status from an expression returning Status.
#define QUANTA_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::quanta::Status _st = (expr);              \
    if (!_st.ok()) return _st;                  \
  } while (0)

#define QUANTA_CONCAT_INNER(a, b) a##b
#define QUANTA_CONCAT(a, b) QUANTA_CONCAT_INNER(a, b)

// Declares `lhs` from a Result<T> expression, returning its error if it failed.
#define QUANTA_ASSIGN_OR_RETURN(lhs, expr)                              \
  auto QUANTA_CONCAT(_res_, __LINE__) = (expr);                         \
  if (!QUANTA_CONCAT(_res_, __LINE__).ok())                             \
    return QUANTA_CONCAT(_res_, __LINE__).error();                      \
  lhs = std::move(QUANTA_CONCAT(_res_, __LINE__)).value()
