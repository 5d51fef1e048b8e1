// GroupedUpdate against the value-by-value updates it stands for: every aggregate of every
// group ends in the same state (the exact sums equal, MIN/MAX and STDDEV bit for bit), over
// batches of random rows spread over random groups, with NULLs, a row filter, values that miss
// the bins (NaN, infinities, subnormals, zeros, far exponents), more rows per group than the
// bins hold, values that move the window, and more groups than get bins.
#include "exec/group_update.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace quanta::exec {
namespace {

using storage::ColumnVector;
using storage::RowBatch;

constexpr int kDoubleColumn = 0;
constexpr int kIntColumn = 1;

BoundAggregate Agg(AggFn fn, int column, ColumnType type) {
  BoundAggregate a;
  a.fn = fn;
  a.arg.kind = BoundExpr::Kind::kColumn;
  a.arg.column = column;
  a.arg.type = type;
  return a;
}

std::vector<BoundAggregate> AllAggregates() {
  std::vector<BoundAggregate> aggs;
  for (AggFn fn : {AggFn::kSum, AggFn::kAvg, AggFn::kMin, AggFn::kMax, AggFn::kCount,
                   AggFn::kStddevSamp}) {
    aggs.push_back(Agg(fn, kDoubleColumn, ColumnType::kDouble));
    aggs.push_back(Agg(fn, kIntColumn, ColumnType::kSint64));
  }
  BoundAggregate star;
  star.fn = AggFn::kCountStar;
  aggs.push_back(star);
  // An aggregate over an expression: left to the caller.
  BoundAggregate expr = Agg(AggFn::kSum, kDoubleColumn, ColumnType::kDouble);
  expr.arg.kind = BoundExpr::Kind::kNegate;
  aggs.push_back(expr);
  return aggs;
}

// How the double values of a test are drawn.
// kSpecials: kAdversarial's values without NaN (infinities, signed zeros, subnormals);
// kRareNaN: the same with a NaN now and then, so that some runs have one and others not.
enum class Values {
  kDecimals,
  kAdversarial,
  kSpecials,
  kRareNaN,
  kZerosAndPositives,  // MIN is a zero: which one, 0.0 or -0.0, is the earlier's
  kZerosAndNegatives,  // MAX is
  kDrifting,
  kWide,
  kFullSignificands
};

double Draw(Values kind, std::mt19937_64& rng, size_t batch) {
  std::uniform_real_distribution<double> unit(0, 1);
  switch (kind) {
    case Values::kDecimals:
      return std::round(unit(rng) * 10000) / 100;  // 0.00 .. 100.00, the benchmark's shape
    case Values::kDrifting:
      // Each batch 2^10 times larger than the one before: the window has to move.
      return std::ldexp(1 + unit(rng), static_cast<int>(10 * batch) - 40) *
             (unit(rng) < 0.3 ? -1 : 1);
    case Values::kWide:
      return std::ldexp(unit(rng), static_cast<int>(rng() % 200) - 100);
    case Values::kFullSignificands:
      return std::nextafter(2.0, 0.0);  // significand 2^53 - 1
    case Values::kZerosAndPositives:
    case Values::kZerosAndNegatives:
      if (rng() % 4 == 0) return rng() % 2 ? 0.0 : -0.0;
      return (kind == Values::kZerosAndPositives ? 1 : -1) * (0.5 + unit(rng));
    case Values::kRareNaN:
      if (rng() % 3000 == 0) return std::numeric_limits<double>::quiet_NaN();
      return Draw(Values::kSpecials, rng, batch);
    case Values::kAdversarial:
    case Values::kSpecials:
      break;
  }
  switch (kind == Values::kSpecials ? 1 + rng() % 11 : rng() % 12) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return -std::numeric_limits<double>::infinity();
    case 3: return 0.0;
    case 4: return -0.0;
    case 5: return std::numeric_limits<double>::denorm_min() * static_cast<double>(rng() % 1000);
    case 6: return std::numeric_limits<double>::max() * (unit(rng) - 0.5);
    case 7: return std::ldexp(unit(rng), static_cast<int>(rng() % 2000) - 1000);
    default: return (unit(rng) - 0.3) * 1000;
  }
}

struct Case {
  Values values = Values::kDecimals;
  size_t groups = 100;
  size_t batches = 6;
  size_t rows = 4100;     // per batch
  double null_rate = 0;   // of each column
  bool filter = false;    // only some rows selected
  uint64_t seed = 1;
};

void ExpectSameState(const AggState& want, const AggState& got, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(want.count, got.count);
  EXPECT_TRUE(want.isum == got.isum);
  EXPECT_EQ(want.has_minmax, got.has_minmax);
  EXPECT_EQ(want.imin, got.imin);
  EXPECT_EQ(want.imax, got.imax);
  EXPECT_EQ(std::bit_cast<uint64_t>(want.dmin), std::bit_cast<uint64_t>(got.dmin));
  EXPECT_EQ(std::bit_cast<uint64_t>(want.dmax), std::bit_cast<uint64_t>(got.dmax));
  EXPECT_EQ(std::bit_cast<uint64_t>(want.mean), std::bit_cast<uint64_t>(got.mean));
  EXPECT_EQ(std::bit_cast<uint64_t>(want.m2), std::bit_cast<uint64_t>(got.m2));
  const ExactSum zero;
  const ExactSum& w = want.dsum_if_any() ? *want.dsum_if_any() : zero;
  const ExactSum& g = got.dsum_if_any() ? *got.dsum_if_any() : zero;
  EXPECT_TRUE(w == g) << w.Value() << " != " << g.Value();
}

