// Direct chunks (src/storage/engine/seal.h): a put that brings at least chunk_rows / 2 rows to a
// partition whose key range holds nothing yet writes them as chunks at once; otherwise they go
// to the head as before. Either way every read answers the same.
#include <gtest/gtest.h>

#include <map>

#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

// Rows of series ("r", "s") at times from, from + 10, ... (all in the first 15-minute quantum).
std::vector<Row> Series(int64_t from, int64_t n, double v) {
  std::vector<Row> rows;
  for (int64_t i = 0; i < n; ++i) {
    rows.push_back({Value::Bytes("r"), Value::Bytes("s"), Value::Int(from + 10 * i),
                    Value::Bytes("w"), Value::Double(v)});
  }
  return rows;
}

// time -> temperature of every row of the series, by a scan of its partition.
std::map<int64_t, double> Scan(Store& s, const schema::TableDef& t) {
  ScanRange r;
  r.partition = {Value::Bytes("r"), Value::Bytes("s"), Value::Int(0)};
  r.time_lo = 0;
  r.time_hi = 15 * 60 * 1000 - 1;
  auto cursor = s.Scan(t, r, {});
  EXPECT_TRUE(cursor.ok());
  std::map<int64_t, double> out;
  if (!cursor.ok()) return out;
  RowBatch b;
  for (;;) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok());
    if (!more.ok()) break;
    for (size_t i = 0; i < b.num_rows; ++i) {
      EXPECT_TRUE(out.emplace(b.columns[2].ints[i], b.columns[4].doubles[i]).second)
          << "time " << b.columns[2].ints[i] << " returned twice";
    }
    if (!*more) break;
  }
  return out;
}

TEST(EngineDirectTest, BigPutsIntoFreeRangesBecomeChunks) {
  testing::TempStore temp("direct", 256);  // direct from 128 rows of one partition
  ASSERT_NE(temp.store(), nullptr);
  Store& s = *temp.store();
  const schema::TableDef t = testing::GeoTable(1);
  s.AttachTable(t);
  std::map<int64_t, double> model;
  auto put = [&](const std::vector<Row>& rows) {
    ASSERT_TRUE(s.Put(t, rows).ok());
    for (const Row& r : rows) model[r[2].as_int()] = r[4].as_double();
  };

  // 300 rows into an empty partition: chunks at once, nothing in the head.
  put(Series(1, 300, 1.0));
  StoreStats st = s.Stats();
  EXPECT_EQ(st.rows_direct, 300u);
  EXPECT_EQ(st.head_rows, 0u);
  EXPECT_EQ(st.chunks_written, 2u);  // 300 rows cut into balanced chunks of at most 256

  // Overlapping those chunks: the head (which wins over them).
  put(Series(1001, 200, 2.0));
  st = s.Stats();
  EXPECT_EQ(st.rows_direct, 300u);
  EXPECT_EQ(st.head_rows, 200u);

  // Past everything stored: free again. Two rows with the same key: the later one is kept.
  std::vector<Row> more = Series(5001, 150, 3.0);
  more.push_back(Series(5011, 1, 4.0)[0]);
  put(more);
  EXPECT_EQ(s.Stats().rows_direct, 450u);  // rows stored (150 distinct keys)
  EXPECT_EQ(s.Stats().head_rows, 200u);

  // Below the threshold: the head, even into a free range. (The head stays below 256 rows
  // until here: more would wake the sealer.)
  put(Series(7001, 50, 5.0));
  EXPECT_EQ(s.Stats().rows_direct, 450u);
  EXPECT_EQ(s.Stats().head_rows, 250u);

  // A range with head rows in it (not chunks): the head again.
  put(Series(6991, 130, 6.0));
  EXPECT_EQ(s.Stats().rows_direct, 450u);

  EXPECT_EQ(Scan(s, t), model);
  for (const auto& [time, v] : model) {
    auto got = s.Get(t, {Value::Bytes("r"), Value::Bytes("s"), Value::Int(time)});
    ASSERT_TRUE(got.ok() && got->has_value()) << time;
    EXPECT_EQ((**got)[4].as_double(), v) << time;
  }
  // Sealing the rest changes nothing that reads see.
  ASSERT_TRUE(s.Compact().ok());
  EXPECT_EQ(s.Stats().head_rows, 0u);
  EXPECT_EQ(Scan(s, t), model);
}

}  // namespace
}  // namespace quanta::storage
