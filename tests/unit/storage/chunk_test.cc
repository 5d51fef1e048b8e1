// Chunk codec (docs/formats/chunk.md): round trips of random and adversarial columns, statistics
// against a straightforward computation, golden bytes, and corrupt input.
#include "storage/engine/chunk.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "storage/engine/crc32c.h"
#include "storage/engine/int_stream.h"

namespace quanta::storage {
namespace {

using Columns = std::vector<ColumnVector>;

std::vector<const ColumnVector*> Ptrs(const Columns& cols) {
  std::vector<const ColumnVector*> p;
  for (const auto& c : cols) p.push_back(&c);
  return p;
}

std::vector<ColumnType> Types(const Columns& cols) {
  std::vector<ColumnType> t;
  for (const auto& c : cols) t.push_back(c.type);
  return t;
}

ColumnVector Make(ColumnType type) {
  ColumnVector c;
  c.type = type;
  c.filled = true;
  return c;
}

std::string Encode(const Columns& cols, size_t n, const ChunkEncodeOptions& opt = {}) {
  std::string out;
  auto p = Ptrs(cols);
  EncodeChunk(p, n, &out, opt);
  return out;
}

// Entry-for-entry equality, doubles by their bits.
void ExpectSameColumn(const ColumnVector& want, const ColumnVector& got, size_t n,
                      const std::string& what) {
  ASSERT_EQ(got.nulls.size(), n) << what;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(got.nulls[i], want.nulls[i] ? 1 : 0) << what << " row " << i;
    const bool null = want.nulls[i] != 0;
    switch (want.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp:
        ASSERT_EQ(got.ints.size(), n);
        ASSERT_EQ(got.ints[i], null ? 0 : want.ints[i]) << what << " row " << i;
        break;
      case ColumnType::kDouble:
        ASSERT_EQ(got.doubles.size(), n);
        ASSERT_EQ(std::bit_cast<uint64_t>(got.doubles[i]),
                  std::bit_cast<uint64_t>(null ? 0.0 : want.doubles[i]))
            << what << " row " << i;
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        ASSERT_EQ(got.strings.size(), n);
        ASSERT_EQ(got.strings[i], null ? std::string() : want.strings[i]) << what << " row " << i;
        break;
      case ColumnType::kBoolean:
        ASSERT_EQ(got.bools.size(), n);
        ASSERT_EQ(got.bools[i], null ? 0 : (want.bools[i] ? 1 : 0)) << what << " row " << i;
        break;
    }
  }
  EXPECT_TRUE(got.ints.empty() || want.type == ColumnType::kSint64 ||
              want.type == ColumnType::kTimestamp);
}

// The statistics, computed the obvious way.
void ExpectStats(const ColumnVector& c, size_t n, const ChunkColumnStats& st,
                 const std::string& what) {
  uint32_t nulls = 0, values = 0, trues = 0;
  uint64_t bytes = 0;
  int64_t imin = std::numeric_limits<int64_t>::max(), imax = std::numeric_limits<int64_t>::min();
  __int128 isum = 0;
  ExactSum dsum;
  std::vector<double> ds;
  for (size_t i = 0; i < n; ++i) {
    if (c.nulls[i]) {
      ++nulls;
      continue;
    }
    ++values;
    switch (c.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp:
        imin = std::min(imin, c.ints[i]);
        imax = std::max(imax, c.ints[i]);
        isum += c.ints[i];
        break;
      case ColumnType::kDouble:
        ds.push_back(c.doubles[i]);
        dsum.Add(c.doubles[i]);
        break;
      case ColumnType::kBoolean:
        trues += c.bools[i] != 0;
        break;
      default:
        bytes += c.strings[i].size();
    }
  }
  EXPECT_EQ(st.null_count, nulls) << what;
  EXPECT_EQ(st.value_count, values) << what;
  if (values == 0) return;
  switch (c.type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      EXPECT_EQ(st.imin, imin) << what;
      EXPECT_EQ(st.imax, imax) << what;
      EXPECT_TRUE(st.isum == isum) << what;
      break;
    case ColumnType::kDouble: {
      // Min: the first of the smallest numbers, or the first NaN when all are NaN; max: the
      // first NaN if any, else the first of the largest numbers.
      double mn = ds[0], mx = ds[0];
      bool mn_set = false, mx_nan = false;
      for (double d : ds) {
        if (!std::isnan(d) && (!mn_set || d < mn)) {
          mn = d;
          mn_set = true;
        }
      }
      if (!mn_set) mn = ds[0];
      for (double d : ds) {
        if (std::isnan(d)) {
          mx = d;
          mx_nan = true;
          break;
        }
      }
      if (!mx_nan) {
        bool set = false;
        for (double d : ds) {
          if (!set || d > mx) {
            mx = d;
            set = true;
          }
        }
      }
      EXPECT_EQ(std::bit_cast<uint64_t>(st.dmin), std::bit_cast<uint64_t>(mn)) << what;
      EXPECT_EQ(std::bit_cast<uint64_t>(st.dmax), std::bit_cast<uint64_t>(mx)) << what;
      EXPECT_TRUE(st.dsum == dsum) << what;
      break;
    }
    case ColumnType::kBoolean:
      EXPECT_EQ(st.true_count, trues) << what;
      break;
    default:
      EXPECT_EQ(st.total_bytes, bytes) << what;
  }
}

// Encodes, opens and decodes every column (twice, to check that decoding appends), comparing
// values and statistics. Returns the chunk.
// A dictionary-encoded column decoded into dictionary form must agree, row for row, with its
// plain decode `plain` (codes in range for every row, NULL rows included); any other column
// must be refused without touching *out.
void ExpectDictionaryForm(const ChunkReader& r, size_t c, const ColumnVector& plain,
                          const std::string& what) {
  ColumnVector d = Make(plain.type);
  Status st = r.DecodeDictionary(c, &d);
  if (r.encoding(c) != ColumnEncoding::kDict) {
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << what;
    EXPECT_TRUE(d.nulls.empty() && d.codes.empty() && !d.dict) << what;
    return;
  }
  ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
  ASSERT_TRUE(d.dict) << what;
  EXPECT_TRUE(d.strings.empty()) << what;
  ASSERT_EQ(d.codes.size(), r.num_rows()) << what;
  ASSERT_EQ(d.nulls, plain.nulls) << what;
  for (size_t i = 0; i < r.num_rows(); ++i) {
    ASSERT_LT(d.codes[i], d.dict->size()) << what << " row " << i;
    if (!d.nulls[i]) ASSERT_EQ(d.StringAt(i), plain.strings[i]) << what << " row " << i;
  }
}

std::string RoundTrip(const Columns& cols, size_t n, const ChunkEncodeOptions& opt = {},
                      const std::string& what = "") {
  std::string bytes = Encode(cols, n, opt);
  auto types = Types(cols);
  auto r = ChunkReader::Open(bytes, types);
  EXPECT_TRUE(r.ok()) << what << ": " << r.status().ToString();
  if (!r.ok()) return bytes;
  EXPECT_EQ(r->num_rows(), n);
  EXPECT_EQ(r->num_columns(), cols.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    const std::string w = what + " column " + std::to_string(c);
    ColumnVector out = Make(cols[c].type);
    Status st = r->DecodeColumn(c, &out);
    EXPECT_TRUE(st.ok()) << w << ": " << st.ToString();
    ExpectSameColumn(cols[c], out, n, w);
    ExpectStats(cols[c], n, r->stats(c), w);
    if (st.ok()) ExpectDictionaryForm(*r, c, out, w);
    // Appending a second time doubles every vector, the first half untouched.
    ColumnVector twice = out;
    EXPECT_TRUE(r->DecodeColumn(c, &twice).ok());
    EXPECT_EQ(twice.nulls.size(), 2 * n);
    ColumnVector second = Make(cols[c].type);
    second.nulls.assign(twice.nulls.begin() + static_cast<ptrdiff_t>(n), twice.nulls.end());
    if (!twice.ints.empty())
      second.ints.assign(twice.ints.begin() + static_cast<ptrdiff_t>(n), twice.ints.end());
    if (!twice.doubles.empty()) {
      second.doubles.assign(twice.doubles.begin() + static_cast<ptrdiff_t>(n), twice.doubles.end());
    }
    if (!twice.strings.empty()) {
      second.strings.assign(twice.strings.begin() + static_cast<ptrdiff_t>(n), twice.strings.end());
    }
    if (!twice.bools.empty())
      second.bools.assign(twice.bools.begin() + static_cast<ptrdiff_t>(n), twice.bools.end());
    ExpectSameColumn(cols[c], second, n, w + " (appended)");
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Generators

enum class NullPattern { kNone, kSome, kMost, kAll };

void AddNulls(ColumnVector* c, size_t n, NullPattern p, std::mt19937_64& rng) {
  c->nulls.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    switch (p) {
      case NullPattern::kNone:
        break;
      case NullPattern::kSome:
        c->nulls[i] = rng() % 17 == 0;
        break;
      case NullPattern::kMost:
        c->nulls[i] = rng() % 8 != 0;
        break;
      case NullPattern::kAll:
        c->nulls[i] = 1;
        break;
    }
  }
}

// The benchmark's metrics: a Gaussian random walk in [0, 100], sigma 1, rounded to 2 decimals.
std::vector<double> Walk(size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0, 1);
  std::vector<double> v(n);
  double x = std::uniform_real_distribution<double>(0, 100)(rng);
  for (size_t i = 0; i < n; ++i) {
    x = std::clamp(x + g(rng), 0.0, 100.0);
    v[i] = std::round(x * 100) / 100;
  }
  return v;
}

double Bits(uint64_t b) { return std::bit_cast<double>(b); }

std::vector<double> AdversarialDoubles() {
  return {0.0,
          -0.0,
          std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::quiet_NaN(),
          -std::numeric_limits<double>::quiet_NaN(),
          Bits(0x7ff0000000000001),  // signalling NaN payload
          Bits(0x7ff8dead0000beef),
          Bits(0xfff0000000000abc),
          std::numeric_limits<double>::denorm_min(),
          -std::numeric_limits<double>::denorm_min(),
          Bits(0x000fffffffffffff),  // largest denormal
          std::numeric_limits<double>::min(),
          std::numeric_limits<double>::max(),
          -std::numeric_limits<double>::max(),
          std::numeric_limits<double>::epsilon(),
          0.1,
          1e300,
          4503599627370496.0,  // 2^52
          9007199254740993.0,
          12.34,
          -12.34,
          0.000001,
          123456.789012};
}

std::vector<int64_t> AdversarialInts() {
  return {0,
          1,
          -1,
          std::numeric_limits<int64_t>::min(),
          std::numeric_limits<int64_t>::max(),
          std::numeric_limits<int64_t>::min() + 1,
          std::numeric_limits<int64_t>::max() - 1,
          int64_t{1} << 62,
          -(int64_t{1} << 62),
          1451606400000};
}

ColumnVector RandomColumn(ColumnType type, size_t n, NullPattern nulls, int flavour,
                          std::mt19937_64& rng) {
  ColumnVector c = Make(type);
  AddNulls(&c, n, nulls, rng);
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      auto adv = AdversarialInts();
      int64_t x = static_cast<int64_t>(rng() % 1000000);
      for (size_t i = 0; i < n; ++i) {
        int64_t v;
        switch (flavour % 6) {
          case 0:
            v = static_cast<int64_t>(rng());
            break;  // random 64-bit
          case 1:
            v = 1451606400000 + static_cast<int64_t>(i) * 10000;
            break;  // regular ts
          case 2:
            x += static_cast<int64_t>(rng() % 201) - 100;
            v = x;
            break;  // walk
          case 3:
            v = 42;
            break;  // constant
          case 4:
            v = adv[rng() % adv.size()];
            break;  // extremes
          default:
            v = static_cast<int64_t>(rng() % 5) * 1000 + (rng() % 50 == 0 ? 1 << 30 : 0);
        }
        c.ints.push_back(c.nulls[i] ? 0 : v);
      }
      break;
    }
    case ColumnType::kDouble: {
      auto adv = AdversarialDoubles();
      auto walk = Walk(n, rng);
      for (size_t i = 0; i < n; ++i) {
        double v;
        switch (flavour % 6) {
          case 0:
            v = Bits(rng());
            break;  // random bits
          case 1:
            v = walk[i];
            break;  // 2-decimal walk
          case 2:
            v = adv[rng() % adv.size()];
            break;  // adversarial
          case 3:
            v = 7.25;
            break;  // constant
          case 4:
            v = rng() % 10 == 0 ? adv[rng() % adv.size()] : walk[i];
            break;  // exceptions
          default:
            v = std::uniform_real_distribution<double>(-1, 1)(rng);  // full precision
        }
        c.doubles.push_back(c.nulls[i] ? 0.0 : v);
      }
      break;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      for (size_t i = 0; i < n; ++i) {
        std::string s;
        switch (flavour % 5) {
          case 0:
            s = "host_" + std::to_string(rng() % 100);
            break;   // low cardinality
          case 1: {  // random bytes
            s.resize(rng() % 40);
            for (auto& ch : s) ch = static_cast<char>(rng());
            break;
          }
          case 2:
            s = "";
            break;  // empty strings
          case 3:
            s = rng() % 3 == 0 ? "" : std::string(1 + rng() % 3, 'a');
            break;
          default:
            s = "unique-" + std::to_string(i) + "-" + std::to_string(rng());
        }
        c.strings.push_back(c.nulls[i] ? std::string() : s);
      }
      break;
    case ColumnType::kBoolean:
      for (size_t i = 0; i < n; ++i) {
        uint8_t b = flavour % 3 == 0 ? static_cast<uint8_t>(rng() & 1) : (flavour % 3 == 1 ? 1 : 0);
        c.bools.push_back(c.nulls[i] ? 0 : b);
      }
      break;
  }
  return c;
}

