#include "storage/engine/put_outcome.h"

#include <string>

namespace quanta::storage::internal {

Status FailedPut(const Status& cause, size_t rows, size_t written) {
  if (written == 0 || written >= rows) return cause;
  return Status(ErrorCode::kPut, "Failed to put " + std::to_string(rows - written) + " record(s)",
                cause.ToString());
}

}  // namespace quanta::storage::internal
