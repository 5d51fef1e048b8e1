#include "ingest/remote_write.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "remote_write_encode.h"

namespace quanta::ingest {
namespace {

using testing::EncodeWriteRequest;
using testing::PutLengthDelimited;
using testing::PutVarint;
using testing::TestSeries;

std::vector<Series> DecodeAll(std::string_view message, Status* status) {
  std::vector<Series> out;
  *status = DecodeWriteRequest(message, [&](Series& s) {
    out.push_back(s);
    return Status::OK();
  });
  return out;
}

double StaleNaN() {
  double d = 0;
  uint64_t bits = kStaleNaNBits;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

TEST(RemoteWrite, DecodesSeriesLabelsAndSamples) {
  std::string message = EncodeWriteRequest(
      {{{{"__name__", "up"}, {"job", "prometheus"}, {"instance", "localhost:9090"}},
        {{1.0, 1700000000000}, {0.0, 1700000015000}}},
       {{{"__name__", "x"}}, {{-2.5, 5}}}});
  Status st;
  auto all = DecodeAll(message, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(all.size(), 2u);
  ASSERT_EQ(all[0].labels.size(), 3u);
  EXPECT_EQ(all[0].labels[1].first, "job");
  EXPECT_EQ(all[0].labels[1].second, "prometheus");
  ASSERT_EQ(all[0].samples.size(), 2u);
  EXPECT_EQ(all[0].samples[1].value, 0.0);
  EXPECT_EQ(all[0].samples[1].timestamp_ms, 1700000015000);
  EXPECT_EQ(all[1].samples[0].value, -2.5);
  EXPECT_EQ(all[1].samples[0].timestamp_ms, 5);
}

TEST(RemoteWrite, SkipsUnknownFields) {
  std::string series;
  PutLengthDelimited(1, std::string("\x0a\x08__name__\x12\x01m", 13), &series);
  PutLengthDelimited(3, "exemplar bytes", &series);  // exemplars
  PutVarint((9 << 3) | 0, &series);                  // an unknown varint
  PutVarint(300, &series);
  series.push_back(static_cast<char>((10 << 3) | 5));  // an unknown fixed32
  series.append("abcd");
  std::string message;
  PutLengthDelimited(1, series, &message);
  PutLengthDelimited(3, "metadata", &message);
  Status st;
  auto all = DecodeAll(message, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].labels[0].second, "m");
}

TEST(RemoteWrite, MalformedMessagesAreErrors) {
  std::string good = EncodeWriteRequest({{{{"__name__", "up"}}, {{1, 2}}}});
  Status st;
  for (size_t cut = 1; cut < good.size(); ++cut) {
    DecodeAll(std::string_view(good).substr(0, cut), &st);
    EXPECT_FALSE(st.ok()) << "cut at " << cut;
    EXPECT_EQ(st.code(), ErrorCode::kGeneric);
  }
  DecodeAll("\x0b", &st);  // a group start
  EXPECT_FALSE(st.ok());
  DecodeAll(std::string("\x00", 1), &st);  // field 0
  EXPECT_FALSE(st.ok());
  DecodeAll("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", &st);  // a huge length
  EXPECT_FALSE(st.ok());
  DecodeAll("", &st);
  EXPECT_TRUE(st.ok());
}

TEST(RemoteWrite, SinkErrorStops) {
  std::string message = EncodeWriteRequest({{{{"a", "b"}}, {{1, 1}}}, {{{"a", "c"}}, {{1, 1}}}});
  int calls = 0;
  Status st = DecodeWriteRequest(message, [&](Series&) {
    ++calls;
    return Status(ErrorCode::kMemoryLimit, "no");
  });
  EXPECT_EQ(st.code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(calls, 1);
}

TEST(RemoteWrite, CanonicalLabels) {
  std::vector<std::pair<std::string, std::string>> labels = {
      {"job", "p"}, {"__name__", "http_requests_total"}, {"code", "200"},
      {"path", "a\"b\\c\nd"}};
  std::string metric, text;
  CanonicalLabels(&labels, &metric, &text);
  EXPECT_EQ(metric, "http_requests_total");
  EXPECT_EQ(text, "code=\"200\",job=\"p\",path=\"a\\\"b\\\\c\\nd\"");
  labels = {{"a", "1"}};
  CanonicalLabels(&labels, &metric, &text);
  EXPECT_EQ(metric, "");
  EXPECT_EQ(text, "a=\"1\"");
}

TEST(RemoteWrite, StaleMarker) {
  EXPECT_TRUE(IsStaleMarker(StaleNaN()));
  EXPECT_FALSE(IsStaleMarker(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(IsStaleMarker(1.0));
  EXPECT_TRUE(std::isnan(StaleNaN()));
}

}  // namespace
}  // namespace quanta::ingest
