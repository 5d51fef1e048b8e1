// CREATE TABLE (riak_ts.md sections 4.1-4.4, acceptance cases 18.1).
#include <gtest/gtest.h>

#include <string>

#include "sql/ddl.h"
#include "test_util.h"

namespace quanta::sql {
namespace {

using schema::SortOrder;
using schema::TableDef;
using testing::ParseErr;

const char* kGeoCheckin =
    "CREATE TABLE GeoCheckin (myfamily varchar not null, myseries varchar not null, "
    "time timestamp not null, weather varchar not null, temperature double, "
    "PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), myfamily, myseries, time))";

TableDef ParseTable(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
  if (!r.ok()) return TableDef{};
  auto* c = std::get_if<CreateTableStmt>(&r.value());
  EXPECT_NE(c, nullptr);
  return c ? std::move(c->def) : TableDef{};
}

// "CREATE TABLE t (" + columns + ", PRIMARY KEY (" + key + "))"
std::string Table(std::string_view columns, std::string_view key) {
  return "CREATE TABLE t (" + std::string(columns) + ", PRIMARY KEY (" + std::string(key) + "))";
}

const char* kAbc = "a varchar not null, b varchar not null, c timestamp not null";

TEST(CreateTableTest, GeoCheckin) {
  TableDef def = ParseTable(kGeoCheckin);
  EXPECT_EQ(def.name, "GeoCheckin");
  ASSERT_EQ(def.columns.size(), 5u);
  EXPECT_EQ(def.columns[0].name, "myfamily");
  EXPECT_EQ(def.columns[0].type, ColumnType::kVarchar);
  EXPECT_FALSE(def.columns[0].nullable);
  EXPECT_EQ(def.columns[2].type, ColumnType::kTimestamp);
  EXPECT_EQ(def.columns[4].name, "temperature");
  EXPECT_EQ(def.columns[4].type, ColumnType::kDouble);
  EXPECT_TRUE(def.columns[4].nullable);
  ASSERT_EQ(def.partition_key.size(), 3u);
  EXPECT_EQ(def.partition_key[0].column, 0);
  EXPECT_FALSE(def.partition_key[0].quantum.has_value());
  EXPECT_EQ(def.partition_key[1].column, 1);
  EXPECT_EQ(def.partition_key[2].column, 2);
  ASSERT_TRUE(def.partition_key[2].quantum.has_value());
  EXPECT_EQ(def.partition_key[2].quantum->size, 15);
  EXPECT_EQ(def.partition_key[2].quantum->unit, 'm');
  ASSERT_EQ(def.local_key.size(), 3u);
  EXPECT_EQ(def.local_key[2].column, 2);
  EXPECT_EQ(def.local_key[2].order, SortOrder::kUnspecified);
  EXPECT_TRUE(def.properties.empty());
  EXPECT_EQ(def.id, 0u);
}

TEST(CreateTableTest, TypesOrdersAndForms) {
  TableDef def;
  def = ParseTable(
      "create table \"my table\" (a VARCHAR NOT NULL, b Blob not null, c sint64 NOT NULL, "
      "d double, e BOOLEAN not null, f TIMESTAMP NOT NULL, "
      "primary key ((a, b, c, QUANTUM(f, 1, d)), a, b, c, f DESC, e ASC))");
  EXPECT_EQ(def.name, "my table");
  ASSERT_EQ(def.columns.size(), 6u);
  EXPECT_EQ(def.columns[1].type, ColumnType::kBlob);
  EXPECT_EQ(def.columns[2].type, ColumnType::kSint64);
  EXPECT_EQ(def.columns[4].type, ColumnType::kBoolean);
  ASSERT_EQ(def.local_key.size(), 5u);
  EXPECT_EQ(def.local_key[3].column, 5);
  EXPECT_EQ(def.local_key[3].order, SortOrder::kDesc);
  EXPECT_EQ(def.local_key[4].column, 4);
  EXPECT_EQ(def.local_key[4].order, SortOrder::kAsc);
  EXPECT_EQ(def.partition_key[3].quantum->unit, 'd');
  EXPECT_EQ(def.partition_key[3].quantum->size, 1);

  // Quantum units bare or quoted; PK without a quantum; key clause first (Q5) or in the middle.
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c")), "OK");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, 'h')), a, b, c")), "OK");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, c), a, b, c")), "OK");
  def = ParseTable(
      "CREATE TABLE t (PRIMARY KEY ((a, quantum(c, 1, 's')), a, c), a sint64 not null, "
      "c timestamp not null)");
  ASSERT_EQ(def.columns.size(), 2u);
  EXPECT_EQ(def.local_key[1].column, 1);
  EXPECT_EQ(ParseErr("CREATE TABLE t (a sint64 not null, PRIMARY KEY ((a), a), "
                     "c timestamp)"),
            "OK");
  // Only the first key clause counts.
  def = ParseTable(
      "CREATE TABLE t (a sint64 not null, c timestamp not null, PRIMARY KEY ((a), a), "
      "PRIMARY KEY ((c), c))");
  ASSERT_EQ(def.partition_key.size(), 1u);
  EXPECT_EQ(def.partition_key[0].column, 0);
  // Case 18.1 #22: DESC on BLOB.
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar not null, b timestamp not null, c blob not null, "
                     "PRIMARY KEY ((a, quantum(b, 1, 'm')), a, b, c DESC))"),
            "OK");
  // Case 18.1 #20 shape.
  EXPECT_EQ(ParseErr("CREATE TABLE Alpha (frequency timestamp not null, "
                     "PRIMARY KEY ((quantum(frequency, 15, 'm')), frequency))"),
            "OK");
  EXPECT_EQ(ParseErr("create table bob (a varchar not null, b blob not null, c timestamp not null, "
                     "d sint64, primary key ((a, b, quantum(c, 1, m)), a, b, c))"),
            "OK");
  EXPECT_EQ(ParseErr(std::string(kGeoCheckin) + ";"), "OK");
}

