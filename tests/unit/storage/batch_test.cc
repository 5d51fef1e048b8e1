#include "storage/batch.h"

#include <gtest/gtest.h>

namespace quanta::storage {
namespace {

TEST(RowBatchTest, AppendGetAndRows) {
  RowBatch b;
  b.Reset({ColumnType::kSint64, ColumnType::kDouble, ColumnType::kVarchar, ColumnType::kBoolean,
           ColumnType::kTimestamp},
          {true, true, true, true, false});
  Row r0 = {Value::Int(1), Value::Double(2.5), Value::Bytes("x"), Value::Bool(true), Value()};
  Row r1 = {Value(), Value(), Value(), Value(), Value()};
  for (size_t c = 0; c < 4; ++c) {
    b.columns[c].Append(r0[c]);
    b.columns[c].Append(r1[c]);
  }
  b.num_rows = 2;
  EXPECT_EQ(b.GetRow(0), r0);
  EXPECT_EQ(b.GetRow(1), r1);
  // Typed vectors keep one entry per row, NULLs included.
  EXPECT_EQ(b.columns[0].ints.size(), 2u);
  EXPECT_EQ(b.columns[2].strings.size(), 2u);
  EXPECT_EQ(b.columns[2].nulls, (std::vector<uint8_t>{0, 1}));
  EXPECT_FALSE(b.columns[4].filled);

  b.Clear();
  EXPECT_EQ(b.num_rows, 0u);
  EXPECT_TRUE(b.columns[0].ints.empty());
  EXPECT_TRUE(b.columns[0].filled);

  b.Reset({ColumnType::kBlob}, {});  // empty `wanted` = every column
  EXPECT_EQ(b.columns.size(), 1u);
  EXPECT_TRUE(b.columns[0].filled);
  EXPECT_EQ(b.columns[0].type, ColumnType::kBlob);
}

TEST(RowBatchTest, DictionaryFormReadsLikeStrings) {
  RowBatch b;
  b.Reset({ColumnType::kVarchar}, {});
  ColumnVector& c = b.columns[0];
  c.dict = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"b", "a"});
  c.codes = {1, 0, 0, 1};
  c.nulls = {0, 0, 1, 0};
  b.num_rows = 4;
  EXPECT_EQ(c.Get(0), Value::Bytes("a"));
  EXPECT_EQ(c.Get(1), Value::Bytes("b"));
  EXPECT_TRUE(c.Get(2).is_null());
  EXPECT_EQ(c.StringAt(3), "a");
  EXPECT_EQ(b.GetRow(1), (Row{Value::Bytes("b")}));
  b.Clear();
  EXPECT_EQ(b.columns[0].dict, nullptr);
  EXPECT_TRUE(b.columns[0].codes.empty());
}

TEST(RowBatchTest, SummaryBatches) {
  RowBatch b;
  b.Reset({ColumnType::kSint64, ColumnType::kDouble}, {true, false});
  b.MakeSummary(7);
  EXPECT_TRUE(b.summary);
  EXPECT_EQ(b.num_rows, 7u);
  ASSERT_EQ(b.summaries.size(), 2u);
  EXPECT_EQ(b.summaries[0].count, 0u);
  b.summaries[0].count = 3;
  b.summaries[1].dsum.Add(1.5);
  b.Reset({ColumnType::kSint64, ColumnType::kDouble}, {true, false});
  EXPECT_FALSE(b.summary);  // a row batch again
  b.MakeSummary(1);
  EXPECT_EQ(b.summaries[0].count, 0u);  // zeroed
  EXPECT_TRUE(b.summaries[1].dsum.IsZero());
}

}  // namespace
}  // namespace quanta::storage