constexpr ColumnType kAllTypes[] = {ColumnType::kVarchar, ColumnType::kSint64,
                                    ColumnType::kDouble,  ColumnType::kTimestamp,
                                    ColumnType::kBoolean, ColumnType::kBlob};

// ---------------------------------------------------------------------------------------------
// Tests

TEST(Crc32cTest, KnownValues) {
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(Crc32c("", 0), 0u);
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
  // The accelerated path (three interleaved lanes for long inputs) agrees with the table.
  std::mt19937_64 rng(1);
  std::string buf(40000, '\0');
  for (auto& c : buf) c = static_cast<char>(rng());
  for (size_t len : {0, 1, 7, 8, 9, 3071, 3072, 3073, 6144, 9000, 40000}) {
    for (size_t off : {0, 1, 5}) {
      if (off + len > buf.size()) continue;
      EXPECT_EQ(Crc32c(buf.data() + off, len), Crc32cPortable(buf.data() + off, len)) << len;
    }
  }
}

TEST(IntStreamTest, EveryModeRoundTrips) {
  std::mt19937_64 rng(7);
  for (size_t n : {0, 1, 2, 3, 127, 128, 129, 300, 1000}) {
    for (int flavour = 0; flavour < 6; ++flavour) {
      std::vector<int64_t> v(n);
      int64_t x = 0;
      for (size_t i = 0; i < n; ++i) {
        switch (flavour) {
          case 0:
            v[i] = static_cast<int64_t>(rng());
            break;
          case 1:
            v[i] = x += static_cast<int64_t>(rng() % 1001) - 500;
            break;
          case 2:
            v[i] = static_cast<int64_t>(i) * 10000;
            break;
          case 3:
            v[i] = (rng() % 30 == 0) ? static_cast<int64_t>(rng()) : 5;
            break;
          case 4:
            v[i] = AdversarialInts()[rng() % 10];
            break;
          default:
            v[i] = static_cast<int64_t>(std::normal_distribution<double>(0, 1000)(rng));
        }
      }
      std::vector<uint32_t> ids(n);
      uint32_t count = 0;
      for (size_t i = 0; i < n; ++i) {
        ids[i] = static_cast<uint32_t>(i % 7);
        count = std::max(count, ids[i] + 1);
      }
      std::vector<uint32_t> pred = intstream::Predecessors(ids.data(), n, count);
      intstream::Series series{n == 0 ? nullptr : pred.data()};
      using intstream::Mode;
      for (Mode m : {Mode::kPlain, Mode::kDelta, Mode::kDelta2, Mode::kSeriesDelta}) {
        if ((m == Mode::kDelta && n < 1) || (m == Mode::kDelta2 && n < 2) ||
            (m == Mode::kSeriesDelta && n == 0)) {
          continue;
        }
        std::string s;
        intstream::EncodeWithMode(v.data(), n, series, m, &s);
        std::string_view in = s;
        std::vector<int64_t> got(n);
        ASSERT_TRUE(intstream::Decode(&in, n, series, got.data()))
            << "n=" << n << " flavour=" << flavour << " mode=" << static_cast<int>(m);
        EXPECT_TRUE(in.empty());
        EXPECT_EQ(got, v) << "n=" << n << " flavour=" << flavour << " mode=" << static_cast<int>(m);
      }
      std::string s;
      intstream::Encode(v.data(), n, series, &s);
      std::string_view in = s;
      std::vector<int64_t> got(n);
      ASSERT_TRUE(intstream::Decode(&in, n, series, got.data()));
      EXPECT_EQ(got, v);
    }
  }
}

