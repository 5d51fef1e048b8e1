// INSERT, DELETE, metadata statements, section 10 error formatting, 18.8 edge cases and
// robustness against hostile input.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "test_util.h"

namespace quanta::sql {
namespace {

using testing::ParseErr;
using testing::ParseSelectOk;

InsertStmt ParseInsertOk(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
  if (!r.ok()) return InsertStmt{};
  auto* s = std::get_if<InsertStmt>(&r.value());
  EXPECT_NE(s, nullptr);
  return s ? std::move(*s) : InsertStmt{};
}

std::string RowText(const std::vector<Literal>& row) {
  std::string out;
  for (const Literal& l : row) {
    if (!out.empty()) out += ",";
    out += l.ToString();
  }
  return out;
}

TEST(InsertTest, ValuesAndColumns) {
  InsertStmt s = ParseInsertOk(
      "INSERT INTO GeoCheckin (myfamily, myseries, time, weather, temperature) VALUES "
      "('family1','seriesX',1,'abc',1.5)");
  EXPECT_EQ(s.table, "GeoCheckin");
  EXPECT_TRUE(s.has_column_list);
  ASSERT_EQ(s.columns.size(), 5u);
  EXPECT_EQ(s.columns[4], "temperature");
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(RowText(s.rows[0]), "'family1','seriesX',1,'abc',1.5");

  s = ParseInsertOk(
      "insert into t values (NULL, -5, -1.5, true, FALSE, 'it''s', 0x4142, john), (1), (2, 3);");
  EXPECT_FALSE(s.has_column_list);
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(RowText(s.rows[0]), "NULL,-5,-1.5,true,false,'it''s','AB',john");
  EXPECT_EQ(s.rows[0][7].kind, Literal::Kind::kIdentifier);
  EXPECT_EQ(s.rows[0][7].s, "john");
  EXPECT_EQ(RowText(s.rows[2]), "2,3");

  s = ParseInsertOk("INSERT INTO t VALUES ()");
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_TRUE(s.rows[0].empty());

  s = ParseInsertOk("INSERT INTO t VALUES ('2016-08-02T10:00:00-05:30', \"quoted\")");
  EXPECT_EQ(s.rows[0][1].kind, Literal::Kind::kIdentifier);
  EXPECT_EQ(s.rows[0][1].s, "quoted");
}

TEST(InsertTest, Errors) {
  EXPECT_EQ(ParseErr("insert into t values (1 2)"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("insert into t values (), ()"), "Unexpected token ','");
  EXPECT_EQ(ParseErr("insert into t values (1), ()"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("insert into t values (1+1)"), "Unexpected token '+'");
  EXPECT_EQ(ParseErr("insert into t values (10s)"), "Unexpected token 's'");
  EXPECT_EQ(ParseErr("insert into t values (- 5)"), "Unexpected token '-'");
  EXPECT_EQ(ParseErr("insert into t () values (1)"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("insert into t (a,) values (1)"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("insert into t values"), "Unexpected token 'values'");
  EXPECT_EQ(ParseErr("insert into t values (1"), "syntax error before: ");
  EXPECT_EQ(ParseErr("insert into t values (1.5"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("insert into t values ('x'"), "Unexpected token 'x'");
  EXPECT_EQ(ParseErr("insert t values (1)"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr("insert into t values (1) (2)"), "Unexpected token '('");
  EXPECT_EQ(ParseErr("insert into t values (DEFAULT)"), "OK");  // an identifier value
  EXPECT_EQ(ParseErr("insert into t select * from u"), "Unexpected token 'select'");
}

TEST(LiteralTest, ToValueAndToString) {
  Literal l;
  EXPECT_TRUE(l.ToValue().is_null());
  EXPECT_EQ(l.ToString(), "NULL");
  l.kind = Literal::Kind::kInt;
  l.i = -7;
  EXPECT_EQ(l.ToValue(), Value::Int(-7));
  EXPECT_EQ(l.ToString(), "-7");
  l.kind = Literal::Kind::kFloat;
  l.d = 10;
  EXPECT_EQ(l.ToValue(), Value::Double(10));
  EXPECT_EQ(l.ToString(), "10.0");
  l.kind = Literal::Kind::kString;
  l.s = "it's";
  EXPECT_EQ(l.ToValue(), Value::Bytes("it's"));
  EXPECT_EQ(l.ToString(), "'it''s'");
  l.kind = Literal::Kind::kBool;
  l.b = true;
  EXPECT_EQ(l.ToValue(), Value::Bool(true));
  EXPECT_EQ(l.ToString(), "true");
  l.kind = Literal::Kind::kIdentifier;
  l.s = "john";
  EXPECT_TRUE(l.ToValue().is_null());
  EXPECT_EQ(l.ToString(), "john");
}

TEST(DeleteTest, Parses) {
  Result<Statement> r = Parse(
      "delete from deletetable where myfamily = 'berl' and myseries = 'saf' and time = 3;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto* d = std::get_if<DeleteStmt>(&r.value());
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->table, "deletetable");
  EXPECT_EQ(d->where->ToString(),
            "(((myfamily = 'berl') AND (myseries = 'saf')) AND (time = 3))");
  // Structure is the analyzer's business; the parser accepts any condition.
  EXPECT_EQ(ParseErr("DELETE FROM t WHERE a > 5 OR b IS NULL"), "OK");
  EXPECT_EQ(ParseErr("DELETE FROM t"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr("DELETE t WHERE a = 1"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr("DELETE FROM t WHERE"), "Unexpected token 'WHERE'");
}

TEST(MetaTest, DescribeShow) {
  Result<Statement> r = Parse("DESCRIBE GeoCheckin");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<DescribeStmt>(r.value()).table, "GeoCheckin");
  r = Parse("describe \"t x\";");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<DescribeStmt>(r.value()).table, "t x");
  r = Parse("show tables");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::holds_alternative<ShowTablesStmt>(r.value()));
  r = Parse("SHOW CREATE TABLE ShowCreateTable;");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<ShowCreateTableStmt>(r.value()).table, "ShowCreateTable");
  EXPECT_EQ(ParseErr("descripe bob"), "Unexpected token 'descripe'");
  EXPECT_EQ(ParseErr("describe"), "Unexpected token 'describe'");
  EXPECT_EQ(ParseErr("describe a b"), "Unexpected token 'b'");
  EXPECT_EQ(ParseErr("desc t"), "Unexpected token 'desc'");
  EXPECT_EQ(ParseErr("show"), "Unexpected token 'show'");
  EXPECT_EQ(ParseErr("show table"), "Unexpected token 'table'");
  EXPECT_EQ(ParseErr("show create t"), "Unexpected token 't'");
  EXPECT_EQ(ParseErr("show create table"), "Unexpected token 'table'");
  EXPECT_EQ(ParseErr("show tables extra"), "Unexpected token 'extra'");
  // DROP TABLE (extension) and ALTER TABLE ... WITH (1.6) parse (parser_lifecycle_test.cc);
  // other forms of them do not.
  EXPECT_EQ(ParseErr("drop tables t"), "Unexpected token 'drop'");
  EXPECT_EQ(ParseErr("ALTER TABLE t ADD COLUMN a SINT64"), "Unexpected token 'ADD'");
}

// Section 10: how the offending token is reported.
TEST(ErrorFormatTest, Section10) {
  EXPECT_EQ(ParseErr(""), "syntax error before: ");
  EXPECT_EQ(ParseErr("   -- only a comment"), "syntax error before: ");
  EXPECT_EQ(ParseErr(";"), "Unexpected token ';'");
  EXPECT_EQ(ParseErr("5"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("1.5"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("'str'"), "Unexpected token 'str'");
  EXPECT_EQ(ParseErr("0x4142"), "Unexpected token 'AB'");
  EXPECT_EQ(ParseErr("\"quoted id\""), "Unexpected token 'quoted id'");
  EXPECT_EQ(ParseErr("/abc/"), "Unexpected token '/abc/'");
  EXPECT_EQ(ParseErr("select * from t where a = 1 1.5"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("select * from t where a = 'x' b"), "Unexpected token 'b'");
  EXPECT_EQ(ParseErr("select * from t where a = 1 b"),  // an integer before a word is a unit
            "Used b as a measure of time in 1b. Only s, m, h and d are allowed.");
  // The offending token is reported in its HTTP detail too.
  Result<Statement> r = Parse("selectah * from t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail(), "selectah");
  EXPECT_EQ(r.error().riak_code(), 1020);
}

// Section 18.8.
TEST(ErrorFormatTest, Section18_8) {
  EXPECT_EQ(ParseErr("select * from t where a <> 1"), "Unexpected token '<>'");
  EXPECT_EQ(ParseErr("select * from t offset 5"), "Unexpected token 'offset'");
  EXPECT_EQ(ParseErr("select sum(*) from t"), "Function 'SUM' does not support wild cards args.");
  EXPECT_EQ(ParseErr("select foo(a) from t"), "Function not supported - 'foo'.");
  EXPECT_EQ(ParseErr("select * from t where a = 0x0DDBEEF"),
            "Hex strings must have an even number of characters.");
  SelectStmt s = ParseSelectOk("select time-1 from t");
  ASSERT_EQ(s.items.size(), 1u);
  EXPECT_EQ(s.items[0]->kind, Expr::Kind::kColumn);
  EXPECT_EQ(s.items[0]->name, "time-1");
  s = ParseSelectOk("select * from \"t\"\"x\" where a = 'it''s'");
  EXPECT_EQ(s.table, "t\"x");
  EXPECT_EQ(s.where->rhs->literal.s, "it's");
  EXPECT_EQ(ParseErr(""), "syntax error before: ");
  EXPECT_EQ(ParseErr("insert into t values (1 2)"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("SELECT * FROM t WHERE a = 'x'; SELECT 1"), "Unexpected token 'SELECT'");
}

TEST(RobustnessTest, DeepNestingIsAnError) {
  std::string deep = "select " + std::string(5000, '(') + "a" + std::string(5000, ')') + " from t";
  EXPECT_EQ(ParseErr(deep).rfind("Query is nested too deeply", 0), 0u);
  std::string deep_where =
      "select * from t where " + std::string(5000, '(') + "a = 1" + std::string(5000, ')');
  EXPECT_EQ(ParseErr(deep_where).rfind("Query is nested too deeply", 0), 0u);
  std::string deep_calls = "select ";
  for (int i = 0; i < 3000; ++i) deep_calls += "count(";
  deep_calls += "a" + std::string(3000, ')') + " from t";
  EXPECT_EQ(ParseErr(deep_calls).rfind("Query is nested too deeply", 0), 0u);
  // Moderate nesting is fine.
  std::string ok = "select * from t where " + std::string(50, '(') + "a = 1" +
                   std::string(50, ')') + " and " + std::string(50, '(') + "b" +
                   std::string(50, ')') + " = 2";
  EXPECT_EQ(ParseErr(ok), "OK");
  // Unbalanced deep input does not hang (the backtracking is polynomial).
  std::string unbalanced = "select * from t where " + std::string(99, '(') + "a";
  EXPECT_EQ(ParseErr(unbalanced), "Unexpected token 'a'");
}

TEST(RobustnessTest, LongChainsAreBounded) {
  std::string sum = "select a";
  for (int i = 0; i < 20000; ++i) sum += " + a";
  sum += " from t";
  EXPECT_EQ(ParseErr(sum), "Expression is too long or nested too deeply.");
  std::string conj = "select * from t where a = 1";
  for (int i = 0; i < 20000; ++i) conj += " and a = 1";
  EXPECT_EQ(ParseErr(conj), "WHERE clause is too long or nested too deeply.");
  std::string fine = "select a";
  for (int i = 0; i < 300; ++i) fine += " + a";
  EXPECT_EQ(ParseErr(fine + " from t where a = 1 and b = 2"), "OK");
  // Many INSERT rows and select items are fine: only tree height is limited.
  std::string rows = "insert into t values (1)";
  for (int i = 0; i < 20000; ++i) rows += ",(1, 'x', 1.5)";
  EXPECT_EQ(ParseErr(rows), "OK");
}

TEST(RobustnessTest, RandomTokenSoupParsesOrFailsCleanly) {
  static const char* kPieces[] = {
      "select", "SELECT", "*", "from", "t", "where", "a", "=", "1", "-5", "1.5", "'x'", "0x41",
      "(", ")", ",", ";", "and", "or", "not", "is", "null", "group", "by", "order", "limit",
      "offset", "asc", "desc", "nulls", "first", "last", "count", "sum", "+", "-", "/", "<",
      ">=", "!=", "insert", "into", "values", "create", "table", "primary", "key", "quantum",
      "varchar", "timestamp", "with", "10m", "explain", "describe", "show", "tables", "\"q\"",
      "true", "false", "delete", "<>", "?", "s", "d", "mean"};
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string sql;
    int n = static_cast<int>(rng() % 25);
    for (int i = 0; i < n; ++i) {
      sql += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
      sql += (rng() % 4 == 0) ? "" : " ";
    }
    Result<Statement> r = Parse(sql);
    if (!r.ok()) {
      ASSERT_EQ(r.error().code(), ErrorCode::kParse) << sql;
      ASSERT_FALSE(r.error().message().empty()) << sql;
    }
  }
}

TEST(RobustnessTest, RandomBytes) {
  std::mt19937 rng(777);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string sql(rng() % 40, '\0');
    for (char& c : sql) c = static_cast<char>(rng() % 256);
    Result<Statement> r = Parse(sql);
    if (!r.ok()) {
      ASSERT_EQ(r.error().code(), ErrorCode::kParse);
    }
  }
}

}  // namespace
}  // namespace quanta::sql
