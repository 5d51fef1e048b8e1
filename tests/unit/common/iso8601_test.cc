#include "common/iso8601.h"

#include <gtest/gtest.h>

#include <string>

namespace quanta {
namespace {

int64_t Ms(std::string_view text, int tz = 0) {
  Result<Iso8601Time> r = ParseIso8601(text, tz);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? r->ms : INT64_MIN;
}

std::string Err(std::string_view text) {
  Result<Iso8601Time> r = ParseIso8601(text);
  if (r.ok()) return "OK " + std::to_string(r->ms);
  EXPECT_EQ(r.error().code(), ErrorCode::kParse);
  return r.error().message();
}

// The riak_ts.md section 3.1 table.
TEST(Iso8601Test, SpecTable) {
  EXPECT_EQ(Ms("2016-08-02T10:00:00Z"), 1470132000000);
  EXPECT_EQ(Ms("2016-08-02T10:00:00-05:30"), 1470151800000);
  EXPECT_EQ(Ms("2016-08-02T24:00:00Z"), 1470182400000);
  EXPECT_EQ(Ms("2016-08-02 23:59:59Z"), 1470182399000);
  EXPECT_EQ(Ms("2016-08-03T23:59:60Z"), 1470268800000);
  EXPECT_EQ(Ms("2016-08"), 1470009600000);
  EXPECT_EQ(Ms("2016-08-04T15.5"), 1470324600000);
  EXPECT_EQ(Ms("2016-08-02 05Z"), 1470114000000);
  EXPECT_EQ(Ms("2016"), 1451606400000);
  EXPECT_EQ(Ms("2016-123"), 1462147200000);
  EXPECT_EQ(Ms("20160801T193551+05:30"), 1470060351000);
  EXPECT_EQ(Ms("1969-12-31 23:59:59"), -1000);
}

TEST(Iso8601Test, Forms) {
  EXPECT_EQ(Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Ms("19700101"), 0);
  EXPECT_EQ(Ms("1970-01-01"), 0);
  EXPECT_EQ(Ms("1970001"), 0);
  EXPECT_EQ(Ms("1970-001"), 0);
  EXPECT_EQ(Ms("1970-01-01T0130"), 5400000);
  EXPECT_EQ(Ms("1970-01-01T013000"), 5400000);
  EXPECT_EQ(Ms("1970-01-01T01:30"), 5400000);
  EXPECT_EQ(Ms("1970-01-01T01:30:00.250"), 5400250);
  EXPECT_EQ(Ms("1970-01-01T01:30:00,250"), 5400250);
  EXPECT_EQ(Ms("1970-01-01T10:20.5"), 10 * 3600000 + 20 * 60000 + 30000);
  EXPECT_EQ(Ms("1970-01-01T10:20:30.123456"), 10 * 3600000 + 20 * 60000 + 30123);
  EXPECT_EQ(Ms("1970-01-01T00:00:00.0005"), 1);  // rounded to the nearest ms
  EXPECT_EQ(Ms("1970-01-01T01:00+01"), 0);
  EXPECT_EQ(Ms("1970-01-01T01:00+0100"), 0);
  EXPECT_EQ(Ms("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(Ms("1970-01-01T00:00:00-01:00"), 3600000);
  EXPECT_EQ(Ms("  2016-08-02T10:00:00Z \t"), 1470132000000);  // surrounding blanks
  EXPECT_EQ(Ms("2016-02-29"), 1456704000000);                   // leap day
  EXPECT_EQ(Ms("2016-366"), 1483142400000);                     // last day of a leap year
}

TEST(Iso8601Test, DefaultTimeZone) {
  EXPECT_EQ(Ms("1970-01-01T05:00:00", -5 * 60), 10 * 3600000);
  EXPECT_EQ(Ms("1970-01-01T05:00:00", 60), 4 * 3600000);
  // An explicit zone wins over the default.
  EXPECT_EQ(Ms("1970-01-01T05:00:00Z", 60), 5 * 3600000);
}

TEST(Iso8601Test, ReducedAccuracy) {
  Result<Iso8601Time> r = ParseIso8601("2016");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->incomplete);
  EXPECT_EQ(r->ms, 1451606400000);
  EXPECT_EQ(r->ms_upper, 1483228800000 - 1);  // 2016-12-31T23:59:59.999

  r = ParseIso8601("2016-08");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->incomplete);
  EXPECT_EQ(r->ms_upper, 1472688000000 - 1);  // end of August

  r = ParseIso8601("2016-12");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ms_upper, 1483228800000 - 1);

  r = ParseIso8601("2016-08-02");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ms_upper, 1470182400000 - 1);

  r = ParseIso8601("2003-05-01T05:10");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->incomplete);
  EXPECT_EQ(r->ms_upper - r->ms, 59999);

  r = ParseIso8601("2016-08-02 05Z");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->incomplete);
  EXPECT_EQ(r->ms_upper, 1470114000000 + 3600000 - 1);

  r = ParseIso8601("2016-08-02T10:00-01:00");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ms, 1470132000000 + 3600000);
  EXPECT_EQ(r->ms_upper, r->ms + 59999);

  // Seconds or a fraction make the value complete.
  r = ParseIso8601("2016-08-02T10:00:00");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->incomplete);
  EXPECT_EQ(r->ms_upper, r->ms);
  r = ParseIso8601("2016-08-04T15.5");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->incomplete);
  r = ParseIso8601("2016-08-02 10:19.0");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->incomplete);
}

TEST(Iso8601Test, Errors) {
  EXPECT_EQ(Err("2016-13-01"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02 25:00"), "Invalid date/time string");
  EXPECT_EQ(Err("garbage"), "Invalid date/time string");
  EXPECT_EQ(Err(""), "Invalid date/time string");
  EXPECT_EQ(Err("   "), "Invalid date/time string");
  EXPECT_EQ(Err("201608"), "Invalid date/time string");        // YYYYMM
  EXPECT_EQ(Err("2016-W01"), "Invalid date/time string");      // week dates
  EXPECT_EQ(Err("2016W011"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-W01-1"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-0802"), "Invalid date/time string");     // mixed separators
  EXPECT_EQ(Err("2016-08-02T10:0030"), "Invalid date/time string");
  EXPECT_EQ(Err("2015-02-29"), "Invalid date/time string");
  EXPECT_EQ(Err("2015-366"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-000"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-00"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T24:01"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T10:60"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T10:00:61"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08T10:00"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T10:00:00."), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T10:00:00+25"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02T10:00:00Zjunk"), "Invalid date/time string");
  EXPECT_EQ(Err("2016-08-02  10:00"), "Invalid date/time string");
  EXPECT_EQ(Err("10:00"), "missing_date");
  EXPECT_EQ(Err("10:00:00Z"), "missing_date");
  EXPECT_EQ(Err("T10:00"), "missing_date");
}

TEST(Iso8601Test, NeverCrashesOnOddInput) {
  const std::string nines(1000, '9');
  const std::string inputs[] = {"-", "+", "T", "Z", "9999-12-31T24:00:00Z", "0000-01-01",
                                "2016-08-02T10:00:00.99999999999999999999999999",
                                nines, "\xff\xfe", "2016-08-02T10:00:00+"};
  for (const std::string& in : inputs) {
    Result<Iso8601Time> r = ParseIso8601(in);
    (void)r;
  }
  EXPECT_EQ(Ms("9999-12-31T24:00:00Z"), 253402300800000);
}

}  // namespace
}  // namespace quanta
