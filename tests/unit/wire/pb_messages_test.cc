// Section 11 of spec/wire_protocol.md, byte for byte, plus decoder robustness.
#include "wire/pb/pb_messages.h"

#include <gtest/gtest.h>

#include "hex.h"
#include "wire/pb/pb_frame.h"

namespace quanta::wire::pb {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr int64_t kTs = 1420113600000;
const char* kSql = "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1420113600000 AND ts < 1420113700000";

// Splits a frame into code and payload, checking the length prefix.
std::pair<uint8_t, std::string> Unframe(const std::string& frame) {
  FrameReassembler r(1 << 20);
  r.Append(frame);
  FrameView f;
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kFrame);
  EXPECT_EQ(r.buffered(), 0u);
  return {f.code, std::string(f.payload)};
}

std::vector<TsColumnDescription> T1Columns() {
  return {{"k", ColumnType::kVarchar}, {"ts", ColumnType::kTimestamp}, {"v", ColumnType::kDouble}};
}

TsRow T1Row() { return {TsCell::Varchar("a"), TsCell::Timestamp(kTs), TsCell::Double(1.5)}; }

const char* kT1RowBodyHex =
    "0A 05 0A 01 6B 10 00 0A 06 0A 02 74 73 10 03 0A 05 0A 01 76 10 02 "
    "12 19 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 0A 09 29 00 00 00 00 00 00 F8 3F";

TEST(PbExamples, Ping_11_1) {
  auto [c, body] = Unframe(FromHex("00 00 00 01 01"));
  EXPECT_EQ(c, code::kPingReq);
  EXPECT_TRUE(body.empty());
  EXPECT_EQ(ToHex(EncodeFrame(code::kPingResp, "")), "00 00 00 01 02");
}

TEST(PbExamples, ServerInfo_11_2) {
  RpbGetServerInfoResp m{"riak@127.0.0.1", "1.5.2"};
  std::string frame = EncodeFrame(code::kGetServerInfoResp, Encode(m));
  EXPECT_EQ(frame, FromHex("00 00 00 18 08 0A 0E 72 69 61 6B 40 31 32 37 2E 30 2E 30 2E 31 "
                           "12 05 31 2E 35 2E 32"));
  RpbGetServerInfoResp back;
  ASSERT_TRUE(Decode(Unframe(frame).second, &back).ok());
  EXPECT_EQ(back, m);
}

TEST(PbExamples, PutReq_11_3) {
  std::string frame = FromHex(
      "00 00 00 20 5C 0A 02 74 31 1A 19 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 "
      "0A 09 29 00 00 00 00 00 00 F8 3F");
  auto [c, body] = Unframe(frame);
  EXPECT_EQ(c, code::kTsPutReq);
  TsPutReq m;
  ASSERT_TRUE(Decode(body, &m).ok());
  TsPutReq want{"t1", {}, {T1Row()}};
  EXPECT_EQ(m, want);
  EXPECT_EQ(EncodeFrame(code::kTsPutReq, Encode(want)), frame);
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsPutResp, "")), "00 00 00 01 5D");

  // Python/Node style: the timestamp as sint64_value, and a NULL v.
  std::string frame2 = FromHex(
      "00 00 00 17 5C 0A 02 74 31 1A 10 0A 03 0A 01 61 0A 07 10 80 F8 EE D5 D4 52 0A 00");
  TsPutReq m2;
  ASSERT_TRUE(Decode(Unframe(frame2).second, &m2).ok());
  TsPutReq want2{"t1", {}, {{TsCell::Varchar("a"), TsCell::Sint64(kTs), TsCell::Null()}}};
  EXPECT_EQ(m2, want2);
  EXPECT_EQ(EncodeFrame(code::kTsPutReq, Encode(want2)), frame2);
}

