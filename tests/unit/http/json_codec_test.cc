#include "http/json_codec.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "test_tables.h"

namespace quanta::http {
namespace {

using testing::AllTypesTable;
using testing::BobTable;

std::optional<HttpError> Decode(std::string_view body, std::vector<Row>* rows,
                                const schema::TableDef& table = BobTable()) {
  return DecodeRows(table, body, rows);
}

HttpError BadValue(const char* field, const char* type, const char* table = "bob") {
  return HttpError{400, std::string("Bad value for field \"") + field + "\" of type " + type +
                            " in table \"" + table + "\""};
}

const HttpError kInvalidJson{400, "Invalid json in body"};

TEST(JsonDecodeTest, Riak18_7Cases) {
  std::vector<Row> rows;
  EXPECT_FALSE(Decode(R"({"a": "q1", "b": "dzE=", "c": 11, "d":110})", &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{Value::Bytes("q1"), Value::Bytes("w1"), Value::Int(11), Value::Int(110)}));

  EXPECT_FALSE(Decode(R"({"a": "q1", "b": "dzE=", "c": 11, "d":null})", &rows));
  EXPECT_EQ(rows[0][3], Value::Null());
  EXPECT_FALSE(Decode(R"({"a": "q1", "b": "dzE=", "c": 11})", &rows));
  EXPECT_EQ(rows[0][3], Value::Null());

  EXPECT_EQ(Decode(R"({"a": "q1", "c": 11, "d":110})", &rows),
            (HttpError{400, "Missing field \"b\" for key in table \"bob\""}));
  EXPECT_EQ(Decode(R"({"a": "q1", "b": "dzE=", "c": 11, "d":"raining"})", &rows),
            BadValue("d", "sint64"));

  EXPECT_FALSE(Decode(R"([{"a": "q1", "b": "dzE=", "c": 20, "d":119},
                          {"a": "qN", "b": "d04=", "c": 11, "d":null}])", &rows));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (Row{Value::Bytes("qN"), Value::Bytes("wN"), Value::Int(11), Value::Null()}));
}

TEST(JsonDecodeTest, ColumnChecks) {
  std::vector<Row> rows;
  // Unknown keys are ignored; first failing column in table order wins.
  EXPECT_FALSE(Decode(R"({"zz": [1], "a": "x", "b": "", "c": 1})", &rows));
  EXPECT_EQ(Decode(R"({"a": 1, "c": "x"})", &rows), BadValue("a", "varchar"));
  EXPECT_EQ(Decode(R"({"a": null, "b": "", "c": 1})", &rows), BadValue("a", "varchar"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": 5, "c": 1})", &rows), BadValue("b", "blob"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "!!", "c": 1})", &rows), kInvalidJson);
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 0})", &rows), BadValue("c", "timestamp"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": -3})", &rows), BadValue("c", "timestamp"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 1.5})", &rows), BadValue("c", "timestamp"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": "2016-01-01"})", &rows), BadValue("c", "timestamp"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 1, "d": 1.0})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 1, "d": true})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 1, "d": [1]})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a": "x", "b": "", "c": 1, "d": {}})", &rows), BadValue("d", "sint64"));
  // Missing wins over later bad values (column order).
  EXPECT_EQ(Decode(R"({"a": "x", "d": "bad"})", &rows),
            (HttpError{400, "Missing field \"b\" for key in table \"bob\""}));
  // The second row's error is reported.
  EXPECT_EQ(Decode(R"([{"a": "x", "b": "", "c": 1}, {"a": "x", "b": "", "c": 1, "d": "z"}])", &rows),
            BadValue("d", "sint64"));
}

