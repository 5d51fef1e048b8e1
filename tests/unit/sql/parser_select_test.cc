// SELECT grammar (riak_ts.md 7.1), header naming (7.2), GROUP BY rules (7.8).
#include <gtest/gtest.h>

#include "test_util.h"

namespace quanta::sql {
namespace {

using testing::Header;
using testing::ParseErr;
using testing::ParseSelectOk;
using testing::SelectText;
using testing::Where;

// The riak_ts.md 7.2 header table.
TEST(SelectHeaderTest, SpecTable) {
  EXPECT_EQ(Header("temperature"), "temperature");
  EXPECT_EQ(Header("*"), "*");
  EXPECT_EQ(Header("555"), "555");
  EXPECT_EQ(Header("1.1"), "1.1");
  EXPECT_EQ(Header("1e1"), "10.0");
  EXPECT_EQ(Header("1.123e-2"), "0.01123");
  EXPECT_EQ(Header("- 1.0"), "-1.0");
  EXPECT_EQ(Header("'derp'"), "'derp'");
  EXPECT_EQ(Header("true"), "true");
  EXPECT_EQ(Header("false"), "false");
  EXPECT_EQ(Header("temperature + 2 * 3"), "(temperature+(2*3))");
  EXPECT_EQ(Header("(temperature + 2) * 3"), "((temperature+2)*3)");
  EXPECT_EQ(Header("-temperature"), "-temperature");
  EXPECT_EQ(Header("-(3 + -4)"), "-(3+-4)");
  EXPECT_EQ(Header("count(*)"), "COUNT(*)");
  EXPECT_EQ(Header("cOuNt(x)"), "COUNT(x)");
  EXPECT_EQ(Header("avg(x)/10"), "(AVG(x)/10)");
  EXPECT_EQ(Header("-count(*)"), "-COUNT(*)");
  EXPECT_EQ(Header("10m"), "600000");
}

TEST(SelectHeaderTest, MoreNaming) {
  EXPECT_EQ(Header("MEAN(pressure)"), "MEAN(pressure)");
  EXPECT_EQ(Header("stddev_pop(time)"), "STDDEV_POP(time)");
  EXPECT_EQ(Header("avg(10+5)"), "AVG((10+5))");
  EXPECT_EQ(Header("1+1"), "(1+1)");
  EXPECT_EQ(Header("4/2"), "(4/2)");
  EXPECT_EQ(Header("7.2"), "7.2");
  EXPECT_EQ(Header("0x414243"), "'ABC'");
  EXPECT_EQ(Header("\"co\"\"or\""), "co\"or");
  EXPECT_EQ(Header("time-1"), "time-1");  // one identifier
  EXPECT_EQ(Header("a - 1 - 2"), "((a-1)-2)");
  EXPECT_EQ(Header("a / 2 * 3"), "((a/2)*3)");
  EXPECT_EQ(Header("+a"), "a");
  EXPECT_EQ(Header("- 5"), "-5");
  EXPECT_EQ(Header("-5"), "-5");
  EXPECT_EQ(Header("-(5)"), "-5");
  EXPECT_EQ(Header("-.5"), "-0.5");
  EXPECT_EQ(Header("sum(pressure/precipitation)"), "SUM((pressure/precipitation))");
  EXPECT_EQ(Header("1 h"), "3600000");
  EXPECT_EQ(Header("2d"), "172800000");
  EXPECT_EQ(Header("3s"), "3000");
  EXPECT_EQ(Header("-1m"), "-60000");
  EXPECT_EQ(Header("'it''s'"), "'it's'");
}

TEST(SelectAstTest, Kinds) {
  SelectStmt s = ParseSelectOk("SELECT -a, - 5, 5, 'x', *, COUNT(*), a * b FROM t");
  ASSERT_EQ(s.items.size(), 7u);
  EXPECT_EQ(s.items[0]->kind, Expr::Kind::kNegate);
  EXPECT_EQ(s.items[0]->children[0]->kind, Expr::Kind::kColumn);
  // A separate '-' token negates: `- 5` is negate(5) (riak_ts.md 2.3); `-5` is one literal.
  EXPECT_EQ(s.items[1]->kind, Expr::Kind::kNegate);
  EXPECT_EQ(s.items[1]->children[0]->literal.kind, Literal::Kind::kInt);
  EXPECT_EQ(s.items[1]->children[0]->literal.i, 5);
  EXPECT_EQ(s.items[2]->literal.i, 5);
  EXPECT_EQ(s.items[3]->literal.kind, Literal::Kind::kString);
  EXPECT_EQ(s.items[3]->literal.s, "x");
  EXPECT_EQ(s.items[4]->kind, Expr::Kind::kStar);
  EXPECT_EQ(s.items[5]->kind, Expr::Kind::kCall);
  EXPECT_EQ(s.items[5]->name, "COUNT");
  EXPECT_EQ(s.items[5]->children[0]->kind, Expr::Kind::kStar);
  EXPECT_EQ(s.items[6]->kind, Expr::Kind::kBinary);
  EXPECT_EQ(s.items[6]->op, '*');
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.where, nullptr);
}

TEST(SelectAstTest, FullStatement) {
  EXPECT_EQ(SelectText("select a, b from GeoCheckin where time > 1 and time < 10 "
                       "order by a desc nulls last, b nulls first limit 5 offset 2;"),
            "SELECT a, b FROM GeoCheckin WHERE ((time > 1) AND (time < 10)) "
            "ORDER BY a DESC NULLS LAST, b ASC NULLS FIRST LIMIT 5 OFFSET 2");
  EXPECT_EQ(SelectText("SELECT * FROM t LIMIT 3"), "SELECT * FROM t LIMIT 3");
  EXPECT_EQ(SelectText("SELECT * FROM t LIMIT -3"), "SELECT * FROM t LIMIT -3");
  EXPECT_EQ(SelectText("SELECT * FROM t ORDER BY a"), "SELECT * FROM t ORDER BY a ASC");
  EXPECT_EQ(SelectText("SELECT * FROM \"table with spaces\""),
            "SELECT * FROM table with spaces");
  EXPECT_EQ(SelectText("SeLeCt * FrOm t"), "SELECT * FROM t");
  EXPECT_EQ(SelectText("select d, avg(e) from t where a = 1 group by d"),
            "SELECT d, AVG(e) FROM t WHERE (a = 1) GROUP BY d");
}

TEST(SelectAstTest, OrderItems) {
  SelectStmt s = ParseSelectOk(
      "SELECT * FROM t ORDER BY a, b ASC, c DESC, d NULLS FIRST, e DESC NULLS LAST");
  ASSERT_EQ(s.order_by.size(), 5u);
  EXPECT_FALSE(s.order_by[0].desc);
  EXPECT_FALSE(s.order_by[0].nulls_first.has_value());
  EXPECT_FALSE(s.order_by[1].desc);
  EXPECT_TRUE(s.order_by[2].desc);
  EXPECT_FALSE(s.order_by[2].nulls_first.has_value());
  EXPECT_EQ(s.order_by[3].nulls_first, std::optional<bool>(true));
  EXPECT_TRUE(s.order_by[4].desc);
  EXPECT_EQ(s.order_by[4].nulls_first, std::optional<bool>(false));
  EXPECT_FALSE(s.limit.has_value());
}

TEST(SelectWhereTest, Precedence) {
  EXPECT_EQ(Where("a = 1 AND b = 2 OR c = 3"), "(((a = 1) AND (b = 2)) OR (c = 3))");
  EXPECT_EQ(Where("a = 1 OR b = 2 AND c = 3"), "((a = 1) OR ((b = 2) AND (c = 3)))");
  EXPECT_EQ(Where("a = 1 AND b = 2 AND c = 3"), "(((a = 1) AND (b = 2)) AND (c = 3))");
  EXPECT_EQ(Where("(a = 1 OR b = 2) AND c = 3"), "(((a = 1) OR (b = 2)) AND (c = 3))");
  EXPECT_EQ(Where("((a = 1))"), "(a = 1)");
  EXPECT_EQ(Where("a != 1 AND b < 2 AND c > 3 AND d <= 4 AND e >= 5"),
            "(((((a != 1) AND (b < 2)) AND (c > 3)) AND (d <= 4)) AND (e >= 5))");
}

TEST(SelectWhereTest, OperandsAndLiterals) {
  EXPECT_EQ(Where("5 < a"), "(5 < a)");
  EXPECT_EQ(Where("a = 'it''s'"), "(a = 'it's')");
  EXPECT_EQ(Where("a = 0x515745525459"), "(a = 'QWERTY')");
  EXPECT_EQ(Where("a = true AND b = FALSE"), "((a = true) AND (b = false))");
  EXPECT_EQ(Where("a = -5"), "(a = -5)");
  EXPECT_EQ(Where("a = - 5"), "(a = -5)");
  EXPECT_EQ(Where("a = -b"), "(a = -b)");
  EXPECT_EQ(Where("a = 1.5"), "(a = 1.5)");
  EXPECT_EQ(Where("time > 10m AND time < 1h"), "((time > 600000) AND (time < 3600000))");
  EXPECT_EQ(Where("(a + 1) * 2 = 3"), "(((a+1)*2) = 3)");
  EXPECT_EQ(Where("(a) = 3"), "(a = 3)");
  EXPECT_EQ(Where("((a + 1)) = 3 AND (b = 2)"), "(((a+1) = 3) AND (b = 2))");
  EXPECT_EQ(Where("weather = \"myseries\""), "(weather = myseries)");
  EXPECT_EQ(Where("a = 'x' AND b = 0x"), "((a = 'x') AND (b = ''))");
  EXPECT_EQ(Where("a = 13.7777445435435"), "(a = 13.7777445435435)");
}

TEST(SelectWhereTest, NullPredicatesAndNot) {
  EXPECT_EQ(Where("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(Where("a is not null"), "(a IS NOT NULL)");
  // Quirks Q4 and Q20: sibling NULL predicates, NOT, and OR groups all parse.
  EXPECT_EQ(Where("a IS NULL AND b IS NOT NULL"), "((a IS NULL) AND (b IS NOT NULL))");
  EXPECT_EQ(Where("x = 1 AND a IS NULL AND b IS NOT NULL"),
            "(((x = 1) AND (a IS NULL)) AND (b IS NOT NULL))");
  EXPECT_EQ(Where("NOT x IS NULL"), "(NOT (x IS NULL))");
  EXPECT_EQ(Where("NOT (a = 1 OR b = 2)"), "(NOT ((a = 1) OR (b = 2)))");
  EXPECT_EQ(Where("a = 1 AND NOT b = 2"), "((a = 1) AND (NOT (b = 2)))");
  EXPECT_EQ(Where("(a IS NOT NULL OR b = 1) AND c = 2"),
            "(((a IS NOT NULL) OR (b = 1)) AND (c = 2))");
  EXPECT_EQ(Where("a IS NOT NULL OR b IS NOT NULL OR c IS NULL"),
            "(((a IS NOT NULL) OR (b IS NOT NULL)) OR (c IS NULL))");
  SelectStmt s = ParseSelectOk("SELECT * FROM t WHERE NOT a = 1");
  ASSERT_NE(s.where, nullptr);
  EXPECT_EQ(s.where->kind, Cond::Kind::kNot);
  ASSERT_EQ(s.where->children.size(), 1u);
  EXPECT_EQ(s.where->children[0]->kind, Cond::Kind::kCompare);
  EXPECT_EQ(s.where->children[0]->op, CompareOp::kEq);
}

TEST(SelectWhereTest, CompareOps) {
  SelectStmt s = ParseSelectOk("SELECT * FROM t WHERE a >= 1");
  EXPECT_EQ(s.where->op, CompareOp::kGe);
  EXPECT_STREQ(CompareOpText(CompareOp::kEq), "=");
  EXPECT_STREQ(CompareOpText(CompareOp::kNe), "!=");
  EXPECT_STREQ(CompareOpText(CompareOp::kLt), "<");
  EXPECT_STREQ(CompareOpText(CompareOp::kGt), ">");
  EXPECT_STREQ(CompareOpText(CompareOp::kLe), "<=");
  EXPECT_STREQ(CompareOpText(CompareOp::kGe), ">=");
}

TEST(SelectErrorTest, Functions) {
  EXPECT_EQ(ParseErr("select sum(*) from t"), "Function 'SUM' does not support wild cards args.");
  EXPECT_EQ(ParseErr("select avg(*) from t"), "Function 'AVG' does not support wild cards args.");
  EXPECT_EQ(ParseErr("select foo(a) from t"), "Function not supported - 'foo'.");
  EXPECT_EQ(ParseErr("select FOO(*) from t"), "Function not supported - 'FOO'.");
  EXPECT_EQ(ParseErr("select * from t where sin(a) = 1"), "Function not supported - 'sin'.");
  // Any number of arguments parses, as in Riak; the analyzer refuses all but one (1001).
  EXPECT_EQ(ParseErr("select count(a, b) from t"), "OK");
  EXPECT_EQ(ParseErr("select count() from t"), "OK");
  EXPECT_EQ(ParseErr("select count(a,) from t"), "Unexpected token ')'");
  EXPECT_EQ(ParseSelectOk("select sum(a, 1, 'x'), count() from t").items[0]->children.size(), 3u);
  EXPECT_EQ(ParseErr("select 1 + sum(x) * 2 + foo(y) from t"), "Function not supported - 'foo'.");
  EXPECT_EQ(ParseErr("select count(*), COUNT(a), min(a), max(a), stddev(a), stddev_samp(a), "
                     "stddev_pop(a), mean(a), avg(a), sum(a) from t"),
            "OK");
}

TEST(SelectErrorTest, TimeUnits) {
  EXPECT_EQ(ParseErr("select * from t where time > 10x"),
            "Used x as a measure of time in 10x. Only s, m, h and d are allowed.");
  EXPECT_EQ(ParseErr("select * from t where time > 15 mm"),
            "Used mm as a measure of time in 15mm. Only s, m, h and d are allowed.");
  // Riak lower-cases the unit before it checks it, and shows it lower-cased.
  EXPECT_EQ(ParseErr("select 10S, 3M, 1H, 2D from t"), "OK");
  EXPECT_EQ(ParseErr("select 10X from t"),
            "Used x as a measure of time in 10x. Only s, m, h and d are allowed.");
  EXPECT_EQ(ParseErr("select 9223372036854775807d from t"),
            "Integer literal out of range: 9223372036854775807d");
}

TEST(SelectErrorTest, Syntax) {
  EXPECT_EQ(ParseErr("selectah * from GeoCheckin Where time > 1 and time < 10"),
            "Unexpected token 'selectah'");
  EXPECT_EQ(ParseErr("select * from"), "Unexpected token 'from'");
  EXPECT_EQ(ParseErr("select a AS b from t"), "Unexpected token 'AS'");
  EXPECT_EQ(ParseErr("select * from t where a <> 1"), "Unexpected token '<>'");
  EXPECT_EQ(ParseErr("select * from t where a =~ 1"), "Unexpected token '=~'");
  EXPECT_EQ(ParseErr("select * from t where a !~ 1"), "Unexpected token '!~'");
  EXPECT_EQ(ParseErr("select * from t offset 5"), "Unexpected token 'offset'");
  EXPECT_EQ(ParseErr("select * from t order by a offset 5"), "Unexpected token 'offset'");
  EXPECT_EQ(ParseErr("select * from a, b"), "Unexpected token ','");
  EXPECT_EQ(ParseErr("select * from t group by a"), "Unexpected token 'group'");
  EXPECT_EQ(ParseErr("select 5 -3 from t"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("select 5-3 from t"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("select 1.5 1.5 from t"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("select * from t where a = 1 and"), "Unexpected token 'and'");
  EXPECT_EQ(ParseErr("select * from t where a = 1"), "OK");
  EXPECT_EQ(ParseErr("select * from t where a ="), "Unexpected token '='");
  EXPECT_EQ(ParseErr("select * from t where a = 1.5 and b ="), "Unexpected token '='");
  EXPECT_EQ(ParseErr("select * from t limit 1.5"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("select * from t limit"), "Unexpected token 'limit'");
  EXPECT_EQ(ParseErr("select * from t limit 5 offset"), "Unexpected token 'offset'");
  EXPECT_EQ(SelectText("select * from t limit 5 offset -1"),  // the analyzer rejects it
            "SELECT * FROM t LIMIT 5 OFFSET -1");
  EXPECT_EQ(ParseErr("select * from t where a = 'x'; SELECT 1"), "Unexpected token 'SELECT'");
  EXPECT_EQ(ParseErr("select * from t;;"), "Unexpected token ';'");
  EXPECT_EQ(ParseErr("select * from t where a = null"), "Unexpected token 'null'");
  EXPECT_EQ(ParseErr("select * from t where a is null 1"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("select * from t where a is"), "Unexpected token 'is'");
  EXPECT_EQ(ParseErr("select * from t where not not a = 1"), "Unexpected token 'not'");
  EXPECT_EQ(ParseErr("select - - a from t"), "Unexpected token '-'");
  EXPECT_EQ(ParseErr("select 'a' + 1 from t"), "Unexpected token '+'");
  EXPECT_EQ(ParseErr("select (true) from t"), "Unexpected token 'true'");
  EXPECT_EQ(ParseErr("select * from t where (a = 1"), "syntax error before: ");
  EXPECT_EQ(ParseErr("select * from t where (a + 1 = 1"), "syntax error before: ");
  EXPECT_EQ(ParseErr("select * from t where (a = 1))"), "Unexpected token ')'");
  EXPECT_EQ(ParseErr("select * from t where a / 2 / 3 = 1"), "OK");
  EXPECT_EQ(ParseErr("select * from t where a /22/ 3 = 1"), "Unexpected token '/22/'");
  EXPECT_EQ(ParseErr("select * from t order by a nulls"), "Unexpected token 'nulls'");
  EXPECT_EQ(ParseErr("select * from t order by 1"), "syntax error before: integer");
  EXPECT_EQ(ParseErr("select from t"), "Unexpected token 'from'");
  EXPECT_EQ(ParseErr("select *"), "Unexpected token '*'");
  EXPECT_EQ(ParseErr("select a,"), "Unexpected token ','");
  EXPECT_EQ(ParseErr("select 5"), "syntax error before: ");
  EXPECT_EQ(ParseErr("select 1.5"), "Unexpected token '1.5'");
  EXPECT_EQ(ParseErr("select * from t where a = 'abc"), "Unexpected token '''.");
}

// riak_ts.md 7.8.
TEST(SelectGroupByTest, Rules) {
  EXPECT_EQ(ParseErr("SELECT c FROM mytab WHERE a = 1 GROUP BY a, b"),
            "Field(s) c are specified in the select statement but not the GROUP BY.");
  EXPECT_EQ(ParseErr("SELECT c, d, a FROM mytab WHERE a = 1 GROUP BY a"),
            "Field(s) c, d are specified in the select statement but not the GROUP BY.");
  EXPECT_EQ(ParseErr("SELECT c + d, -c FROM mytab WHERE a = 1 GROUP BY a"),
            "Field(s) c, d are specified in the select statement but not the GROUP BY.");
  EXPECT_EQ(ParseErr("SELECT * FROM mytab WHERE a = 1 GROUP BY a"),
            "Field(s) * are specified in the select statement but not the GROUP BY.");
  EXPECT_EQ(ParseErr("SELECT * FROM mytab WHERE a = 1 GROUP BY *"),
            "Field(s) * are specified in the select statement but not the GROUP BY.");
  EXPECT_EQ(ParseErr("SELECT COUNT(a) FROM mytab WHERE a = 1 GROUP BY *"),
            "GROUP BY can only contain table columns but '*' was found.");
  EXPECT_EQ(ParseErr("SELECT a, b FROM mytab WHERE a = 1 GROUP BY a, b ORDER BY a"),
            "ORDER BY/LIMIT/OFFSET clauses are not supported for GROUP BY queries.");
  // LIMIT/OFFSET without ORDER BY pass Riak's parser; its query validation refuses them (1001,
  // the analyzer's aggregate rule).
  EXPECT_EQ(ParseErr("SELECT a FROM mytab WHERE a = 1 GROUP BY a LIMIT 1"), "OK");
  EXPECT_EQ(ParseErr("SELECT a FROM mytab WHERE a = 1 GROUP BY a LIMIT 1 OFFSET 1"), "OK");
  EXPECT_EQ(ParseErr("SELECT COUNT(name) FROM t WHERE a = 1 GROUP BY project, name"), "OK");
  EXPECT_EQ(ParseErr("SELECT d, AVG(e), 1, 'x' FROM t WHERE a = 1 GROUP BY d"), "OK");
  SelectStmt s = ParseSelectOk("SELECT a FROM t WHERE x = 1 GROUP BY a, \"b c\"");
  ASSERT_EQ(s.group_by.size(), 2u);
  EXPECT_EQ(s.group_by[1], "b c");
  EXPECT_EQ(ParseErr("SELECT a FROM t WHERE x = 1 GROUP BY"), "Unexpected token 'BY'");
  EXPECT_EQ(ParseErr("SELECT a FROM t WHERE x = 1 GROUP a"), "Unexpected token 'a'");
}

TEST(ExplainTest, WrapsSelect) {
  Result<Statement> r = Parse("EXPLAIN SELECT * FROM GeoCheckin WHERE time > 1 AND time < 2;");
  ASSERT_TRUE(r.ok());
  auto* e = std::get_if<ExplainStmt>(&r.value());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->select.ToString(), "SELECT * FROM GeoCheckin WHERE ((time > 1) AND (time < 2))");
  EXPECT_EQ(ParseErr("EXPLAIN INSERT INTO t VALUES (1)"), "Unexpected token 'INSERT'");
  EXPECT_EQ(ParseErr("EXPLAIN"), "Unexpected token 'EXPLAIN'");
}

}  // namespace
}  // namespace quanta::sql
