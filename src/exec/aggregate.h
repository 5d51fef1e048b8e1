// Aggregate functions as small state machines: Init (default state), Update (one value or a
// typed column slice), Combine (merge a partial state, e.g. one sub-query's) and Finalize
// (riak_ts.md section 7.7, with Quanta's Q7: STDDEV_POP of one value is 0).
//
// SUM and AVG over SINT64/TIMESTAMP are exact: the sum is kept in 128 bits (2^63 values of
// magnitude < 2^63 cannot overflow it), AVG divides the exact sum, and a SUM whose result does
// not fit SINT64 is an error (1001 "Overflow in SUM"), never a wrapped number.
//
// SUM and AVG over DOUBLE are exact too (common/exact_sum.h): the sum is kept exactly and
// rounded once when finalized, so the result does not depend on the order rows, batches,
// chunks or sub-queries arrive in; AVG is that correctly rounded sum divided by the count.
// STDDEV keeps Welford's running mean and M2, whose last bits depend on the order states are
// built and combined: callers combine partial states in a fixed order (plan order).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/exact_sum.h"
#include "common/status.h"
#include "common/value.h"
#include "exec/bound.h"
#include "storage/batch.h"

namespace quanta::exec {

struct AggState {
  int64_t count = 0;       // non-NULL values seen (rows for COUNT(*))
  __int128 isum = 0;       // SUM/AVG over integers, exact
  bool has_minmax = false;
  int64_t imin = 0, imax = 0;
  double dmin = 0, dmax = 0;
  double mean = 0, m2 = 0; // Welford, for STDDEV*

  AggState() = default;
  AggState(const AggState& o) { *this = o; }
  AggState(AggState&&) noexcept = default;
  AggState& operator=(const AggState& o);
  AggState& operator=(AggState&&) noexcept = default;

  // SUM/AVG over doubles, exact. Allocated on first use: an ExactSum is 536 bytes and most
  // states (COUNT, MIN, MAX, integer sums, every group's other aggregates) never need one.
  ExactSum& dsum() {
    if (!dsum_) dsum_ = std::make_unique<ExactSum>();
    return *dsum_;
  }
  const ExactSum* dsum_if_any() const { return dsum_.get(); }

 private:
  std::unique_ptr<ExactSum> dsum_;
};

// Heap bytes a state of `agg` may hold beyond sizeof(AggState) (the exact double sum), for
// memory accounting.
int64_t AggStateHeapBytes(const BoundAggregate& agg);

// REQUIRES: v is NULL or of agg.arg.type's representation.
void AggUpdate(const BoundAggregate& agg, const Value& v, AggState* s);
void AggUpdateInt(const BoundAggregate& agg, int64_t v, AggState* s);
void AggUpdateDouble(const BoundAggregate& agg, double v, AggState* s);
void AggUpdateCountStar(AggState* s, int64_t rows);
// Column kernels: the same as AggUpdateInt / AggUpdateDouble (or, for COUNT, counting) for the
// non-NULL entries at `rows` of a typed column vector; `nulls` empty means no NULLs.
void AggUpdateIntColumn(const BoundAggregate& agg, const std::vector<int64_t>& values,
                        const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                        AggState* s);
void AggUpdateDoubleColumn(const BoundAggregate& agg, const std::vector<double>& values,
                           const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                           AggState* s);
void AggUpdateCountColumn(const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                          AggState* s);
// Whether a summary batch (storage/batch.h) can stand for its rows in `agg`: COUNT(*), or
// COUNT/SUM/AVG/MIN/MAX of a plain column.
bool AggTakesSummaries(const BoundAggregate& agg);
// Folds `num_rows` rows described by `col` (the summary of agg's column; unused for COUNT(*))
// into `s`, with the same result as updating with each row in order.
// REQUIRES: AggTakesSummaries(agg).
void AggUpdateSummary(const BoundAggregate& agg, const storage::ColumnSummary& col,
                      uint64_t num_rows, AggState* s);
void AggCombine(const BoundAggregate& agg, const AggState& from, AggState* into);
// The final value; an error when an integer SUM does not fit SINT64.
Result<Value> AggFinalize(const BoundAggregate& agg, const AggState& s);
// The mean of `count` integers whose exact sum is `sum`, correctly rounded to within an ulp.
double ExactIntMean(__int128 sum, int64_t count);

}  // namespace quanta::exec
