// quanta-admin's CSV cells and records (tools/admin/csv.h): RFC 4180 quoting both ways, NULL
// against the empty string, every type's text, and line-numbered errors.
#include "csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace quanta::admin {
namespace {

std::vector<std::vector<CsvField>> ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<CsvField>> records;
  std::vector<CsvField> fields;
  while (true) {
    auto more = reader.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.error().message();
    if (!more.ok() || !*more) break;
    records.push_back(fields);
  }
  return records;
}

TEST(Csv, QuotesWhatNeedsIt) {
  std::string out;
  AppendCsvField("plain", false, &out);
  out += ',';
  AppendCsvField("a,b \"q\"\nnext", false, &out);
  out += ',';
  AppendCsvField("", true, &out);
  EXPECT_EQ(out, "plain,\"a,b \"\"q\"\"\nnext\",\"\"");
}

TEST(Csv, ReadsBackWhatItWrites) {
  const std::vector<std::string> texts = {"x", "a,b", "say \"hi\"", "two\r\nlines", "",
                                          "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"};
  std::string line;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i) line += ',';
    AppendCsvField(texts[i], texts[i].empty(), &line);
  }
  line += ",\r\n2nd,row\n";
  auto records = ReadAll(line);
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[0].size(), texts.size() + 1);
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(records[0][i].text, texts[i]);
  EXPECT_TRUE(records[0][4].quoted);       // "" : the empty string
  EXPECT_FALSE(records[0].back().quoted);  // nothing: NULL
  EXPECT_EQ(records[1][1].text, "row");
}

TEST(Csv, ErrorsNameTheLine) {
  std::istringstream in("a,b\n1,\"open\n\n");
  CsvReader reader(in);
  std::vector<CsvField> f;
  ASSERT_TRUE(reader.Next(&f).ok());
  auto r = reader.Next(&f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("line 2"), std::string::npos) << r.error().message();
  std::istringstream in2("a\nx\"y\n");
  CsvReader reader2(in2);
  ASSERT_TRUE(reader2.Next(&f).ok());
  auto r2 = reader2.Next(&f);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message().find("line 2"), std::string::npos);
}

TEST(Csv, BoundsARecord) {
  std::istringstream in("\"" + std::string(5000, 'x'));
  CsvReader reader(in, 1000);
  std::vector<CsvField> f;
  auto r = reader.Next(&f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("longer than 1000"), std::string::npos);
}

TEST(Csv, CellsRoundTrip) {
  struct Case {
    Value v;
    ColumnType t;
    std::string text;
  };
  const std::vector<Case> cases = {
      {Value::Bytes("x,y"), ColumnType::kVarchar, "x,y"},
      {Value::Bytes(std::string("\x00\xff", 2)), ColumnType::kBlob, "0x00ff"},
      {Value::Int(-42), ColumnType::kSint64, "-42"},
      {Value::Int(1700000000123), ColumnType::kTimestamp, "1700000000123"},
      {Value::Double(0.1), ColumnType::kDouble, "0.1"},
      {Value::Bool(true), ColumnType::kBoolean, "true"},
  };
  for (const auto& c : cases) {
    auto text = FormatCell(c.v, c.t, false);
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, c.text);
    auto back = ParseCell(CsvField{*text, false}, c.t);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(*back, c.v) << c.text;
  }
  EXPECT_FALSE(FormatCell(Value::Null(), ColumnType::kVarchar, false).has_value());
  EXPECT_TRUE(ParseCell(CsvField{"", false}, ColumnType::kVarchar)->is_null());
  EXPECT_EQ(*ParseCell(CsvField{"", true}, ColumnType::kVarchar), Value::Bytes(""));
}

TEST(Csv, IsoTimestamps) {
  EXPECT_EQ(FormatIsoMs(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatIsoMs(-1), "1969-12-31T23:59:59.999Z");
  auto v = ParseCell(CsvField{"2023-11-14T22:13:20.123Z", false}, ColumnType::kTimestamp);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_int(), 1700000000123);
}

TEST(Csv, BadCellsSayWhatWasExpected) {
  auto r = ParseCell(CsvField{"12x", false}, ColumnType::kSint64);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "expected an integer, got '12x'");
  EXPECT_FALSE(ParseCell(CsvField{"0xabc", false}, ColumnType::kBlob).ok());
  EXPECT_FALSE(ParseCell(CsvField{"maybe", false}, ColumnType::kBoolean).ok());
  EXPECT_FALSE(ParseCell(CsvField{"nan", false}, ColumnType::kDouble).ok());
  EXPECT_FALSE(ParseCell(CsvField{"99999999999999999999", false}, ColumnType::kSint64).ok());
}

}  // namespace
}  // namespace quanta::admin