TEST(PbExamples, QueryReqResp_11_4) {
  std::string sql(kSql);
  ASSERT_EQ(sql.size(), 77u);
  std::string frame = FromHex("00 00 00 52 5A 0A 4F 0A 4D") + sql;
  auto [c, body] = Unframe(frame);
  EXPECT_EQ(c, code::kTsQueryReq);
  TsQueryReq m;
  ASSERT_TRUE(Decode(body, &m).ok());
  ASSERT_TRUE(m.query.has_value());
  EXPECT_EQ(m.query->base, sql);
  EXPECT_FALSE(m.stream.has_value());
  EXPECT_FALSE(m.cover_context.has_value());
  EXPECT_EQ(EncodeFrame(code::kTsQueryReq, Encode(m)), frame);

  TsQueryResp resp{T1Columns(), {T1Row()}, std::nullopt};
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsQueryResp, Encode(resp))),
            "00 00 00 32 5B " + ToHex(FromHex(kT1RowBodyHex)));
  TsQueryResp back;
  ASSERT_TRUE(Decode(FromHex(kT1RowBodyHex), &back).ok());
  EXPECT_EQ(back, resp);
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsQueryResp, Encode(TsQueryResp{}))), "00 00 00 01 5B");
}

TEST(PbExamples, GetAndDelete_11_5) {
  std::string get = FromHex("00 00 00 13 60 0A 02 74 31 12 03 0A 01 61 12 07 18 80 F8 EE D5 D4 52");
  auto [c, body] = Unframe(get);
  EXPECT_EQ(c, code::kTsGetReq);
  TsGetReq g;
  ASSERT_TRUE(Decode(body, &g).ok());
  TsGetReq want_get{"t1", {TsCell::Varchar("a"), TsCell::Timestamp(kTs)}, std::nullopt};
  EXPECT_EQ(g, want_get);
  EXPECT_EQ(EncodeFrame(code::kTsGetReq, Encode(want_get)), get);

  TsGetResp found{T1Columns(), {T1Row()}};
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsGetResp, Encode(found))),
            "00 00 00 32 61 " + ToHex(FromHex(kT1RowBodyHex)));
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsGetResp, Encode(TsGetResp{}))), "00 00 00 01 61");

  std::string del = FromHex("00 00 00 13 5E 0A 02 74 31 12 03 0A 01 61 12 07 18 80 F8 EE D5 D4 52");
  TsDelReq d;
  ASSERT_TRUE(Decode(Unframe(del).second, &d).ok());
  EXPECT_EQ(d.table, "t1");
  EXPECT_EQ(d.key, want_get.key);
  EXPECT_EQ(EncodeFrame(code::kTsDelReq, Encode(d)), del);
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsDelResp, "")), "00 00 00 01 5F");
  EXPECT_EQ(ToHex(EncodeFrame(code::kErrorResp, Encode(RpbErrorResp{"notfound", 1021}))),
            "00 00 00 0E 00 0A 08 6E 6F 74 66 6F 75 6E 64 10 FD 07");
}

TEST(PbExamples, ListKeys_11_6) {
  std::string req = FromHex("00 00 00 05 62 0A 02 74 31");
  TsListKeysReq lk;
  ASSERT_TRUE(Decode(Unframe(req).second, &lk).ok());
  EXPECT_EQ(lk.table, "t1");
  EXPECT_EQ(EncodeFrame(code::kTsListKeysReq, Encode(lk)), req);

  TsListKeysResp batch{{{TsCell::Varchar("a"), TsCell::Timestamp(kTs)}}, false};
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsListKeysResp, Encode(batch))),
            "00 00 00 13 63 0A 0E 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 10 00");
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsListKeysResp, Encode(TsListKeysResp{{}, true}))),
            "00 00 00 03 63 10 01");
  TsListKeysResp back;
  ASSERT_TRUE(Decode(FromHex("0A 0E 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 10 00"), &back).ok());
  EXPECT_EQ(back, batch);
}

TEST(PbExamples, ErrorResp_11_7) {
  RpbErrorResp e{"t2 is not an active table", 1019};
  EXPECT_EQ(EncodeFrame(code::kErrorResp, Encode(e)),
            FromHex("00 00 00 1F 00 0A 19") + "t2 is not an active table" + FromHex("10 FB 07"));
  // errcode 0 is still written.
  EXPECT_EQ(ToHex(Encode(RpbErrorResp{"x", 0})), "0A 01 78 10 00");
}

TEST(PbMessages, VarcharColumnTypeIsAlwaysWritten) {
  TsQueryResp r{{{"k", ColumnType::kVarchar}}, {{TsCell::Varchar("a")}}, std::nullopt};
  EXPECT_EQ(ToHex(Encode(r)), "0A 05 0A 01 6B 10 00 12 05 0A 03 0A 01 61");
}

