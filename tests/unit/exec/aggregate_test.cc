// Aggregate states: exact integer SUM/AVG (128-bit), overflow as an error, Combine of partial
// states (one per sub-query).
#include "exec/aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <vector>

namespace quanta::exec {
namespace {

BoundAggregate IntAgg(AggFn fn) {
  BoundAggregate a;
  a.fn = fn;
  a.arg.kind = BoundExpr::Kind::kColumn;
  a.arg.column = 0;
  a.arg.type = ColumnType::kSint64;
  return a;
}

TEST(AggregateTest, SumOfManyLargeValuesIsExactOrAnError) {
  BoundAggregate sum = IntAgg(AggFn::kSum), avg = IntAgg(AggFn::kAvg);
  AggState s_sum, s_avg;
  for (int i = 0; i < 10000; ++i) {
    AggUpdateInt(sum, 1000000000000000LL, &s_sum);
    AggUpdateInt(avg, 1000000000000000LL, &s_avg);
  }
  auto r = AggFinalize(sum, s_sum);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kSubmit);
  EXPECT_EQ(r.error().message(), "Overflow in SUM: the result does not fit a 64-bit integer.");
  auto a = AggFinalize(avg, s_avg);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->as_double(), 1e15);
}

TEST(AggregateTest, SumThatComesBackIntoRangeIsExact) {
  BoundAggregate sum = IntAgg(AggFn::kSum);
  AggState s;
  AggUpdateInt(sum, INT64_MAX, &s);
  AggUpdateInt(sum, INT64_MAX, &s);
  AggUpdateInt(sum, INT64_MIN, &s);
  AggUpdateInt(sum, INT64_MIN, &s);
  auto r = AggFinalize(sum, s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_int(), -2);
}

TEST(AggregateTest, SumAtTheLimitsFits) {
  BoundAggregate sum = IntAgg(AggFn::kSum);
  AggState hi, lo;
  AggUpdateInt(sum, INT64_MAX - 1, &hi);
  AggUpdateInt(sum, 1, &hi);
  AggUpdateInt(sum, INT64_MIN + 1, &lo);
  AggUpdateInt(sum, -1, &lo);
  EXPECT_EQ(AggFinalize(sum, hi)->as_int(), INT64_MAX);
  EXPECT_EQ(AggFinalize(sum, lo)->as_int(), INT64_MIN);
  AggUpdateInt(sum, 1, &hi);
  AggUpdateInt(sum, -1, &lo);
  EXPECT_FALSE(AggFinalize(sum, hi).ok());
  EXPECT_FALSE(AggFinalize(sum, lo).ok());
}

TEST(AggregateTest, AvgOfExtremesUsesTheExactSum) {
  BoundAggregate avg = IntAgg(AggFn::kAvg);
  AggState s;
  AggUpdateInt(avg, INT64_MAX, &s);
  AggUpdateInt(avg, INT64_MAX, &s);
  EXPECT_EQ(AggFinalize(avg, s)->as_double(), static_cast<double>(INT64_MAX));
  AggState n;
  AggUpdateInt(avg, INT64_MIN, &n);
  AggUpdateInt(avg, INT64_MIN, &n);
  AggUpdateInt(avg, INT64_MIN, &n);
  EXPECT_EQ(AggFinalize(avg, n)->as_double(), static_cast<double>(INT64_MIN));
}

TEST(AggregateTest, ExactIntMeanRoundsOnce) {
  EXPECT_EQ(ExactIntMean(7, 2), 3.5);
  EXPECT_EQ(ExactIntMean(-7, 2), -3.5);
  EXPECT_EQ(ExactIntMean(1, 3), 1.0 / 3.0);
  EXPECT_EQ(ExactIntMean(-1, 3), -1.0 / 3.0);
  // (INT64_MIN + 1 - 1 - 2) / 3, correctly rounded.
  __int128 sum = static_cast<__int128>(INT64_MIN + 1) - 1 - 2;
  EXPECT_EQ(ExactIntMean(sum, 3), -3.0744573456182584e18);
  // Epoch-millisecond timestamps: 10M rows of ~1.7e12 overflow int64, not the exact sum.
  __int128 big = static_cast<__int128>(1700000000000LL) * 10000000;
  EXPECT_EQ(ExactIntMean(big, 10000000), 1700000000000.0);
}