// CheckedPredecessors (ids read off a chunk) agrees with Predecessors on valid ids, round
// robin (its fast path) or not, and refuses ids that are not dense in first-seen order or do
// not use exactly `count` ids.
TEST(ChunkTest, CheckedPredecessorsAgreeWithPredecessors) {
  std::mt19937_64 rng(77);
  auto check = [](const std::vector<int64_t>& ids, uint32_t count, bool valid,
                  const std::string& what) {
    SCOPED_TRACE(what);
    std::vector<uint32_t> got(ids.size());
    const bool ok = intstream::CheckedPredecessors(ids.data(), ids.size(), count, got.data());
    ASSERT_EQ(ok, valid);
    if (!valid) return;
    std::vector<uint32_t> u(ids.begin(), ids.end());
    EXPECT_EQ(got, intstream::Predecessors(u.data(), u.size(), count));
  };
  for (size_t n : {1, 2, 7, 100, 4096, 4100}) {
    for (uint32_t count : {1u, 2u, 7u, 100u}) {
      if (count > n) continue;
      std::vector<int64_t> rr(n);
      for (size_t i = 0; i < n; ++i) rr[i] = static_cast<int64_t>(i % count);
      const std::string where = "n=" + std::to_string(n) + " count=" + std::to_string(count);
      check(rr, count, true, "round robin " + where);
      check(rr, count + 1, false, "round robin, one id short " + where);
      if (count >= 2 && n > count) {
        std::vector<int64_t> swapped = rr;
        std::swap(swapped[n - 1], swapped[n - 2]);  // still dense, no longer round robin
        check(swapped, count, true, "swapped " + where);
        std::vector<int64_t> bad = rr;
        bad[n - 1] = count;  // an id past the count
        check(bad, count, false, "out of range " + where);
        bad[n - 1] = -1;
        check(bad, count, false, "negative " + where);
      }
      // Dense in first-seen order but random after the first occurrences.
      std::vector<int64_t> dense(n);
      for (size_t i = 0; i < n; ++i) {
        dense[i] = i < count ? static_cast<int64_t>(i) : static_cast<int64_t>(rng() % count);
      }
      check(dense, count, true, "dense " + where);
    }
  }
}

