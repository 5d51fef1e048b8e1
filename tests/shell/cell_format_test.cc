#include "cell_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace quanta::shell {
namespace {

TEST(CellFormatTest, TimestampsTrimMilliseconds) {
  EXPECT_EQ(FormatTimestamp(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatTimestamp(10), "1970-01-01T00:00:00.01Z");
  EXPECT_EQ(FormatTimestamp(100), "1970-01-01T00:00:00.1Z");
  EXPECT_EQ(FormatTimestamp(123), "1970-01-01T00:00:00.123Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1483282800000), "2017-01-01T15:00:00Z");
  EXPECT_EQ(FormatTimestamp(1452252523183), "2016-01-08T11:28:43.183Z");
}

TEST(CellFormatTest, TimestampsBeforeTheEpoch) {
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(-86400000), "1969-12-31T00:00:00Z");
}

TEST(CellFormatTest, TimestampsAroundLeapDays) {
  EXPECT_EQ(FormatTimestamp(951782400000), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(4107542400000), "2100-03-01T00:00:00Z");
}

TEST(CellFormatTest, DoublesShortest) {
  EXPECT_EQ(FormatShellDouble(25.2), "25.2");
  EXPECT_EQ(FormatShellDouble(23.0), "23.0");
  EXPECT_EQ(FormatShellDouble(10.0), "10.0");
  EXPECT_EQ(FormatShellDouble(1.1), "1.1");
  EXPECT_EQ(FormatShellDouble(0.01123), "0.01123");
  EXPECT_EQ(FormatShellDouble(-3.5), "-3.5");
  EXPECT_EQ(FormatShellDouble(0.0), "0.0");
  EXPECT_EQ(FormatShellDouble(2.3333333333333335), "2.3333333333333335");
}

TEST(CellFormatTest, DoublesInExponentForm) {
  EXPECT_EQ(FormatShellDouble(1e21), "1.0e21");
  EXPECT_EQ(FormatShellDouble(1.5e-7), "1.5e-7");
  EXPECT_EQ(FormatShellDouble(1e-4), "1.0e-4");
  EXPECT_EQ(FormatShellDouble(std::numeric_limits<double>::max()), "1.7976931348623157e308");
}

TEST(CellFormatTest, BlobsAsTruncatedHex) {
  EXPECT_EQ(FormatBlob(""), "0x");
  EXPECT_EQ(FormatBlob("\x01\xab"), "0x01ab");
  EXPECT_EQ(FormatBlob("123456789"), "0x313233343536373839");  // exactly 20 chars
  EXPECT_EQ(FormatBlob("1234567890"), "0x313233343536373839...");
  EXPECT_EQ(FormatBlob("1234567890", /*truncate=*/false), "0x31323334353637383930");
}

TEST(CellFormatTest, CellsByColumnType) {
  EXPECT_EQ(FormatCell(Value::Null(), ColumnType::kDouble), "");
  EXPECT_EQ(FormatCell(Value::Int(42), ColumnType::kSint64), "42");
  EXPECT_EQ(FormatCell(Value::Int(1), ColumnType::kTimestamp), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatCell(Value::Double(23), ColumnType::kDouble), "23.0");
  EXPECT_EQ(FormatCell(Value::Bytes("snow"), ColumnType::kVarchar), "snow");
  EXPECT_EQ(FormatCell(Value::Bytes("\xff"), ColumnType::kBlob), "0xff");
  EXPECT_EQ(FormatCell(Value::Bool(true), ColumnType::kBoolean), "true");
  EXPECT_EQ(FormatCell(Value::Bool(false), ColumnType::kBoolean), "false");
}

}  // namespace
}  // namespace quanta::shell
