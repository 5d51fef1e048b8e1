// Estimating a table's row count with bounded work (engine internals, see partition.h; the
// contract is Store::EstimateRows in store.h).
//
// Each key space of the table is walked from its start: chunk records (their header carries
// the chunk's row count, so a chunk costs one record read and no decoding) and head entries
// (a row counts one, a tombstone minus one: it hides one sealed row). A space whose walk ends
// within the limits is counted exactly. A walk cut short by the limits is extrapolated: the
// rest of the space holds rows in the proportion of its approximate size (the backend's, from
// its index, without reading it) to the approximate size of what was read.
#pragma once

#include "common/status.h"
#include "storage/backend/backend.h"
#include "storage/engine/partition.h"
#include "storage/store.h"

namespace quanta::storage::internal {

// Store::EstimateRows through one snapshot of `backend`.
Result<RowEstimate> EstimateTableRows(Backend& backend, const TableLayout& l,
                                      const RowEstimateLimits& limits);

}  // namespace quanta::storage::internal
