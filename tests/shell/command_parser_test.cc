#include "command_parser.h"

#include <gtest/gtest.h>

#include "sql_info.h"

namespace quanta::shell {
namespace {

TEST(CommandParserTest, SqlByFirstWord) {
  for (const char* sql :
       {"select * from t", "SELECT 1", "Create table t (a varchar)", "delete from t where a = 1",
        "DESCRIBE t", "explain select 1", "insert into t values (1)", "show tables",
        "  show create table t", "select(1)", "drop table t", "ALTER TABLE t WITH (w = 3)"}) {
    EXPECT_TRUE(IsSqlCommand(sql)) << sql;
  }
  for (const char* cmd : {"show_tables", "show_history", "help", "quit", "q", "selector",
                          "history 3", "h 1", "descriptive"}) {
    EXPECT_FALSE(IsSqlCommand(cmd)) << cmd;
  }
}

TEST(CommandParserTest, ShellCommandArguments) {
  ShellCommand c;
  std::string error;
  ASSERT_TRUE(ParseShellCommand("LogFile \"my file.log\"", &c, &error));
  EXPECT_EQ(c.name, "logfile");
  EXPECT_EQ(c.args, std::vector<std::string>{"my file.log"});

  ASSERT_TRUE(ParseShellCommand("connect 'dev1@127.0.0.1'", &c, &error));
  EXPECT_EQ(c.args, std::vector<std::string>{"dev1@127.0.0.1"});

  ASSERT_TRUE(ParseShellCommand("help sql  select", &c, &error));
  EXPECT_EQ(c.name, "help");
  EXPECT_EQ(c.args, (std::vector<std::string>{"sql", "select"}));

  ASSERT_TRUE(ParseShellCommand("x \"a\\\"b\" 'it''s' mid\"dle\"", &c, &error));
  EXPECT_EQ(c.args, (std::vector<std::string>{"a\"b", "it's", "middle"}));

  ASSERT_TRUE(ParseShellCommand("quit", &c, &error));
  EXPECT_TRUE(c.args.empty());
}

TEST(CommandParserTest, ShellCommandErrors) {
  ShellCommand c;
  std::string error;
  EXPECT_FALSE(ParseShellCommand("logfile \"open", &c, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(ParseShellCommand("   ", &c, &error));
}

TEST(SqlInfoTest, Kinds) {
  EXPECT_EQ(AnalyzeSql("select * from t").kind, SqlKind::kSelect);
  EXPECT_EQ(AnalyzeSql("SHOW TABLES").kind, SqlKind::kShowTables);
  EXPECT_EQ(AnalyzeSql("show create table t").kind, SqlKind::kShowCreateTable);
  EXPECT_EQ(AnalyzeSql("describe t").kind, SqlKind::kDescribe);
  EXPECT_EQ(AnalyzeSql("explain select 1").kind, SqlKind::kExplain);
  EXPECT_EQ(AnalyzeSql("delete from t where a = 1").kind, SqlKind::kDelete);
  EXPECT_EQ(AnalyzeSql("show something").kind, SqlKind::kOther);
}

TEST(SqlInfoTest, CreateTableName) {
  EXPECT_EQ(AnalyzeSql("CREATE TABLE GeoCheckin (a varchar not null)").table, "GeoCheckin");
  EXPECT_EQ(AnalyzeSql("create table \"with space\"(a varchar)").table, "with space");
  EXPECT_EQ(AnalyzeSql("create table \"co\"\"or\" (a varchar)").table, "co\"or");
  EXPECT_EQ(AnalyzeSql("create table timeseries-abc (a varchar)").table, "timeseries-abc");
}

TEST(SqlInfoTest, InsertRowCount) {
  EXPECT_EQ(AnalyzeSql("insert into t values (1, 'a')").insert_rows, 1);
  EXPECT_EQ(AnalyzeSql("insert into t (a, b) values (1, 'a'), (2, 'b)'), (3, 'c(')").insert_rows,
            3);
  EXPECT_EQ(AnalyzeSql("INSERT INTO t VALUES ((1), 2)").insert_rows, 1);
}

}  // namespace
}  // namespace quanta::shell
