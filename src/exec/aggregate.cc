#include "exec/aggregate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace quanta::exec {

namespace {
bool ArgIsDouble(const BoundAggregate& agg) { return agg.arg.type == ColumnType::kDouble; }

// MIN/MAX order on doubles: NaN above every number (as ORDER BY sorts it), so that the result
// does not depend on the order rows or sub-query states arrive in.
bool DoubleLess(double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; }

double DoubleSum(const AggState& s) {
  const ExactSum* d = s.dsum_if_any();
  return d ? d->Value() : 0.0;
}

void Welford(double x, AggState* s) {
  // count was already incremented for x.
  double delta = x - s->mean;
  s->mean += delta / static_cast<double>(s->count);
  s->m2 += delta * (x - s->mean);
}
}  // namespace

AggState& AggState::operator=(const AggState& o) {
  if (this == &o) return *this;
  count = o.count;
  isum = o.isum;
  has_minmax = o.has_minmax;
  imin = o.imin;
  imax = o.imax;
  dmin = o.dmin;
  dmax = o.dmax;
  mean = o.mean;
  m2 = o.m2;
  if (o.dsum_) {
    dsum() = *o.dsum_;
  } else {
    dsum_.reset();
  }
  return *this;
}

int64_t AggStateHeapBytes(const BoundAggregate& agg) {
  const bool double_sum = (agg.fn == AggFn::kSum || agg.fn == AggFn::kAvg) && ArgIsDouble(agg);
  return double_sum ? static_cast<int64_t>(sizeof(ExactSum)) + 16 : 0;
}

void AggUpdateCountStar(AggState* s, int64_t rows) { s->count += rows; }

void AggUpdateInt(const BoundAggregate& agg, int64_t v, AggState* s) {
  s->count++;
  switch (agg.fn) {
    case AggFn::kSum:
    case AggFn::kAvg:
      s->isum += v;
      break;
    case AggFn::kMin:
    case AggFn::kMax:
      if (!s->has_minmax) {
        s->imin = s->imax = v;
        s->has_minmax = true;
      } else {
        if (v < s->imin) s->imin = v;
        if (v > s->imax) s->imax = v;
      }
      break;
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop: Welford(static_cast<double>(v), s); break;
    default: break;
  }
}

void AggUpdateDouble(const BoundAggregate& agg, double v, AggState* s) {
  s->count++;
  switch (agg.fn) {
    case AggFn::kSum:
    case AggFn::kAvg: s->dsum().Add(v); break;
    case AggFn::kMin:
    case AggFn::kMax:
      if (!s->has_minmax) {
        s->dmin = s->dmax = v;
        s->has_minmax = true;
      } else {
        if (DoubleLess(v, s->dmin)) s->dmin = v;
        if (DoubleLess(s->dmax, v)) s->dmax = v;
      }
      break;
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop: Welford(v, s); break;
    default: break;
  }
}

