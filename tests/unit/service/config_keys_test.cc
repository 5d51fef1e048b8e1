// The configuration key table: --help, docs/configuration.md and ApplySetting agree on it;
// riak.conf keys Quanta does not use are ignored, Quanta typos are not.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "server/config.h"

namespace quanta::server {
namespace {

// key -> aliases, from the rows of docs/configuration.md's key table: the first cell is
// "`key` (`alias`, `alias`, flag `--x`)".
std::map<std::string, std::set<std::string>> DocumentedKeys() {
  std::ifstream in(std::string(QUANTA_SOURCE_DIR) + "/docs/configuration.md");
  EXPECT_TRUE(in.good());
  std::map<std::string, std::set<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::string cell = line.substr(2, line.find(" | ", 2) - 2);
    size_t paren = cell.find('(');
    auto names = [](const std::string& text) {
      std::vector<std::string> found;
      for (size_t a = text.find('`'); a != std::string::npos; a = text.find('`', a + 1)) {
        size_t b = text.find('`', a + 1);
        if (b == std::string::npos) break;
        std::string name = text.substr(a + 1, b - a - 1);
        if (name.rfind("--", 0) != 0) found.push_back(name);
        a = b;
      }
      return found;
    };
    auto keys = names(cell.substr(0, paren));
    EXPECT_EQ(keys.size(), 1u) << "one key per row: " << line;
    if (keys.empty()) continue;
    std::set<std::string> aliases;
    if (paren != std::string::npos) {
      for (auto& a : names(cell.substr(paren))) aliases.insert(a);
    }
    out[keys[0]] = aliases;
  }
  return out;
}

TEST(ConfigKeysTest, DocsListExactlyTheTable) {
  auto documented = DocumentedKeys();
  std::map<std::string, std::set<std::string>> table;
  for (const KeyDoc& k : ConfigKeys()) {
    table[k.key] = std::set<std::string>(k.aliases.begin(), k.aliases.end());
  }
  for (const auto& [key, aliases] : table) {
    auto it = documented.find(key);
    ASSERT_NE(it, documented.end()) << key << " is not in docs/configuration.md";
    EXPECT_EQ(it->second, aliases) << "aliases of " << key;
  }
  for (const auto& [key, aliases] : documented) {
    EXPECT_TRUE(table.count(key)) << key << " is documented but not a key";
  }
  EXPECT_EQ(documented.size(), table.size());
}

TEST(ConfigKeysTest, EveryKeyAndAliasIsAcceptedAndInHelp) {
  const std::string help = UsageText();
  for (const KeyDoc& k : ConfigKeys()) {
    std::vector<std::string> names{k.key};
    names.insert(names.end(), k.aliases.begin(), k.aliases.end());
    for (const auto& name : names) {
      ServerConfig c;
      Status st = ApplySetting(&c, name, "");  // the value may be refused, the key not
      EXPECT_EQ(st.message().find("unknown setting"), std::string::npos) << name;
    }
    EXPECT_NE(help.find("\n  " + std::string(k.key) + " "), std::string::npos) << k.key;
    EXPECT_NE(help.find(k.meaning), std::string::npos) << k.key;
  }
  for (const char* option : {"--data-dir", "--pb-listen", "--http-listen", "--config", "--set",
                             "--sync", "--help", "--version"}) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
  }
}

class RiakConfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("quanta_riakconf_" + std::to_string(::getpid()) + ".conf")).string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_;
};

TEST_F(RiakConfTest, RiakKeysAreIgnoredOnceAndQuantaTyposFail) {
  Write("nodename = riak@127.0.0.1\n"
        "ring_size = 64\n"
        "anti_entropy = passive\n"
        "platform_data_dir = /var/lib/riak\n"
        "leveldb.data_root = $(platform_data_dir)/leveldb\n"
        "search.solr.port = 8093\n"
        "log.console.file = $(platform_log_dir)/console.log\n"
        "log.console.level = warning\n"
        "riak_kv.query.timeseries.timeout = 20000ms\n"
        "riak_kv.query.timeseries.qbuf_root_path = $(platform_data_dir)/query_buffers\n"
        "cluster.job.riak_kv.list_keys = enabled\n"
        "ring_size = 128\n");
  ServerConfig c;
  ASSERT_TRUE(LoadConfigFile(&c, path_).ok());
  EXPECT_EQ(c.service.data_dir, "/var/lib/riak");
  EXPECT_EQ(c.service.node_name, "riak@127.0.0.1");
  EXPECT_EQ(c.service.query_timeout_ms, 20000);
  EXPECT_EQ(c.log.level, log::Level::kWarning);
  EXPECT_EQ(c.ignored_riak_keys,
            (std::vector<std::string>{"ring_size", "anti_entropy", "leveldb.data_root",
                                      "search.solr.port", "log.console.file",
                                      "riak_kv.query.timeseries.qbuf_root_path",
                                      "cluster.job.riak_kv.list_keys"}));
  auto read = ReadConfigFile(path_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)[4].value, "/var/lib/riak/leveldb");  // $(platform_data_dir) substituted
  EXPECT_EQ((*read)[6].value, "$(platform_log_dir)/console.log");  // never set: as written

  for (const char* typo : {"storage.sycn = on", "log.levle = debug", "cluster.peer = h:1",
                           "memory.limt = 1GB", "query.timout = 1s", "https.lisen = :1"}) {
    Write(std::string(typo) + "\n");
    ServerConfig t;
    Status st = LoadConfigFile(&t, path_);
    EXPECT_FALSE(st.ok()) << typo;
    EXPECT_NE(st.message().find(":1: unknown setting"), std::string::npos) << st.message();
  }
  // Keys of no namespace of Quanta's and no Riak key it knows (another version's, another
  // backend's): ignored, and listed apart so that the server can warn about them.
  Write("memory_backend.max_memory_per_vnode = 1GB\nno_such_key = 1\nring_size = 64\n"
        "no_such_key = 2\n");
  ServerConfig u;
  ASSERT_TRUE(LoadConfigFile(&u, path_).ok());
  EXPECT_EQ(u.ignored_unknown_keys,
            (std::vector<std::string>{"memory_backend.max_memory_per_vnode", "no_such_key"}));
  EXPECT_EQ(u.ignored_riak_keys, (std::vector<std::string>{"ring_size"}));
  // Flags stay strict.
  ServerConfig f;
  EXPECT_FALSE(ApplySetting(&f, "ring_size", "64").ok());
  EXPECT_FALSE(ApplySetting(&f, "no_such_key", "1").ok());
}

TEST_F(RiakConfTest, ShippedRiakConfLoads) {
  ServerConfig c;
  Status st = LoadConfigFile(&c, std::string(QUANTA_SOURCE_DIR) + "/tests/ops/riak.conf");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(c.pb_port, 8087);
  EXPECT_EQ(c.http_port, 8098);
  EXPECT_EQ(c.service.max_concurrent_queries, 3);
  EXPECT_EQ(c.service.query_queue_length, 15);
  EXPECT_EQ(c.service.max_quanta_span, 5000);
  EXPECT_EQ(c.service.query_timeout_ms, 10000);
  EXPECT_EQ(c.service.max_object_size, 50 << 20);
  EXPECT_EQ(c.service.sort_memory_budget_bytes, 1LL << 30);  // qbuf_soft_watermark
  EXPECT_EQ(c.service.data_dir, "./data");
  EXPECT_GT(c.ignored_riak_keys.size(), 40u);
}

}  // namespace
}  // namespace quanta::server
