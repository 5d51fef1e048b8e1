#include "security/security.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "security/cidr.h"
#include "security/password.h"

namespace quanta::security {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/quanta-security-test.XXXXXX";
  return ::mkdtemp(tmpl);
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

Result<std::string> Cmd(Security& sec, const std::string& line) {
  auto w = Words(line);
  std::string op = w.front();
  w.erase(w.begin());
  return sec.Apply(op, w);
}

TEST(Cidr, ParsesAndMatches) {
  auto c = Cidr::Parse("10.1.2.3/8");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ToString(), "10.0.0.0/8");
  EXPECT_TRUE(c->Contains("10.200.0.1"));
  EXPECT_TRUE(c->Contains("::ffff:10.0.0.9"));
  EXPECT_FALSE(c->Contains("11.0.0.1"));
  EXPECT_FALSE(c->Contains("not an ip"));
  auto host = Cidr::Parse("127.0.0.1");
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->prefix, 32);
  auto v6 = Cidr::Parse("::1/128");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->Contains("::1"));
  EXPECT_FALSE(v6->Contains("127.0.0.1"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/33").ok());
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/").ok());
  EXPECT_FALSE(Cidr::Parse("").ok());
}

TEST(Password, HashIsSaltedAndVerifies) {
  auto a = HashPassword("s3cret", 1000);
  auto b = HashPassword("s3cret", 1000);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->salt_hex, b->salt_hex);
  EXPECT_NE(a->hash_hex, b->hash_hex);
  EXPECT_EQ(a->hash_hex.size(), 64u);
  EXPECT_TRUE(VerifyPassword(*a, "s3cret"));
  EXPECT_FALSE(VerifyPassword(*a, "s3cret "));
  EXPECT_FALSE(VerifyPassword(*a, ""));
  PasswordHash broken = *a;
  broken.iterations = 0;
  EXPECT_FALSE(VerifyPassword(broken, "s3cret"));
}

TEST(Security, AuthenticateBySourceMostSpecificFirst) {
  auto sec = Security::Open("");
  ASSERT_TRUE(sec.ok());
  Security& s = **sec;
  ASSERT_TRUE(Cmd(s, "add-user alice password=pw1").ok());
  ASSERT_TRUE(Cmd(s, "add-user bob").ok());
  // No source yet: nobody gets in.
  EXPECT_EQ(s.Authenticate("alice", "pw1", "127.0.0.1", std::nullopt).message(), "Authentication failed");
  ASSERT_TRUE(Cmd(s, "add-source all 0.0.0.0/0 password").ok());
  EXPECT_TRUE(s.Authenticate("alice", "pw1", "127.0.0.1", std::nullopt).ok());
  EXPECT_FALSE(s.Authenticate("alice", "wrong", "127.0.0.1", std::nullopt).ok());
  EXPECT_FALSE(s.Authenticate("nobody", "pw1", "127.0.0.1", std::nullopt).ok());
  // bob has no password: refused by a password source, let in by a more specific trust one.
  EXPECT_FALSE(s.Authenticate("bob", "", "127.0.0.1", std::nullopt).ok());
  ASSERT_TRUE(Cmd(s, "add-source bob 127.0.0.1/32 trust").ok());
  EXPECT_TRUE(s.Authenticate("bob", "", "127.0.0.1", std::nullopt).ok());
  EXPECT_FALSE(s.Authenticate("bob", "", "10.0.0.1", std::nullopt).ok());
  // certificate: the verified certificate's common name must be the user's.
  ASSERT_TRUE(Cmd(s, "add-source alice 10.0.0.0/8 certificate").ok());
  EXPECT_FALSE(s.Authenticate("alice", "pw1", "10.1.1.1", std::nullopt).ok());
  EXPECT_FALSE(s.Authenticate("alice", "", "10.1.1.1", std::string_view("bob")).ok());
  EXPECT_TRUE(s.Authenticate("alice", "", "10.1.1.1", std::string_view("alice")).ok());
  ASSERT_TRUE(Cmd(s, "del-source alice 10.0.0.0/8").ok());
  EXPECT_TRUE(s.Authenticate("alice", "pw1", "10.1.1.1", std::nullopt).ok());
}