TEST(JsonDecodeTest, IntegerRangesAreNeverTruncated) {
  std::vector<Row> rows;
  EXPECT_FALSE(Decode(R"({"a":"x","b":"","c":9223372036854775807,"d":-9223372036854775808})", &rows));
  EXPECT_EQ(rows[0][2], Value::Int(INT64_MAX));
  EXPECT_EQ(rows[0][3], Value::Int(INT64_MIN));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":9223372036854775808})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":-9223372036854775809})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":18446744073709551616})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":1e3})", &rows), BadValue("d", "sint64"));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":9223372036854775808})", &rows), BadValue("c", "timestamp"));
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":1e300})", &rows), BadValue("d", "sint64"));
  // Exponents RapidJSON itself refuses are a syntax error.
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":1e400})", &rows), kInvalidJson);
  EXPECT_EQ(Decode(R"({"a":"x","b":"","c":1,"d":-0})", &rows), std::nullopt);
  EXPECT_EQ(rows[0][3], Value::Int(0));
}

TEST(JsonDecodeTest, DoubleAcceptsIntegers) {
  std::vector<Row> rows;
  auto table = AllTypesTable();
  EXPECT_FALSE(Decode(R"({"s":"a","x":23,"f":true,"t":5,"v":-7,"ok":false,"bl":"AAE="})", &rows, table));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{Value::Bytes("a"), Value::Double(23), Value::Bool(true), Value::Int(5),
                          Value::Null(), Value::Double(-7), Value::Bytes(std::string("\0\1", 2)),
                          Value::Bool(false)}));
  EXPECT_FALSE(Decode(R"({"s":"a","x":0.1,"f":false,"t":5,"v":1.7976931348623157e308})", &rows, table));
  EXPECT_EQ(rows[0][1], Value::Double(0.1));
  EXPECT_EQ(rows[0][5], Value::Double(1.7976931348623157e308));
  EXPECT_EQ(Decode(R"({"s":"a","x":"1","f":true,"t":5})", &rows, table), BadValue("x", "double", "all types"));
  EXPECT_EQ(Decode(R"({"s":"a","x":1.8e308,"f":true,"t":5})", &rows, table), BadValue("x", "double", "all types"));
  EXPECT_EQ(Decode(R"({"s":"a","x":-1.8e308,"f":true,"t":5})", &rows, table), BadValue("x", "double", "all types"));
  // Exact conversions: big integers, subnormals, and the inputs that trip RapidJSON's own
  // full-precision path.
  EXPECT_FALSE(Decode(R"({"s":"a","x":9007199254740993,"f":true,"t":5,"v":4.9e-324})", &rows, table));
  EXPECT_EQ(rows[0][1], Value::Double(9007199254740992.0));
  EXPECT_EQ(rows[0][5], Value::Double(4.9e-324));
  EXPECT_FALSE(Decode(R"({"s":"a","x":1e-400,"f":true,"t":5})", &rows, table));
  EXPECT_EQ(rows[0][1], Value::Double(0.0));
  EXPECT_EQ(Decode(R"({"s":"x","x":922377203486231931.48623158e308,"f":true,"t":5})", &rows, table),
            BadValue("x", "double", "all types"));
  EXPECT_EQ(Decode(R"({"s":"a","x":1,"f":1,"t":5})", &rows, table), BadValue("f", "boolean", "all types"));
}

TEST(JsonDecodeTest, InvalidJson) {
  std::vector<Row> rows;
  for (const char* body : {"", " ", "{", "nul", "{\"a\":1,}", "[{\"a\":\"x\"},]", "{'a':1}",
                           "{\"a\":\"x\"} x", "{\"a\":\"x\"}{}", "1", "\"s\"", "null", "true",
                           "[1]", "[{\"a\":\"x\",\"b\":\"\",\"c\":1}, 2]", "[[]]",
                           "{\"a\":NaN}", "{\"a\":Infinity}", "/*c*/{}",
                           "{\"a\":\"\xff\"}", "\"!!!!\xef", "{\"a\":\"x\xf0\x9f"}) {
    EXPECT_EQ(Decode(body, &rows), kInvalidJson) << body;
  }
  // A NUL byte anywhere (it would end in-situ parsing early).
  EXPECT_EQ(Decode(std::string("{\"a\":\"x\",\"b\":\"\",\"c\":1}\0", 23), &rows), kInvalidJson);
  EXPECT_EQ(Decode(std::string("{\"a\":\"x\0\",\"b\":\"\",\"c\":1}", 23), &rows), kInvalidJson);
  // Deep nesting is rejected without deep recursion.
  std::string deep(100000, '[');
  EXPECT_EQ(Decode(deep, &rows), kInvalidJson);
}