TEST(ChunkTest, RandomColumnsRoundTrip) {
  std::mt19937_64 rng(12345);
  for (size_t n : {1, 2, 7, 128, 129, 360, 1000, 4096}) {
    for (NullPattern np :
         {NullPattern::kNone, NullPattern::kSome, NullPattern::kMost, NullPattern::kAll}) {
      Columns cols;
      for (int flavour = 0; flavour < 6; ++flavour) {
        for (ColumnType t : kAllTypes) cols.push_back(RandomColumn(t, n, np, flavour, rng));
      }
      RoundTrip(cols, n, {}, "n=" + std::to_string(n) + " nulls=" + std::to_string(int(np)));
    }
  }
}

TEST(ChunkTest, AdversarialDoublesEachAloneAndMixed) {
  for (double d : AdversarialDoubles()) {
    for (size_t n : {1, 5, 200}) {
      Columns cols{Make(ColumnType::kDouble)};
      cols[0].doubles.assign(n, d);
      cols[0].nulls.assign(n, 0);
      RoundTrip(cols, n, {}, "value bits " + std::to_string(std::bit_cast<uint64_t>(d)));
    }
  }
  // Mixed into decimal data: each becomes an exception of the decimal encoding.
  std::mt19937_64 rng(3);
  auto walk = Walk(1000, rng);
  auto adv = AdversarialDoubles();
  Columns cols{Make(ColumnType::kDouble)};
  for (size_t i = 0; i < walk.size(); ++i) {
    cols[0].doubles.push_back(i % 40 == 0 ? adv[(i / 40) % adv.size()] : walk[i]);
    cols[0].nulls.push_back(i % 33 == 0);
    if (cols[0].nulls.back()) cols[0].doubles.back() = 0.0;
  }
  std::string bytes = RoundTrip(cols, walk.size(), {}, "mixed");
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->encoding(0), ColumnEncoding::kDecimal);
}

TEST(ChunkTest, MinMaxOrderTiesAndNaN) {
  // -0.0 first, then 0.0: min and max are both the first (-0.0); NaN is the maximum.
  Columns cols{Make(ColumnType::kDouble)};
  cols[0].doubles = {-0.0, 0.0, std::numeric_limits<double>::quiet_NaN(), Bits(0x7ff8000000000001)};
  cols[0].nulls = {0, 0, 0, 0};
  std::string bytes = RoundTrip(cols, 4);
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::bit_cast<uint64_t>(r->stats(0).dmin), std::bit_cast<uint64_t>(-0.0));
  EXPECT_EQ(std::bit_cast<uint64_t>(r->stats(0).dmax),
            std::bit_cast<uint64_t>(std::numeric_limits<double>::quiet_NaN()));
}

