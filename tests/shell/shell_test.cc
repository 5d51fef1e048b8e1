// The Shell command logic against a scripted connection.
#include "shell.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fake_connection.h"

namespace quanta::shell {
namespace {

class ShellTest : public ::testing::Test {
 protected:
  ShellTest() : factory_(&server_) {}

  Shell& MakeShell(ShellConfig config = {}) {
    shell_ = std::make_unique<Shell>(config, &factory_, &out_, &notices_);
    bool connected = false;
    shell_->ConnectAtStartup(&connected);
    return *shell_;
  }

  // Output of one command.
  std::string Run(const std::string& command, bool* ok = nullptr) {
    out_.str("");
    bool r = shell_->RunCommand(command);
    if (ok != nullptr) *ok = r;
    return out_.str();
  }

  std::string TempPath(const std::string& name) {
    std::string p = ::testing::TempDir() + "/shell_test_" + name;
    std::remove(p.c_str());
    return p;
  }

  FakeServer server_;
  FakeFactory factory_;
  std::ostringstream out_;
  std::ostringstream notices_;
  std::unique_ptr<Shell> shell_;
};

TEST_F(ShellTest, PromptCountsCommands) {
  Shell& s = MakeShell();
  EXPECT_EQ(s.Prompt(), "quanta-shell(1)>");
  Run("show_connection");
  EXPECT_EQ(s.Prompt(), "quanta-shell(2)>");
  Run("select 1 from t");
  EXPECT_EQ(s.Prompt(), "quanta-shell(3)>");
  EXPECT_EQ(s.ContinuationPrompt(), "              ->");
}

TEST_F(ShellTest, ConnectionPromptPrefix) {
  Shell& s = MakeShell();
  EXPECT_EQ(Run("connection_prompt on"), "Connection Prompt turned on\n");
  EXPECT_EQ(s.Prompt(), "\xE2\x9C\x85 quanta-shell(2)>");
  server_.reachable.clear();
  Run("reconnect");
  EXPECT_EQ(s.Prompt(), "\xE2\x9D\x8C quanta-shell(3)>");
  Run("connection_prompt off");
  EXPECT_EQ(s.Prompt(), "quanta-shell(4)>");
}

TEST_F(ShellTest, SqlAnswersAndErrors) {
  ResultSet tables;
  tables.columns = {{"Table", ColumnType::kVarchar}, {"Status", ColumnType::kVarchar}};
  tables.rows = {{Value::Bytes("GeoCheckin"), Value::Bytes("Active")}};
  server_.answers["SHOW TABLES"] = {{}, tables};
  server_.answers["select * from GeoCheckin"] = {
      ShellError::Server(1001, "The query must have a where clause."), {}};
  MakeShell();

  std::string out = Run("SHOW TABLES");
  EXPECT_EQ(out.substr(0, out.rfind("(1 row, ")),
            "+----------+------+\n"
            "|   Table  |Status|\n"
            "+----------+------+\n"
            "|GeoCheckin|Active|\n"
            "+----------+------+\n");
  EXPECT_NE(out.find("(1 row, "), std::string::npos);

  bool ok = true;
  out = Run("select * from GeoCheckin", &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(out, "Error (1001): The query must have a where clause.\n");

  out = Run("CREATE TABLE T1 (a varchar not null, primary key ((a), a))");
  EXPECT_EQ(out.substr(0, out.find('\n')), "Table T1 successfully created and activated.");
  out = Run("insert into T1 values ('a'), ('b')");
  EXPECT_EQ(out.substr(0, out.find('\n')), "Inserted 2 rows.");
  EXPECT_EQ(server_.queries.back(), "insert into T1 values ('a'), ('b')");
}

TEST_F(ShellTest, CsvFormatHasNoFooter) {
  ResultSet tables;
  tables.columns = {{"Table", ColumnType::kVarchar}, {"Status", ColumnType::kVarchar}};
  tables.rows = {{Value::Bytes("GeoCheckin"), Value::Bytes("Active")}};
  server_.answers["show tables"] = {{}, tables};
  MakeShell();
  EXPECT_EQ(Run("format csv"), "Output format set to csv.\n");
  EXPECT_EQ(Run("show tables"), "Table,Status\nGeoCheckin,Active\n");
  EXPECT_EQ(Run("delete from t where a = 1"), "");
  EXPECT_EQ(Run("format"), "The output format is csv.\n");
  bool ok = true;
  Run("format xml", &ok);
  EXPECT_FALSE(ok);
}

TEST_F(ShellTest, HistoryRerunAndClear) {
  ResultSet one;
  one.columns = {{"a", ColumnType::kSint64}};
  one.rows = {{Value::Int(1)}};
  server_.answers["select a from t"] = {{}, one};
  Shell& s = MakeShell();
  Run("format csv");
  Run("select a from t");
  EXPECT_EQ(Run("show_history"),
            "The history contains:\n"
            "- 1: format csv;\n"
            "- 2: select a from t;\n");
  EXPECT_EQ(Run("h 2"), "rerun (2)> select a from t;\na\n1\n");
  EXPECT_EQ(Run("history 4"), "rerun (4)> select a from t;\na\n1\n");
  bool ok = true;
  EXPECT_EQ(Run("h 99", &ok), "Error: there is no history for 99\n");
  EXPECT_FALSE(ok);
  EXPECT_EQ(Run("h x", &ok), "The value 'x' must be a positive integer.\n");
  bool hook_called = false;
  s.set_clear_history_hook([&] { hook_called = true; });
  EXPECT_EQ(Run("clear_history"), "History has been cleared.\n");
  EXPECT_TRUE(hook_called);
  EXPECT_EQ(s.counter(), 1);
  EXPECT_EQ(Run("show_history"), "The history contains:\n");
}

TEST_F(ShellTest, QuitSaysGoodbye) {
  Shell& s = MakeShell();
  EXPECT_EQ(Run("quit"), "Toodle Ooh!\n");
  EXPECT_TRUE(s.quit_requested());
  Shell& t = MakeShell();
  EXPECT_EQ(Run("Q"), "Toodle Ooh!\n");
  EXPECT_TRUE(t.quit_requested());
}

TEST_F(ShellTest, UnknownCommandsAndBadArguments) {
  MakeShell();
  bool ok = true;
  EXPECT_EQ(Run("frobnicate 1", &ok), "Extension frobnicate not implemented.\n");
  EXPECT_FALSE(ok);
  std::string out = Run("log", &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(out.substr(0, out.find('\n')), "Error: invalid function call : log");
  EXPECT_EQ(Run("log maybe", &ok),
            "Invalid parameter passed to log maybe. Should be 'off' or 'on'.\n");
}

TEST_F(ShellTest, ConnectionCommands) {
  server_.reachable = {Endpoint{"127.0.0.1", 8087}, Endpoint{"127.0.0.1", 9000}};
  ShellConfig config;
  config.nodes = {Endpoint{"127.0.0.1", 9000}};
  MakeShell(config);
  EXPECT_EQ(Run("show_connection"), "quanta-shell is connected to: 127.0.0.1 on port 8087\n");
  EXPECT_EQ(Run("connect \"127.0.0.1:9000\""), "Connected to 127.0.0.1 on port 9000\n");
  EXPECT_EQ(Run("show_nodes"),
            "The connected nodes are: [127.0.0.1:9000]\n"
            "The configured nodes are: [127.0.0.1:8087, 127.0.0.1:9000]\n");
  EXPECT_EQ(Run("connect 127.0.0.1 8087"), "Connected to 127.0.0.1 on port 8087\n");
  EXPECT_EQ(Run("connect 'dev1@127.0.0.1'"), "Connected to 127.0.0.1 on port 8087\n");
  bool ok = true;
  EXPECT_EQ(Run("connect \"127.0.0.1:1\"", &ok),
            "Connection to 127.0.0.1:1 failed: Connection refused\n");
  EXPECT_FALSE(ok);
  EXPECT_EQ(Run("show_connection"), "quanta-shell is not connected to quanta\n");
  EXPECT_EQ(Run("reconnect"), "Reconnected to 127.0.0.1 on port 8087\n");
  std::string out = Run("ping");
  EXPECT_NE(out.find("127.0.0.1:8087: (connected)"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.1:9000: (connected)"), std::string::npos) << out;
  out = Run("show_version");
  EXPECT_NE(out.find("server: quanta@127.0.0.1 quanta 0.1.0"), std::string::npos) << out;
}

TEST_F(ShellTest, LostConnectionIsReconnectedAndReadsRetried) {
  ResultSet one;
  one.columns = {{"a", ColumnType::kSint64}};
  one.rows = {{Value::Int(1)}};
  server_.answers["select a from t"] = {{}, one};
  MakeShell();
  Run("format csv");
  server_.drop_next_queries = 1;
  bool ok = false;
  EXPECT_EQ(Run("select a from t", &ok), "a\n1\n");
  EXPECT_TRUE(ok);
  EXPECT_NE(notices_.str().find("lost: Connection reset by peer"), std::string::npos);
  EXPECT_NE(notices_.str().find("Reconnected to 127.0.0.1 on port 8087"), std::string::npos);

  // A write is not re-sent.
  server_.drop_next_queries = 1;
  size_t before = server_.queries.size();
  std::string out = Run("insert into t values (1)", &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(server_.queries.size(), before + 1);
  EXPECT_NE(out.find("it was not re-sent"), std::string::npos);

  // The server is gone: reported, no crash, and later commands reconnect.
  server_.reachable.clear();
  server_.drop_next_queries = 1;
  out = Run("select a from t", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("reconnection failed"), std::string::npos) << out;
  out = Run("select a from t", &ok);
  EXPECT_NE(out.find("Error: not connected to quanta"), std::string::npos) << out;
  server_.reachable = {Endpoint{}};
  EXPECT_EQ(Run("select a from t", &ok), "a\n1\n");
}

TEST_F(ShellTest, LoggingAndRegression) {
  ResultSet one;
  one.columns = {{"a", ColumnType::kSint64}};
  one.rows = {{Value::Int(1)}};
  server_.answers["select a from t"] = {{}, one};
  server_.answers["select * from t"] = {
      ShellError::Server(1001, "The query must have a where clause."), {}};
  const std::string base = TempPath("session");
  std::remove((base + ".log").c_str());
  MakeShell();
  EXPECT_EQ(Run("logfile \"" + base + "\""), "Log file changed to \"" + base + "\"\n");
  EXPECT_EQ(Run("log on"), "Logging turned on.\n");
  Run("format csv");
  Run("select a from t");
  Run("select * from t");
  Run("log off");
  std::ifstream in(base + ".log");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "{{command, \"format csv;\"}, {result, \"Output format set to csv.\"}}.\n"
            "{{command, \"select a from t;\"}, {result, \"a\n1\"}}.\n"
            "{{command, \"select * from t;\"}, "
            "{result, \"Error (1001): The query must have a where clause.\"}}.\n");

  std::string out = Run("regression_log \"" + base + ".log\"");
  EXPECT_EQ(out, "\nRegression Testing \"" + base + ".log\"\nNo Regression Errors.\n");

  out = Run("replay_log \"" + base + ".log\"");
  EXPECT_EQ(out, "\nReplaying \"" + base +
                     ".log\"\n"
                     "replay (1)> format csv;\nOutput format set to csv.\n"
                     "replay (2)> select a from t;\na\n1\n"
                     "replay (3)> select * from t;\n"
                     "Error (1001): The query must have a where clause.\n");

  // A changed answer is a regression.
  one.rows = {{Value::Int(2)}};
  server_.answers["select a from t"] = {{}, one};
  bool ok = true;
  out = Run("regression_log \"" + base + ".log\"", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("Cmd \"select a from t;\" (2) failed\nGot:\n- a\n2\nExpected:\n- a\n1\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("1 regression error."), std::string::npos);

  EXPECT_EQ(Run("replay_log \"/nonexistent/x.log\"", &ok),
            "File \"/nonexistent/x.log\" does not exist.\n");
  EXPECT_FALSE(ok);
}

TEST_F(ShellTest, LogStatusAndDateLog) {
  MakeShell();
  std::string out = Run("show_log_status");
  EXPECT_EQ(out.substr(0, out.find("Current Date")),
            "Logging     : off\nDate Log    : off\nLogfile     : \"quanta_shell.log\"\n");
  EXPECT_EQ(Run("date_log on"), "Log files will contain a date/time stamp.\n");
  out = Run("show_log_status");
  EXPECT_NE(out.find("Logfile     : \"quanta_shell.20"), std::string::npos) << out;
  EXPECT_EQ(Run("logfile default"), "Log file changed to \"quanta_shell\" (default)\n");
}

TEST_F(ShellTest, Help) {
  MakeShell();
  std::string out = Run("help");
  EXPECT_NE(out.find("Extension 'connection':"), std::string::npos) << out;
  EXPECT_NE(out.find("show_history"), std::string::npos);
  EXPECT_NE(Run("help sql select").find("SELECT <* | expression [AS name], ...> FROM <table>"),
            std::string::npos);
  EXPECT_NE(Run("help sql").find("SHOW CREATE TABLE"), std::string::npos);
  EXPECT_NE(Run("help shell quit").find("'q;'"), std::string::npos);
  EXPECT_NE(Run("help log").find("- replay_log"), std::string::npos);
  bool ok = true;
  Run("help nosuch", &ok);
  EXPECT_FALSE(ok);
}

TEST_F(ShellTest, ScriptsStopAtQuit) {
  ResultSet one;
  one.columns = {{"a", ColumnType::kSint64}};
  one.rows = {{Value::Int(1)}};
  server_.answers["select a from t"] = {{}, one};
  Shell& s = MakeShell();
  out_.str("");
  EXPECT_TRUE(s.RunScript("format csv; -- csv please\nselect a\n from t; q; select a from t;"));
  EXPECT_EQ(out_.str(), "Output format set to csv.\na\n1\nToodle Ooh!\n");
  EXPECT_EQ(server_.queries.size(), 1u);
}

TEST_F(ShellTest, NotConnectedAtStartup) {
  server_.reachable.clear();
  shell_ = std::make_unique<Shell>(ShellConfig{}, &factory_, &out_, &notices_);
  bool connected = true;
  std::string msg = shell_->ConnectAtStartup(&connected);
  EXPECT_FALSE(connected);
  EXPECT_NE(msg.find("127.0.0.1:8087: Connection refused"), std::string::npos) << msg;
  bool ok = true;
  EXPECT_NE(Run("show tables", &ok).find("Error: not connected to quanta"), std::string::npos);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace quanta::shell