TEST(CreateTableTest, WithProperties) {
  TableDef def = ParseTable(
      Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") +
      " WITH (n_val=4, no_quotes_prop = 'no quotes', "
      "with_quotes_prop = 'with '' quoted '''' quotes''''', f = 1.5, t = true, ff = FALSE, "
      "neg = -2)");
  ASSERT_EQ(def.properties.size(), 7u);
  EXPECT_EQ(def.properties[0].first, "n_val");
  EXPECT_EQ(def.properties[0].second.kind, schema::PropValue::Kind::kInt);
  EXPECT_EQ(def.properties[0].second.i, 4);
  EXPECT_EQ(def.properties[1].first, "no_quotes_prop");
  EXPECT_EQ(def.properties[1].second.kind, schema::PropValue::Kind::kString);
  EXPECT_EQ(def.properties[1].second.s, "no quotes");
  EXPECT_EQ(def.properties[2].second.s, "with ' quoted '' quotes''");
  EXPECT_EQ(def.properties[3].second.kind, schema::PropValue::Kind::kDouble);
  EXPECT_EQ(def.properties[3].second.d, 1.5);
  EXPECT_EQ(def.properties[4].second.kind, schema::PropValue::Kind::kBool);
  EXPECT_TRUE(def.properties[4].second.b);
  EXPECT_FALSE(def.properties[5].second.b);
  EXPECT_EQ(def.properties[6].second.i, -2);

  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") + " WITH ()"), "OK");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") +
                     " WITH (m_val = plain_id)"),
            "Expecting a numeric, boolean or string value for WITH property \"m_val\" "
            "(did you forget to quote a string?)");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") + " WITH (x = )"),
            "Unexpected token ')'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") + " WITH (x = 1,)"),
            "Unexpected token ')'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") + " WITH x = 1"),
            "Unexpected token 'x'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c") + " WITH (x = 1"),
            "syntax error before: ");
}

