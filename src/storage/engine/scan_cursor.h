// The scan cursor of the storage engine (scan_cursor.cc).
#pragma once

#include <memory>
#include <string>

#include "storage/backend/backend.h"
#include "storage/engine/partition.h"
#include "storage/store.h"

namespace quanta::storage::internal {

// A cursor over the head keys [lower, upper) of the partition whose head keys start with
// `head_prefix`, and over the chunks that may hold rows of that range; rows outside `bounds`
// (the inclusive time bounds the key range was built from) are cut from chunks. Reads through
// one snapshot of `backend`, which must outlive the cursor.
std::unique_ptr<ScanCursor> NewScanCursor(Backend& backend, LayoutPtr layout,
                                          std::string head_prefix, Row partition,
                                          TimeBounds bounds, const ScanOptions& options,
                                          std::string lower, std::string upper);

}  // namespace quanta::storage::internal
