#include "http/base64.h"

#include <gtest/gtest.h>

namespace quanta::http {
namespace {

TEST(Base64Test, EncodeRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("w1"), "dzE=");
  EXPECT_EQ(Base64Encode("wN"), "d04=");
  EXPECT_EQ(Base64Encode("\xff\xfe\xfd"), "//79");
}

TEST(Base64Test, Decode) {
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("dzE="), "w1");
  EXPECT_EQ(Base64Decode("dzE"), "w1");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zg"), "f");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64Decode("//79"), "\xff\xfe\xfd");
}

TEST(Base64Test, DecodeRejects) {
  EXPECT_FALSE(Base64Decode("Z"));        // 4n+1 characters
  EXPECT_FALSE(Base64Decode("Zg="));      // padded to the wrong length
  EXPECT_FALSE(Base64Decode("Z==="));
  EXPECT_FALSE(Base64Decode("Zg==Zg=="));  // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9v YmFy"));
  EXPECT_FALSE(Base64Decode("Zm9-"));     // URL-safe alphabet is not accepted
  EXPECT_FALSE(Base64Decode("!!!!"));
  EXPECT_FALSE(Base64Decode("===="));
}

TEST(Base64Test, RoundTrip) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37));
  }
}

}  // namespace
}  // namespace quanta::http
