// Aggregate functions as small state machines: Init (default state), Update (one value or a
// typed column slice), Combine (merge a partial state, e.g. one sub-query's) and Finalize
// (riak_ts.md section 7.7, with Quanta's Q7: STDDEV_POP of one value is 0).
//
// SUM and AVG over SINT64/TIMESTAMP are exact: the sum is kept in 128 bits (2^63 values of
// magnitude < 2^63 cannot overflow it), AVG divides the exact sum, and a SUM whose result does
// not fit SINT64 is an error (1001 "Overflow in SUM"), never a wrapped number.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "common/value.h"
#include "exec/bound.h"

namespace quanta::exec {

struct AggState {
  int64_t count = 0;       // non-NULL values seen (rows for COUNT(*))
  __int128 isum = 0;       // SUM/AVG over integers, exact
  double dsum = 0;         // SUM/AVG over doubles
  bool has_minmax = false;
  int64_t imin = 0, imax = 0;
  double dmin = 0, dmax = 0;
  double mean = 0, m2 = 0; // Welford, for STDDEV*
};

// REQUIRES: v is NULL or of agg.arg.type's representation.
void AggUpdate(const BoundAggregate& agg, const Value& v, AggState* s);
void AggUpdateInt(const BoundAggregate& agg, int64_t v, AggState* s);
void AggUpdateDouble(const BoundAggregate& agg, double v, AggState* s);
void AggUpdateCountStar(AggState* s, int64_t rows);
void AggCombine(const BoundAggregate& agg, const AggState& from, AggState* into);
// The final value; an error when an integer SUM does not fit SINT64.
Result<Value> AggFinalize(const BoundAggregate& agg, const AggState& s);
// The mean of `count` integers whose exact sum is `sum`, correctly rounded to within an ulp.
double ExactIntMean(__int128 sum, int64_t count);

}  // namespace quanta::exec