TEST(PbMessages, AllCellKindsRoundTrip) {
  TsRow row = {TsCell::Varchar(std::string("\0\xff", 2)), TsCell::Sint64(-5),
               TsCell::Timestamp(1), TsCell::Boolean(false), TsCell::Boolean(true),
               TsCell::Double(-0.0), TsCell::Null(), TsCell::Sint64(INT64_MIN),
               TsCell::Sint64(INT64_MAX)};
  TsQueryResp r{{{"a", ColumnType::kBlob}, {"b", ColumnType::kSint64}}, {row, row}, true};
  TsQueryResp back;
  ASSERT_TRUE(Decode(Encode(r), &back).ok());
  EXPECT_EQ(back, r);
  EXPECT_EQ(ToString(row),
            "[\"\\x00\\xff\", sint64:-5, timestamp:1, false, true, double:-0.0, null, "
            "sint64:-9223372036854775808, sint64:9223372036854775807]");
}

TEST(PbMessages, DecodersAcceptAnyOrderAndUnknownFields) {
  // TsGetReq: timeout first, unknown fields of every wire type, key, then table.
  std::string body = FromHex(
      "18 E8 07 "                    // timeout 1000
      "B8 01 05 "                    // field 23 varint (unknown)
      "C1 01 01 02 03 04 05 06 07 08 "  // field 24 fixed64 (unknown)
      "CD 01 01 02 03 04 "           // field 25 fixed32 (unknown)
      "D2 01 02 FF FF "              // field 26 bytes (unknown)
      "12 03 0A 01 61 "              // key cell
      "0A 02 74 31");                // table
  TsGetReq g;
  ASSERT_TRUE(Decode(body, &g).ok());
  EXPECT_EQ(g.table, "t1");
  EXPECT_EQ(g.timeout, 1000u);
  ASSERT_EQ(g.key.size(), 1u);
  EXPECT_EQ(g.key[0], TsCell::Varchar("a"));

  // Unknown field inside a cell and a row.
  TsPutReq p;
  ASSERT_TRUE(Decode(FromHex("1A 08 0A 04 30 07 10 02 38 01 0A 02 74 31"), &p).ok());
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0], TsRow{TsCell::Sint64(1)});
}

TEST(PbMessages, CellWithTwoValuesIsRejected) {
  TsPutReq p;
  Status st = Decode(FromHex("0A 02 74 31 1A 06 0A 04 10 02 20 01"), &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("more than one value"), std::string::npos);
  // The same field twice: last one wins (proto2).
  ASSERT_TRUE(Decode(FromHex("0A 02 74 31 1A 06 0A 04 10 02 10 04"), &p).ok());
  EXPECT_EQ(p.rows[0][0], TsCell::Sint64(2));
}

TEST(PbMessages, MissingRequiredRequestFieldsAreErrors) {
  TsGetReq g;
  EXPECT_FALSE(Decode(FromHex("12 03 0A 01 61"), &g).ok());
  TsPutReq p;
  EXPECT_FALSE(Decode("", &p).ok());
  TsDelReq d;
  EXPECT_FALSE(Decode("", &d).ok());
  TsListKeysReq l;
  EXPECT_FALSE(Decode("", &l).ok());
  TsCoverageReq c;
  EXPECT_FALSE(Decode("", &c).ok());
  TsQueryReq q;
  EXPECT_TRUE(Decode("", &q).ok());  // query is optional in the .proto
  EXPECT_FALSE(Decode(FromHex("0A 00"), &q).ok());  // but base is required in TsInterpolation
}

TEST(PbMessages, WrongWireTypeForKnownFieldIsAnError) {
  TsGetReq g;
  EXPECT_FALSE(Decode(FromHex("08 01"), &g).ok());        // table as varint
  TsQueryReq q;
  EXPECT_FALSE(Decode(FromHex("12 01 00"), &q).ok());     // stream as bytes
  TsQueryResp r;
  EXPECT_FALSE(Decode(FromHex("0A 02 10 09"), &r).ok());  // column type 9
}

