// quanta-shell in batch mode against a real quantad: -f on a statement file, -r on a session
// log, -e, logging then regression, and piped input.
#include <gtest/gtest.h>

#include "test_env.h"

namespace quanta::shell::testing {
namespace {

class ShellReplayTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()) << server_.error(); }

  ProcessResult Shell(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {QUANTA_SHELL_PATH, "--port", std::to_string(server_.pb_port()),
                                     "--history-file", ""};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, input);
  }

  static std::string Data(const std::string& name) {
    return std::string(SHELL_TEST_DATA_DIR) + "/replay/" + name;
  }

  Quantad server_;
  TempDir tmp_;
};

TEST_F(ShellReplayTest, StatementFileMatchesExpectedCsv) {
  ProcessResult r = Shell({"--csv", "-f", Data("basic.sql")});
  EXPECT_EQ(r.out, ReadFile(Data("basic.expected")));
  EXPECT_EQ(r.err, "");
  // The file contains statements that fail on purpose (where-clause errors, a bad row).
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(ShellReplayTest, RegressionLogPasses) {
  std::string log = ReadFile(Data("regression.log"));
  ASSERT_NE(log.find("port PORT"), std::string::npos);
  log.replace(log.find("port PORT"), 9, "port " + std::to_string(server_.pb_port()));
  const std::string path = tmp_.path() + "/regression.log";
  WriteFile(path, log);
  ProcessResult r = Shell({"-r", path});
  EXPECT_EQ(r.out, "\nRegression Testing \"" + path + "\"\nNo Regression Errors.\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(ShellReplayTest, RegressionLogReportsDifferences) {
  const std::string log = tmp_.path() + "/wrong.log";
  WriteFile(log,
            "{{command, \"SHOW TABLES;\"}, {result, \"Table,Status\nNoSuchTable,Active\"}}.\n");
  ProcessResult r = Shell({"-r", log});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("Cmd \"SHOW TABLES;\" (1) failed\nGot:\n- No rows returned.\n"
                       "Expected:\n- Table,Status\nNoSuchTable,Active\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 regression error."), std::string::npos) << r.out;
}

TEST_F(ShellReplayTest, LoggedSessionReplaysAsRegression) {
  const std::string base = tmp_.path() + "/session";
  ProcessResult rec = Shell({"--csv", "--log", "--logfile", base, "-f", Data("basic.sql")});
  ASSERT_EQ(rec.exit_code, 1) << rec.err;
  const std::string log = ReadFile(base + ".log");
  EXPECT_NE(log.find("{{command, \"describe GeoCheckin;\"}, {result, \"Column,Type,Nullable,"),
            std::string::npos)
      << log;

  // A second server starts empty, so replaying the log rebuilds the same state.
  Quantad fresh;
  ASSERT_TRUE(fresh.Start()) << fresh.error();
  ProcessResult reg = RunProcess({QUANTA_SHELL_PATH, "--port", std::to_string(fresh.pb_port()),
                                  "--history-file", "", "-r", base + ".log"});
  EXPECT_EQ(reg.out, "\nRegression Testing \"" + base + ".log\"\nNo Regression Errors.\n");
  EXPECT_EQ(reg.exit_code, 0) << reg.err;

  // -f on a session log replays it the way riak-shell did.
  ProcessResult rep = Shell({"--csv", "-f", base + ".log"});
  EXPECT_NE(rep.out.find("\nReplaying \"" + base + ".log\"\nreplay (1)> CREATE TABLE GeoCheckin"),
            std::string::npos)
      << rep.out;
  EXPECT_NE(rep.out.find("replay (2)> describe GeoCheckin;\n"
                         "Column,Type,Nullable,Partition Key,Local Key,Interval,Unit,Sort Order\n"),
            std::string::npos)
      << rep.out;
}

TEST_F(ShellReplayTest, ExecuteFlag) {
  // The table format adds the elapsed time after each statement.
  ProcessResult r = Shell({"-e", "show tables"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('(')), "No rows returned.\n");
  EXPECT_EQ(r.out.substr(r.out.size() - 5), " ms)\n");

  r = Shell({"-e",
             "CREATE TABLE t1 (a VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
             "PRIMARY KEY ((a, QUANTUM(ts, 1, 'h')), a, ts));",
             "-e", "insert into t1 values ('x', 1), ('y', 2);"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "Table t1 successfully created and activated.");
  EXPECT_NE(r.out.find("Inserted 2 rows.\n"), std::string::npos) << r.out;

  r = Shell({"-e", "select * from t1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Error (1001): The query must have a where clause.\n");

  r = Shell({"--json", "-e", "select a, ts from t1 where a = 'x' and ts > 0 and ts < 10"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"columns\":[\"a\",\"ts\"],\"types\":[\"varchar\",\"timestamp\"],\"rows\":[\n"
            "[\"x\",\"1970-01-01T00:00:00.001Z\"]\n"
            "]}\n");

  r = Shell({"-e", "select a, ts from t1 where a = 'x' and ts > 0 and ts < 10"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("(1 row, ")),
            "+-+------------------------+\n"
            "|a|           ts           |\n"
            "+-+------------------------+\n"
            "|x|1970-01-01T00:00:00.001Z|\n"
            "+-+------------------------+\n");
  EXPECT_NE(r.out.find("(1 row, "), std::string::npos);

  r = Shell({"-e", "no_such_command"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Extension no_such_command not implemented.\n");
}

TEST_F(ShellReplayTest, PipedInput) {
  ProcessResult r = Shell({"--csv"},
                          "show_connection;\n"
                          "CREATE TABLE p (a VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,\n"
                          "  PRIMARY KEY ((a, QUANTUM(ts, 1, 'h')), a, ts));\n"
                          "show tables\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "quanta-shell is connected to: 127.0.0.1 on port " +
                       std::to_string(server_.pb_port()) +
                       "\n"
                       "Table p successfully created and activated.\n"
                       "Table,Status\np,Active\n");
}

TEST_F(ShellReplayTest, ServerDownIsReportedNotFatal) {
  server_.Stop();
  ProcessResult r = Shell({"-e", "show tables"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Not connected"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Error: not connected to quanta"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace quanta::shell::testing
