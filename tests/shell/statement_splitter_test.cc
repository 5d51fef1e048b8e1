#include "statement_splitter.h"

#include <gtest/gtest.h>

namespace quanta::shell {
namespace {

std::vector<std::string> Split(std::string_view text) { return SplitStatements(text); }

TEST(StatementSplitterTest, SplitsOnSemicolons) {
  EXPECT_EQ(Split("select 1 from t; show tables;"),
            (std::vector<std::string>{"select 1 from t", "show tables"}));
}

TEST(StatementSplitterTest, DropsEmptyStatements) {
  EXPECT_EQ(Split(" ;; ;\n;"), std::vector<std::string>{});
}

TEST(StatementSplitterTest, JoinsLinesWithOneSpace) {
  EXPECT_EQ(Split("select *\n    from t\n\twhere a = 1;"),
            std::vector<std::string>{"select * from t where a = 1"});
}

TEST(StatementSplitterTest, StripsLineComments) {
  EXPECT_EQ(Split("-- leading comment\nselect * -- trailing; not an end\nfrom t;"),
            std::vector<std::string>{"select * from t"});
}

TEST(StatementSplitterTest, StripsBlockCommentsAcrossLines) {
  EXPECT_EQ(Split("select /* a ; b\n c */ x from/**/t;"),
            std::vector<std::string>{"select x from t"});
}

TEST(StatementSplitterTest, KeepsQuotedText) {
  EXPECT_EQ(Split("insert into t values ('a;b -- c /* d */', 'it''s');"),
            std::vector<std::string>{"insert into t values ('a;b -- c /* d */', 'it''s')"});
  EXPECT_EQ(Split("select \"we;ird\"\"--\" from t;"),
            std::vector<std::string>{"select \"we;ird\"\"--\" from t"});
}

TEST(StatementSplitterTest, HyphenatedIdentifiersAreNotComments) {
  EXPECT_EQ(Split("select temperature-1 from timeseries-abc;"),
            std::vector<std::string>{"select temperature-1 from timeseries-abc"});
}

TEST(StatementSplitterTest, LastStatementWithoutSemicolonIsKept) {
  EXPECT_EQ(Split("show tables; describe t"),
            (std::vector<std::string>{"show tables", "describe t"}));
}

TEST(StatementSplitterTest, IncrementalLinesReportPending) {
  StatementSplitter s;
  std::vector<std::string> out;
  EXPECT_FALSE(s.pending());
  s.AddLine("select *", &out);
  EXPECT_TRUE(s.pending());
  EXPECT_TRUE(out.empty());
  s.AddLine("from t; show", &out);
  EXPECT_EQ(out, std::vector<std::string>{"select * from t"});
  EXPECT_TRUE(s.pending());
  s.AddLine("tables;", &out);
  EXPECT_EQ(out, (std::vector<std::string>{"select * from t", "show tables"}));
  EXPECT_FALSE(s.pending());
}

TEST(StatementSplitterTest, OpenCommentOrQuoteIsPending) {
  StatementSplitter s;
  std::vector<std::string> out;
  s.AddLine("/* start", &out);
  EXPECT_TRUE(s.pending());
  s.AddLine("end */", &out);
  EXPECT_FALSE(s.pending());
  s.AddLine("select 'abc", &out);
  EXPECT_TRUE(s.pending());
  s.Reset();
  EXPECT_FALSE(s.pending());
  EXPECT_EQ(s.TakePending(), "");
}

TEST(StatementSplitterTest, CommentOnlyLinesAreNotPending) {
  StatementSplitter s;
  std::vector<std::string> out;
  s.AddLine("   -- nothing here", &out);
  EXPECT_FALSE(s.pending());
  s.AddLine("/* nor */ /* here */", &out);
  EXPECT_FALSE(s.pending());
  EXPECT_TRUE(out.empty());
}

TEST(StatementSplitterTest, CarriageReturnsAreIgnored) {
  EXPECT_EQ(Split("show\r\ntables;\r\n"), std::vector<std::string>{"show tables"});
}

TEST(StatementSplitterTest, ShellCommandsSplitToo) {
  EXPECT_EQ(Split("logfile \"a;b\"; h 3;"), (std::vector<std::string>{"logfile \"a;b\"", "h 3"}));
}

}  // namespace
}  // namespace quanta::shell