namespace {
// Calls f(r) for every row in `rows` that is not NULL.
template <typename F>
void ForNonNull(const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows, F&& f) {
  if (nulls.empty()) {
    for (uint32_t r : rows) f(r);
  } else {
    for (uint32_t r : rows) {
      if (!nulls[r]) f(r);
    }
  }
}

void MinMaxDouble(double lo, double hi, AggState* s) {
  if (!s->has_minmax) {
    s->dmin = lo;
    s->dmax = hi;
    s->has_minmax = true;
    return;
  }
  // Strictly less / greater only: among equal values the earlier one stays.
  if (DoubleLess(lo, s->dmin)) s->dmin = lo;
  if (DoubleLess(s->dmax, hi)) s->dmax = hi;
}

// Adds the non-NULL values at `rows` to `sum` and returns how many there were: the same exact
// sum as ExactSum::Add one value at a time, for a fraction of the cost. The values of a run are
// binned by sign and exponent, each bin summing its values' integer significands in 64 bits
// (kRun significands below 2^53 cannot overflow it), and each non-empty bin goes into `sum` once
// per run. A run with an infinity or a NaN is added value by value (ExactSum counts those apart).
int64_t AddExactly(const std::vector<double>& values, const std::vector<uint8_t>& nulls,
                   std::span<const uint32_t> rows, ExactSum* sum) {
  constexpr size_t kRun = 2048;
  constexpr uint64_t kFraction = (uint64_t{1} << 52) - 1;
  // Indexed by the top 12 bits of a double (sign, biased exponent); all zero between runs.
  thread_local std::array<uint64_t, 4096> bins{};
  int64_t n = 0;
  // A short run (a group's rows of one batch) costs less added one by one than binned: the
  // bins' flush walks the run's whole exponent range.
  constexpr size_t kShortRun = 32;
  if (rows.size() < kShortRun) {
    ForNonNull(nulls, rows, [&](uint32_t r) {
      sum->Add(values[r]);
      ++n;
    });
    return n;
  }
  for (size_t start = 0; start < rows.size(); start += kRun) {
    const auto run = rows.subspan(start, std::min(kRun, rows.size() - start));
    // The range of exponents of the run's normal numbers (and infinities and NaNs): emin1 is
    // emin - 1, unsigned, so that e = 0 (zeros, subnormals: always flushed) never lowers it.
    uint32_t emin1 = 0xffffffff, emax = 0;
    int64_t run_n = 0;
    ForNonNull(nulls, run, [&](uint32_t r) {
      const uint64_t bits = std::bit_cast<uint64_t>(values[r]);
      const auto top = static_cast<uint32_t>(bits >> 52);
      const uint32_t e = top & 0x7ff;
      // The significand: the hidden bit for normal numbers, the fraction alone for zeros and
      // subnormals (whose scale is that of e = 1).
      bins[top] += (bits & kFraction) | (static_cast<uint64_t>(e != 0) << 52);
      emin1 = std::min(emin1, e - 1);
      emax = std::max(emax, e);
      ++run_n;
    });
    n += run_n;
    if (run_n == 0) continue;
    const bool special = emax == 0x7ff;
    auto flush = [&](uint32_t e) {
      for (uint32_t sign = 0; sign < 2; ++sign) {
        uint64_t& bin = bins[sign << 11 | e];
        if (bin != 0 && !special) sum->AddScaled(bin, e == 0 ? 0 : e - 1, sign != 0);
        bin = 0;
      }
    };
    flush(0);
    for (uint32_t e = emin1 + 1; e != 0 && e <= emax; ++e) flush(e);
    if (special) ForNonNull(nulls, run, [&](uint32_t r) { sum->Add(values[r]); });
  }
  return n;
}

// The MIN and MAX of the non-NULL values at `rows` into *s, and their count: one pass with the
// run's extremes in registers, then one update of the state. Equal values keep the earlier one
// (strict comparisons), as value by value; a run with a NaN goes value by value (NaN sorts above
// every number, which plain comparisons do not give).
void MinMaxDoubleRun(const std::vector<double>& values, const std::vector<uint8_t>& nulls,
                     std::span<const uint32_t> rows, AggState* s) {
  size_t i = 0;
  if (!nulls.empty()) {
    while (i < rows.size() && nulls[rows[i]]) ++i;
  }
  if (i == rows.size()) return;
  double lo = values[rows[i]], hi = lo;
  bool nan = lo != lo;
  int64_t n = 1;
  for (++i; i < rows.size(); ++i) {
    const uint32_t r = rows[i];
    if (!nulls.empty() && nulls[r]) continue;
    const double v = values[r];
    nan |= v != v;
    lo = v < lo ? v : lo;
    hi = hi < v ? v : hi;
    ++n;
  }
  if (nan) {
    ForNonNull(nulls, rows, [&](uint32_t r) { MinMaxDouble(values[r], values[r], s); });
  } else {
    MinMaxDouble(lo, hi, s);
  }
  s->count += n;
}

void MinMaxInt(int64_t lo, int64_t hi, AggState* s) {
  if (!s->has_minmax) {
    s->imin = lo;
    s->imax = hi;
    s->has_minmax = true;
    return;
  }
  if (lo < s->imin) s->imin = lo;
  if (hi > s->imax) s->imax = hi;
}
}  // namespace

void AggUpdateIntColumn(const BoundAggregate& agg, const std::vector<int64_t>& values,
                        const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                        AggState* s) {
  switch (agg.fn) {
    case AggFn::kSum:
    case AggFn::kAvg: {
      int64_t n = 0;
      __int128 sum = 0;
      ForNonNull(nulls, rows, [&](uint32_t r) {
        sum += values[r];
        ++n;
      });
      s->count += n;
      s->isum += sum;
      break;
    }
    case AggFn::kMin:
    case AggFn::kMax: {
      // The run's extremes in registers, then one update of the state.
      int64_t n = 0, lo = INT64_MAX, hi = INT64_MIN;
      ForNonNull(nulls, rows, [&](uint32_t r) {
        lo = std::min(lo, values[r]);
        hi = std::max(hi, values[r]);
        ++n;
      });
      if (n > 0) MinMaxInt(lo, hi, s);
      s->count += n;
      break;
    }
    default:
      ForNonNull(nulls, rows, [&](uint32_t r) { AggUpdateInt(agg, values[r], s); });
      break;
  }
}

void AggUpdateDoubleColumn(const BoundAggregate& agg, const std::vector<double>& values,
                           const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                           AggState* s) {
  switch (agg.fn) {
    case AggFn::kSum:
    case AggFn::kAvg: s->count += AddExactly(values, nulls, rows, &s->dsum()); break;
    case AggFn::kMin:
    case AggFn::kMax: MinMaxDoubleRun(values, nulls, rows, s); break;
    default:
      ForNonNull(nulls, rows, [&](uint32_t r) { AggUpdateDouble(agg, values[r], s); });
      break;
  }
}

void AggUpdateCountColumn(const std::vector<uint8_t>& nulls, std::span<const uint32_t> rows,
                          AggState* s) {
  int64_t n = 0;
  ForNonNull(nulls, rows, [&](uint32_t) { ++n; });
  s->count += n;
}