TEST(JsonDecodeTest, NestedValuesAndDuplicates) {
  std::vector<Row> rows;
  // Nested values under unknown keys are skipped; under a column they are a bad value.
  EXPECT_FALSE(Decode(R"({"zz":{"a":1,"b":[1,{"c":2}]},"a":"x","b":"","c":1})", &rows));
  EXPECT_EQ(Decode(R"({"a":{"a":"x"},"b":"","c":1})", &rows), BadValue("a", "varchar"));
  EXPECT_EQ(Decode(R"({"a":["x"],"b":"","c":1})", &rows), BadValue("a", "varchar"));
  // The first of repeated keys counts.
  EXPECT_FALSE(Decode(R"({"a":"first","a":"second","b":"","c":1})", &rows));
  EXPECT_EQ(rows[0][0], Value::Bytes("first"));
  // Syntax anywhere beats field errors in earlier rows.
  EXPECT_EQ(Decode(R"([{"a":1}, {"a":"x","b":"","c":1}, ])", &rows), kInvalidJson);
  EXPECT_EQ(Decode(R"([{"a":1}, 5])", &rows), kInvalidJson);
  // Nesting is bounded.
  std::string deep = R"({"zz":)" + std::string(40, '[') + std::string(40, ']') + R"(,"a":"x","b":"","c":1})";
  EXPECT_EQ(Decode(deep, &rows), kInvalidJson);
  std::string ok = R"({"zz":)" + std::string(20, '[') + std::string(20, ']') + R"(,"a":"x","b":"","c":1})";
  EXPECT_FALSE(Decode(ok, &rows));
}

TEST(JsonDecodeTest, EmptyArrayIsNoRows) {
  std::vector<Row> rows{Row{}};
  EXPECT_FALSE(Decode("[]", &rows));
  EXPECT_TRUE(rows.empty());
}

TEST(JsonDecodeTest, StringsKeepEmbeddedNulAndUnicode) {
  std::vector<Row> rows;
  EXPECT_FALSE(Decode(R"({"a":"x\u0000y\u00e9\ud83d\ude00","b":"","c":1})", &rows));
  EXPECT_EQ(rows[0][0], Value::Bytes(std::string("x\0y\xC3\xA9\xF0\x9F\x98\x80", 9)));
}

TEST(JsonDecodeTest, FirstBadRowWinsUnlessTheBodyIsMalformed) {
  std::vector<Row> rows;
  // Rows are checked as they stream in; a later syntax error still makes the body Invalid json.
  EXPECT_EQ(Decode(R"([{"a":"x","b":"","c":1},{"a":"x","c":1},{"a":1}])", &rows),
            (HttpError{400, "Missing field \"b\" for key in table \"bob\""}));
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(Decode(R"([{"a":"x","b":"","c":1},{"a":"x","c":1},{"a":)", &rows), kInvalidJson);
  EXPECT_EQ(Decode(R"([{}, {}] x)", &rows), kInvalidJson);
  EXPECT_EQ(Decode(R"([{}, 3])", &rows), kInvalidJson);
  // A truncated UTF-8 sequence at the very end of the body.
  EXPECT_EQ(Decode("[{\"a\":\"\xF0", &rows), kInvalidJson);
  EXPECT_EQ(Decode("[{\"a\":\"\xF0\x9F", &rows), kInvalidJson);
  EXPECT_EQ(Decode(std::string("[{\"a\":\"x\0\"}]", 12), &rows), kInvalidJson);
}

