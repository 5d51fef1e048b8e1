// quanta-shell in a real terminal (tmux) against a real quantad: typing statements, multi-line
// input with comments, tables, errors, history (session and persistent), Ctrl-C, formats,
// lost connections and quit.
#include <gtest/gtest.h>

#include "test_env.h"
#include "tmux_session.h"

namespace quanta::shell::testing {
namespace {

class ShellPtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(TMUX_PATH).empty()) GTEST_SKIP() << "tmux not found";
    ASSERT_TRUE(server_.Start()) << server_.error();
  }

  std::vector<std::string> ShellArgv(const std::string& history_file) {
    return {QUANTA_SHELL_PATH, "--port", std::to_string(server_.pb_port()), "--history-file",
            history_file};
  }

  std::string Port() { return std::to_string(server_.pb_port()); }

  Quantad server_;
  TempDir tmp_;
};

#define EXPECT_SCREEN(session, needle, ...)                  \
  EXPECT_TRUE((session).WaitFor(needle, ##__VA_ARGS__))      \
      << "waiting for: " << (needle) << "\n--- screen ---\n" \
      << (session).last_screen()

TEST_F(ShellPtyTest, InteractiveSession) {
  TmuxSession t(tmp_.path());
  ASSERT_TRUE(t.Start(ShellArgv(tmp_.path() + "/history")));
  EXPECT_SCREEN(t, "quanta-shell(1)>");
  EXPECT_SCREEN(t, "use 'quit;' or 'q;' to exit or 'help;' for help");
  EXPECT_SCREEN(t, "Connected to 127.0.0.1 on port " + Port());

  // A statement over several lines, with comments; the continuation prompt shows meanwhile.
  t.TypeLine("CREATE TABLE GeoCheckin (  -- a comment; with a semicolon");
  EXPECT_SCREEN(t, "              ->");
  t.TypeLine("  myfamily varchar not null, myseries varchar not null,");
  t.TypeLine("  time timestamp not null, /* block");
  t.TypeLine("  comment */ weather varchar not null, temperature double,");
  t.TypeLine(
      "  PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), myfamily, myseries, time));");
  EXPECT_SCREEN(t, "Table GeoCheckin successfully created and activated.");
  EXPECT_SCREEN(t, "quanta-shell(2)>");

  t.TypeLine(
      "insert into GeoCheckin values ('f', 's', 1, 'snow', 25.2), ('f', 's', 2, 'rain', 23.0);");
  EXPECT_SCREEN(t, "Inserted 2 rows.");

  t.TypeLine(
      "select * from GeoCheckin where myfamily = 'f' and myseries = 's' and time > 0 and time < "
      "10;");
  EXPECT_SCREEN(t,
                "+--------+--------+------------------------+-------+-----------+\n"
                "|myfamily|myseries|          time          |weather|temperature|\n"
                "+--------+--------+------------------------+-------+-----------+\n"
                "|    f   |    s   |1970-01-01T00:00:00.001Z|  snow |    25.2   |\n"
                "|    f   |    s   |1970-01-01T00:00:00.002Z|  rain |    23.0   |\n"
                "+--------+--------+------------------------+-------+-----------+\n"
                "(2 rows, ");

  t.TypeLine("select * from GeoCheckin;");
  EXPECT_SCREEN(t, "Error (1001): The query must have a where clause.");
  t.TypeLine(
      "select * from GeoCheckin where myfamily = 'f' and myseries = 's' and time >= 10 and time <= "
      "8;");
  EXPECT_SCREEN(t, "Error (1001): The lower time bound is greater than the upper time bound.");
  EXPECT_SCREEN(t, "quanta-shell(6)>");

  t.TypeLine("show_history;");
  EXPECT_SCREEN(t,
                "The history contains:\n"
                "- 1: CREATE TABLE GeoCheckin ( myfamily varchar not null, myseries varchar not "
                "null, time timestamp not null, weather varchar not null, temperature double, "
                "PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), myfamily, myseries, "
                "time));\n"
                "- 2: insert into GeoCheckin values");
  EXPECT_SCREEN(t, "- 4: select * from GeoCheckin;\n");

  t.TypeLine("h 4;");
  EXPECT_SCREEN(
      t, "rerun (4)> select * from GeoCheckin;\nError (1001): The query must have a where clause.");

  t.TypeLine("format csv;");
  EXPECT_SCREEN(t, "Output format set to csv.");
  t.TypeLine(
      "select time, weather from GeoCheckin where myfamily = 'f' and myseries = 's' and time > 0 "
      "and time < 10;");
  EXPECT_SCREEN(t, "time,weather\n1970-01-01T00:00:00.001Z,snow\n1970-01-01T00:00:00.002Z,rain\n");

  // Ctrl-C drops a half-typed statement; the next one runs on its own.
  t.TypeLine("select * from");
  EXPECT_SCREEN(t, "              ->");
  t.Key("C-c");
  EXPECT_SCREEN(t, "^C");
  t.TypeLine("SHOW TABLES;");
  EXPECT_SCREEN(t, "Table,Status\nGeoCheckin,Active\n");

  t.TypeLine("describe GeoCheckin;");
  EXPECT_SCREEN(t,
                "Column,Type,Nullable,Partition Key,Local Key,Interval,Unit,Sort Order\n"
                "myfamily,varchar,false,1,1,,,\n"
                "myseries,varchar,false,2,2,,,\n"
                "time,timestamp,false,3,3,15,m,\n"
                "weather,varchar,false,,,,,\n"
                "temperature,double,true,,,,,\n");

  t.TypeLine("help sql select;");
  EXPECT_SCREEN(t, "SELECT <* | expression [AS name], ...> FROM <table>");
  t.TypeLine("connection_prompt on;");
  EXPECT_SCREEN(t, "\u2705 quanta-shell(");

  t.TypeLine("quit;");
  EXPECT_SCREEN(t, "Toodle Ooh!");
  EXPECT_EQ(t.WaitForExit(), 0);
}

TEST_F(ShellPtyTest, PersistentHistory) {
  const std::string history = tmp_.path() + "/history";
  {
    TmuxSession t(tmp_.path());
    ASSERT_TRUE(t.Start(ShellArgv(history)));
    EXPECT_SCREEN(t, "quanta-shell(1)>");
    t.TypeLine("show_connection;");
    EXPECT_SCREEN(t, "quanta-shell is connected to: 127.0.0.1 on port " + Port());
    t.TypeLine("select 1");
    t.TypeLine("  from nowhere;");
    EXPECT_SCREEN(t, "Error (");
    t.TypeLine("q;");
    EXPECT_EQ(t.WaitForExit(), 0);
  }
  EXPECT_EQ(ReadFile(history), "show_connection;\nselect 1 from nowhere;\nq;\n");

  TmuxSession t(tmp_.path());
  ASSERT_TRUE(t.Start(ShellArgv(history)));
  EXPECT_SCREEN(t, "quanta-shell(1)>");
  // Up three times reaches the first command of the previous session.
  t.Key("Up");
  t.Key("Up");
  t.Key("Up");
  t.Key("Enter");
  EXPECT_SCREEN(t, "quanta-shell is connected to: 127.0.0.1 on port " + Port());
  EXPECT_SCREEN(t, "quanta-shell(2)>");

  t.TypeLine("clear_history;");
  EXPECT_SCREEN(t, "History has been cleared.");
  EXPECT_SCREEN(t, "quanta-shell(1)>", 2);
  t.TypeLine("show_history;");
  EXPECT_SCREEN(t, "The history contains:");
  t.Key("C-d");
  EXPECT_SCREEN(t, "Toodle Ooh!");
  EXPECT_EQ(t.WaitForExit(), 0);
  EXPECT_EQ(ReadFile(history), "show_history;\n");
}

TEST_F(ShellPtyTest, LostConnectionIsReportedAndRecovered) {
  TmuxSession t(tmp_.path());
  ASSERT_TRUE(t.Start(ShellArgv(tmp_.path() + "/history")));
  EXPECT_SCREEN(t, "quanta-shell(1)>");
  t.TypeLine(
      "CREATE TABLE t (a VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
      "PRIMARY KEY ((a, QUANTUM(ts, 1, 'h')), a, ts));");
  EXPECT_SCREEN(t, "Table t successfully created and activated.");

  server_.Stop();
  t.TypeLine("show tables;");
  EXPECT_SCREEN(t, "reconnection failed");
  EXPECT_SCREEN(t, "quanta-shell(3)>");
  t.TypeLine("show_connection;");
  EXPECT_SCREEN(t, "quanta-shell is not connected to quanta");

  ASSERT_TRUE(server_.Start()) << server_.error();
  t.TypeLine("show tables;");
  EXPECT_SCREEN(t, "Connected to 127.0.0.1 on port " + Port(), 2);
  EXPECT_SCREEN(t,
                "+-----+------+\n"
                "|Table|Status|\n"
                "+-----+------+\n"
                "|  t  |Active|\n"
                "+-----+------+\n");
  t.TypeLine("reconnect;");
  EXPECT_SCREEN(t, "Reconnected to 127.0.0.1 on port " + Port());
  t.TypeLine("ping;");
  EXPECT_SCREEN(t, "127.0.0.1:" + Port() + ": (connected)");
  t.TypeLine("q;");
  EXPECT_EQ(t.WaitForExit(), 0);
}

}  // namespace
}  // namespace quanta::shell::testing
