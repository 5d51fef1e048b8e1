// PB TS operations (checklist items 10-24, 36 (PB half), 39, 40; spec 11.3-11.6 on the wire).
#include <set>

#include "hex.h"
#include "server_fixture.h"
#include "wire/pb/pb_convert.h"

namespace quanta::wire::testing {
namespace {

using pb::PbFrame;
using pb::TsCell;
namespace code = pb::code;

std::string QueryPayload(const std::string& sql, std::optional<bool> stream = std::nullopt) {
  pb::TsQueryReq q;
  q.query = pb::TsInterpolation{sql, {}};
  q.stream = stream;
  return pb::Encode(q);
}

const char* kT1RowBodyHex =
    "0A 05 0A 01 6B 10 00 0A 06 0A 02 74 73 10 03 0A 05 0A 01 76 10 02 "
    "12 19 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 0A 09 29 00 00 00 00 00 00 F8 3F";

// Spec 11.3-11.6 byte for byte against the live server.
TEST_F(ServerTest, Section11_PbExchangesByteForByte) {
  auto c = Connect();
  PbFrame f = MustCall(*c, code::kTsQueryReq, QueryPayload(kCreateT1));
  EXPECT_EQ(ToHex(pb::EncodeFrame(f.code, f.payload)), "00 00 00 01 5B");  // item 18

  // 11.3 put (timestamp_value) -> 00 00 00 01 5D
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 20 5C 0A 02 74 31 1A 19 0A 03 0A 01 61 0A 07 18 80 F8 "
                                 "EE D5 D4 52 0A 09 29 00 00 00 00 00 00 F8 3F"))
                  .ok());
  auto r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)), "00 00 00 01 5D");

  // 11.4 query
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 52 5A 0A 4F 0A 4D") + kT1Select).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)),
            "00 00 00 32 5B " + ToHex(FromHex(kT1RowBodyHex)));

  // 11.5 get found / delete / get not found / delete missing
  std::string key = "0A 02 74 31 12 03 0A 01 61 12 07 18 80 F8 EE D5 D4 52";
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 13 60 " + key)).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)),
            "00 00 00 32 61 " + ToHex(FromHex(kT1RowBodyHex)));

  // 11.6 list keys
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 05 62 0A 02 74 31")).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)),
            "00 00 00 13 63 0A 0E 0A 03 0A 01 61 0A 07 18 80 F8 EE D5 D4 52 10 00");
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)), "00 00 00 03 63 10 01");

  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 13 5E " + key)).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)), "00 00 00 01 5F");

  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 13 60 " + key)).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)), "00 00 00 01 61");

  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 13 5E " + key)).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(r->code, r->payload)),
            "00 00 00 0E 00 0A 08 6E 6F 74 66 6F 75 6E 64 10 FD 07");  // item 21

  // 11.7 PB error form
  ASSERT_TRUE(c->SendRaw(pb::EncodeFrame(code::kTsQueryReq, QueryPayload("select * from t2 where k = 'a'"))).ok());
  r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(pb::EncodeFrame(r->code, r->payload),
            FromHex("00 00 00 1F 00 0A 19") + "t2 is not an active table" + FromHex("10 FB 07"));
}

// Item 10: request decoding ignores unknown fields and accepts any field order.
TEST_F(ServerTest, Item10_AnyOrderAndUnknownFields) {
  CreateT1();
  auto c = Connect();
  ASSERT_TRUE(c->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Double(1.5)}}).ok());
  // Key cells stay in local-key order; the table goes last, with unknown fields of every wire
  // type around them.
  std::string body = FromHex("B8 01 05 12 03 0A 01 61 D2 01 02 FF FF 12 07 18 80 F8 EE D5 D4 52 18 E8 07 "
                 "0A 02 74 31 C1 01 01 02 03 04 05 06 07 08");
  PbFrame f = MustCall(*c, code::kTsGetReq, body);
  ASSERT_EQ(f.code, code::kTsGetResp);
  pb::TsGetResp g;
  ASSERT_TRUE(pb::Decode(f.payload, &g).ok());
  EXPECT_EQ(g.rows.size(), 1u);
  // Query request with the stream flag first and an unknown field.
  f = MustCall(*c, code::kTsQueryReq, FromHex("10 00 38 07") + QueryPayload(kT1Select));
  EXPECT_EQ(f.code, code::kTsQueryResp);
}

