// GroupedUpdate: the aggregates of a GROUP BY updated a column at a time over the rows of a
// batch, whichever groups they belong to, instead of group by group over per-group row lists.
//
// Every aggregate over a plain INTEGER, TIMESTAMP or DOUBLE column (and COUNT(*)) is updated
// row by row in row order, through the same AggUpdateInt / AggUpdateDouble as elsewhere, so
// each group's state ends as it would value by value. SUM and AVG over a DOUBLE column are
// staged: each group has bins of 64-bit significand sums by sign and exponent (a window of
// kWindow exponents), filled across batches and added to the group's exact sum when the group
// has had kMaxStagedRows rows since the last time, when the window moves, and at Flush(). The
// exact sum does not depend on the order values arrive in, so the result is the same. Values
// outside the window (subnormals, infinities, NaN, far exponents) go straight to the exact sum.
//
// Not thread-safe: one per worker and sub-query.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "exec/aggregate.h"
#include "exec/bound.h"
#include "storage/batch.h"

namespace quanta::exec {

class GroupedUpdate {
 public:
  // Exponents per bin window: values from 2^e to 2^(e+16) share one group's bins. Small, so
  // that the bins of a hundred groups stay in the first-level cache (with 32, layout B's Q5
  // was no faster than updating group by group; with 16, 11-22% faster).
  static constexpr uint32_t kWindow = 16;
  // Significands are below 2^53, so 64-bit bins hold the sum of 2^11 of them.
  static constexpr uint32_t kMaxStagedRows = 2048;
  // Runs in a row that may move the window (see StageRun).
  static constexpr uint32_t kMaxRebases = 3;
  // Bytes of bins at most (the groups beyond it add to their exact sums directly).
  static constexpr size_t kMaxBinBytes = size_t{1} << 20;
  // Bins per group: both signs' windows, and a cache line more, so that the bins of groups
  // 8 apart do not share their addresses modulo 4 KiB (the CPU would take a load of one for a
  // store to the other, and wait).
  static constexpr size_t kGroupStride = 2 * kWindow + 8;

  explicit GroupedUpdate(const std::vector<BoundAggregate>& aggs);

  // Whether aggregate `a` is updated by Update (otherwise the caller updates it per group).
  bool Handles(size_t a) const { return handles_[a]; }
  bool HandlesAll() const { return handles_all_; }

  // Updates every handled aggregate with rows[k] of `b`, which belongs to the group whose
  // states (one per aggregate) start at states[gid[k]]. REQUIRES: rows and gid of equal size,
  // every gid below states.size(), the same group numbering for the whole sub-query.
  void Update(const storage::RowBatch& b, std::span<const uint32_t> rows,
              std::span<const uint32_t> gid, std::span<AggState* const> states);

  // Adds every staged sum to its group's state: call before the states are read.
  void Flush(std::span<AggState* const> states);

 private:
  // One SUM or AVG over a DOUBLE column.
  struct Stage {
    size_t agg = 0;
    uint32_t base = 0;           // biased exponent of each window's first bin; 0: none yet
    uint32_t rebases = 0;        // windows placed again in a row (runs that mostly missed)
    std::vector<uint64_t> bins;  // [group * kGroupStride + sign * kWindow + exponent - base]
  };

  void Grow(size_t groups);
  // Adds group g's bins of one stage to its exact sum (`states`: the group's) and zeroes them.
  void EmptyBins(Stage* st, size_t g, AggState* states);
  void FlushGroup(size_t g, AggState* states);
  void FlushStage(Stage* st, std::span<AggState* const> states);
  // `nulls`: the column's NULL flags, or nullptr when it has none.
  void StageRun(Stage* st, const storage::ColumnVector& col, const uint8_t* nulls,
                std::span<const uint32_t> rows, std::span<const uint32_t> gid,
                std::span<AggState* const> states);

  const std::vector<BoundAggregate>& aggs_;
  std::vector<bool> handles_;
  bool handles_all_ = true;
  std::vector<Stage> stages_;
  size_t staged_groups_ = 0;           // groups with bins (the first ones)
  size_t max_staged_groups_ = 0;       // what kMaxBinBytes allows
  std::vector<uint32_t> staged_rows_;  // per group with bins: rows since its bins were emptied
  std::vector<uint32_t> run_rows_;     // per group: rows in the current run
  std::vector<uint32_t> touched_;      // groups with rows in the current run
  std::vector<double> run_lo_, run_hi_;  // per group: MIN / MAX of a double column in the run
  std::vector<uint32_t> miss_;         // StageRun: the values that missed the bins
};

}  // namespace quanta::exec
