// Time slices in the engine (schema/time_slices.h): a table quantum stored as `slices`
// partitions. The engine's keys floor the quantum element to a slice (TableLayout::keys); what
// callers give and get (ScanRange, ListPartitions) is floored to the table's quantum. These
// helpers translate between the two.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/status.h"
#include "storage/engine/partition.h"
#include "storage/store.h"

namespace quanta::storage::internal {

// The partitions (one range each, with the caller's time bounds) that hold the rows of
// `range`, a range of one table quantum, in key order: ascending time, or descending when the
// quantum column is DESC. Just `range` for a table without slices.
std::vector<ScanRange> SliceRanges(const TableLayout& l, const ScanRange& range);

// A cursor reading the cursors `open` makes for each range in turn.
using OpenCursorFn = std::function<Result<std::unique_ptr<ScanCursor>>(const ScanRange&)>;
std::unique_ptr<ScanCursor> ConcatCursor(std::vector<ScanRange> ranges, OpenCursorFn open);

// ListPartitions (store.h) for a table with slices: calls `list`, the listing of the engine's
// partitions, with the bounds and limits that cover the table quanta [quantum_lo, quantum_hi],
// and maps its answer back to table quanta, without duplicates, at most max + 1 of them.
using ListFn = std::function<Result<std::vector<Row>>(int64_t lo, int64_t hi, size_t max,
                                                      size_t max_steps)>;
Result<std::vector<Row>> ListTableQuanta(const TableLayout& l, int64_t quantum_lo,
                                         int64_t quantum_hi, size_t max, size_t max_steps,
                                         const ListFn& list);

}  // namespace quanta::storage::internal
