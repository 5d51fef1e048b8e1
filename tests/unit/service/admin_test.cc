#include "service/admin.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace quanta::service {
namespace {

TEST(AdminCommands, AuthorizesOnlyTheExactBearerToken) {
  AdminCommands admin("abc123");
  EXPECT_TRUE(admin.Authorized("Bearer abc123"));
  EXPECT_FALSE(admin.Authorized("Bearer abc124"));
  EXPECT_FALSE(admin.Authorized("Bearer abc12"));
  EXPECT_FALSE(admin.Authorized("Bearer abc1234"));
  EXPECT_FALSE(admin.Authorized("bearer abc123"));
  EXPECT_FALSE(admin.Authorized("abc123"));
  EXPECT_FALSE(admin.Authorized(""));
  AdminCommands closed;
  EXPECT_FALSE(closed.Authorized("Bearer "));
  EXPECT_FALSE(closed.Authorized(""));
}

TEST(AdminCommands, CallsTheRegisteredHandler) {
  AdminCommands admin("t");
  admin.Register("echo", [](std::string_view body) -> Result<std::string> {
    return "{\"got\":" + JsonQuote(body) + "}";
  });
  auto answer = admin.Call("echo", "x\"y");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, "{\"got\":\"x\\\"y\"}");
  auto unknown = admin.Call("nope", "{}");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message(), "unknown admin command 'nope'");
  EXPECT_TRUE(admin.Has("echo"));
  EXPECT_EQ(admin.Names(), std::vector<std::string>{"echo"});
}

TEST(AdminCommands, JsonQuoteEscapesControlCharacters) {
  EXPECT_EQ(JsonQuote("a\\b\n\x01"), "\"a\\\\b\\u000a\\u0001\"");
}

TEST(AdminToken, CreatedOnceWithOwnerOnlyModeThenRead) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("quanta-admin-token-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto first = LoadOrCreateAdminToken(dir.string());
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = LoadOrCreateAdminToken(dir.string());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  auto read = ReadAdminToken((dir / "admin.token").string());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, *first);
  std::ofstream(dir / "empty") << "\n";
  EXPECT_FALSE(ReadAdminToken((dir / "empty").string()).ok());
  EXPECT_FALSE(ReadAdminToken((dir / "missing").string()).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace quanta::service
