#include "result_printer.h"

#include <gtest/gtest.h>

namespace quanta::shell {
namespace {

ResultSet DescribeGeoCheckin() {
  ResultSet rs;
  rs.columns = {{"Column", ColumnType::kVarchar},   {"Type", ColumnType::kVarchar},
                {"Nullable", ColumnType::kBoolean}, {"Partition Key", ColumnType::kSint64},
                {"Local Key", ColumnType::kSint64}, {"Interval", ColumnType::kSint64},
                {"Unit", ColumnType::kVarchar},     {"Sort Order", ColumnType::kVarchar}};
  auto row = [](const char* name, const char* type, bool nullable, Value pk, Value lk,
                Value interval, Value unit) {
    return Row{
        Value::Bytes(name), Value::Bytes(type), Value::Bool(nullable), pk, lk, interval, unit,
        Value::Null()};
  };
  rs.rows = {
      row("myfamily", "varchar", false, Value::Int(1), Value::Int(1), Value(), Value()),
      row("myseries", "varchar", false, Value::Int(2), Value::Int(2), Value(), Value()),
      row("time", "timestamp", false, Value::Int(3), Value::Int(3), Value::Int(15),
          Value::Bytes("m")),
      row("weather", "varchar", false, Value(), Value(), Value(), Value()),
      row("temperature", "double", true, Value(), Value(), Value(), Value()),
  };
  return rs;
}

TEST(ResultPrinterTest, DescribeCsvAsRiakShell) {
  EXPECT_EQ(RenderCsv(DescribeGeoCheckin()),
            "Column,Type,Nullable,Partition Key,Local Key,Interval,Unit,Sort Order\n"
            "myfamily,varchar,false,1,1,,,\n"
            "myseries,varchar,false,2,2,,,\n"
            "time,timestamp,false,3,3,15,m,\n"
            "weather,varchar,false,,,,,\n"
            "temperature,double,true,,,,,");
}

TEST(ResultPrinterTest, TableIsCentredWithBorders) {
  ResultSet rs;
  rs.columns = {{"Table", ColumnType::kVarchar}, {"Status", ColumnType::kVarchar}};
  rs.rows = {{Value::Bytes("GeoCheckin"), Value::Bytes("Active")},
             {Value::Bytes("t"), Value::Bytes("Not Active")}};
  EXPECT_EQ(RenderTable(rs),
            "+----------+----------+\n"
            "|   Table  |  Status  |\n"
            "+----------+----------+\n"
            "|GeoCheckin|  Active  |\n"
            "|     t    |Not Active|\n"
            "+----------+----------+");
}

TEST(ResultPrinterTest, TableOddPaddingGoesLeft) {
  ResultSet rs;
  rs.columns = {{"Unit", ColumnType::kVarchar}};
  rs.rows = {{Value::Bytes("m")}};
  EXPECT_EQ(RenderTable(rs),
            "+----+\n"
            "|Unit|\n"
            "+----+\n"
            "|  m |\n"
            "+----+");
}

TEST(ResultPrinterTest, TableMultiLineCellsAndUtf8Width) {
  ResultSet rs;
  rs.columns = {{"a", ColumnType::kVarchar}, {"b", ColumnType::kSint64}};
  rs.rows = {{Value::Bytes("x\nyy"), Value::Int(7)}, {Value::Bytes("\xC3\xA9t\xC3\xA9"), Value()}};
  EXPECT_EQ(RenderTable(rs),
            "+---+-+\n"
            "| a |b|\n"
            "+---+-+\n"
            "| x |7|\n"
            "| yy| |\n"
            "|\xC3\xA9t\xC3\xA9| |\n"
            "+---+-+");
}

TEST(ResultPrinterTest, CsvQuotesSpecialFields) {
  ResultSet rs;
  rs.columns = {{"Coverage Plan", ColumnType::kVarchar}, {"n", ColumnType::kDouble}};
  rs.rows = {{Value::Bytes("a, b"), Value::Double(1.5)},
             {Value::Bytes("say \"hi\""), Value::Double(10)},
             {Value::Bytes("two\nlines"), Value()}};
  EXPECT_EQ(RenderCsv(rs),
            "Coverage Plan,n\n"
            "\"a, b\",1.5\n"
            "\"say \"\"hi\"\"\",10.0\n"
            "\"two\nlines\",");
}

TEST(ResultPrinterTest, CsvLiteralColumns) {
  ResultSet rs;
  rs.columns = {{"555", ColumnType::kSint64},
                {"1.1", ColumnType::kDouble},
                {"10.0", ColumnType::kDouble},
                {"0.01123", ColumnType::kDouble}};
  Row r{Value::Int(555), Value::Double(1.1), Value::Double(1e1), Value::Double(1.123e-2)};
  rs.rows = {r, r, r};
  EXPECT_EQ(RenderCsv(rs),
            "555,1.1,10.0,0.01123\n"
            "555,1.1,10.0,0.01123\n"
            "555,1.1,10.0,0.01123\n"
            "555,1.1,10.0,0.01123");
}

TEST(ResultPrinterTest, JsonTypesValues) {
  ResultSet rs;
  rs.columns = {{"s", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp},
                {"d", ColumnType::kDouble},  {"b", ColumnType::kBlob},
                {"i", ColumnType::kSint64},  {"f", ColumnType::kBoolean}};
  rs.rows = {{Value::Bytes("a\"b\\\n\x01"), Value::Int(10), Value::Double(23),
              Value::Bytes("1234567890"), Value::Int(-5), Value::Bool(false)},
             {Value(), Value(), Value(), Value(), Value(), Value()}};
  EXPECT_EQ(RenderJson(rs),
            "{\"columns\":[\"s\",\"t\",\"d\",\"b\",\"i\",\"f\"],"
            "\"types\":[\"varchar\",\"timestamp\",\"double\",\"blob\",\"sint64\",\"boolean\"],"
            "\"rows\":[\n"
            "[\"a\\\"b\\\\\\n\\u0001\",\"1970-01-01T00:00:00.01Z\",23.0,\"0x31323334353637383930\","
            "-5,false],\n"
            "[null,null,null,null,null,null]\n"
            "]}");
}

TEST(ResultPrinterTest, StatementReplies) {
  ResultSet empty;
  SqlInfo create{SqlKind::kCreateTable, "GeoCheckin", 0};
  EXPECT_EQ(RenderSqlReply(create, empty, OutputFormat::kTable),
            "Table GeoCheckin successfully created and activated.");
  SqlInfo insert1{SqlKind::kInsert, "", 1};
  EXPECT_EQ(RenderSqlReply(insert1, empty, OutputFormat::kCsv), "Inserted 1 row.");
  SqlInfo insert3{SqlKind::kInsert, "", 3};
  EXPECT_EQ(RenderSqlReply(insert3, empty, OutputFormat::kCsv), "Inserted 3 rows.");
  SqlInfo del{SqlKind::kDelete, "", 0};
  EXPECT_EQ(RenderSqlReply(del, empty, OutputFormat::kTable), "");
  SqlInfo select{SqlKind::kSelect, "", 0};
  EXPECT_EQ(RenderSqlReply(select, empty, OutputFormat::kTable), "No rows returned.");
  EXPECT_EQ(RenderSqlReply(select, empty, OutputFormat::kCsv), "No rows returned.");
  ResultSet no_rows;
  no_rows.columns = {{"a", ColumnType::kSint64}};
  EXPECT_EQ(RenderSqlReply(select, no_rows, OutputFormat::kCsv), "No rows returned.");
  EXPECT_EQ(RenderSqlReply(select, no_rows, OutputFormat::kJson),
            "{\"columns\":[\"a\"],\"types\":[\"sint64\"],\"rows\":[]}");
}

TEST(ResultPrinterTest, ShowCreateTablePrintsRawSql) {
  ResultSet rs;
  rs.columns = {{"SQL", ColumnType::kVarchar}};
  rs.rows = {{Value::Bytes("CREATE TABLE t (a VARCHAR NOT NULL,\nPRIMARY KEY ((a), a))")}};
  SqlInfo info{SqlKind::kShowCreateTable, "", 0};
  for (OutputFormat f : {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson}) {
    EXPECT_EQ(RenderSqlReply(info, rs, f),
              "CREATE TABLE t (a VARCHAR NOT NULL,\nPRIMARY KEY ((a), a))");
  }
}

TEST(ResultPrinterTest, Errors) {
  EXPECT_EQ(RenderServerError(1001, "The query must have a where clause."),
            "Error (1001): The query must have a where clause.");
}

TEST(ResultPrinterTest, FormatNames) {
  EXPECT_EQ(ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("human"), OutputFormat::kTable);
  EXPECT_EQ(ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("xml"), std::nullopt);
  EXPECT_EQ(OutputFormatName(OutputFormat::kJson), "json");
}

}  // namespace
}  // namespace quanta::shell