// Section 4.1 special syntax errors and Q16.
TEST(CreateTableTest, NoLocalKey) {
  EXPECT_EQ(ParseErr(Table(kAbc, "a, b")), "No local key specified.");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b)")), "No local key specified.");
  EXPECT_EQ(ParseErr("CREATE TABLE t (ts timestamp not null, PRIMARY KEY(quantum(ts,30,'d')))"),
            "No local key specified.");
  EXPECT_EQ(ParseErr("CREATE TABLE t (ts timestamp not null, PRIMARY KEY((quantum(ts,30,'d'))))"),
            "No local key specified.");
  EXPECT_EQ(ParseErr("CREATE TABLE t (userid varchar not null, a_time timestamp not null, "
                     "PRIMARY KEY(userid, a_time))"),
            "No local key specified.");
}

TEST(CreateTableTest, SyntaxErrors) {
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar not null,)"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("CREATE TABLE t ()"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("CREATE TABLE t (a int not null)"), "Unexpected token 'int'");
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar null)"), "Unexpected token 'null'");
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar not)"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("CREATE t (a varchar)"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr("CREATE TABLE (a varchar)"), "Unexpected token '('");
  EXPECT_EQ(ParseErr("CREATE TABLE t"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 15)), a, b, c")), "Unexpected token ')'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c)), a, b, c")), "Unexpected token ')'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s, 2)), a, b, c")),
            "Unexpected token ','");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s) DESC), a, b, c")),
            "Unexpected token 'DESC'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b), a, quantum(c, 1, s)")), "Unexpected token 'quantum'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b), a,")), "Unexpected token ')'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b), a, b c")), "Unexpected token 'c'");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b) a, b, c")), "Unexpected token 'a'");
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar not null, PRIMARY KEY"),
            "Unexpected token 'KEY'");
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar not null, PRIMARY (a)"),
            "Unexpected token '('");
}