TEST(ChunkTest, ExactSumsOfEverySign) {
  // Sums that are negative, exact powers of two (sign-extension trimming), tiny, huge, beyond
  // the double range, and with NaN and infinities counted apart.
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<double>> sums = {
      {-1.5, -2.25},
      {-0.5},
      {0.5},
      {-128.0},
      {128.0},
      {-255.0},
      {1.0, -1.0},
      {std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::max()},
      {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()},
      {-std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(), 1e-300},
      {inf, 1.0},
      {-inf, -inf, 2.0},
      {inf, -inf, std::numeric_limits<double>::quiet_NaN()},
      {0.1, 0.2, -0.3},
  };
  for (const auto& values : sums) {
    Columns cols{Make(ColumnType::kDouble)};
    cols[0].doubles = values;
    cols[0].nulls.assign(values.size(), 0);
    RoundTrip(cols, values.size(), {}, "sum of " + std::to_string(values[0]));
  }
}

TEST(ChunkTest, ExtremeIntsAndExactSum) {
  Columns cols{Make(ColumnType::kSint64)};
  for (int i = 0; i < 1000; ++i) {
    cols[0].ints.push_back(i % 2 ? std::numeric_limits<int64_t>::max()
                                 : std::numeric_limits<int64_t>::min());
    cols[0].nulls.push_back(0);
  }
  std::string bytes = RoundTrip(cols, 1000);
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->stats(0).isum == -500);
}

TEST(ChunkTest, LongAndEmptyStrings) {
  std::mt19937_64 rng(9);
  Columns cols{Make(ColumnType::kBlob), Make(ColumnType::kVarchar)};
  std::string big(1 << 20, '\0');
  for (auto& ch : big) ch = static_cast<char>(rng());
  for (int i = 0; i < 6; ++i) {
    cols[0].strings.push_back(i % 3 == 0 ? big
                                         : (i % 3 == 1 ? std::string() : big.substr(7, 300000)));
    cols[0].nulls.push_back(i == 4);
    if (i == 4) cols[0].strings.back().clear();
    cols[1].strings.push_back(
        std::string(1 << 20, static_cast<char>('a' + i % 2)));  // compressible
    cols[1].nulls.push_back(0);
  }
  std::string bytes = RoundTrip(cols, 6);
  EXPECT_LT(bytes.size(), 3u << 20);  // the 1 MB random value stored once (dictionary)
}

TEST(ChunkTest, MaxRowsAndConstants) {
  const size_t n = kMaxChunkRows;
  Columns cols{Make(ColumnType::kTimestamp), Make(ColumnType::kDouble), Make(ColumnType::kVarchar),
               Make(ColumnType::kBoolean), Make(ColumnType::kSint64)};
  std::mt19937_64 rng(5);
  auto walk = Walk(n, rng);
  for (size_t i = 0; i < n; ++i) {
    cols[0].ints.push_back(1451606400000 + static_cast<int64_t>(i) * 10000);
    cols[1].doubles.push_back(walk[i]);
    cols[2].strings.push_back("constant");
    cols[3].bools.push_back(1);
    cols[4].ints.push_back(-7);
    for (auto& c : cols) c.nulls.push_back(0);
  }
  std::string bytes = RoundTrip(cols, n);
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->payload_size(0), 16u);  // regular timestamps: delta of delta, all zero
  EXPECT_LT(r->payload_size(2), 32u);  // one dictionary entry
  EXPECT_EQ(r->payload_size(3), 0u);   // all true
  EXPECT_LT(r->payload_size(4), 8u);
  EXPECT_LT(r->payload_size(1), n * 10 / 8);  // about 9 bits per value
}

TEST(ChunkTest, ZeroRowsAndNoColumns) {
  Columns cols{Make(ColumnType::kDouble), Make(ColumnType::kVarchar)};
  RoundTrip(cols, 0);
  Columns none;
  RoundTrip(none, 10);
}

TEST(ChunkTest, SeriesDeltaRoundTripsAndPays) {
  // Layout B: rows ordered by (time, host); each host is a random walk.
  const size_t hosts = 100, times = 41, n = hosts * times;
  std::mt19937_64 rng(11);
  std::vector<std::vector<double>> walks;
  for (size_t h = 0; h < hosts; ++h) walks.push_back(Walk(times, rng));
  Columns cols{Make(ColumnType::kVarchar), Make(ColumnType::kTimestamp), Make(ColumnType::kDouble)};
  std::vector<uint32_t> series;
  for (size_t t = 0; t < times; ++t) {
    for (size_t h = 0; h < hosts; ++h) {
      cols[0].strings.push_back("host_" + std::to_string(h));
      cols[1].ints.push_back(1451606400000 + static_cast<int64_t>(t) * 10000);
      const bool null = (t * hosts + h) % 97 == 0;
      cols[2].doubles.push_back(null ? 0.0 : walks[h][t]);
      for (auto& c : cols) c.nulls.push_back(0);
      cols[2].nulls.back() = null;
      series.push_back(static_cast<uint32_t>(h * 3 + 1000));  // any ids
    }
  }
  ChunkEncodeOptions opt;
  opt.series_of_row = series;
  std::string with = RoundTrip(cols, n, opt, "series");
  std::string without = RoundTrip(cols, n, {}, "no series");
  auto r = ChunkReader::Open(with, Types(cols));
  auto r0 = ChunkReader::Open(without, Types(cols));
  ASSERT_TRUE(r.ok() && r0.ok());
  EXPECT_LT(r->payload_size(2) * 10, r0->payload_size(2) * 8);  // at least 20% smaller
}

// Golden chunks: the exact bytes, so that the format cannot drift unnoticed.
std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) {
    h.push_back(d[c >> 4]);
    h.push_back(d[c & 15]);
  }
  return h;
}

