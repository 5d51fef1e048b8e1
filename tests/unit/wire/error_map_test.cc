#include "wire/error_map.h"

#include <gtest/gtest.h>

#include "hex.h"
#include "wire/pb/pb_convert.h"

namespace quanta::wire {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(ErrorMap, ServiceErrorsFollowTheRequestEncoding) {
  Status st = TableNotActive("t2");  // 1019 from the service
  EXPECT_EQ(ErrorReplyFrame(st, RequestEncoding::kPb),
            FromHex("00 00 00 1F 00 0A 19") + "t2 is not an active table" + FromHex("10 FB 07"));
  EXPECT_EQ(ErrorReplyFrame(st, RequestEncoding::kTtb),
            FromHex("00 00 00 36 68 83 68 03 64 00 0C 72 70 62 65 72 72 6F 72 72 65 73 70 "
                    "6D 00 00 00 19") +
                "t2 is not an active table" + FromHex("62 00 00 03 FB"));
}

// A put kept on some partitions only (storage/store.h): 1004 with Riak's text on both
// encodings; the storage cause in detail() stays in the server's log.
TEST(ErrorMap, PartialPutIs1004WithRiaksText) {
  Status st(ErrorCode::kPut, "Failed to put 3 record(s)", "2002: storage: RADOS write timed out");
  EXPECT_EQ(ErrorReplyFrame(st, RequestEncoding::kPb),
            FromHex("00 00 00 1F 00 0A 19") + "Failed to put 3 record(s)" + FromHex("10 EC 07"));
  std::string ttb = ErrorReplyFrame(st, RequestEncoding::kTtb);
  EXPECT_NE(ttb.find("Failed to put 3 record(s)"), std::string::npos);
  EXPECT_EQ(ToHex(ttb.substr(ttb.size() - 5)), "62 00 00 03 EC");
  EXPECT_EQ(ttb.find("timed out"), std::string::npos);
}

TEST(ErrorMap, ApiLevelErrorsArePbCodeZeroEvenForTtb) {
  for (const Status& st : {TableNotActiveAtDecode("t2"), UnknownMessageCode(42),
                           ProcessingError("badarg"), StartTlsRefused(),
                           Status(ErrorCode::kInternal, "boom"),
                           Status(ErrorCode::kIoError, "disk")}) {
    std::string frame = ErrorReplyFrame(st, RequestEncoding::kTtb);
    EXPECT_EQ(frame[4], 0) << st.ToString();
    EXPECT_EQ(ToHex(frame.substr(frame.size() - 2)), "10 00") << st.ToString();
  }
  EXPECT_EQ(TableNotActiveAtDecode("t2").message(),
            "Message decoding error: \"Table t2 is not active.\"");
  EXPECT_EQ(ProcessingError("x").message(), "Error processing incoming message: error:x");
}

TEST(PbConvert, CellsFollowColumnTypes) {
  using pb::TsCell;
  Row row{Value::Int(5), Value::Int(6), Value::Bytes("b"), Value::Null(), Value::Double(1),
          Value::Bool(true)};
  std::vector<ColumnType> types{ColumnType::kSint64, ColumnType::kTimestamp, ColumnType::kBlob,
                                ColumnType::kDouble, ColumnType::kDouble, ColumnType::kBoolean};
  pb::TsRow cells = pb::CellsFromRow(row, types);
  EXPECT_EQ(cells, (pb::TsRow{TsCell::Sint64(5), TsCell::Timestamp(6), TsCell::Varchar("b"),
                              TsCell::Null(), TsCell::Double(1), TsCell::Boolean(true)}));
  EXPECT_EQ(pb::RowFromCells(cells), row);
  // Never more cells than columns.
  EXPECT_EQ(pb::CellsFromRow(row, {ColumnType::kSint64}).size(), 1u);
}

}  // namespace
}  // namespace quanta::wire