// Section 4.3, in order, and the 18.1 acceptance cases.
TEST(CreateTableTest, ValidationMessages) {
  // 1.
  EXPECT_EQ(ParseErr("create table pap (a timestamp not null, b timestamp not null, "
                     "c timestamp not null)"),
            "Missing primary key");
  // Q6.
  EXPECT_EQ(ParseErr(Table("a varchar not null, a varchar not null, c timestamp not null",
                           "(a, quantum(c, 1, s)), a, c")),
            "Duplicate column name 'a'");
  EXPECT_EQ(ParseErr(Table("a varchar not null, a varchar, c timestamp not null",
                           "(a, quantum(c, 1, s)), a, c")),
            "Duplicate column name 'a'");
  // 2.
  EXPECT_EQ(ParseErr("CREATE TABLE GeoCheckin (myfamily varchar not null, myseries varchar not "
                     "null, time timestamp not null, weather varchar not null, temperature "
                     "double, PRIMARY KEY ((myfamily, myfamily, quantum(time, 15, 'm')), "
                     "myfamily, myfamily, time))"),
            "Primary key has duplicate fields (myfamily)");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, a, quantum(c, 1, s)), a, a, c")),
            "Primary key has duplicate fields (a)");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, c, quantum(c, 1, s)), a, c, c")),
            "Primary key has duplicate fields (c)");
  EXPECT_EQ(ParseErr(Table(kAbc, "(b, a, quantum(c, 1, s)), b, a, c, b, a")),
            "Primary key has duplicate fields (a, b)");
  // 4.
  EXPECT_EQ(ParseErr("CREATE TABLE GeoCheckin (myfamily varchar not null, myseries varchar not "
                     "null, time timestamp not null, weather varchar not null, temperature "
                     "double, PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), "
                     "time, myfamily, myseries, temperature))"),
            "Local key does not match primary key");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, quantum(c, 1, s)), c, a")),
            "Local key does not match primary key");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b")),
            "Local key does not match primary key");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(timecol, 1, s)), a, b, c")),
            "Local key does not match primary key");
  // 5.
  EXPECT_EQ(ParseErr("CREATE TABLE temperatures (time TIMESTAMP NOT NULL, PRIMARY KEY ((family, "
                     "series, quantum(time, 15, 's')), family, series, time))"),
            "Primary key includes non-existent fields (family, series).");
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, b, quantum(c, 1, s)), a, b, c, zz")),
            "Primary key includes non-existent fields (zz).");
  // 6.
  EXPECT_EQ(ParseErr("CREATE TABLE GeoCheckin (myfamily varchar not null, myseries varchar, "
                     "time timestamp not null, weather varchar not null, temperature double, "
                     "PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), myfamily, "
                     "myseries, time))"),
            "Primary key has 'null' fields (myseries)");
  EXPECT_EQ(ParseErr("CREATE TABLE t5 (a SINT64 NOT NULL, b SINT64 NOT NULL, c TIMESTAMP NOT "
                     "NULL, d SINT64, PRIMARY KEY ((a,b,quantum(c,1,'s')), a,b,c,d))"),
            "Primary key has 'null' fields (d)");
  EXPECT_EQ(ParseErr(Table("b varchar, a varchar, c timestamp not null",
                           "(a, b, quantum(c, 1, s)), a, b, c")),
            "Primary key has 'null' fields (b, a)");
  // 7.
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b sint64 not null, c timestamp not null",
                           "(a,b DESC,quantum(c, 15, s)), a,b,c")),
            "Order can only be used in the local key, 'b' set to descending");
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b sint64 not null, c timestamp not null",
                           "(a ASC,b,quantum(c, 15, s)), a,b,c")),
            "Order can only be used in the local key, 'a' set to ascending");
  // 8.
  EXPECT_EQ(ParseErr(Table("a timestamp not null, b sint64 not null, c timestamp not null",
                           "(quantum(a, 15, 'm'),b,quantum(c, 15, 'm')), a,b,c")),
            "More than one quantum function in the partition key.");
  // 9.
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b sint64 not null, c varchar not null",
                           "(a,b,quantum(c, 15, s)), a,b,c")),
            "Quantum field 'c' must be type of timestamp but was varchar.");
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b sint64 not null, c double not null",
                           "(a,b,quantum(c, 15, s)), a,b,c")),
            "Quantum field 'c' must be type of timestamp but was double.");
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b sint64 not null, c blob not null",
                           "(a,b,quantum(c, 15, s)), a,b,c")),
            "Quantum field 'c' must be type of timestamp but was blob.");
  const char* sst = "a sint64 not null, b sint64 not null, c timestamp not null";
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 15, 'y')), a,b,c")),
            "Quantum time measure was y but must be d, h, m or s.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 15, 'M')), a,b,c")),
            "Quantum time measure was M but must be d, h, m or s.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 15, zz)), a,b,c")),
            "Quantum time measure was zz but must be d, h, m or s.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 15, 5)), a,b,c")),
            "Quantum time measure was 5 but must be d, h, m or s.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, -15, s)), a,b,c")),
            "Quantum time unit must be a positive integer.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 0, s)), a,b,c")),
            "Quantum time unit must be a positive integer.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, s, s)), a,b,c")),
            "Quantum time unit must be a positive integer.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 15.5, s)), a,b,c")),
            "Quantum time unit must be a positive integer.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, '15', s)), a,b,c")),
            "Quantum time unit must be a positive integer.");
  EXPECT_EQ(ParseErr(Table(sst, "(a,b,quantum(c, 9223372036854775807, d)), a,b,c")),
            "Quantum time unit is too large.");
  // 10.
  EXPECT_EQ(ParseErr(Table(sst, "(quantum(c, 15, 's'),a,b), c,a,b")),
            "The quantum function must be the last element of the partition key.");
  // 11.
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b double not null, c timestamp not null",
                           "(a,b,quantum(c, 15, s)), a,b DESC,c")),
            "Elements in the local key marked descending (DESC) must be of type 'sint64', "
            "'timestamp', 'varchar', or 'blob', but was 'double'.");
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b boolean not null, c timestamp not null",
                           "(a,quantum(c, 15, s)), a,c,b DESC")),
            "Elements in the local key marked descending (DESC) must be of type 'sint64', "
            "'timestamp', 'varchar', or 'blob', but was 'boolean'.");
  EXPECT_EQ(ParseErr(Table("a sint64 not null, b double not null, c timestamp not null",
                           "(a,quantum(c, 15, s)), a,c,b ASC")),
            "OK");
}