// Items 11, 16: one reply per PB request with its own code; `stream` is ignored.
TEST_F(ServerTest, Item11_16_ReplyCodesAndNoStreaming) {
  CreateT1();
  auto c = Connect();
  ASSERT_TRUE(c->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Double(1.5)}}).ok());
  for (bool stream : {true, false}) {
    ASSERT_TRUE(c->SendFrame(code::kTsQueryReq, QueryPayload(kT1Select, stream)).ok());
    ASSERT_TRUE(c->SendFrame(code::kPingReq, "").ok());
    auto a = c->ReadFrame();
    auto b = c->ReadFrame();
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->code, code::kTsQueryResp);
    EXPECT_EQ(b->code, code::kPingResp);  // nothing else between the reply and the next one
    pb::TsQueryResp resp;
    ASSERT_TRUE(pb::Decode(a->payload, &resp).ok());
    EXPECT_FALSE(resp.done.has_value());  // done omitted (= true)
    EXPECT_EQ(resp.rows.size(), 1u);
  }
}

// Items 12, 13, 14: required type always written, types 0..5, cell field by column type.
TEST_F(ServerTest, Item12_13_14_ColumnTypesAndCellFields) {
  Exec("CREATE TABLE ty (f VARCHAR NOT NULL, t TIMESTAMP NOT NULL, s SINT64, d DOUBLE, "
       "b BOOLEAN, x BLOB, PRIMARY KEY ((f, QUANTUM(t, 1, 'd')), f, t))");
  auto c = Connect();
  ASSERT_TRUE(c->Put("ty", {{Value::Bytes("a"), Value::Int(kTs), Value::Int(-3),
                             Value::Double(0.25), Value::Bool(true),
                             Value::Bytes(std::string("\x00\x01", 2))},
                            {Value::Bytes("a"), Value::Int(kTs + 1), Value::Null(), Value::Null(),
                             Value::Null(), Value::Null()}})
                  .ok());
  PbFrame f = MustCall(*c, code::kTsQueryReq,
                       QueryPayload("SELECT * FROM ty WHERE f = 'a' AND t >= 1420113600000 AND "
                                    "t < 1420113600010"));
  ASSERT_EQ(f.code, code::kTsQueryResp);
  EXPECT_NE(ToHex(f.payload).find("0A 05 0A 01 66 10 00"), std::string::npos);  // f:varchar=0
  pb::TsQueryResp resp;
  ASSERT_TRUE(pb::Decode(f.payload, &resp).ok());
  ASSERT_EQ(resp.columns.size(), 6u);
  std::vector<ColumnType> types;
  for (auto& col : resp.columns) types.push_back(col.type);
  EXPECT_EQ(types, (std::vector<ColumnType>{ColumnType::kVarchar, ColumnType::kTimestamp,
                                            ColumnType::kSint64, ColumnType::kDouble,
                                            ColumnType::kBoolean, ColumnType::kBlob}));
  ASSERT_EQ(resp.rows.size(), 2u);
  using F = TsCell::Field;
  std::vector<F> fields;
  for (auto& cell : resp.rows[0]) fields.push_back(cell.field);
  EXPECT_EQ(fields, (std::vector<F>{F::kVarchar, F::kTimestamp, F::kSint64, F::kDouble,
                                    F::kBoolean, F::kVarchar}));
  EXPECT_EQ(resp.rows[0][5].varchar_value, std::string("\x00\x01", 2));
  for (size_t i = 2; i < 6; ++i) EXPECT_EQ(resp.rows[1][i].field, F::kNull);  // NULL = empty cell
  for (auto& row : resp.rows) EXPECT_LE(row.size(), resp.columns.size());
}