bool AggTakesSummaries(const BoundAggregate& agg) {
  switch (agg.fn) {
    case AggFn::kCountStar: return true;
    case AggFn::kCount:
    case AggFn::kSum:
    case AggFn::kAvg:
    case AggFn::kMin:
    case AggFn::kMax: return agg.arg.kind == BoundExpr::Kind::kColumn;
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop: return false;
  }
  return false;
}

void AggUpdateSummary(const BoundAggregate& agg, const storage::ColumnSummary& col,
                      uint64_t num_rows, AggState* s) {
  if (agg.fn == AggFn::kCountStar) {
    s->count += static_cast<int64_t>(num_rows);
    return;
  }
  if (col.count == 0) return;
  s->count += static_cast<int64_t>(col.count);
  const bool is_double = ArgIsDouble(agg);
  switch (agg.fn) {
    case AggFn::kSum:
    case AggFn::kAvg:
      if (is_double) {
        s->dsum().Merge(col.dsum);
      } else {
        s->isum += col.isum;
      }
      break;
    case AggFn::kMin:
    case AggFn::kMax:
      if (is_double) {
        MinMaxDouble(col.dmin, col.dmax, s);
      } else {
        MinMaxInt(col.imin, col.imax, s);
      }
      break;
    default: break;
  }
}

void AggUpdate(const BoundAggregate& agg, const Value& v, AggState* s) {
  if (agg.fn == AggFn::kCountStar) {
    s->count++;
    return;
  }
  if (v.is_null()) return;
  if (agg.fn == AggFn::kCount) {
    s->count++;
    return;
  }
  if (v.is_int()) {
    AggUpdateInt(agg, v.as_int(), s);
  } else if (v.is_double()) {
    AggUpdateDouble(agg, v.as_double(), s);
  }
}

void AggCombine(const BoundAggregate& agg, const AggState& from, AggState* into) {
  if (from.count == 0) return;
  if (into->count == 0) {
    *into = from;
    return;
  }
  int64_t n_a = into->count, n_b = from.count;
  into->isum += from.isum;
  if (const ExactSum* d = from.dsum_if_any()) into->dsum().Merge(*d);
  if (from.has_minmax) {
    if (!into->has_minmax) {
      into->imin = from.imin; into->imax = from.imax;
      into->dmin = from.dmin; into->dmax = from.dmax;
      into->has_minmax = true;
    } else {
      into->imin = std::min(into->imin, from.imin);
      into->imax = std::max(into->imax, from.imax);
      if (DoubleLess(from.dmin, into->dmin)) into->dmin = from.dmin;
      if (DoubleLess(into->dmax, from.dmax)) into->dmax = from.dmax;
    }
  }
  double n = static_cast<double>(n_a + n_b);
  double delta = from.mean - into->mean;
  into->mean += delta * static_cast<double>(n_b) / n;
  into->m2 += from.m2 + delta * delta * static_cast<double>(n_a) * static_cast<double>(n_b) / n;
  into->count = n_a + n_b;
}

double ExactIntMean(__int128 sum, int64_t count) {
  // The quotient fits int64 (a mean of int64 values); the remainder's share is below 1 in
  // magnitude. long double keeps the 64-bit quotient exact before the one rounding to double.
  __int128 q = sum / count;
  __int128 r = sum % count;
  long double mean = static_cast<long double>(static_cast<int64_t>(q)) +
                     static_cast<long double>(static_cast<int64_t>(r)) /
                         static_cast<long double>(count);
  return static_cast<double>(mean);
}

Result<Value> AggFinalize(const BoundAggregate& agg, const AggState& s) {
  switch (agg.fn) {
    case AggFn::kCount:
    case AggFn::kCountStar: return Value::Int(s.count);
    case AggFn::kSum:
      if (s.count == 0) return Value();
      if (ArgIsDouble(agg)) return Value::Double(DoubleSum(s));
      if (s.isum > INT64_MAX || s.isum < INT64_MIN) {
        return SubmitError("Overflow in SUM: the result does not fit a 64-bit integer.");
      }
      return Value::Int(static_cast<int64_t>(s.isum));
    case AggFn::kAvg:
      if (s.count == 0) return Value();
      // The correctly rounded sum, divided once.
      if (ArgIsDouble(agg)) return Value::Double(DoubleSum(s) / static_cast<double>(s.count));
      return Value::Double(ExactIntMean(s.isum, s.count));
    case AggFn::kMin:
      if (!s.has_minmax) return Value();
      return ArgIsDouble(agg) ? Value::Double(s.dmin) : Value::Int(s.imin);
    case AggFn::kMax:
      if (!s.has_minmax) return Value();
      return ArgIsDouble(agg) ? Value::Double(s.dmax) : Value::Int(s.imax);
    case AggFn::kStddevSamp:
      if (s.count < 2) return Value();
      return Value::Double(std::sqrt(s.m2 / static_cast<double>(s.count - 1)));
    case AggFn::kStddevPop:
      if (s.count < 1) return Value();
      return Value::Double(std::sqrt(s.m2 / static_cast<double>(s.count)));
  }
  return Value();
}

}  // namespace quanta::exec