TEST(ChunkGoldenTest, SmallChunks) {
  // Every type, with NULLs: ints (delta), doubles (decimal), varchar (dictionary), boolean
  // (bitmap), blob (plain), timestamp (constant).
  Columns cols{Make(ColumnType::kSint64),  Make(ColumnType::kDouble), Make(ColumnType::kVarchar),
               Make(ColumnType::kBoolean), Make(ColumnType::kBlob),   Make(ColumnType::kTimestamp)};
  cols[0].ints = {10, 11, 0, 13};
  cols[1].doubles = {1.5, -2.25, 0.0, 1.5};
  cols[2].strings = {"host_b", "host_a", "host_b", ""};
  cols[3].bools = {1, 0, 1, 0};
  cols[4].strings = {"xy", "", "z", "w"};
  cols[5].ints = {7, 7, 7, 7};
  for (auto& c : cols) c.nulls = {0, 0, 0, 0};
  cols[0].nulls[2] = 1;
  cols[1].nulls[2] = 1;
  cols[2].nulls[3] = 1;
  std::string bytes = RoundTrip(cols, 4);
  EXPECT_EQ(Hex(bytes),
            "51010004060101011403440602020112c1031e00860101030b000501121504070002010506000408"
            "0301000e0038020104010214d40104020083ac02ed05ee05010802000c686f73745f61686f73745f"
            "620101000d050102005278797a77000e521da574");

  // Doubles that are not decimals (Gorilla), an all-NULL column and an all-true column.
  Columns g{Make(ColumnType::kDouble), Make(ColumnType::kSint64), Make(ColumnType::kBoolean)};
  g[0].doubles = {std::numbers::pi, std::numbers::pi, std::numbers::e, -0.0};
  g[1].ints = {0, 0, 0, 0};
  g[2].bools = {1, 1, 1, 1};
  for (auto& c : g) c.nulls = {0, 0, 0, 0};
  g[1].nulls = {1, 1, 1, 1};
  EXPECT_EQ(Hex(RoundTrip(g, 4)),
            "5101000403020300ff0000000000000080182d4454fb210940007f0880cc58ce998001241b010004"
            "0004080004001a182d4454fb21094066739c1ed477bc270ffeb42b8a4585df02602cd518c6");

  // Series: two hosts interleaved.
  Columns s{Make(ColumnType::kDouble)};
  s[0].doubles = {10.5, 50.25, 10.75, 50.5, 11.0, 50.75};
  s[0].nulls.assign(6, 0);
  std::vector<uint32_t> ids = {4, 9, 4, 9, 4, 9};
  ChunkEncodeOptions opt;
  opt.series_of_row = ids;
  EXPECT_EQ(Hex(RoundTrip(s, 6, opt)),
            "510101060102040101002a02020021d201a64f00860102df020d020004413200020c000101e4f6e5"
            "ec0902");

  // A random-walk-like integer column: delta + Rice-coded blocks.
  Columns w{Make(ColumnType::kSint64)};
  int64_t x = 5000;
  for (int64_t i = 0; i < 160; ++i) {
    x += (i * 37) % 101 + (i * 53) % 103 + (i * 71) % 107 + (i * 89) % 109 - 210;
    w[0].ints.push_back(x);
    w[0].nulls.push_back(0);
  }
  EXPECT_EQ(Hex(RoundTrip(w, 160)),
            "510100a00101010100ba45db06968b60a70102ec4a8600506ecd2f0b67f60430d060cd200b8ff600"
            "30c66071206b8e06df08c78071b7784e387f090783b5b778b178737108134bb78cb2d17610c8e2ec"
            "2789aeee7210c1e2ac1819aefe8217c1e25171f96e0ffd158f06d5a9f6e9709550bf96d796fae9ee"
            "6e892e69992c8b4d8b5dd4a69b60974d0bbbd88a6ebac9a6c364970da31b010893011d3fd28f4a72"
            "2d4f7d385a1b3d008d48052b4d109d58153b6520ad03254b757ff52da2");
}

// ---------------------------------------------------------------------------------------------
// Corrupt input: every truncation and many byte flips give kCorruption or a valid decode.

void DecodeAll(std::string_view bytes, std::span<const ColumnType> types) {
  auto r = ChunkReader::Open(bytes, types);
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
    return;
  }
  for (size_t c = 0; c < r->num_columns(); ++c) {
    ColumnVector out = Make(types[c]);
    Status st = r->DecodeColumn(c, &out);
    if (st.ok()) {
      EXPECT_EQ(out.nulls.size(), r->num_rows());
    } else {
      EXPECT_EQ(st.code(), ErrorCode::kCorruption);
      EXPECT_TRUE(out.nulls.empty());
    }
    if (r->encoding(c) == ColumnEncoding::kDict) {
      // The dictionary form checks exactly what the plain decode checks.
      ColumnVector d = Make(types[c]);
      Status ds = r->DecodeDictionary(c, &d);
      EXPECT_EQ(ds.code(), st.code());
      if (ds.ok()) {
        ExpectDictionaryForm(*r, c, out, "corrupt input");
      } else {
        EXPECT_TRUE(d.nulls.empty() && d.codes.empty() && !d.dict);
      }
    }
  }
}

