// Store::EstimateRows (storage/engine/row_estimate.h): exact for a table that fits in the
// limits (head rows, tombstones, sealed chunks), within a stated factor for a table that does
// not (after upserts, deletes and sealing), and bounded work whatever the table's size.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "storage/store.h"
#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::MakeTable;
using testing::TempStore;

// s VARCHAR, t TIMESTAMP, v DOUBLE; PRIMARY KEY ((s, QUANTUM(t, 15, 'm')), s, t)
schema::TableDef Table(uint32_t id) {
  return MakeTable("est" + std::to_string(id), id,
                   {{"s", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp},
                    {"v", ColumnType::kDouble, true}},
                   {"s", "t"}, {{"s"}, {"t"}});
}

// A quantum start (15 min = 900,000 ms); row j of a series is at kT0 + j s.
constexpr int64_t kT0 = int64_t{900000} * 2000000;

Row R(int series, int64_t t, double v) {
  return {Value::Bytes("series-" + std::to_string(series)), Value::Int(t), Value::Double(v)};
}

// A value that does not compress (full mantissas), so that the table takes about 10 bytes a
// row on disk, as measurements do; `salt` changes it.
double Noise(int series, int j, double salt) {
  uint64_t x = (static_cast<uint64_t>(series) << 32 | static_cast<uint32_t>(j)) +
               static_cast<uint64_t>(salt * 1e6);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<double>(x >> 11) / 9007199254740992.0 * 100.0;
}

// `per_series` rows one second apart for each of `series` series, written in batches of 1,000,
// with values that depend on `salt` (so that a second call upserts every row).
void Write(Store& s, const schema::TableDef& t, int series, int per_series, double salt) {
  std::vector<Row> batch;
  for (int i = 0; i < series; ++i) {
    for (int j = 0; j < per_series; ++j) {
      batch.push_back(R(i, kT0 + int64_t{j} * 1000, Noise(i, j, salt)));
      if (batch.size() == 1000) {
        Status st = s.Put(t, batch);
        ASSERT_TRUE(st.ok()) << st.ToString();
        batch.clear();
      }
    }
  }
  if (!batch.empty()) {
    ASSERT_TRUE(s.Put(t, batch).ok());
  }
}

RowEstimate Estimate(Store& s, const schema::TableDef& t, const RowEstimateLimits& limits = {}) {
  auto e = s.EstimateRows(t, limits);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : RowEstimate{};
}

// Within `factor` of `truth` either way.
void ExpectWithin(const RowEstimate& e, uint64_t truth, double factor) {
  std::cout << "estimate " << e.rows << " for " << truth << " rows (" << e.records_read
            << " records, " << (e.bytes_read >> 10) << " KiB read)" << std::endl;
  EXPECT_FALSE(e.exact);
  EXPECT_FALSE(e.at_least);
  EXPECT_GE(static_cast<double>(e.rows) * factor, static_cast<double>(truth)) << e.rows;
  EXPECT_LE(static_cast<double>(e.rows), static_cast<double>(truth) * factor) << e.rows;
}

TEST(EngineRowEstimateTest, SmallTableIsCountedExactly) {
  TempStore ts("row_estimate_small", 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(11), other = Table(12);
  RowEstimate e = Estimate(s, t);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.rows, 0u);

  // 3 series x 700 rows (one partition of 15 min each), in the head; another table's rows
  // beside it are not counted.
  Write(s, t, 3, 700, 0);
  Write(s, other, 2, 100, 0);
  e = Estimate(s, t);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.rows, 2100u);

  // Sealed into chunks: the record headers carry the counts.
  ASSERT_TRUE(s.Compact().ok());
  e = Estimate(s, t);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.rows, 2100u);
  EXPECT_LT(e.records_read, 2100u / 100) << "chunk records, not rows";

  // Deleting sealed rows leaves tombstones, which count minus one each.
  for (int j = 0; j < 100; ++j) {
    auto deleted = s.Delete(t, {Value::Bytes("series-1"), Value::Int(kT0 + int64_t{j} * 1000)});
    ASSERT_TRUE(deleted.ok() && *deleted);
  }
  EXPECT_EQ(Estimate(s, t).rows, 2000u);
  ASSERT_TRUE(s.Compact().ok());
  EXPECT_EQ(Estimate(s, t).rows, 2000u);

  // An upsert of a sealed row counts twice until its partition is sealed again (store.h); new
  // rows count once.
  std::vector<Row> rows;
  for (int j = 200; j < 250; ++j) rows.push_back(R(0, kT0 + int64_t{j} * 1000, -1));   // upserts
  for (int j = 700; j < 730; ++j) rows.push_back(R(2, kT0 + int64_t{j} * 1000, -1));   // new
  ASSERT_TRUE(s.Put(t, rows).ok());
  EXPECT_EQ(Estimate(s, t).rows, 2080u);
  ASSERT_TRUE(s.Compact().ok());
  e = Estimate(s, t);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.rows, 2030u);
  EXPECT_EQ(Estimate(s, other).rows, 200u);
}