TEST(CreateTableTest, ValidationOrder) {
  // Rule 4 beats rule 5 (the misspelled quantum column of the docs).
  EXPECT_EQ(ParseErr("CREATE TABLE t (time TIMESTAMP NOT NULL, PRIMARY KEY ((quantum(timecol, "
                     "15, 's')), time))"),
            "Local key does not match primary key");
  // Rule 2 beats rule 4.
  EXPECT_EQ(ParseErr(Table(kAbc, "(a, quantum(c, 1, s)), c, c")),
            "Primary key has duplicate fields (c)");
  // Rule 5 beats rule 6.
  EXPECT_EQ(ParseErr(Table("a varchar, c timestamp not null", "(a, x, quantum(c, 1, s)), a, x, c")),
            "Primary key includes non-existent fields (x).");
  // Rule 6 beats rule 7.
  EXPECT_EQ(ParseErr(Table("a varchar, c timestamp not null", "(a DESC, quantum(c, 1, s)), a, c")),
            "Primary key has 'null' fields (a)");
  // Rule 7 beats rule 8.
  EXPECT_EQ(ParseErr(Table("a timestamp not null, b sint64 not null, c timestamp not null",
                           "(quantum(a, 1, s), b DESC, quantum(c, 1, s)), a, b, c")),
            "Order can only be used in the local key, 'b' set to descending");
  // Rule 9 beats rule 10.
  EXPECT_EQ(ParseErr(Table(kAbc, "(quantum(a, 1, s), c), a, c")),
            "Quantum field 'a' must be type of timestamp but was varchar.");
  // Rule 10 beats rule 11.
  EXPECT_EQ(ParseErr(Table("a double not null, c timestamp not null",
                           "(quantum(c, 1, s), a), c, a DESC")),
            "The quantum function must be the last element of the partition key.");
  // Missing primary key beats everything else.
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar, a varchar)"), "Missing primary key");
  // Syntax errors in WITH come before validation.
  EXPECT_EQ(ParseErr("CREATE TABLE t (a varchar) WITH (x = y)"),
            "Expecting a numeric, boolean or string value for WITH property \"x\" "
            "(did you forget to quote a string?)");
}

// Rule 3 cannot be reached through the grammar; check the validator directly.
TEST(CreateTableTest, ValidatorDirectly) {
  RawCreateTable raw;
  raw.name = "t";
  raw.columns.push_back(schema::ColumnDef{"a", ColumnType::kSint64, false});
  raw.has_primary_key = true;
  Result<TableDef> r = ValidateCreateTable(raw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kParse);
  EXPECT_EQ(r.error().message(), "Primary key must have one or more fields []");

  RawKeyElem a;
  a.column = "a";
  raw.partition_key.push_back(a);
  raw.local_key.push_back(a);
  raw.properties.emplace_back("n_val", schema::PropValue{});
  r = ValidateCreateTable(raw);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "t");
  EXPECT_EQ(r->partition_key.size(), 1u);
  EXPECT_EQ(r->properties.size(), 1u);
}

}  // namespace
}  // namespace quanta::sql
