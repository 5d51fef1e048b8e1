// Executor: runs a planned SELECT over the store. Each sub-query is one range scan whose
// batches are filtered (vectorised), then projected, aggregated (partial state per sub-query,
// combined), grouped, or sorted with a bounded top-k for ORDER BY ... LIMIT.
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

struct ExecOptions {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int64_t max_returned_data_size = 10000000;
  int64_t sort_memory_budget_bytes = 256LL << 20;
  const std::atomic<bool>* cancelled = nullptr;
  // The request's memory reservation: sort buffers, groups and the result set grow it.
  // Null: not counted.
  MemoryReservation* memory = nullptr;
  size_t batch_rows = 1024;
};

struct ExecCounters {
  uint64_t rows_scanned = 0;
};

Result<ResultSet> ExecuteSelect(const BoundSelect& select, const std::vector<SubQuery>& plan,
                                storage::Store& store, const ExecOptions& options,
                                ExecCounters* counters);

}  // namespace quanta::exec