// 240,000 rows in chunks of at most 256 rows: about a thousand chunks, far more than the
// default sample of 64, so the estimate extrapolates. Stated factor: 1.5.
TEST(EngineRowEstimateTest, LargeTableWithinFactorWithBoundedWork) {
  TempStore ts("row_estimate_large", 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(21);
  constexpr int kSeries = 24, kPerSeries = 10000;
  uint64_t truth = uint64_t{kSeries} * kPerSeries;
  Write(s, t, kSeries, kPerSeries, 0);
  ASSERT_TRUE(s.Compact().ok());
  const RowEstimateLimits limits;
  RowEstimate e = Estimate(s, t, limits);
  ExpectWithin(e, truth, 1.5);
  EXPECT_LE(e.bytes_read, limits.max_bytes + (64 << 10)) << "at most one record past the limit";
  EXPECT_LT(e.records_read, truth / 256 / 2) << "not every chunk";

  // Every row upserted (unsealed at first: the head holds up to a chunk's worth per partition
  // until the sealer takes it, then sealed), then a quarter of the series' first hours deleted
  // by range, then sealed.
  Write(s, t, kSeries, kPerSeries, 7);
  ExpectWithin(Estimate(s, t, limits), truth, 2.0);
  ASSERT_TRUE(s.Compact().ok());
  ExpectWithin(Estimate(s, t, limits), truth, 1.5);
  for (int i = 0; i < kSeries; i += 4) {
    for (int64_t q = kT0; q < kT0 + 3600 * 1000; q += 15 * 60 * 1000) {
      ScanRange r;
      r.partition = {Value::Bytes("series-" + std::to_string(i)), Value::Int(q)};
      ASSERT_TRUE(s.DeleteRange(t, r).ok());
      truth -= 900;
    }
  }
  ASSERT_TRUE(s.Compact().ok());
  ExpectWithin(Estimate(s, t, limits), truth, 1.5);

  // A byte budget below what resolves the size: the walk stops at it, and the bytes read stand
  // for the size on disk (an underestimate by the compression, still a bounded one).
  RowEstimateLimits tight;
  tight.max_bytes = 16 << 10;
  e = Estimate(s, t, tight);
  EXPECT_LE(e.bytes_read, (16u << 10) + (64u << 10));
  EXPECT_FALSE(e.exact);
  EXPECT_GT(e.rows, 0u);
}

// With nothing read there is no rate to extrapolate with: what was counted is a lower bound.
TEST(EngineRowEstimateTest, NoSampleIsALowerBound) {
  TempStore ts("row_estimate_bound", 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(31);
  Write(s, t, 2, 1000, 0);
  ASSERT_TRUE(s.Compact().ok());
  RowEstimateLimits none;
  none.sample_chunks = 0;
  none.sample_head_entries = 0;
  RowEstimate e = Estimate(s, t, none);
  EXPECT_FALSE(e.exact);
  EXPECT_TRUE(e.at_least);
  EXPECT_EQ(e.rows, 0u);
  EXPECT_EQ(e.records_read, 0u);
}

}  // namespace
}  // namespace quanta::storage