TEST(PbMessages, TruncationAtEveryPrefixIsAnErrorOrShorter) {
  TsPutReq full{"t1", {{"k", ColumnType::kVarchar}}, {T1Row(), T1Row()}};
  std::string body = Encode(full);
  for (size_t n = 0; n < body.size(); ++n) {
    TsPutReq m;
    Status st = Decode(std::string_view(body).substr(0, n), &m);
    if (st.ok()) {
      EXPECT_NE(m, full) << n;
    }
  }
}

TEST(PbMessages, QueryReqWithInterpolationsStreamAndCover) {
  TsQueryReq q;
  q.query = TsInterpolation{"select 1", {{"k", "v"}, {"n", std::nullopt}}};
  q.stream = true;
  q.cover_context = std::string("\x01\x02", 2);
  TsQueryReq back;
  ASSERT_TRUE(Decode(Encode(q), &back).ok());
  EXPECT_EQ(back, q);
  EXPECT_EQ(ToString(back),
            "TsQueryReq{query=TsInterpolation{base=\"select 1\", interpolations=[{\"k\", \"v\"}, "
            "{\"n\", undefined}]}, stream=true, cover_context=\"\\x01\\x02\"}");
}

TEST(PbMessages, CoverageRoundTrip) {
  TsCoverageReq req;
  req.query = TsInterpolation{"select * from t1 where ...", {}};
  req.table = "t1";
  req.replace_cover = "old";
  req.unavailable_cover = {"x", "y"};
  TsCoverageReq req_back;
  ASSERT_TRUE(Decode(Encode(req), &req_back).ok());
  EXPECT_EQ(req_back, req);

  TsCoverageResp resp;
  resp.entries.push_back(TsCoverageEntry{
      "127.0.0.1", 8087, "ctx",
      TsRange{"ts", 0, true, 900000, false, "t1 / ts >= 0 and ts < 900000"}});
  resp.entries.push_back(TsCoverageEntry{"127.0.0.1", 8087, "ctx2", std::nullopt});
  TsCoverageResp back;
  std::string enc = Encode(resp);
  ASSERT_TRUE(Decode(enc, &back).ok());
  EXPECT_EQ(back, resp);
  // TsRange: every required field is written, including false/0 values.
  EXPECT_NE(ToHex(enc).find("10 00 18 01 20 C0 EE 6D 28 00 32"), std::string::npos) << ToHex(enc);
}

TEST(PbMessages, KvMessages) {
  RpbGetReq g{"GeoCheckin", "test-key", "GeoCheckin"};
  RpbGetReq back;
  ASSERT_TRUE(Decode(Encode(g), &back).ok());
  EXPECT_EQ(back, g);
  EXPECT_EQ(ToHex(Encode(RpbGetReq{"b", "k", "t"})), "0A 01 62 12 01 6B 6A 01 74");

  RpbGetBucketReq bt;
  ASSERT_TRUE(DecodeGetBucketTypeReq(FromHex("0A 02 74 31"), &bt).ok());
  EXPECT_EQ(bt.type, "t1");
  RpbGetBucketReq b;
  ASSERT_TRUE(DecodeGetBucketReq(FromHex("0A 01 62 12 02 74 31"), &b).ok());
  EXPECT_EQ(b.bucket, "b");
  EXPECT_EQ(b.type, "t1");

  RpbGetBucketResp props;
  props.props.n_val = 3;
  props.props.allow_mult = false;
  EXPECT_EQ(ToHex(Encode(props)), "0A 04 08 03 10 00");
  RpbGetBucketResp props_back;
  ASSERT_TRUE(Decode(Encode(props), &props_back).ok());
  EXPECT_EQ(props_back, props);

  RpbClientId id{"abcd"};
  RpbClientId id_back;
  ASSERT_TRUE(Decode(Encode(id), &id_back).ok());
  EXPECT_EQ(id_back, id);
  EXPECT_FALSE(Decode("", &id_back).ok());
}

TEST(PbMessages, DescribeByCode) {
  auto r = DescribePbMessage(code::kTsListKeysResp, FromHex("10 01"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "TsListKeysResp{keys=[], done=true}");
  r = DescribePbMessage(code::kPingReq, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "RpbPingReq{}");
  EXPECT_FALSE(DescribePbMessage(42, "").ok());
  r = DescribePbMessage(code::kSetClientIdReq, FromHex("0A 01 41"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "RpbSetClientIdReq{client_id=\"A\"}");
}

}  // namespace
}  // namespace quanta::wire::pb