TEST(AggregateTest, CombineKeepsTheExactSum) {
  BoundAggregate sum = IntAgg(AggFn::kSum), avg = IntAgg(AggFn::kAvg);
  AggState total_sum, total_avg;
  for (int part = 0; part < 4; ++part) {
    AggState p_sum, p_avg;
    AggUpdateInt(sum, INT64_MAX, &p_sum);
    AggUpdateInt(avg, INT64_MAX, &p_avg);
    if (part % 2 == 1) {
      AggUpdateInt(sum, INT64_MIN, &p_sum);
      AggUpdateInt(avg, INT64_MIN, &p_avg);
    }
    AggCombine(sum, p_sum, &total_sum);
    AggCombine(avg, p_avg, &total_avg);
  }
  // 4 * MAX + 2 * MIN = 2 * MAX + 2 * (MAX + MIN) = 2 * MAX - 2: does not fit.
  EXPECT_FALSE(AggFinalize(sum, total_sum).ok());
  EXPECT_EQ(total_avg.count, 6);
  __int128 exact = 4 * static_cast<__int128>(INT64_MAX) + 2 * static_cast<__int128>(INT64_MIN);
  EXPECT_EQ(AggFinalize(avg, total_avg)->as_double(), ExactIntMean(exact, 6));
}

TEST(AggregateTest, MinMaxOfDoublesWithNanDoNotDependOnOrder) {
  BoundAggregate mn = IntAgg(AggFn::kMin), mx = IntAgg(AggFn::kMax);
  mn.arg.type = mx.arg.type = ColumnType::kDouble;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (bool nan_first : {true, false}) {
    AggState a, b;
    for (double v : nan_first ? std::vector<double>{nan, 2.0, -1.0} : std::vector<double>{2.0, -1.0, nan}) {
      AggUpdateDouble(mn, v, &a);
      AggUpdateDouble(mx, v, &b);
    }
    EXPECT_EQ(AggFinalize(mn, a)->as_double(), -1.0) << nan_first;
    EXPECT_TRUE(std::isnan(AggFinalize(mx, b)->as_double())) << nan_first;
  }
  // The same through Combine, in both orders.
  AggState p1, p2;
  AggUpdateDouble(mn, nan, &p1);
  AggUpdateDouble(mn, 5.0, &p2);
  AggState x = p1, y = p2;
  AggCombine(mn, p2, &x);
  AggCombine(mn, p1, &y);
  EXPECT_EQ(AggFinalize(mn, x)->as_double(), 5.0);
  EXPECT_EQ(AggFinalize(mn, y)->as_double(), 5.0);
}

BoundAggregate DoubleAgg(AggFn fn) {
  BoundAggregate a = IntAgg(fn);
  a.arg.type = ColumnType::kDouble;
  return a;
}

TEST(AggregateTest, DoubleSumIsExactAndOrderIndependent) {
  BoundAggregate sum = DoubleAgg(AggFn::kSum), avg = DoubleAgg(AggFn::kAvg);
  std::vector<double> v = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 1e16, 1.0, -1e16};
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(v.begin(), v.end(), rng);
    AggState s, a, parts[3];
    for (size_t i = 0; i < v.size(); ++i) {
      AggUpdateDouble(sum, v[i], &s);
      AggUpdateDouble(avg, v[i], &a);
      AggUpdateDouble(sum, v[i], &parts[i % 3]);
    }
    AggState combined;
    for (const auto& p : parts) AggCombine(sum, p, &combined);
    // 0.1 ten times is 1.0000000000000000555 exactly: 2.0 after the 1e16s cancel.
    EXPECT_EQ(AggFinalize(sum, s)->as_double(), 2.0);
    EXPECT_EQ(AggFinalize(sum, combined)->as_double(), 2.0);
    EXPECT_EQ(AggFinalize(avg, a)->as_double(), 2.0 / 13);
  }
}

