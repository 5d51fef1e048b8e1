#include "http/url_codec.h"

#include <gtest/gtest.h>

namespace quanta::http {
namespace {

TEST(UrlCodecTest, SplitTarget) {
  auto p = SplitTarget("/ts/v1/query?timeout=5");
  EXPECT_EQ(p.path, "/ts/v1/query");
  EXPECT_EQ(p.query, "timeout=5");
  p = SplitTarget("/ping");
  EXPECT_EQ(p.path, "/ping");
  EXPECT_EQ(p.query, "");
  p = SplitTarget("http://10.0.0.1:8098/ts/v1/tables/t/keys?a=b");
  EXPECT_EQ(p.path, "/ts/v1/tables/t/keys");
  EXPECT_EQ(p.query, "a=b");
  p = SplitTarget("http://host");
  EXPECT_EQ(p.path, "/");
  p = SplitTarget("");
  EXPECT_EQ(p.path, "/");
}

TEST(UrlCodecTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("North%20West"), "North West");
  EXPECT_EQ(PercentDecode("North+West"), "North West");
  EXPECT_EQ(PercentDecode("a%2Bb"), "a+b");
  EXPECT_EQ(PercentDecode("dzE%3d"), "dzE=");
  EXPECT_EQ(PercentDecode("dzE="), "dzE=");
  EXPECT_EQ(PercentDecode("%2F%00x"), std::string("/\0x", 3));
  EXPECT_EQ(PercentDecode("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_FALSE(PercentDecode("%"));
  EXPECT_FALSE(PercentDecode("%4"));
  EXPECT_FALSE(PercentDecode("a%zz"));
  EXPECT_FALSE(PercentDecode("%g0"));
}

TEST(UrlCodecTest, PercentEncode) {
  EXPECT_EQ(PercentEncode("North West"), "North%20West");
  EXPECT_EQ(PercentEncode("a+b=c/d"), "a%2Bb%3Dc%2Fd");
  EXPECT_EQ(PercentEncode("dzE="), "dzE%3D");
  EXPECT_EQ(PercentEncode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(PercentEncode(std::string("\0\xff", 2)), "%00%FF");
  EXPECT_EQ(PercentEncode("%?&#"), "%25%3F%26%23");
}

TEST(UrlCodecTest, EncodeDecodeRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
}

TEST(UrlCodecTest, SplitPath) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(SplitPath("/ts/v1/query"), (V{"ts", "v1", "query"}));
  EXPECT_EQ(SplitPath("/ts/v1/query/"), (V{"ts", "v1", "query", ""}));
  EXPECT_EQ(SplitPath("/a//b"), (V{"a", "", "b"}));
  EXPECT_EQ(SplitPath("/"), V{});
  EXPECT_EQ(SplitPath(""), V{});
}

TEST(UrlCodecTest, ParseQueryString) {
  using P = QueryParams;
  EXPECT_EQ(ParseQueryString(""), P{});
  EXPECT_EQ(ParseQueryString("timeout=5"), (P{{"timeout", "5"}}));
  EXPECT_EQ(ParseQueryString("a=1&b&c=&&d=x%20y+z"),
            (P{{"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x y z"}}));
  EXPECT_EQ(ParseQueryString("a=b=c"), (P{{"a", "b=c"}}));
  EXPECT_FALSE(ParseQueryString("a=%zz"));
}

}  // namespace
}  // namespace quanta::http