TEST(Security, GrantsAndDenialText) {
  auto sec = Security::Open("");
  ASSERT_TRUE(sec.ok());
  Security& s = **sec;
  ASSERT_TRUE(Cmd(s, "add-group readers").ok());
  ASSERT_TRUE(Cmd(s, "add-user u groups=readers password=x").ok());
  ASSERT_TRUE(Cmd(s, "add-user v").ok());
  EXPECT_EQ(s.Check("u", "riak_ts.create_table", "table1").message(),
            "Permission denied: User 'u' does not have 'riak_ts.create_table' on table1");
  ASSERT_TRUE(Cmd(s, "grant riak_ts.query_select,riak_ts.get on GeoCheckin to readers").ok());
  EXPECT_TRUE(s.Check("u", "riak_ts.query_select", "GeoCheckin").ok());
  EXPECT_FALSE(s.Check("u", "riak_ts.query_select", "Other").ok());
  EXPECT_FALSE(s.Check("v", "riak_ts.query_select", "GeoCheckin").ok());
  ASSERT_TRUE(Cmd(s, "grant riak_ts.put on any to v").ok());
  EXPECT_TRUE(s.Check("v", "riak_ts.put", "Anything").ok());
  ASSERT_TRUE(Cmd(s, "grant riak_ts.show_tables on any to all").ok());
  EXPECT_TRUE(s.Check("u", "riak_ts.show_tables", "").ok());
  EXPECT_EQ(s.Check("u", "riak_ts.drop_table", "").message(),
            "Permission denied: User 'u' does not have 'riak_ts.drop_table'");
  ASSERT_TRUE(Cmd(s, "revoke riak_ts.put on any from v").ok());
  EXPECT_FALSE(s.Check("v", "riak_ts.put", "Anything").ok());
  // Removing a group takes its grants away from its members.
  ASSERT_TRUE(Cmd(s, "del-group readers").ok());
  EXPECT_FALSE(s.Check("u", "riak_ts.query_select", "GeoCheckin").ok());
}

TEST(Security, CommandErrorsAndPrints) {
  auto sec = Security::Open("");
  ASSERT_TRUE(sec.ok());
  Security& s = **sec;
  EXPECT_EQ(*Cmd(s, "status"), "Disabled\n");
  ASSERT_TRUE(Cmd(s, "enable").ok());
  EXPECT_EQ(*Cmd(s, "status"), "Enabled\n");
  ASSERT_TRUE(Cmd(s, "add-user alice password=pw").ok());
  EXPECT_EQ(Cmd(s, "add-user alice").error().message(), "Error: User 'alice' already exists");
  EXPECT_EQ(Cmd(s, "add-user all").error().message(), "Error: 'all' is a reserved name");
  EXPECT_EQ(Cmd(s, "add-user x groups=nosuch").error().message(), "Error: Group 'nosuch' does not exist");
  EXPECT_EQ(Cmd(s, "grant riak_ts.fly on any to alice").error().message(),
            "Error: Unknown permission riak_ts.fly");
  EXPECT_EQ(Cmd(s, "grant riak_ts.get on any to nobody").error().message(),
            "Error: Role 'nobody' does not exist");
  EXPECT_FALSE(Cmd(s, "add-source alice 1.2.3.4/40 password").ok());
  EXPECT_FALSE(Cmd(s, "add-source alice 1.2.3.4/32 kerberos").ok());
  EXPECT_FALSE(Cmd(s, "frobnicate").ok());
  ASSERT_TRUE(Cmd(s, "add-source alice 127.0.0.1/32 password").ok());
  ASSERT_TRUE(Cmd(s, "grant riak_ts.get,riak_ts.put on T1 to alice").ok());
  auto users = Cmd(s, "print-users");
  ASSERT_TRUE(users.ok());
  EXPECT_NE(users->find("| alice"), std::string::npos);
  EXPECT_EQ(users->find("pw "), std::string::npos);
  auto sources = Cmd(s, "print-sources");
  EXPECT_NE(sources->find("127.0.0.1/32 | password"), std::string::npos) << *sources;
  auto grants = Cmd(s, "print-grants alice");
  EXPECT_NE(grants->find("T1    | riak_ts.get,riak_ts.put"), std::string::npos) << *grants;
}