// The column kernel, called many times on the same states (a group's rows of each batch), must
// give exactly what adding the values one by one to an ExactSum gives, whatever their
// magnitudes (the exponent range moving from piece to piece), however the rows are cut into
// calls, and through copies and combines of the states.
TEST(AggregateTest, DoubleColumnKernelAcrossCallsAndCombinesIsExact) {
  std::mt19937_64 rng(23);
  BoundAggregate sum = DoubleAgg(AggFn::kSum);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 1 + rng() % 6000;
    std::vector<double> values(n);
    for (size_t i = 0; i < n; ++i) {
      switch ((round + i / 500) % 5) {  // regimes change within a round
        case 0: values[i] = static_cast<double>(static_cast<int64_t>(rng() % 20001) - 10000) / 100; break;
        case 1: values[i] = std::ldexp(static_cast<double>(rng() >> 11), -53 + static_cast<int>(rng() % 80)); break;
        case 2: values[i] = std::nextafter(2.0, 0.0) * (rng() % 2 ? 1 : -1); break;  // full bins
        case 3: values[i] = std::ldexp(1.0, static_cast<int>(rng() % 2000) - 1000); break;
        default: values[i] = rng() % 50 == 0 ? 0.0 : 1e-310 * static_cast<double>(rng() % 7); break;
      }
    }
    std::vector<uint32_t> all(n);
    for (uint32_t i = 0; i < n; ++i) all[i] = i;
    // Two states fed alternately in pieces of 1-100 rows; one is copied half-way.
    AggState a, b;
    ExactSum want_a, want_b;
    std::optional<AggState> copy;
    ExactSum want_copy;
    bool to_a = true;
    for (size_t at = 0; at < n;) {
      const size_t len = std::min<size_t>(n - at, 1 + rng() % 100);
      std::span<const uint32_t> piece(all.data() + at, len);
      AggUpdateDoubleColumn(sum, values, {}, piece, to_a ? &a : &b);
      for (uint32_t r : piece) (to_a ? want_a : want_b).Add(values[r]);
      if (!copy && at > n / 2) {
        copy = a;
        want_copy = want_a;
      }
      at += len;
      to_a = rng() % 3 != 0;
    }
    AggState combined = b;
    AggCombine(sum, a, &combined);
    ExactSum want_combined = want_b;
    want_combined.Merge(want_a);
    auto got = [](const AggState& s) { return s.dsum_if_any() ? *s.dsum_if_any() : ExactSum(); };
    EXPECT_TRUE(got(a) == want_a) << round;
    EXPECT_TRUE(got(b) == want_b) << round;
    EXPECT_TRUE(got(combined) == want_combined) << round;
    if (copy) EXPECT_TRUE(got(*copy) == want_copy) << round;
    EXPECT_EQ(std::bit_cast<uint64_t>(AggFinalize(sum, combined)->as_double()),
              std::bit_cast<uint64_t>(want_combined.Value()))
        << round;
  }
}

// The column kernel sums significands in bins by sign and exponent; it must give exactly what
// adding the values one by one to an ExactSum gives, whatever their magnitudes.
TEST(AggregateTest, DoubleColumnKernelSumsExactly) {
  std::mt19937_64 rng(11);
  BoundAggregate sum = DoubleAgg(AggFn::kSum);
  auto gen = [&](int regime) -> double {
    std::uniform_real_distribution<double> u(-1, 1);
    switch (regime) {
      case 0: return std::round(u(rng) * 10000) / 100;                 // 2-decimal values
      case 1: return std::ldexp(u(rng), static_cast<int>(rng() % 60));  // span just under 64
      case 2: return std::ldexp(u(rng), static_cast<int>(rng() % 200) - 100);  // wide
      case 3: return rng() % 3 == 0 ? 0.0 : -0.0;                      // zeros only
      case 4: return rng() % 50 == 0 ? 5e-324 * static_cast<double>(rng() % 100) : u(rng);
      case 5: return std::ldexp(u(rng), 1000 + static_cast<int>(rng() % 23));  // near the top
      case 6: return std::ldexp(u(rng), -1020 - static_cast<int>(rng() % 40));  // tiny
      case 7:  // infinities and NaNs among ordinary values
        switch (rng() % 40) {
          case 0: return std::numeric_limits<double>::infinity();
          case 1: return -std::numeric_limits<double>::infinity();
          case 2: return std::numeric_limits<double>::quiet_NaN();
          default: return u(rng);
        }
      case 8:  // the largest significands of one exponent: a full bin must not overflow
        return std::nextafter(2.0, 0.0);
      default: return std::nextafter(std::numeric_limits<double>::max(), 0.0);  // the top
    }
  };
  for (int round = 0; round < 300; ++round) {
    const int regime = round % 10;
    const size_t n = 1 + rng() % 3000;
    std::vector<double> values(n);
    std::vector<uint8_t> nulls(round % 2 ? n : 0);
    for (size_t i = 0; i < n; ++i) {
      values[i] = gen(regime);
      if (!nulls.empty()) nulls[i] = rng() % 5 == 0;
    }
    std::vector<uint32_t> rows;
    for (uint32_t i = 0; i < n; ++i) {
      if (rng() % 4 != 0) rows.push_back(i);
    }
    AggState kernel;
    AggUpdateDoubleColumn(sum, values, nulls, rows, &kernel);
    ExactSum reference;
    int64_t count = 0;
    for (uint32_t r : rows) {
      if (!nulls.empty() && nulls[r]) continue;
      reference.Add(values[r]);
      ++count;
    }
    EXPECT_EQ(kernel.count, count) << round;
    ExactSum got = kernel.dsum_if_any() ? *kernel.dsum_if_any() : ExactSum();
    EXPECT_TRUE(got == reference) << "regime " << regime << " round " << round;
    EXPECT_EQ(std::bit_cast<uint64_t>(got.Value()), std::bit_cast<uint64_t>(reference.Value()));
  }
}