// Recomputes the checksum so that a mutation reaches the decoder proper.
std::string Reseal(std::string s) {
  if (s.size() < 4) return s;
  const uint32_t crc = Crc32c(s.data(), s.size() - 4);
  for (int i = 0; i < 4; ++i) s[s.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
  return s;
}

// Mode 5 (cycle): streams that repeat one period, as the series ids of time-major chunks do
// (every series once per timestamp, in the same order).
TEST(IntStreamTest, CycleRoundTripsAndIsChosen) {
  using intstream::Mode;
  // The golden bytes: mode 5, period 2, then {1000, 7} as a delta stream whose one residual is
  // -993: 82 (delta, same residual) d00f (1000) c10f (-993).
  const std::vector<int64_t> small = {1000, 7, 1000, 7, 1000, 7, 1000};
  std::string golden;
  EXPECT_EQ(intstream::Encode(small.data(), small.size(), {}, &golden), Mode::kCycle);
  EXPECT_EQ(Hex(golden), "050282d00fc10f");
  std::mt19937_64 rng(5);
  for (size_t p : {1, 2, 7, 100, 128, 129, 1000}) {
    for (size_t n : {2 * p, 2 * p + 1, 5000 + p / 2}) {
      std::vector<int64_t> v(n);
      const auto adv = AdversarialInts();
      for (size_t i = 0; i < p; ++i) {
        // The series ids of a time-major chunk, random values, or the extremes.
        v[i] = p % 2 ? static_cast<int64_t>(i) : (i % 3 ? adv[rng() % adv.size()]
                                                         : static_cast<int64_t>(rng()));
      }
      if (p > 1 && v[1] == v[0]) v[1] = v[0] + 1;  // the period is p, not less
      for (size_t i = p; i < n; ++i) v[i] = v[i - p];
      const std::string what = "p=" + std::to_string(p) + " n=" + std::to_string(n);
      ASSERT_EQ(intstream::Period(v.data(), n), p) << what;
      std::string forced, chosen;
      intstream::EncodeWithMode(v.data(), n, {}, Mode::kCycle, &forced);
      const Mode m = intstream::Encode(v.data(), n, {}, &chosen);
      for (const std::string* s : {&forced, &chosen}) {
        std::string_view in = *s;
        std::vector<int64_t> got(n);
        ASSERT_TRUE(intstream::Decode(&in, n, {}, got.data())) << what;
        EXPECT_TRUE(in.empty()) << what;
        EXPECT_EQ(got, v) << what;
      }
      if (p == 1) {
        EXPECT_EQ(m, Mode::kConst) << what;  // smaller still
      } else if (p <= 128) {
        EXPECT_EQ(m, Mode::kCycle) << what;
        EXPECT_LT(chosen.size(), 40 + p * 9) << what;  // one period, whatever n
      }
    }
  }
  // Not periodic (the repeat of the first value does not continue): another mode.
  std::vector<int64_t> v = {1, 2, 1, 2, 1, 3};
  EXPECT_EQ(intstream::Period(v.data(), v.size()), 0u);
  std::string s;
  EXPECT_NE(intstream::Encode(v.data(), v.size(), {}, &s), Mode::kCycle);
}

TEST(ChunkTest, PeriodicColumnsBesideSeries) {
  // Time-major rows of 5 series: the series ids and an integer column repeat with period 5, a
  // double column is a per-series walk. The periodic column becomes a cycle, which needs no
  // series section, while the walk is a series delta.
  const size_t series = 5, n = 600;
  std::mt19937_64 rng(9);
  Columns cols{Make(ColumnType::kSint64), Make(ColumnType::kDouble)};
  std::vector<uint32_t> ids;
  std::vector<double> level(series, 50.0);
  for (size_t i = 0; i < n; ++i) {
    cols[0].ints.push_back(static_cast<int64_t>(i % series) * 1000 - 7);
    level[i % series] += static_cast<double>(static_cast<int>(rng() % 201) - 100) / 100;
    cols[1].doubles.push_back(std::round(level[i % series] * 100) / 100);
    for (auto& c : cols) c.nulls.push_back(0);
    ids.push_back(static_cast<uint32_t>(i % series));
  }
  for (bool with_walk : {true, false}) {
    Columns c = cols;
    if (!with_walk) c.pop_back();  // nothing uses the series: no series section at all
    ChunkEncodeOptions opt;
    opt.series_of_row = ids;
    std::string bytes = RoundTrip(c, n, opt, with_walk ? "walk" : "no walk");
    auto r = ChunkReader::Open(bytes, Types(c));
    ASSERT_TRUE(r.ok());
    EXPECT_LT(r->payload_size(0), 20u);  // one period
  }
}

TEST(IntStreamTest, MalformedCyclesAreRefused) {
  const std::vector<int64_t> v = {3, 5, 3, 5, 3};  // 05 02, then {3, 5}: delta, residual 2
  std::vector<int64_t> out(8);
  auto decodes = [&](const std::string& bytes, size_t n) {
    std::string_view in = bytes;
    return intstream::Decode(&in, n, {}, out.data()) && in.empty();
  };
  ASSERT_TRUE(decodes(std::string("\x05\x02\x82\x06\x04", 5), 5));
  EXPECT_EQ(std::vector<int64_t>(out.begin(), out.begin() + 5), v);
  EXPECT_FALSE(decodes(std::string("\x05\x00\x82\x06\x04", 5), 5));   // period 0
  EXPECT_FALSE(decodes(std::string("\x05\x06\x82\x06\x04", 5), 5));   // period > n
  EXPECT_FALSE(decodes(std::string("\x85\x02\x82\x06\x04", 5), 5));   // "same" flag
  EXPECT_FALSE(decodes(std::string("\x05\x02\x05\x01\x00\x06", 6), 5));  // nested cycle
  for (size_t cut = 0; cut < 5; ++cut) {
    EXPECT_FALSE(decodes(std::string("\x05\x02\x82\x06\x04", cut), 5)) << cut;
  }
}

TEST(ChunkCorruptionTest, TruncationsAndFlips) {
  std::mt19937_64 rng(77);
  std::vector<std::pair<Columns, size_t>> cases;
  for (size_t n : {1, 50, 300}) {
    for (NullPattern np : {NullPattern::kNone, NullPattern::kSome}) {
      Columns cols;
      for (int flavour = 0; flavour < 6; ++flavour) {
        for (ColumnType t : kAllTypes) cols.push_back(RandomColumn(t, n, np, flavour, rng));
      }
      cases.emplace_back(std::move(cols), n);
    }
  }
  for (auto& [cols, n] : cases) {
    std::vector<uint32_t> ids(n);
    for (size_t i = 0; i < n; ++i) ids[i] = static_cast<uint32_t>(i % 5);
    ChunkEncodeOptions opt;
    opt.series_of_row = ids;
    const std::string good = Encode(cols, n, opt);
    const auto types = Types(cols);
    for (size_t len = 0; len < good.size(); ++len) {
      std::string t = good.substr(0, len);
      auto r = ChunkReader::Open(t, types);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
      DecodeAll(Reseal(t), types);
    }
    for (int i = 0; i < 3000; ++i) {
      std::string f = good;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int j = 0; j < flips; ++j) f[rng() % f.size()] ^= static_cast<char>(1 + rng() % 255);
      auto r = ChunkReader::Open(f, types);
      EXPECT_FALSE(r.ok());  // the checksum catches it
      DecodeAll(Reseal(f), types);
    }
  }
}