// Item 15: integer columns accept sint64_value or timestamp_value in put/get/delete.
TEST_F(ServerTest, Item15_EitherIntegerFieldInRequests) {
  CreateT1();
  auto c = Connect();
  pb::TsPutReq put{"t1", {}, {{TsCell::Varchar("a"), TsCell::Sint64(kTs), TsCell::Double(1.0)}}};
  EXPECT_EQ(MustCall(*c, code::kTsPutReq, pb::Encode(put)).code, code::kTsPutResp);
  pb::TsGetReq get{"t1", {TsCell::Varchar("a"), TsCell::Timestamp(kTs)}, std::nullopt};
  pb::TsGetResp resp;
  ASSERT_TRUE(pb::Decode(MustCall(*c, code::kTsGetReq, pb::Encode(get)).payload, &resp).ok());
  ASSERT_EQ(resp.rows.size(), 1u);
  get.key[1] = TsCell::Sint64(kTs);
  ASSERT_TRUE(pb::Decode(MustCall(*c, code::kTsGetReq, pb::Encode(get)).payload, &resp).ok());
  ASSERT_EQ(resp.rows.size(), 1u);
  EXPECT_EQ(resp.rows[0][1], TsCell::Timestamp(kTs));  // written back as timestamp_value
  pb::TsDelReq del{"t1", {TsCell::Varchar("a"), TsCell::Sint64(kTs)}, std::nullopt, 5000};
  EXPECT_EQ(MustCall(*c, code::kTsDelReq, pb::Encode(del)).code, code::kTsDelResp);
}

// Items 17, 18, 19, 20: empty bodies for zero rows, CREATE TABLE, put, delete, get not found.
TEST_F(ServerTest, Item17_18_19_20_EmptyBodies) {
  auto c = Connect();
  PbFrame f = MustCall(*c, code::kTsQueryReq, QueryPayload(kCreateT1));
  EXPECT_EQ(f.code, code::kTsQueryResp);
  EXPECT_EQ(f.payload, "");
  // Usable immediately.
  f = MustCall(*c, code::kTsQueryReq, QueryPayload(kT1Select));
  EXPECT_EQ(f.code, code::kTsQueryResp);
  EXPECT_EQ(f.payload, "");  // SELECT with no match: no columns either
  f = MustCall(*c, code::kTsQueryReq,
               QueryPayload("INSERT INTO t1 VALUES ('a', 1420113600000, 1.5)"));
  EXPECT_EQ(f.code, code::kTsQueryResp);
  EXPECT_EQ(f.payload, "");
  pb::TsGetReq get{"t1", {TsCell::Varchar("zz"), TsCell::Timestamp(kTs)}, std::nullopt};
  f = MustCall(*c, code::kTsGetReq, pb::Encode(get));
  EXPECT_EQ(f.code, code::kTsGetResp);
  EXPECT_EQ(f.payload, "");
  get.key[0] = TsCell::Varchar("a");
  f = MustCall(*c, code::kTsGetReq, pb::Encode(get));
  pb::TsGetResp found;
  ASSERT_TRUE(pb::Decode(f.payload, &found).ok());
  EXPECT_EQ(found.columns.size(), 3u);
  EXPECT_EQ(found.rows.size(), 1u);
  f = MustCall(*c, code::kTsPutReq,
               pb::Encode(pb::TsPutReq{"t1", {}, {{TsCell::Varchar("b"), TsCell::Timestamp(kTs),
                                                   TsCell::Null()}}}));
  EXPECT_EQ(f.code, code::kTsPutResp);
  EXPECT_EQ(f.payload, "");
  f = MustCall(*c, code::kTsDelReq,
               pb::Encode(pb::TsDelReq{"t1", {TsCell::Varchar("b"), TsCell::Timestamp(kTs)},
                                       std::nullopt, std::nullopt}));
  EXPECT_EQ(f.code, code::kTsDelResp);
  EXPECT_EQ(f.payload, "");
  // Python expects 0 columns after a delete.
  get.key[0] = TsCell::Varchar("b");
  EXPECT_EQ(MustCall(*c, code::kTsGetReq, pb::Encode(get)).payload, "");
}

// Item 21: delete of a missing key.
TEST_F(ServerTest, Item21_DeleteNotFound) {
  CreateT1();
  auto c = Connect();
  Status st = c->Delete("t1", {Value::Bytes("nope"), Value::Int(kTs)});
  EXPECT_EQ(st.riak_code(), 1021);
  EXPECT_EQ(st.message(), "notfound");
}

