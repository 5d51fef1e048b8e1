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

}  // namespace
}  // namespace quanta::storage