TEST(Security, PersistsAtomicallyWithoutPlainPasswords) {
  std::string dir = TempDir();
  {
    auto sec = Security::Open(dir);
    ASSERT_TRUE(sec.ok());
    ASSERT_TRUE(Cmd(**sec, "add-group g").ok());
    ASSERT_TRUE(Cmd(**sec, "add-user alice password=VerySecret groups=g").ok());
    ASSERT_TRUE(Cmd(**sec, "add-source all 127.0.0.0/8 password").ok());
    ASSERT_TRUE(Cmd(**sec, "grant riak_ts.get on T to group/g").ok());
    ASSERT_TRUE(Cmd(**sec, "enable").ok());
  }
  std::ifstream in(dir + "/security.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find("VerySecret"), std::string::npos);
  EXPECT_NE(text.str().find("pbkdf2-hmac-sha256"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/security.json.tmp"));
  struct stat st;
  ASSERT_EQ(::stat((dir + "/security.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = Security::Open(dir);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->enabled());
  EXPECT_TRUE((*again)->Authenticate("alice", "VerySecret", "127.0.0.5", std::nullopt).ok());
  EXPECT_TRUE((*again)->Check("alice", "riak_ts.get", "T").ok());
  // A damaged file is refused, not half-read.
  std::ofstream(dir + "/security.json") << "{\"format\":1,\"enabled\":tru";
  EXPECT_FALSE(Security::Open(dir).ok());
  std::filesystem::remove_all(dir);
}

// export / import (extensions): the whole state moves, passwords keep working, grants apply;
// what is not an exported state is refused and changes nothing.
TEST(Security, ExportAndImportMoveTheWholeState) {
  auto from = Security::Open("");
  auto to = Security::Open("");
  ASSERT_TRUE(from.ok() && to.ok());
  ASSERT_TRUE(Cmd(**from, "add-group g").ok());
  ASSERT_TRUE(Cmd(**from, "add-user alice password=VerySecret groups=g").ok());
  ASSERT_TRUE(Cmd(**from, "add-source all 127.0.0.0/8 password").ok());
  ASSERT_TRUE(Cmd(**from, "grant riak_ts.get on T to group/g").ok());
  ASSERT_TRUE(Cmd(**from, "enable").ok());
  ASSERT_TRUE(Cmd(**to, "add-user mallory password=x").ok());  // replaced by the import
  auto exported = (*from)->Apply("export", {});
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->find("VerySecret"), std::string::npos);
  auto imported = (*to)->Apply("import", {*exported});
  ASSERT_TRUE(imported.ok()) << imported.error().message();
  EXPECT_EQ(*imported,
            "Imported 1 users, 1 groups, 1 sources and grants on 1 (role, table) pairs (security "
            "enabled), replacing the state there was\n");
  EXPECT_TRUE((*to)->enabled());
  EXPECT_TRUE((*to)->Authenticate("alice", "VerySecret", "127.0.0.5", std::nullopt).ok());
  EXPECT_FALSE((*to)->Authenticate("mallory", "x", "127.0.0.5", std::nullopt).ok());
  EXPECT_TRUE((*to)->Check("alice", "riak_ts.get", "T").ok());
  EXPECT_EQ(*(*to)->Apply("export", {}), *exported);
  // Refused: not an exported state, a wrong argument count.
  auto bad = (*to)->Apply("import", {"{\"format\":1,\"enabled\":tru"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message().rfind("Error: not an exported security state", 0), 0u);
  EXPECT_FALSE((*to)->Apply("import", {}).ok());
  EXPECT_FALSE((*to)->Apply("export", {"x"}).ok());
  EXPECT_TRUE((*to)->Authenticate("alice", "VerySecret", "127.0.0.5", std::nullopt).ok());
}

}  // namespace
}  // namespace quanta::security
