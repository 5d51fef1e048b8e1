#include "common/exact_sum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <random>
#include <vector>

namespace quanta {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double SumOf(const std::vector<double>& v) {
  ExactSum s;
  for (double x : v) s.Add(x);
  return s.Value();
}

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

// Reference: exact sum with long double compensated pairs is not exact in general, so the
// reference uses sums whose exact value is known by construction.
TEST(ExactSumTest, SimpleSums) {
  EXPECT_EQ(SumOf({}), 0.0);
  EXPECT_EQ(SumOf({1.5}), 1.5);
  EXPECT_EQ(SumOf({1.0, 2.0, 3.0}), 6.0);
  EXPECT_EQ(SumOf({-1.0, 1.0}), 0.0);
  EXPECT_EQ(SumOf({0.1, 0.2}), 0.30000000000000004);  // exact sum rounds to this too
  EXPECT_EQ(SumOf({1e308, 1e308, -1e308}), 1e308);    // no intermediate overflow
  EXPECT_EQ(SumOf({1e308, 1e308}), kInf);             // the exact sum is beyond the range
  EXPECT_EQ(SumOf({-1e308, -1e308}), -kInf);
  EXPECT_EQ(SumOf({1e100, 1.0, -1e100}), 1.0);        // sequential summation gives 0
  EXPECT_EQ(SumOf({std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::denorm_min()}),
            2 * std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(SumOf({std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()}), 0.0);
}

TEST(ExactSumTest, SignedZeroAndSpecials) {
  EXPECT_EQ(Bits(SumOf({-0.0})), Bits(0.0));
  EXPECT_TRUE(std::isnan(SumOf({1.0, std::nan("")})));
  EXPECT_TRUE(std::isnan(SumOf({kInf, -kInf})));
  EXPECT_EQ(SumOf({kInf, 1.0, -1e308}), kInf);
  EXPECT_EQ(SumOf({-kInf, 5.0}), -kInf);
}

TEST(ExactSumTest, RoundsToNearestEven) {
  const double one = 1.0, ulp = std::ldexp(1.0, -52), half = std::ldexp(1.0, -53);
  EXPECT_EQ(SumOf({one, half}), one);                    // tie, even stays
  EXPECT_EQ(SumOf({one + ulp, half}), one + 2 * ulp);    // tie, odd rounds up
  EXPECT_EQ(SumOf({one, half, std::ldexp(1.0, -200)}), one + ulp);  // above the tie
  EXPECT_EQ(SumOf({-one, -half, -std::ldexp(1.0, -200)}), -(one + ulp));
}

// Random integers scaled by a power of two: their exact sum is computable in __int128.
TEST(ExactSumTest, OrderIndependentAndExact) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const int scale = static_cast<int>(rng() % 200) - 100;
    std::vector<double> v;
    __int128 exact = 0;
    const int n = 1 + static_cast<int>(rng() % 2000);
    for (int i = 0; i < n; ++i) {
      auto k = static_cast<int64_t>(rng() >> 11) - (int64_t{1} << 52);  // |k| < 2^53
      v.push_back(std::ldexp(static_cast<double>(k), scale));
      exact += k;
    }
    const double want = std::ldexp(static_cast<double>(exact), scale);  // one rounding
    EXPECT_EQ(SumOf(v), want);
    std::shuffle(v.begin(), v.end(), rng);
    EXPECT_EQ(SumOf(v), want);
    // Split in two and merge, in both orders.
    ExactSum a, b;
    for (size_t i = 0; i < v.size(); ++i) (i % 3 ? a : b).Add(v[i]);
    ExactSum ab = a, ba = b;
    ab.Merge(b);
    ba.Merge(a);
    EXPECT_EQ(ab.Value(), want);
    EXPECT_TRUE(ab == ba);
  }
}

// Merge adds the digits of sums that were not normalized (the aggregates of a query's
// sub-queries): a chain and a tree of merges over many small sums of both signs and every
// magnitude must equal adding every value to one sum.
TEST(ExactSumTest, ManyMergesOfUnnormalizedSums) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    ExactSum all, chain;
    std::vector<ExactSum> parts(64 + rng() % 200);
    for (ExactSum& p : parts) {
      const int n = static_cast<int>(rng() % 50);
      for (int i = 0; i < n; ++i) {
        double x = std::bit_cast<double>(rng());
        if (!std::isfinite(x)) x = std::ldexp(static_cast<double>(rng() % 1000), -3);
        p.Add(x);
        all.Add(x);
      }
      chain.Merge(p);
    }
    while (parts.size() > 1) {  // pairwise, as the sub-queries' partial states combine
      std::vector<ExactSum> next;
      for (size_t i = 0; i + 1 < parts.size(); i += 2) {
        next.push_back(parts[i]);
        next.back().Merge(parts[i + 1]);
      }
      if (parts.size() % 2) next.push_back(parts.back());
      parts.swap(next);
    }
    EXPECT_TRUE(chain == all);
    EXPECT_TRUE(parts[0] == all);
    EXPECT_EQ(std::bit_cast<uint64_t>(chain.Value()), std::bit_cast<uint64_t>(all.Value()));
    std::string a, b;
    chain.AppendTo(&a);
    all.AppendTo(&b);
    EXPECT_EQ(a, b);
  }
}

TEST(ExactSumTest, MixedMagnitudesCancel) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exp_dist(-1000, 1000);
  for (int round = 0; round < 100; ++round) {
    std::vector<double> v;
    for (int i = 0; i < 500; ++i) {
      double x = std::ldexp(1.0 + static_cast<double>(rng() % 1000) / 1000.0,
                            static_cast<int>(exp_dist(rng)));
      v.push_back(x);
      v.push_back(-x);
    }
    v.push_back(0.125);
    std::shuffle(v.begin(), v.end(), rng);
    EXPECT_EQ(SumOf(v), 0.125);
  }
}

TEST(ExactSumTest, SerializationRoundTrips) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 100; ++round) {
    ExactSum s;
    for (int i = 0; i < 50; ++i) s.Add(std::bit_cast<double>(rng()));
    std::string bytes;
    s.AppendTo(&bytes);
    std::string_view in = bytes;
    ExactSum back;
    ASSERT_TRUE(ExactSum::ConsumeFrom(&in, &back));
    EXPECT_TRUE(in.empty());
    EXPECT_TRUE(back == s);
    EXPECT_EQ(Bits(back.Value()), Bits(s.Value()));
    // Every truncation fails cleanly.
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      std::string_view t(bytes.data(), cut);
      ExactSum ignored;
      EXPECT_FALSE(ExactSum::ConsumeFrom(&t, &ignored));
    }
  }
  ExactSum zero;
  std::string bytes;
  zero.AppendTo(&bytes);
  EXPECT_EQ(bytes.size(), 5u);
  EXPECT_TRUE(zero.IsZero());
}

}  // namespace
}  // namespace quanta