// Item 22: list keys streams batches with done=false and ends with an explicit done=true.
TEST_F(ServerTest, Item22_ListKeysStream) {
  CreateT1();
  auto c = Connect();
  constexpr int kRows = 5000;
  std::vector<Row> rows;
  for (int i = 0; i < kRows; ++i) {
    rows.push_back({Value::Bytes("k" + std::to_string(i % 7)), Value::Int(kTs + i),
                    Value::Double(i)});
  }
  ASSERT_TRUE(c->Put("t1", rows).ok());
  ASSERT_TRUE(c->SendFrame(code::kTsListKeysReq, pb::Encode(pb::TsListKeysReq{"t1", 10000})).ok());
  std::set<std::pair<std::string, int64_t>> keys;
  int frames = 0;
  for (;;) {
    auto f = c->ReadFrame();
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(f->code, code::kTsListKeysResp);
    ++frames;
    pb::TsListKeysResp resp;
    ASSERT_TRUE(pb::Decode(f->payload, &resp).ok());
    std::string tail = ToHex(f->payload.substr(f->payload.size() - 2));
    if (resp.done) {
      EXPECT_EQ(ToHex(f->payload), "10 01");  // final frame: no keys, done explicit
      break;
    }
    EXPECT_EQ(tail, "10 00");  // intermediate frames carry done=false explicitly
    EXPECT_FALSE(resp.keys.empty());
    for (auto& k : resp.keys) {
      ASSERT_EQ(k.size(), 2u);
      EXPECT_EQ(k[0].field, TsCell::Field::kVarchar);
      EXPECT_EQ(k[1].field, TsCell::Field::kTimestamp);
      keys.emplace(k[0].varchar_value, k[1].int_value);
    }
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kRows));
  EXPECT_GE(frames, 2);
  EXPECT_TRUE(c->Ping().ok());
  // Empty table: just the final frame.
  Exec("CREATE TABLE empty1 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((k, QUANTUM(ts, 1, 'd')), k, ts))");
  PbFrame f = MustCall(*c, code::kTsListKeysReq, pb::Encode(pb::TsListKeysReq{"empty1", {}}));
  EXPECT_EQ(ToHex(f.payload), "10 01");
}

// Item 23: put validation -> 1003 with 1-based indexes, nothing written.
TEST_F(ServerTest, Item23_PutValidation) {
  CreateT1();
  auto c = Connect();
  pb::TsPutReq put{"t1", {}, {}};
  put.rows.push_back({TsCell::Varchar("a"), TsCell::Timestamp(kTs), TsCell::Double(1)});
  put.rows.push_back({TsCell::Varchar("a"), TsCell::Timestamp(kTs + 1), TsCell::Sint64(25)});
  put.rows.push_back({TsCell::Null(), TsCell::Timestamp(kTs + 2), TsCell::Double(1)});
  put.rows.push_back({TsCell::Varchar("a"), TsCell::Timestamp(0), TsCell::Double(1)});
  put.rows.push_back({TsCell::Varchar("a"), TsCell::Timestamp(kTs + 3)});
  auto e = ErrorOf(MustCall(*c, code::kTsPutReq, pb::Encode(put)));
  EXPECT_EQ(e.errcode, 1003u);
  EXPECT_EQ(e.errmsg, "Invalid data found at row index(es) 2, 3, 4, 5");
  auto keys = c->ListKeys("t1");
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
}

