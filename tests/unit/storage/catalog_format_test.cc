// Pins the catalog record bytes documented in docs/formats/catalog.md.
#include <gtest/gtest.h>

#include "schema/table_def.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

TEST(CatalogFormatTest, DocumentedExample) {
  auto t = testing::MakeTable("t", 3,
                              {{"a", ColumnType::kVarchar},
                               {"ts", ColumnType::kTimestamp},
                               {"v", ColumnType::kDouble, true}},
                              {"a", "ts"}, {{"a"}, {"ts", true}}, true, 15, 'm');
  std::string bytes = schema::SerializeTableDef(t);
  EXPECT_EQ(HexEncode(bytes),
            "01" "03" "0174" "03" "01610000" "0274730300" "01760201"
            "02" "0000" "01010f6d" "02" "0000" "0102" "00");
  auto back = schema::DeserializeTableDef(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(schema::SerializeTableDef(*back), bytes);
  EXPECT_EQ(back->ShowCreateSql(), t.ShowCreateSql());
}

}  // namespace
}  // namespace quanta::storage
