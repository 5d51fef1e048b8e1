// The backup manifest (service/backup.h): what the server writes reads back, and a restore
// refuses a manifest that is damaged, from a newer format, or names files outside data/.
#include "service/backup.h"

#include <gtest/gtest.h>

namespace quanta::service {
namespace {

BackupManifest Sample() {
  BackupManifest m;
  m.quanta_version = "0.1.0";
  m.backend = "rocksdb";
  m.created_ms = 1700000000123;
  m.tables = 3;
  m.files = {{"000012.sst", 1000}, {"CURRENT", 16}, {"MANIFEST-000005", 200}};
  m.bytes = 1216;
  return m;
}

TEST(BackupManifest, RoundTrips) {
  const std::string text = EncodeBackupManifest(Sample());
  EXPECT_NE(text.find("\"created\":\"2023-11-14T22:13:20Z\""), std::string::npos) << text;
  auto m = DecodeBackupManifest(text);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->tables, 3u);
  EXPECT_EQ(m->created_ms, 1700000000123);
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[2].name, "MANIFEST-000005");
  EXPECT_EQ(m->files[2].bytes, 200u);
}

TEST(BackupManifest, RefusesWhatCannotBeTrusted) {
  auto refused = [](const std::string& text, const std::string& why) {
    auto m = DecodeBackupManifest(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_NE(m.error().message().find(why), std::string::npos) << m.error().message();
  };
  refused("{", "not a JSON object");
  std::string text = EncodeBackupManifest(Sample());
  std::string newer = text;
  newer.replace(newer.find("\"format\":1"), 10, "\"format\":2");
  refused(newer, "format 2");
  BackupManifest escape = Sample();
  escape.files[0].name = "../../etc/passwd";
  refused(EncodeBackupManifest(escape), "unsafe file name");
  BackupManifest sums = Sample();
  sums.bytes = 5;
  refused(EncodeBackupManifest(sums), "do not add up");
  std::string no_files = text.substr(0, text.find(",\"files\"")) + "}";
  refused(no_files, "no \"files\"");
}

}  // namespace
}  // namespace quanta::service
