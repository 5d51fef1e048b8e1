#include "ingest/decompress.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include "gzip_for_tests.h"

namespace quanta::ingest {
namespace {

using testing::Gzip;

class DecompressTest : public ::testing::Test {
 protected:
  MemoryAccount account{1 << 30};
  MemoryReservation memory{&account, 0};
};

TEST_F(DecompressTest, GunzipRoundTrip) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += "cpu,host=h" + std::to_string(i % 7) + " v=1\n";
  std::string out;
  Status st = Gunzip(Gzip(data), 64 << 20, &memory, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, data);
  EXPECT_GE(memory.held(), static_cast<int64_t>(data.size()));
}

TEST_F(DecompressTest, GunzipConcatenatedMembers) {
  std::string out;
  ASSERT_TRUE(Gunzip(Gzip("a v=1\n") + Gzip("b v=2\n"), 1 << 20, &memory, &out).ok());
  EXPECT_EQ(out, "a v=1\nb v=2\n");
}

TEST_F(DecompressTest, GunzipBombIsRefusedAtTheLimit) {
  std::string zeros(50 << 20, '0');  // 50 MiB compresses to about 50 KiB
  std::string bomb = Gzip(zeros);
  std::string out;
  Status st = Gunzip(bomb, 1 << 20, &memory, &out);
  EXPECT_EQ(st.code(), ErrorCode::kResultTooBig);
  EXPECT_LE(memory.held(), (1 << 20) + 1);
  // Exactly at the limit is fine.
  ASSERT_TRUE(Gunzip(Gzip(std::string(1 << 20, 'x')), 1 << 20, &memory, &out).ok());
  EXPECT_EQ(out.size(), 1u << 20);
}

TEST_F(DecompressTest, GunzipMemoryAccountRefuses) {
  MemoryAccount small(1 << 20);
  MemoryReservation r(&small, 0);
  std::string out;
  Status st = Gunzip(Gzip(std::string(8 << 20, 'y')), 64 << 20, &r, &out);
  EXPECT_EQ(st.code(), ErrorCode::kMemoryLimit);
}

TEST_F(DecompressTest, GunzipGarbage) {
  std::string out;
  EXPECT_EQ(Gunzip("not gzip at all", 1 << 20, &memory, &out).code(), ErrorCode::kGeneric);
  std::string gz = Gzip("some text that is long enough to truncate");
  EXPECT_EQ(Gunzip(gz.substr(0, gz.size() - 6), 1 << 20, &memory, &out).code(),
            ErrorCode::kGeneric);
  EXPECT_EQ(Gunzip("", 1 << 20, &memory, &out).code(), ErrorCode::kGeneric);
}

TEST_F(DecompressTest, Snappy) {
  std::string data(100000, 'z');
  std::string compressed;
  snappy::Compress(data.data(), data.size(), &compressed);
  std::string out;
  ASSERT_TRUE(SnappyUncompress(compressed, 1 << 20, &memory, &out).ok());
  EXPECT_EQ(out, data);
  EXPECT_EQ(SnappyUncompress(compressed, 99999, &memory, &out).code(), ErrorCode::kResultTooBig);
  EXPECT_EQ(SnappyUncompress("\xff\xff\xff\x7f garbage", 1 << 20, &memory, &out).code(),
            ErrorCode::kResultTooBig);
  EXPECT_EQ(SnappyUncompress("\x05garbage", 1 << 20, &memory, &out).code(), ErrorCode::kGeneric);
}

}  // namespace
}  // namespace quanta::ingest