TEST(ChunkTest, DictionaryFormNeedsAnEmptyDictColumn) {
  Columns cols{Make(ColumnType::kVarchar)};
  for (int i = 0; i < 300; ++i) {
    cols[0].strings.push_back(i % 7 == 0 ? "" : "host-" + std::to_string(i % 5));
    cols[0].nulls.push_back(i % 7 == 0);
  }
  std::string bytes = Encode(cols, 300);
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->encoding(0), ColumnEncoding::kDict);
  ColumnVector plain = Make(ColumnType::kVarchar);
  ASSERT_TRUE(r->DecodeColumn(0, &plain).ok());
  ExpectDictionaryForm(*r, 0, plain, "dict");
  // Mixing the forms in one column is refused.
  EXPECT_EQ(r->DecodeDictionary(0, &plain).code(), ErrorCode::kInvalidArgument);
  ColumnVector blob = Make(ColumnType::kBlob);
  EXPECT_EQ(r->DecodeDictionary(0, &blob).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r->DecodeDictionary(1, &plain).code(), ErrorCode::kInvalidArgument);
}

TEST(ChunkCorruptionTest, WrongTypesAndMisuse) {
  Columns cols{Make(ColumnType::kSint64)};
  cols[0].ints = {1, 2, 3};
  cols[0].nulls = {0, 0, 0};
  std::string bytes = Encode(cols, 3);
  std::vector<ColumnType> wrong = {ColumnType::kDouble};
  EXPECT_EQ(ChunkReader::Open(bytes, wrong).status().code(), ErrorCode::kCorruption);
  std::vector<ColumnType> two = {ColumnType::kSint64, ColumnType::kSint64};
  EXPECT_EQ(ChunkReader::Open(bytes, two).status().code(), ErrorCode::kCorruption);
  auto r = ChunkReader::Open(bytes, Types(cols));
  ASSERT_TRUE(r.ok());
  ColumnVector d = Make(ColumnType::kDouble);
  EXPECT_EQ(r->DecodeColumn(0, &d).code(), ErrorCode::kInvalidArgument);
  ColumnVector i = Make(ColumnType::kSint64);
  EXPECT_EQ(r->DecodeColumn(1, &i).code(), ErrorCode::kInvalidArgument);
}

// Writes the seed corpus of the chunk_decode fuzz target (tests/fuzz/corpus/chunk_decode/) when
// QUANTA_WRITE_CHUNK_CORPUS names a directory; otherwise does nothing. Each file is the fuzz
// input format: a column count, the column types, then a chunk (see chunk_decode_fuzz.cc).
TEST(ChunkFuzzCorpus, Write) {
  const char* dir = std::getenv("QUANTA_WRITE_CHUNK_CORPUS");
  if (dir == nullptr) GTEST_SKIP() << "set QUANTA_WRITE_CHUNK_CORPUS to write the corpus";
  std::mt19937_64 rng(2024);
  int file = 0;
  auto write = [&](const std::string& bytes) {
    char name[32];
    std::snprintf(name, sizeof(name), "/seed_%02d", file++);
    std::FILE* f = std::fopen((std::string(dir) + name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };
  auto emit = [&](const Columns& cols, size_t n, bool series) {
    std::vector<uint32_t> ids(n);
    for (size_t i = 0; i < n; ++i) ids[i] = static_cast<uint32_t>(i % 4);
    ChunkEncodeOptions opt;
    if (series) opt.series_of_row = ids;
    std::string input(1, static_cast<char>(cols.size()));
    for (const auto& c : cols) input.push_back(static_cast<char>(c.type));
    input += Encode(cols, n, opt);
    if (input.size() <= 4096) write(input);
  };
  for (ColumnType t : kAllTypes) {
    for (int flavour = 0; flavour < 6; ++flavour) {
      for (NullPattern np : {NullPattern::kNone, NullPattern::kSome}) {
        const size_t n = 20 + rng() % 60;
        Columns cols{RandomColumn(t, n, np, flavour, rng)};
        emit(cols, n, flavour % 2 == 1);
      }
    }
  }
  // Mixed chunks, and one all-NULL.
  for (int k = 0; k < 4; ++k) {
    Columns cols;
    for (ColumnType t : kAllTypes) cols.push_back(RandomColumn(t, 40, NullPattern::kSome, k, rng));
    cols.resize(7);
    cols[6] = RandomColumn(ColumnType::kDouble, 40, NullPattern::kAll, 1, rng);
    emit(cols, 40, k % 2 == 0);
  }
  // Encode-mode seeds.
  for (int k = 0; k < 4; ++k) {
    std::string input = {static_cast<char>(0x80 | 6), 0, 1, 2, 3, 4, 5};
    input.push_back(static_cast<char>(30 + k * 50));
    input.push_back(static_cast<char>(k & 1));
    for (int i = 0; i < 200; ++i) input.push_back(static_cast<char>(rng()));
    write(input);
  }
}

}  // namespace
}  // namespace quanta::storage