TEST(JsonDecodeTest, RowsAreReservedAndGivenBackOnError) {
  MemoryAccount account(0);
  std::string ok;
  for (int i = 1; i <= 1000; ++i) {
    ok += (i > 1 ? "," : "[");
    ok += R"({"a":"x","b":"","c":)" + std::to_string(i) + "}";
  }
  ok += "]";
  {
    MemoryReservation memory(&account, 0);
    std::vector<Row> rows;
    std::string body = ok;
    EXPECT_FALSE(DecodeRows(BobTable(), &body, &memory, &rows));
    EXPECT_EQ(rows.size(), 1000u);
    EXPECT_GE(memory.held(), static_cast<int64_t>(1000 * 4 * sizeof(Value)));
    // A bad row after them: the decoded rows and their reservation are given back.
    MemoryReservation second(&account, 0);
    body = ok.substr(0, ok.size() - 1) + R"(,{"a":"x","b":"","c":0}])";
    EXPECT_EQ(DecodeRows(BobTable(), &body, &second, &rows), BadValue("c", "timestamp"));
    EXPECT_TRUE(rows.empty());
    EXPECT_EQ(second.held(), 0);
  }
  // Over the request's cap: 503 naming what needed the memory.
  MemoryReservation small(&account, 64 << 10);
  std::vector<Row> rows;
  std::string body = ok;
  auto error = DecodeRows(BobTable(), &body, &small, &rows);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 503);
  EXPECT_NE(error->body.find("decoding the request body"), std::string::npos) << error->body;
  EXPECT_TRUE(rows.empty());
}

TEST(JsonEncodeTest, StreamingEncoderConsumesRowsAndReservesItsOutput) {
  MemoryAccount account(0);
  MemoryReservation memory(&account, 0);
  ResultSet rs;
  rs.columns = {{"s", ColumnType::kVarchar}, {"i", ColumnType::kSint64}};
  for (int i = 0; i < 20000; ++i) rs.rows.push_back({Value::Bytes("row \"" + std::to_string(i)), Value::Int(i)});
  std::string expected;
  ASSERT_TRUE(EncodeResultSet(rs, &expected));
  std::string out;
  ASSERT_TRUE(EncodeResultSet(&rs, &memory, &out).ok());
  EXPECT_EQ(out, expected);
  EXPECT_TRUE(rs.rows.empty());
  EXPECT_GE(memory.held(), static_cast<int64_t>(out.size()));
  EXPECT_LE(memory.held(), static_cast<int64_t>(2 * out.size()));
  // Refused growth is an error, not an allocation.
  MemoryReservation small(&account, 4 << 10);
  rs.rows.push_back({Value::Bytes(std::string(100000, 'x')), Value::Int(1)});
  Status st = EncodeResultSet(&rs, &small, &out);
  EXPECT_EQ(st.code(), ErrorCode::kMemoryLimit);
}

TEST(JsonEncodeTest, StreamingEncoderReservesTheWholeTextOfAFewLargeRows) {
  // The measured length covers the fixed text too: the output never outgrows its reservation
  // (a reallocation would double the string, uncounted).
  MemoryAccount account(0);
  MemoryReservation memory(&account, 0);
  ResultSet rs;
  rs.columns = {{"s", ColumnType::kVarchar}};
  rs.rows.push_back({Value::Bytes(std::string(100000, 'x'))});
  std::string out;
  ASSERT_TRUE(EncodeResultSet(&rs, &memory, &out).ok());
  EXPECT_EQ(out.size(), 100031u);
  EXPECT_GE(memory.held(), static_cast<int64_t>(out.size()));
  EXPECT_LT(out.capacity(), out.size() + 64);
}