void RunCase(const Case& c) {
  const std::vector<BoundAggregate> aggs = AllAggregates();
  std::mt19937_64 rng(c.seed);
  std::vector<std::vector<AggState>> want(c.groups, std::vector<AggState>(aggs.size()));
  std::vector<std::vector<AggState>> got(c.groups, std::vector<AggState>(aggs.size()));
  GroupedUpdate update(aggs);
  ASSERT_FALSE(update.HandlesAll());  // the expression
  for (size_t a = 0; a + 1 < aggs.size(); ++a) EXPECT_TRUE(update.Handles(a)) << a;
  // Groups appear over the batches (the sub-query finds them as it goes).
  std::vector<AggState*> states;
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t batch = 0; batch < c.batches; ++batch) {
    RowBatch b;
    b.columns.resize(2);
    ColumnVector& d = b.columns[kDoubleColumn];
    ColumnVector& i = b.columns[kIntColumn];
    d.type = ColumnType::kDouble;
    i.type = ColumnType::kSint64;
    d.filled = i.filled = true;
    const size_t known = std::clamp<size_t>(
        (batch + 1) * c.groups / std::max<size_t>(1, c.batches - 1), 1, c.groups);
    while (states.size() < known) states.push_back(got[states.size()].data());
    std::vector<uint32_t> rows, gid;
    for (size_t r = 0; r < c.rows; ++r) {
      d.doubles.push_back(Draw(c.values, rng, batch));
      i.ints.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
      // Flags always present (as storage gives them), set at the NULL rate.
      d.nulls.push_back(unit(rng) < c.null_rate);
      i.nulls.push_back(unit(rng) < c.null_rate);
      if (c.filter && rng() % 3 == 0) continue;
      rows.push_back(static_cast<uint32_t>(r));
      // Mostly round robin (time-major rows of many series), sometimes any group.
      gid.push_back(static_cast<uint32_t>(rng() % 4 == 0 ? rng() % known : r % known));
    }
    b.num_rows = c.rows;
    update.Update(b, rows, gid, states);
    for (size_t k = 0; k < rows.size(); ++k) {
      const uint32_t r = rows[k];
      for (size_t a = 0; a + 1 < aggs.size(); ++a) {
        AggState* s = &want[gid[k]][a];
        if (aggs[a].fn == AggFn::kCountStar) {
          AggUpdateCountStar(s, 1);
          continue;
        }
        const ColumnVector& col = b.columns[aggs[a].arg.column];
        if (col.nulls[r]) continue;
        if (aggs[a].fn == AggFn::kCount) {
          s->count++;
        } else if (aggs[a].arg.type == ColumnType::kDouble) {
          AggUpdateDouble(aggs[a], col.doubles[r], s);
        } else {
          AggUpdateInt(aggs[a], col.ints[r], s);
        }
      }
    }
  }
  update.Flush(states);
  for (size_t g = 0; g < c.groups; ++g) {
    for (size_t a = 0; a + 1 < aggs.size(); ++a) {
      ExpectSameState(want[g][a], got[g][a], "group " + std::to_string(g) + " aggregate " +
                                                 std::to_string(a));
    }
  }
}

TEST(GroupUpdateTest, DecimalsOfManySeries) { RunCase({}); }

TEST(GroupUpdateTest, NullsAndAFilter) {
  Case c;
  c.null_rate = 0.2;
  c.filter = true;
  c.seed = 2;
  RunCase(c);
}

TEST(GroupUpdateTest, ValuesThatMissTheBins) {
  Case c;
  c.values = Values::kAdversarial;
  c.null_rate = 0.05;
  c.seed = 3;
  RunCase(c);
}

// Without NULLs MIN and MAX take a run's extremes per group first: signed zeros (the earlier
// of equal values stays), infinities, and NaN (the run then goes value by value).
TEST(GroupUpdateTest, SpecialValuesWithoutNulls) {
  Case c;
  c.values = Values::kSpecials;
  c.seed = 8;
  RunCase(c);
}

TEST(GroupUpdateTest, SignedZerosWithoutNulls) {
  for (Values v : {Values::kZerosAndPositives, Values::kZerosAndNegatives}) {
    Case c;
    c.values = v;
    c.seed = 10;
    RunCase(c);
  }
}

TEST(GroupUpdateTest, ARareNaNWithoutNulls) {
  Case c;
  c.values = Values::kRareNaN;
  c.batches = 10;
  c.seed = 9;
  RunCase(c);
}

TEST(GroupUpdateTest, TheWindowMovesWithTheValues) {
  Case c;
  c.values = Values::kDrifting;
  c.batches = 10;
  c.seed = 4;
  RunCase(c);
}

TEST(GroupUpdateTest, ExponentsWiderThanTheWindow) {
  Case c;
  c.values = Values::kWide;
  c.seed = 5;
  RunCase(c);
}

TEST(GroupUpdateTest, OneGroupPassesTheBinsCapacity) {
  // Every row in one group, every value with the largest significand: the bins are emptied
  // before they pass 2^11 values (2^11 + 1 of them would overflow 64 bits).
  Case c;
  c.values = Values::kFullSignificands;
  c.groups = 1;
  c.rows = 5000;
  c.batches = 3;
  c.seed = 6;
  RunCase(c);
}

TEST(GroupUpdateTest, MoreGroupsThanGetBins) {
  // Two staged aggregates: bins for kMaxBinBytes / (2 * 40 * 8) = 1638 groups; the rest add
  // to their exact sums directly.
  Case c;
  c.groups = 2500;
  c.rows = 20000;
  c.batches = 3;
  c.seed = 7;
  RunCase(c);
}

}  // namespace
}  // namespace quanta::exec
