// Sealing stays bounded in memory however big the rows are: chunks are cut by decoded size as
// well as by row count, and every row survives the cut.
#include <gtest/gtest.h>


#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {


TEST(EngineBoundsTest, ChunksOfLongStringsAreCutBySize) {
  testing::TempStore temp("bounds");
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  schema::TableDef t = testing::MakeTable(
      "big", 1, {{"k", ColumnType::kVarchar}, {"ts", ColumnType::kTimestamp},
                 {"body", ColumnType::kVarchar, true}},
      {"k", "ts"}, {{"k"}, {"ts"}}, true, 1, 'd');
  store.AttachTable(t);
  // 600 rows of 100 KB (60 MB) in one partition: at most ~8 MiB of strings per chunk.
  constexpr int kRows = 600;
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<Row> rows;
    for (int i = 0; i < kRows / 6; ++i) {
      const int n = batch * (kRows / 6) + i;
      rows.push_back({Value::Bytes("a"), Value::Int(1000 + n),
                      Value::Bytes(std::string(100 << 10, static_cast<char>('a' + n % 26)))});
    }
    ASSERT_TRUE(store.Put(t, rows).ok());
  }
  ASSERT_TRUE(store.Compact().ok());
  StoreStats st = store.Stats();
  EXPECT_EQ(st.head_rows, 0u);
  EXPECT_GE(st.chunks_written, 8u);  // 60 MB in chunks of at most ~8 MiB
  // Every row reads back whole, in order.
  ScanRange r;
  r.partition = {Value::Bytes("a"), Value::Int(0)};
  auto cursor = store.Scan(t, r, ScanOptions{});
  ASSERT_TRUE(cursor.ok());
  RowBatch b;
  int seen = 0;
  while (true) {
    auto more = (*cursor)->Next(&b);
    ASSERT_TRUE(more.ok());
    for (size_t i = 0; i < b.num_rows; ++i, ++seen) {
      ASSERT_EQ(b.columns[1].ints[i], 1000 + seen);
      ASSERT_EQ(b.columns[2].strings[i].size(), size_t{100 << 10});
      ASSERT_EQ(b.columns[2].strings[i][0], static_cast<char>('a' + seen % 26));
    }
    if (!*more) break;
  }
  EXPECT_EQ(seen, kRows);
}

}  // namespace
}  // namespace quanta::storage
