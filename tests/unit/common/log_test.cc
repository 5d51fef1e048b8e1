// The log facade: line formats, levels, the file and its reopening after a rename.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>

#include "common/log.h"

namespace quanta::log {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_log_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "quantad.log").string();
  }
  void TearDown() override {
    ASSERT_TRUE(Configure(Options{}).ok());  // back to stderr
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST(LogTest, TextBody) {
  EXPECT_EQ(FormatBody(Format::kText, "request failed",
                       {{"op", "query"}, {"code", 1020}, {"error", "syntax error: 'x'"},
                        {"ms", 1.5}, {"peer", ""}}),
            "request failed op=query code=1020 error=\"syntax error: 'x'\" ms=1.500 peer=\"\"");
  // One call is one line whatever the values hold.
  EXPECT_EQ(FormatBody(Format::kText, "a\nb", {{"statement", "SELECT\n\"x\""}}),
            "a\\nb statement=\"SELECT\\n\\\"x\\\"\"");
}

TEST(LogTest, JsonBody) {
  EXPECT_EQ(FormatBody(Format::kJson, "slow query",
                       {{"ms", 1200.25}, {"rows", uint64_t{3}}, {"statement", "SELECT \"a\"\t1"}}),
            "\"msg\":\"slow query\",\"ms\":1200.250,\"rows\":3,\"statement\":\"SELECT \\\"a\\\"\\t1\"");
  // Bytes that are not UTF-8 (a client may send anything) keep the line valid JSON.
  EXPECT_EQ(FormatBody(Format::kJson, "x", {{"s", std::string("a\xff\x01\xc3\xa9")}}),
            "\"msg\":\"x\",\"s\":\"a\\ufffd\\u0001\xc3\xa9\"");
}

TEST(LogTest, TruncateKeepsCharacters) {
  EXPECT_EQ(Truncate("abc", 3), "abc");
  EXPECT_EQ(Truncate("abcd", 3), "abc...");
  // "é" is two bytes: cutting after its first byte backs off before it.
  EXPECT_EQ(Truncate("a\xc3\xa9z", 2), "a...");
}

TEST(LogTest, Levels) {
  EXPECT_EQ(*ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(*ParseLevel("warning"), Level::kWarning);
  EXPECT_EQ(*ParseLevel("notice"), Level::kInfo);     // Riak's lager levels
  EXPECT_EQ(*ParseLevel("critical"), Level::kError);
  EXPECT_FALSE(ParseLevel("loud").ok());
  EXPECT_FALSE(ParseFormat("xml").ok());
  EXPECT_STREQ(LevelName(Level::kWarning), "warning");
}

TEST_F(LogFileTest, WritesFiltersAndReopens) {
  Options o;
  o.file = path_;
  o.level = Level::kInfo;
  ASSERT_TRUE(Configure(o).ok());
  Debug("hidden");
  Info("first", {{"op", "put"}});
  Warning("second");
  std::string text = ReadFile(path_);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info first op=put\n)"
                  R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning second\n)");
  EXPECT_TRUE(std::regex_match(text, line)) << text;

  // logrotate: rename, then reopen; new lines go to a new file under the old name.
  std::string rotated = path_ + ".1";
  std::filesystem::rename(path_, rotated);
  Info("into the renamed file");
  ASSERT_TRUE(Reopen().ok());
  SetLevel(Level::kDebug);
  Debug("after reopen");
  EXPECT_NE(ReadFile(rotated).find("into the renamed file"), std::string::npos);
  std::string fresh = ReadFile(path_);
  EXPECT_NE(fresh.find("debug after reopen"), std::string::npos) << fresh;
  EXPECT_EQ(fresh.find("renamed"), std::string::npos);
}

TEST_F(LogFileTest, JsonLines) {
  Options o;
  o.file = path_;
  o.format = Format::kJson;
  ASSERT_TRUE(Configure(o).ok());
  Error("boom", {{"code", 1013}});
  std::string text = ReadFile(path_);
  std::regex line(R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"error","msg":"boom","code":1013\}\n)");
  EXPECT_TRUE(std::regex_match(text, line)) << text;
}

TEST_F(LogFileTest, UnopenableFileKeepsPreviousLog) {
  Options o;
  o.file = dir_.string();  // a directory cannot be opened for appending
  Status st = Configure(o);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot open log file"), std::string::npos);
}

}  // namespace
}  // namespace quanta::log