// The MIN/MAX column kernel gives what AggUpdateDouble value by value gives, bit for bit: NaN
// above every number, and among values that compare equal (-0.0, 0.0) the first one seen.
TEST(AggregateTest, DoubleMinMaxKernelMatchesValueByValue) {
  std::mt19937_64 rng(5);
  const double specials[] = {0.0, -0.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(), 1.5, -1.5};
  for (AggFn fn : {AggFn::kMin, AggFn::kMax}) {
    BoundAggregate agg = DoubleAgg(fn);
    for (int round = 0; round < 200; ++round) {
      const size_t n = 1 + rng() % 300;
      std::vector<double> values(n);
      std::vector<uint8_t> nulls(round % 2 ? n : 0);
      for (size_t i = 0; i < n; ++i) {
        values[i] = rng() % 2 ? specials[rng() % 7] : static_cast<double>(rng() % 7) - 3;
        // Half the runs without NaN: the kernel's one-pass path (with -0.0 and 0.0 as equals,
        // of which the earlier must stay).
        if (round % 4 < 2 && std::isnan(values[i])) values[i] = round % 8 < 4 ? -0.0 : 0.0;
        if (!nulls.empty()) nulls[i] = rng() % 5 == 0;
      }
      std::vector<uint32_t> rows;
      for (uint32_t i = 0; i < n; ++i) {
        if (rng() % 4 != 0) rows.push_back(i);
      }
      AggState kernel, reference;
      if (round % 3 == 0) {  // a state that already holds values
        AggUpdateDouble(agg, -0.0, &kernel);
        AggUpdateDouble(agg, -0.0, &reference);
      }
      AggUpdateDoubleColumn(agg, values, nulls, rows, &kernel);
      for (uint32_t r : rows) {
        if (nulls.empty() || !nulls[r]) AggUpdateDouble(agg, values[r], &reference);
      }
      EXPECT_EQ(kernel.count, reference.count);
      EXPECT_EQ(kernel.has_minmax, reference.has_minmax);
      EXPECT_EQ(std::bit_cast<uint64_t>(kernel.dmin), std::bit_cast<uint64_t>(reference.dmin));
      EXPECT_EQ(std::bit_cast<uint64_t>(kernel.dmax), std::bit_cast<uint64_t>(reference.dmax));
    }
  }
}

TEST(AggregateTest, IntMinMaxKernelMatchesValueByValue) {
  std::mt19937_64 rng(6);
  for (AggFn fn : {AggFn::kMin, AggFn::kMax}) {
    BoundAggregate agg = IntAgg(fn);
    for (int round = 0; round < 200; ++round) {
      const size_t n = 1 + rng() % 300;
      std::vector<int64_t> values(n);
      std::vector<uint8_t> nulls(round % 2 ? n : 0);
      for (size_t i = 0; i < n; ++i) {
        const int64_t extremes[] = {INT64_MIN, INT64_MAX, 0, -1};
        values[i] = rng() % 8 == 0 ? extremes[rng() % 4] : static_cast<int64_t>(rng() % 1000) - 500;
        if (!nulls.empty()) nulls[i] = rng() % 3 == 0;
      }
      std::vector<uint32_t> rows;
      for (uint32_t i = 0; i < n; ++i) {
        if (rng() % 4 != 0) rows.push_back(i);
      }
      AggState kernel, reference;
      if (round % 3 == 0) {  // a state that already holds a value
        AggUpdateInt(agg, 7, &kernel);
        AggUpdateInt(agg, 7, &reference);
      }
      AggUpdateIntColumn(agg, values, nulls, rows, &kernel);
      for (uint32_t r : rows) {
        if (nulls.empty() || !nulls[r]) AggUpdateInt(agg, values[r], &reference);
      }
      EXPECT_EQ(kernel.count, reference.count);
      EXPECT_EQ(kernel.has_minmax, reference.has_minmax);
      if (reference.has_minmax) {
        EXPECT_EQ(kernel.imin, reference.imin);
        EXPECT_EQ(kernel.imax, reference.imax);
      }
    }
  }
}

TEST(AggregateTest, EmptyStatesFinalizeToNullOrZero) {
  AggState s;
  EXPECT_TRUE(AggFinalize(IntAgg(AggFn::kSum), s)->is_null());
  EXPECT_TRUE(AggFinalize(IntAgg(AggFn::kAvg), s)->is_null());
  EXPECT_EQ(AggFinalize(IntAgg(AggFn::kCount), s)->as_int(), 0);
}

}  // namespace
}  // namespace quanta::exec
