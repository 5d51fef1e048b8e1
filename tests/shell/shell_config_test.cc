#include "shell_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace quanta::shell {
namespace {

TEST(ShellConfigTest, Endpoints) {
  Endpoint e;
  ASSERT_TRUE(ParseEndpoint("10.0.0.1:9000", 8087, &e));
  EXPECT_EQ(e, (Endpoint{"10.0.0.1", 9000}));
  ASSERT_TRUE(ParseEndpoint("localhost", 8087, &e));
  EXPECT_EQ(e, (Endpoint{"localhost", 8087}));
  ASSERT_TRUE(ParseEndpoint("dev1@127.0.0.1", 8087, &e));
  EXPECT_EQ(e, (Endpoint{"127.0.0.1", 8087}));
  ASSERT_TRUE(ParseEndpoint("[::1]:8000", 8087, &e));
  EXPECT_EQ(e, (Endpoint{"::1", 8000}));
  EXPECT_FALSE(ParseEndpoint("host:99999", 8087, &e));
  EXPECT_FALSE(ParseEndpoint(":8087", 8087, &e));
}

TEST(ShellConfigTest, FileAndFlags) {
  const std::string path = ::testing::TempDir() + "/shell_config_test.conf";
  {
    std::ofstream f(path);
    f << "# comment\n"
         "host = 10.1.1.1\n"
         "port = 9087   # trailing comment\n"
         "nodes = 10.1.1.2:9087, \"10.1.1.3\"\n"
         "logging = on\n"
         "show_connection_status = true\n"
         "format = csv\n"
         "history_file = /tmp/h\n";
  }
  ShellConfig c;
  ASSERT_EQ(LoadConfigFile(&c, path), "");
  EXPECT_EQ(c.endpoint, (Endpoint{"10.1.1.1", 9087}));
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[1], (Endpoint{"10.1.1.3", 9087}));
  EXPECT_TRUE(c.logging);
  EXPECT_TRUE(c.show_connection_status);
  EXPECT_EQ(c.format, OutputFormat::kCsv);
  EXPECT_EQ(c.history_file, "/tmp/h");
  EXPECT_EQ(c.AllNodes().size(), 3u);

  {
    std::ofstream f(path);
    f << "colour = blue\n";
  }
  EXPECT_NE(LoadConfigFile(&c, path).find(":1: unknown setting 'colour'"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_NE(LoadConfigFile(&c, path), "");
}

TEST(ShellConfigTest, CommandLine) {
  const char* argv[] = {"quanta-shell", "--host", "h",           "--port=1234", "-e",
                        "select 1",     "-e",     "show tables", "--csv",       "--echo"};
  CommandLine cl;
  ASSERT_EQ(ParseCommandLine(10, argv, &cl), "");
  EXPECT_EQ(cl.mode, CommandLine::Mode::kEval);
  EXPECT_EQ(cl.eval, (std::vector<std::string>{"select 1", "show tables"}));
  EXPECT_TRUE(cl.echo);
  ShellConfig c;
  for (const auto& [k, v] : cl.overrides) ASSERT_EQ(ApplyConfigSetting(&c, k, v), "");
  EXPECT_EQ(c.endpoint, (Endpoint{"h", 1234}));
  EXPECT_EQ(c.format, OutputFormat::kCsv);

  const char* bad[] = {"quanta-shell", "-f", "a", "-e", "b"};
  CommandLine cl2;
  EXPECT_NE(ParseCommandLine(5, bad, &cl2), "");
  const char* missing[] = {"quanta-shell", "-f"};
  CommandLine cl3;
  EXPECT_NE(ParseCommandLine(2, missing, &cl3), "");
  const char* unknown[] = {"quanta-shell", "--frob"};
  CommandLine cl4;
  EXPECT_NE(ParseCommandLine(2, unknown, &cl4), "");
}

}  // namespace
}  // namespace quanta::shell
