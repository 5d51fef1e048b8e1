#include "http/key_path.h"

#include <gtest/gtest.h>

#include "test_tables.h"

namespace quanta::http {
namespace {

using testing::AllTypesTable;
using testing::BobTable;
using Elements = std::vector<std::string>;

TEST(KeyPathTest, ParsesPairsInAnyOrder) {
  Row key;
  EXPECT_FALSE(ParseKeyPath(BobTable(), Elements{"c", "11", "a", "q1", "b", "dzE="}, &key));
  EXPECT_EQ(key, (Row{Value::Bytes("q1"), Value::Bytes("w1"), Value::Int(11)}));
}

TEST(KeyPathTest, ErrorsInRiakOrder) {
  Row key;
  auto table = BobTable();
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "dzE=", "c", "11", "d", "1"}, &key),
            (HttpError{400, "Need 3 field/value pairs for key in table \"bob\", got 8 path elements"}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b"}, &key),
            (HttpError{400, "Need 3 field/value pairs for key in table \"bob\", got 3 path elements"}));
  EXPECT_EQ(ParseKeyPath(table, Elements{}, &key),
            (HttpError{400, "Need 3 field/value pairs for key in table \"bob\", got 0 path elements"}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "dzE=", "d", "20"}, &key),
            (HttpError{400, "Not all key-constituent fields given on URL"}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "a", "q2", "c", "1"}, &key),
            (HttpError{400, "Not all key-constituent fields given on URL"}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "dzE=", "x", "20"}, &key),
            (HttpError{400, "Table \"bob\" has no field named \"x\""}));
  // Unknown names are reported before missing key fields and bad values.
  EXPECT_EQ(ParseKeyPath(table, Elements{"c", "bad", "a", "q1", "zz", "1"}, &key).value().body,
            "Table \"bob\" has no field named \"zz\"");
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "dzE=", "c", "eleven"}, &key),
            (HttpError{400, "Bad value for field \"c\" of type timestamp in table \"bob\""}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "dzE=", "c", "0"}, &key),
            (HttpError{400, "Bad value for field \"c\" of type timestamp in table \"bob\""}));
  EXPECT_EQ(ParseKeyPath(table, Elements{"a", "q1", "b", "d!E=", "c", "1"}, &key),
            (HttpError{400, "Bad value for field \"b\" of type blob in table \"bob\""}));
}

TEST(KeyPathTest, ValueParsing) {
  EXPECT_EQ(ParseUrlValue(ColumnType::kVarchar, ""), Value::Bytes(""));
  EXPECT_EQ(ParseUrlValue(ColumnType::kVarchar, "North West"), Value::Bytes("North West"));
  EXPECT_EQ(ParseUrlValue(ColumnType::kSint64, "-9223372036854775808"),
            Value::Int(INT64_MIN));
  EXPECT_EQ(ParseUrlValue(ColumnType::kSint64, "+42"), Value::Int(42));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kSint64, "9223372036854775808"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kSint64, "1.0"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kSint64, " 1"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kSint64, "+-1"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kSint64, ""));
  EXPECT_EQ(ParseUrlValue(ColumnType::kTimestamp, "1"), Value::Int(1));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kTimestamp, "-5"));
  EXPECT_EQ(ParseUrlValue(ColumnType::kDouble, "23.5"), Value::Double(23.5));
  EXPECT_EQ(ParseUrlValue(ColumnType::kDouble, "7"), Value::Double(7.0));
  EXPECT_EQ(ParseUrlValue(ColumnType::kDouble, "-1e3"), Value::Double(-1000.0));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kDouble, "inf"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kDouble, "nan"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kDouble, "1e999"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kDouble, "0x10"));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kDouble, ""));
  EXPECT_EQ(ParseUrlValue(ColumnType::kBoolean, "true"), Value::Bool(true));
  EXPECT_EQ(ParseUrlValue(ColumnType::kBoolean, "false"), Value::Bool(false));
  EXPECT_FALSE(ParseUrlValue(ColumnType::kBoolean, "1"));
  EXPECT_EQ(ParseUrlValue(ColumnType::kBlob, "dzE="), Value::Bytes("w1"));
}

TEST(KeyPathTest, KeyUrlPathUsesNaturalValuesAndEncodes) {
  auto bob = BobTable();
  EXPECT_EQ(KeyUrlPath(bob, Row{Value::Bytes("q1"), Value::Bytes("w1"), Value::Int(11)}),
            "a/q1/b/dzE%3D/c/11");
  auto all = AllTypesTable();
  EXPECT_EQ(KeyUrlPath(all, Row{Value::Bytes("North West+a=b"), Value::Double(-2.5),
                                Value::Bool(true), Value::Int(1234567)}),
            "s/North%20West%2Ba%3Db/x/-2.5/f/true/t/1234567");
  EXPECT_EQ(KeyUrlPath(all, Row{Value::Bytes("s"), Value::Double(10), Value::Bool(false),
                                Value::Int(1)}),
            "s/s/x/10.0/f/false/t/1");
  // Wrong arity or representation.
  EXPECT_FALSE(KeyUrlPath(bob, Row{Value::Bytes("q1")}));
  EXPECT_FALSE(KeyUrlPath(bob, Row{Value::Int(1), Value::Bytes("w1"), Value::Int(11)}));
}

TEST(KeyPathTest, UrlPathRoundTrip) {
  auto all = AllTypesTable();
  Row key{Value::Bytes("a/b c+d%"), Value::Double(0.1), Value::Bool(false), Value::Int(99)};
  auto path = KeyUrlPath(all, key);
  ASSERT_TRUE(path);
  // Split and decode the way the router does.
  Elements elements;
  size_t start = 0;
  while (true) {
    size_t slash = path->find('/', start);
    std::string raw = path->substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string decoded;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%') {
        decoded.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(raw[i]);
      }
    }
    elements.push_back(decoded);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  Row parsed;
  EXPECT_FALSE(ParseKeyPath(all, elements, &parsed));
  EXPECT_EQ(parsed, key);
}

}  // namespace
}  // namespace quanta::http