TEST(JsonEncodeTest, ResultSet) {
  ResultSet rs;
  rs.columns = {{"a", ColumnType::kVarchar}, {"b", ColumnType::kBlob}, {"c", ColumnType::kTimestamp},
                {"d", ColumnType::kSint64}};
  std::string out;
  ASSERT_TRUE(EncodeResultSet(rs, &out));
  EXPECT_EQ(out, R"({"columns":["a","b","c","d"],"rows":[]})");
  rs.rows = {{Value::Bytes("q1"), Value::Bytes("w1"), Value::Int(11), Value::Int(110)},
             {Value::Bytes("qN"), Value::Bytes("wN"), Value::Int(11), Value::Null()}};
  ASSERT_TRUE(EncodeResultSet(rs, &out));
  EXPECT_EQ(out, R"({"columns":["a","b","c","d"],"rows":[["q1","dzE=",11,110],["qN","d04=",11,[]]]})");
  ASSERT_TRUE(EncodeResultSet(ResultSet{}, &out));
  EXPECT_EQ(out, R"({"columns":[],"rows":[]})");
}

TEST(JsonEncodeTest, ValueRendering) {
  ResultSet rs;
  rs.columns = {{"v", ColumnType::kDouble}, {"s", ColumnType::kVarchar}, {"f", ColumnType::kBoolean}};
  rs.rows = {{Value::Double(23.5), Value::Bytes("q\"\\\n\x01/é"), Value::Bool(true)},
             {Value::Double(10), Value::Bytes(""), Value::Bool(false)},
             {Value::Double(0.1), Value::Null(), Value::Null()},
             {Value::Double(1e300), Value::Bytes(std::string("\0", 1)), Value::Null()},
             {Value::Double(std::numeric_limits<double>::infinity()), Value::Null(), Value::Null()}};
  std::string out;
  ASSERT_TRUE(EncodeResultSet(rs, &out));
  EXPECT_EQ(out,
            "{\"columns\":[\"v\",\"s\",\"f\"],\"rows\":["
            "[23.5,\"q\\\"\\\\\\n\\u0001/é\",true],"
            "[10.0,\"\",false],"
            "[0.1,[],[]],"
            "[1e+300,\"\\u0000\",[]],"
            "[null,[],[]]]}");
}

TEST(JsonEncodeTest, InvalidUtf8VarcharFails) {
  ResultSet rs;
  rs.columns = {{"s", ColumnType::kVarchar}};
  rs.rows = {{Value::Bytes("\xff")}};
  std::string out;
  EXPECT_FALSE(EncodeResultSet(rs, &out));
  // The same bytes are fine in a blob.
  rs.columns[0].type = ColumnType::kBlob;
  EXPECT_TRUE(EncodeResultSet(rs, &out));
  EXPECT_EQ(out, R"({"columns":["s"],"rows":[["/w=="]]})");
}

TEST(JsonEncodeTest, RowObject) {
  schema::TableDef geo;
  geo.name = "GeoCheckin";
  geo.columns = {{"state", ColumnType::kVarchar, false}, {"city", ColumnType::kVarchar, false},
                 {"time", ColumnType::kTimestamp, false}, {"weather", ColumnType::kVarchar, false},
                 {"temperature", ColumnType::kDouble, true}};
  std::string out;
  ASSERT_TRUE(EncodeRowObject(geo, Row{Value::Bytes("Florida"), Value::Bytes("Miami"),
                                       Value::Int(1234567), Value::Bytes("hot"), Value::Double(23.5)},
                              &out));
  EXPECT_EQ(out, R"({"state":"Florida","city":"Miami","time":1234567,"weather":"hot","temperature":23.5})");
  ASSERT_TRUE(EncodeRowObject(BobTable(), Row{Value::Bytes("q1"), Value::Bytes("w1"), Value::Int(11),
                                              Value::Null()}, &out));
  EXPECT_EQ(out, R"({"a":"q1","b":"dzE=","c":11,"d":[]})");
}

TEST(JsonEncodeTest, FixedBodies) {
  EXPECT_EQ(SuccessJson(), R"({"success":true})");
  EXPECT_EQ(ErrorLineJson("timeout"), R"({"error":"timeout"})");
  EXPECT_EQ(ErrorLineJson("a\"b\xff"), R"({"error":"a\"b?"})");
}

}  // namespace
}  // namespace quanta::http
