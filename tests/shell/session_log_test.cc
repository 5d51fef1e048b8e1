#include "session_log.h"

#include <gtest/gtest.h>

#include "session_history.h"

namespace quanta::shell {
namespace {

TEST(SessionLogTest, RoundTrip) {
  LogEntry e{"select * from t where a = 'x\"y\\z';", "a,b\nx\"y\\z,1\n\ttab\x01"};
  const std::string text = FormatLogEntry(e);
  EXPECT_EQ(text,
            "{{command, \"select * from t where a = 'x\\\"y\\\\z';\"}, "
            "{result, \"a,b\nx\\\"y\\\\z,1\n\\ttab\\001\"}}.\n");
  std::vector<LogEntry> parsed;
  std::string error;
  ASSERT_TRUE(ParseSessionLog(text + text, &parsed, &error)) << error;
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].command, e.command);
  EXPECT_EQ(parsed[0].result, e.result);
}

TEST(SessionLogTest, WritesRiakShellLayout) {
  EXPECT_EQ(FormatLogEntry({"show tables;", "Table,Status\nt,Active"}),
            "{{command, \"show tables;\"}, {result, \"Table,Status\nt,Active\"}}.\n");
}

TEST(SessionLogTest, ReadsRiakShellLogs) {
  const std::string log =
      "%% recorded by riak-shell\n"
      "{{command, \"reconnect; \"}, {result, \"Reconnected to 'dev1@127.0.0.1' on port 10017\"}}.\n"
      "{{command, \"describe GeoCheckin;\\n\"}, {result, \"Column,Type\n"
      "myfamily,varchar\n\"}}.\n"
      "{{command, \"x;\"},\n {result,\n\"a\" \"b\\x41\\x{e9}\\101\"}}.\n";
  EXPECT_TRUE(LooksLikeSessionLog(log));
  std::vector<LogEntry> parsed;
  std::string error;
  ASSERT_TRUE(ParseSessionLog(log, &parsed, &error)) << error;
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0].command, "reconnect; ");
  EXPECT_EQ(parsed[1].command, "describe GeoCheckin;\n");
  EXPECT_EQ(parsed[1].result, "Column,Type\nmyfamily,varchar\n");
  EXPECT_EQ(parsed[2].result,
            "abA\xC3\xA9"
            "A");
}

TEST(SessionLogTest, ReportsCorruption) {
  std::vector<LogEntry> parsed;
  std::string error;
  EXPECT_FALSE(ParseSessionLog("{{command, \"a\"}, {result, \"b\"}}", &parsed, &error));
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
  EXPECT_FALSE(ParseSessionLog("\n{{command, \"a}}.", &parsed, &error));
  EXPECT_FALSE(ParseSessionLog("{{cmd, \"a\"}, {result, \"b\"}}.", &parsed, &error));
}

TEST(SessionLogTest, ScriptsAreNotLogs) {
  EXPECT_FALSE(LooksLikeSessionLog("-- a script\nselect 1;"));
  EXPECT_FALSE(LooksLikeSessionLog(""));
}

TEST(SessionHistoryTest, RendersAlignedNumbers) {
  SessionHistory h;
  h.Add(1, "reconnect;");
  h.Add(9, "show_nodes;");
  h.Add(10, "select 1;");
  EXPECT_EQ(h.Render(),
            "The history contains:\n"
            "-  1: reconnect;\n"
            "-  9: show_nodes;\n"
            "- 10: select 1;\n");
  ASSERT_NE(h.Find(9), nullptr);
  EXPECT_EQ(*h.Find(9), "show_nodes;");
  EXPECT_EQ(h.Find(2), nullptr);
  h.Clear();
  EXPECT_TRUE(h.empty());
}

}  // namespace
}  // namespace quanta::shell
