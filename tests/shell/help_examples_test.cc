// Every SQL example of quanta-shell's help runs when pasted: each is taken as `help sql
// <statement>` prints it (indented), pasted into a Shell connected to a fresh in-process
// TsService, in the order of SqlStatements(), and must succeed; the examples of statements that
// answer with rows (SELECT, EXPLAIN, DESCRIBE, SHOW) must return some. The same for the
// examples of the user guide, docs/sql.md. Also checks that the one table (sql_statements.h)
// reaches help, the SQL/shell-command split and completion.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_parser.h"
#include "help_text.h"
#include "service/ts_service.h"
#include "shell.h"
#include "sql_info.h"
#include "sql_statements.h"
#include "statement_splitter.h"

namespace quanta::shell {
namespace {

// A ShellConnection that runs statements on an in-process TsService.
struct InProcessServer {
  service::TsService* service = nullptr;
  size_t last_rows = 0;
};

class InProcessConnection : public ShellConnection {
 public:
  explicit InProcessConnection(InProcessServer* server) : server_(server) {}
  ShellError Open(const Endpoint&) override {
    open_ = true;
    return {};
  }
  void Close() override { open_ = false; }
  bool is_open() const override { return open_; }
  ShellError Query(const std::string& sql, ResultSet* result) override {
    service::QueryOutcome outcome;
    Status st = server_->service->Query(sql, {}, &outcome);
    if (!st.ok()) return ShellError::Server(st.riak_code(), st.message());
    server_->last_rows = outcome.result.rows.size();
    *result = std::move(outcome.result);
    return {};
  }
  ShellError Ping() override { return {}; }
  ShellError GetServerInfo(ServerInfo* info) override {
    info->node = "quanta@127.0.0.1";
    info->server_version = "test";
    return {};
  }

 private:
  InProcessServer* server_;
  bool open_ = false;
};

class InProcessFactory : public ShellConnectionFactory {
 public:
  explicit InProcessFactory(InProcessServer* server) : server_(server) {}
  std::unique_ptr<ShellConnection> Create() override {
    return std::make_unique<InProcessConnection>(server_);
  }

 private:
  InProcessServer* server_;
};

// `example` as `help sql` shows it: every line indented by two spaces.
std::string Indented(std::string_view example) {
  std::string out = "  ";
  for (char c : example) {
    out.push_back(c);
    if (c == '\n') out += "  ";
  }
  return out;
}

bool AnswersWithRows(SqlKind kind) {
  return kind == SqlKind::kSelect || kind == SqlKind::kExplain || kind == SqlKind::kDescribe ||
         kind == SqlKind::kShowTables || kind == SqlKind::kShowCreateTable;
}

TEST(HelpExamplesTest, EveryExampleRunsWhenPasted) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("quanta_help_examples_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  service::ServiceOptions options;
  options.data_dir = dir.string();
  auto opened = service::TsService::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<service::TsService> svc = std::move(opened).value();

  InProcessServer server{svc.get()};
  InProcessFactory factory(&server);
  std::ostringstream out, notices;
  Shell shell(ShellConfig{}, &factory, &out, &notices);
  bool connected = false;
  shell.ConnectAtStartup(&connected);
  ASSERT_TRUE(connected);

  size_t examples = 0;
  for (const SqlStatementInfo& st : SqlStatements()) {
    SCOPED_TRACE("help sql " + std::string(st.topic));
    const std::optional<std::string> help = SqlStatementHelp(st.topic);
    ASSERT_TRUE(help.has_value());
    EXPECT_FALSE(st.examples.empty()) << "every statement shows at least one example";
    for (std::string_view example : st.examples) {
      const std::string pasted = Indented(example);
      EXPECT_NE(help->find(pasted), std::string::npos) << *help;
      // One statement, ending with ';', that the shell sends to the server.
      StatementSplitter splitter;
      std::vector<std::string> commands;
      splitter.AddText(pasted, &commands);
      ASSERT_EQ(commands.size(), 1u) << pasted;
      EXPECT_FALSE(splitter.pending()) << pasted;
      EXPECT_TRUE(IsSqlCommand(commands[0])) << pasted;

      out.str("");
      server.last_rows = 0;
      EXPECT_TRUE(shell.RunScript(pasted)) << pasted << "\n->\n" << out.str();
      if (AnswersWithRows(AnalyzeSql(commands[0]).kind)) {
        EXPECT_GT(server.last_rows, 0u) << pasted << "\n->\n" << out.str();
      }
      ++examples;
    }
  }
  EXPECT_GE(examples, SqlStatements().size());
  svc.reset();
  std::filesystem::remove_all(dir);
}

// The ```sql blocks of docs/sql.md, pasted in order into a shell on a fresh server: the guide
// promises that each runs as shown (its results are pinned by tests/sql/guide/sql_guide.test).
TEST(HelpExamplesTest, SqlGuideExamplesRunWhenPasted) {
  std::ifstream in(std::string(QUANTA_SOURCE_DIR) + "/docs/sql.md");
  ASSERT_TRUE(in.good());
  std::vector<std::string> blocks;
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sql") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  ASSERT_FALSE(inside) << "unterminated ```sql block";
  ASSERT_GE(blocks.size(), 10u);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("quanta_sql_guide_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  service::ServiceOptions options;
  options.data_dir = dir.string();
  auto opened = service::TsService::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<service::TsService> svc = std::move(opened).value();
  InProcessServer server{svc.get()};
  InProcessFactory factory(&server);
  std::ostringstream out, notices;
  Shell shell(ShellConfig{}, &factory, &out, &notices);
  bool connected = false;
  shell.ConnectAtStartup(&connected);
  ASSERT_TRUE(connected);
  for (const std::string& b : blocks) {
    StatementSplitter splitter;
    std::vector<std::string> commands;
    splitter.AddText(b, &commands);
    EXPECT_FALSE(splitter.pending()) << "a statement without ';':\n" << b;
    for (const std::string& c : commands) EXPECT_TRUE(IsSqlCommand(c)) << c;
    out.str("");
    EXPECT_TRUE(shell.RunScript(b)) << b << "\n->\n" << out.str();
  }
  svc.reset();
  std::filesystem::remove_all(dir);
}

TEST(HelpExamplesTest, OneTableDrivesHelpAndCompletion) {
  const std::vector<std::string> words = CompletionWords();
  const std::string general = GeneralHelp();
  std::string sql = SqlHelp();  // with its line wrapping undone
  for (size_t at; (at = sql.find("\n    ")) != std::string::npos;) sql.replace(at, 5, " ");
  for (const SqlStatementInfo& st : SqlStatements()) {
    SCOPED_TRACE(std::string(st.topic));
    EXPECT_NE(general.find(std::string(st.topic)), std::string::npos) << general;
    EXPECT_NE(sql.find(std::string(st.title)), std::string::npos) << sql;
    EXPECT_TRUE(SqlStatementHelp(st.topic).has_value());
    EXPECT_TRUE(IsSqlCommand(std::string(st.first_word) + " x"));
    EXPECT_TRUE(std::binary_search(words.begin(), words.end(), std::string(st.first_word)));
    for (std::string_view k : st.keywords) {
      EXPECT_TRUE(std::binary_search(words.begin(), words.end(), std::string(k))) << k;
    }
  }
  EXPECT_TRUE(std::binary_search(words.begin(), words.end(), std::string("show_history")));
  EXPECT_FALSE(IsSqlCommand("show_tables"));
}

}  // namespace
}  // namespace quanta::shell