// Item 24: key errors, unknown tables, SQL syntax errors.
TEST_F(ServerTest, Item24_KeyAndQueryErrors) {
  CreateT1();
  Exec("CREATE TABLE d1 (a SINT64 NOT NULL, b VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((a, QUANTUM(ts, 1, 'd')), a, ts, b DESC))");
  auto c = Connect();
  auto r = c->Get("t1", {Value::Bytes("a"), Value::Int(kTs), Value::Int(1)});
  EXPECT_EQ(r.error().riak_code(), 1011);
  EXPECT_EQ(r.error().message(), "Key element count mismatch (key has 2 elements but 3 supplied)");
  r = c->Get("d1", {Value::Int(1), Value::Int(kTs), Value::Int(5)});
  EXPECT_EQ(r.error().riak_code(), 1026);
  EXPECT_EQ(r.error().message(), "Value of inappropriate type in compound key");
  auto q = c->Query("SELECT * FROM nosuch WHERE k = 'a'");
  EXPECT_EQ(q.error().riak_code(), 1019);
  EXPECT_EQ(q.error().message(), "nosuch is not an active table");
  q = c->Query("selectah * from t1");
  EXPECT_EQ(q.error().riak_code(), 1020);
  EXPECT_EQ(q.error().message(), "Unexpected token 'selectah'");
  q = c->Query(kCreateT1);
  EXPECT_EQ(q.error().riak_code(), 1014);
  EXPECT_TRUE(c->Ping().ok());
}

// Item 36 (PB half) and riak_ts.md 9.6: key/value operations on a missing table.
TEST_F(ServerTest, Item36_MissingTableIsADecodingError) {
  auto c = Connect();
  const std::string want = "Message decoding error: \"Table t2 is not active.\"";
  std::vector<std::pair<uint8_t, std::string>> reqs = {
      {code::kTsPutReq, pb::Encode(pb::TsPutReq{"t2", {}, {{TsCell::Varchar("a")}}})},
      {code::kTsGetReq, pb::Encode(pb::TsGetReq{"t2", {TsCell::Varchar("a")}, std::nullopt})},
      {code::kTsDelReq,
       pb::Encode(pb::TsDelReq{"t2", {TsCell::Varchar("a")}, std::nullopt, std::nullopt})},
      {code::kTsListKeysReq, pb::Encode(pb::TsListKeysReq{"t2", std::nullopt})},
      {code::kTsCoverageReq,
       pb::Encode(pb::TsCoverageReq{pb::TsInterpolation{"select * from t2", {}}, "t2", {}, {}})},
  };
  for (auto& [c_, payload] : reqs) {
    auto e = ErrorOf(MustCall(*c, c_, payload));
    EXPECT_EQ(e.errmsg, want) << int(c_);
    EXPECT_EQ(e.errcode, 0u);
  }
  EXPECT_TRUE(c->Ping().ok());  // the connection stays open
}

// Item 39: DESCRIBE has the 8-column layout with lower-case type names.
TEST_F(ServerTest, Item39_Describe) {
  CreateT1();
  auto c = Connect();
  auto r = c->Query("DESCRIBE t1");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> names;
  for (auto& col : r->columns) names.push_back(col.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Column", "Type", "Nullable", "Partition Key",
                                             "Local Key", "Interval", "Unit", "Sort Order"}));
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[1][1], Value::Bytes("timestamp"));
  EXPECT_EQ(r->rows[2][2], Value::Bool(true));
}

// Item 40: coverage plan and follow-up queries with a cover context.
TEST_F(ServerTest, Item40_Coverage) {
  CreateT1();
  auto c = Connect();
  std::vector<Row> rows;
  for (int i = 0; i < 60; ++i) {
    rows.push_back({Value::Bytes("a"), Value::Int(kTs + i * 60000), Value::Double(i)});
  }
  ASSERT_TRUE(c->Put("t1", rows).ok());
  std::string sql =
      "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1420113600000 AND ts < 1420117200000";
  auto cov = c->Coverage(sql, "t1");
  ASSERT_TRUE(cov.ok()) << cov.error().ToString();
  ASSERT_EQ(cov->entries.size(), 4u);  // one hour in 15-minute quanta
  size_t total = 0;
  for (auto& e : cov->entries) {
    EXPECT_EQ(e.ip, "127.0.0.1");
    ASSERT_TRUE(e.range.has_value());
    EXPECT_EQ(e.range->field_name, "ts");
    EXPECT_FALSE(e.cover_context.empty());
    auto part = c->QueryWithCoverContext(sql, e.cover_context);
    ASSERT_TRUE(part.ok()) << part.error().ToString();
    total += part->rows.size();
  }
  EXPECT_EQ(total, 60u);
  auto bad = c->QueryWithCoverContext(sql, "garbage");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(c->Ping().ok());
}

}  // namespace
}  // namespace quanta::wire::testing
