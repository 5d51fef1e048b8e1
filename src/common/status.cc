#include "common/status.h"

namespace quanta {

int RiakErrorCode(ErrorCode code) {
  if (code == ErrorCode::kMemoryLimit) return static_cast<int>(ErrorCode::kSubmit);
  if (code == ErrorCode::kNoSpace) return static_cast<int>(ErrorCode::kPut);
  int n = static_cast<int>(code);
  if (n >= 1000 && n < 2000) return n;
  return 0;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::to_string(static_cast<int>(code_)) + ": " + message_;
}

Status TableNotActive(std::string_view table) {
  return Status(ErrorCode::kTableInactive, std::string(table) + " is not an active table",
                std::string(table));
}

Status ParseError(std::string message) { return Status(ErrorCode::kParse, std::move(message)); }

Status ParseUnexpectedToken(std::string_view token) {
  return Status(ErrorCode::kParse, "Unexpected token '" + std::string(token) + "'",
                std::string(token));
}

Status SubmitError(std::string message) {
  return Status(ErrorCode::kSubmit, std::move(message));
}

Status InternalError(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}

Status IoError(std::string message) { return Status(ErrorCode::kIoError, std::move(message)); }

}  // namespace quanta
