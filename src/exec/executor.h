// Executor: runs a planned SELECT over the store. Each sub-query is one range scan whose
// batches are filtered (vectorised), then projected, aggregated, grouped, or sorted with a
// bounded top-k for ORDER BY ... LIMIT.
//
// Every sub-query builds its own partial result (its rows, its aggregate states, its group
// table in first-seen order, its top-k), and the partials are merged strictly in plan order:
// rows are streamed in plan order, groups come out in first-seen order over the plan, and every
// aggregate (STDDEV's combined running means included) is the same whichever thread ran which
// sub-query and when. With a ScanPool, sub-queries run in parallel (the query's own thread runs
// them too, so it never waits for a pool thread); without one they run one after the other.
// Both give the same bytes.
//
// LIMIT without ORDER BY stops early: the first sub-query runs alone, and only if it falls short
// do others run ahead of the one being merged, at most one per thread; each stops once it holds
// the rows the limit can still take.
//
// Errors: a failing sub-query cancels those after it; the error returned is the failing
// sub-query's that comes first in plan order (data errors such as "Divide by zero" are thus the
// same as a sequential run's). Resource limits (memory, the sort budget) are counted over what
// the query holds at once, which with parallel sub-queries can be more than one at a time.
//
// Limits (riak_ts.md 7.10): the deadline (1013), the projected result size (1022), the sort
// memory budget (1023); `cancelled` stops the scans.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "common/memory.h"
#include "common/result_set.h"
#include "common/status.h"
#include "exec/bound.h"
#include "storage/store.h"

namespace quanta::exec {

class ScanPool;

struct ExecOptions {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int64_t max_returned_data_size = 10000000;
  int64_t sort_memory_budget_bytes = 256LL << 20;
  const std::atomic<bool>* cancelled = nullptr;
  // The request's memory reservation: sort buffers, groups and the result set grow it.
  // Null: not counted.
  MemoryReservation* memory = nullptr;
  size_t batch_rows = 1024;
  // Runs sub-queries in parallel (shared by all queries; the query uses at most
  // pool->threads() of its threads besides its own). Null: one after the other.
  ScanPool* pool = nullptr;
};

struct ExecCounters {
  uint64_t rows_scanned = 0;
};

Result<ResultSet> ExecuteSelect(const BoundSelect& select, const std::vector<SubQuery>& plan,
                                storage::Store& store, const ExecOptions& options,
                                ExecCounters* counters);

}  // namespace quanta::exec
