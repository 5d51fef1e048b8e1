// The bounded-memory codec paths agree with the whole-message codecs: same bytes out, same
// errors in (issue 9: decode and encode without materialising messages or term trees).
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

#include "common/coding.h"
#include "hex.h"
#include "wire/pb/pb_convert.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_codec.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire {
namespace {

using testing::FromHex;

ResultSet SampleResult(size_t columns) {
  ResultSet rs;
  const ColumnType types[] = {ColumnType::kVarchar, ColumnType::kTimestamp, ColumnType::kSint64,
                              ColumnType::kDouble, ColumnType::kBoolean, ColumnType::kBlob};
  for (size_t i = 0; i < columns; ++i) {
    rs.columns.push_back(ColumnDesc{"c" + std::to_string(i), types[i % 6]});
  }
  const std::vector<Value> values = {
      Value::Null(), Value::Int(0), Value::Int(255), Value::Int(256), Value::Int(-1),
      Value::Int(std::numeric_limits<int32_t>::max()), Value::Int(std::numeric_limits<int32_t>::min()),
      Value::Int(int64_t{1} << 40), Value::Int(-(int64_t{1} << 40)),
      Value::Int(std::numeric_limits<int64_t>::max()), Value::Int(std::numeric_limits<int64_t>::min()),
      Value::Double(1.5), Value::Double(-0.0), Value::Bytes(""), Value::Bytes("short"),
      Value::Bytes(std::string(300, 'x')), Value::Bool(true), Value::Bool(false)};
  std::mt19937 rng(7);
  for (size_t r = 0; r < 50; ++r) {
    Row row;
    for (size_t c = 0; c < columns; ++c) row.push_back(values[rng() % values.size()]);
    rs.rows.push_back(std::move(row));
  }
  return rs;
}

TEST(BoundedCodec, PbQueryRespFrameIsByteIdentical) {
  for (size_t columns : {1, 3, 6, 20}) {
    ResultSet rs = SampleResult(columns);
    pb::TsQueryResp resp;
    resp.columns = pb::ColumnDescriptions(rs.columns);
    auto types = pb::ColumnTypes(rs.columns);
    for (const Row& r : rs.rows) resp.rows.push_back(pb::CellsFromRow(r, types));
    std::string want = pb::EncodeFrame(pb::code::kTsQueryResp, pb::Encode(resp));
    MemoryAccount account(0);
    MemoryReservation memory(&account, 0);
    std::string got;
    ASSERT_TRUE(pb::EncodeQueryRespFrame(&rs, &memory, &got).ok());
    EXPECT_EQ(got, want) << columns;
    EXPECT_TRUE(rs.rows.empty());
    EXPECT_EQ(memory.held(), static_cast<int64_t>(got.size()));
  }
  // No rows: no columns either.
  ResultSet empty;
  empty.columns = {{"a", ColumnType::kSint64}};
  std::string got;
  ASSERT_TRUE(pb::EncodeQueryRespFrame(&empty, nullptr, &got).ok());
  EXPECT_EQ(got, pb::EncodeFrame(pb::code::kTsQueryResp, pb::Encode(pb::TsQueryResp{})));
}

TEST(BoundedCodec, PbQueryRespFrameIsRefusedOverTheReservation) {
  ResultSet rs = SampleResult(6);
  MemoryAccount account(0);
  MemoryReservation memory(&account, 200);
  std::string got;
  Status st = pb::EncodeQueryRespFrame(&rs, &memory, &got);
  EXPECT_EQ(st.code(), ErrorCode::kMemoryLimit);
}

TEST(BoundedCodec, TtbQueryRespIsByteIdentical) {
  for (size_t columns : {1, 3, 6, 300}) {
    ResultSet rs = SampleResult(columns);
    std::string want = ttb::EncodeTtbQueryResp(rs);
    MemoryAccount account(0);
    MemoryReservation memory(&account, 0);
    std::string got = "prefix";
    ASSERT_TRUE(ttb::AppendTtbQueryResp(&rs, &memory, &got).ok());
    EXPECT_EQ(got, "prefix" + want) << columns;
    EXPECT_TRUE(rs.rows.empty());
    EXPECT_EQ(memory.held(), static_cast<int64_t>(want.size()));
  }
  ResultSet empty;
  std::string got;
  ASSERT_TRUE(ttb::AppendTtbQueryResp(&empty, nullptr, &got).ok());
  EXPECT_EQ(got, ttb::EncodeTtbQueryResp(ResultSet{}));
}

// ValidateTerm gives exactly DecodeTerm's verdict and error on valid, malformed and truncated
// input.
TEST(BoundedCodec, ValidateTermAgreesWithDecodeTerm) {
  std::vector<std::string> inputs = {
      "", "61 01", "83", "83 61", "83 6E 09 00 00 00 00 00 00 00 00 00 01",
      "83 6C 00 00 00 01 61 01 61 02", "83 6C 00 00 00 01 61 01", "83 6C FF FF FF FF 6A",
      "83 6C 00 00 00 01 61 01 6C 00 00 00 00 6A",  // tail [] written as an empty LIST_EXT
      "83 6C 00 00 00 01 61 01 6B 00 00",           // tail [] written as an empty STRING_EXT
      "83 6C 00 00 00 01 61 01 6B 00 01 05",        // tail "\x05": improper
      "83 6C 00 00 00 01 61 01 68 00",              // tail {}: improper
      "83 6B 00 05 01", "83 61 01 61 02", "83 58 00", "83 63 31 2E 35",
      "83 68 04 64 00 08 74 73 70 75 74 72 65 71 6D 00 00 00 02 74 31 6A "
      "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
      "46 3F F8 00 00 00 00 00 00 6A",
  };
  std::string deep = "\x83";
  for (int i = 0; i < 1000; ++i) deep += FromHex("6C 00 00 00 01");
  for (const std::string& hex : inputs) {
    std::string bytes = FromHex(hex);
    for (size_t n = 0; n <= bytes.size(); ++n) {
      std::string in = bytes.substr(0, n);
      auto full = ttb::DecodeTerm(in);
      Status v = ttb::ValidateTerm(in);
      ASSERT_EQ(v.ok(), full.ok()) << hex << " prefix " << n;
      if (!v.ok()) {
        EXPECT_EQ(v.message(), full.error().message()) << hex << " prefix " << n;
      }
    }
  }
  EXPECT_EQ(ttb::ValidateTerm(deep).message(), ttb::DecodeTerm(deep).error().message());
}

// The streaming TTB put walk sees the rows DecodeTtbRequest would build, and reports the same
// shape errors.
TEST(BoundedCodec, TtbPutScanAgreesWithDecode) {
  std::vector<Row> rows = {
      {Value::Bytes("a"), Value::Int(1420113600000), Value::Double(1.5)},
      {Value::Bytes("b"), Value::Int(-3), Value::Null()},
      {Value::Bool(true), Value::Bool(false), Value::Int(300)},
  };
  std::string payload = ttb::EncodeTtbPutReq("t1", rows);
  std::string table;
  size_t n = 0;
  ASSERT_TRUE(ttb::ScanTtbPutReq(payload, &table, &n).ok());
  EXPECT_EQ(table, "t1");
  EXPECT_EQ(n, 3u);
  std::vector<Row> seen;
  ASSERT_TRUE(ttb::ForEachTtbPutCell(
                  payload, [&] { seen.emplace_back(); },
                  [&](std::optional<Value> v) { seen.back().push_back(v.value_or(Value::Bytes("?"))); },
                  [] { return Status::OK(); })
                  .ok());
  EXPECT_EQ(seen, rows);

  // Cells TermToValue rejects come through as nullopt; a STRING_EXT row is a row of integers;
  // a table name may be a byte list.
  std::string odd = FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("6B 00 02") + "t1" +
                    FromHex("6A 6C 00 00 00 02") +
                    FromHex("68 03 64 00 09") + "undefined" + FromHex("68 00 6C 00 00 00 00 6A") +
                    FromHex("6B 00 02 01 02") + FromHex("6A");
  ASSERT_TRUE(ttb::ValidateTerm(odd).ok());
  ASSERT_TRUE(ttb::ScanTtbPutReq(odd, &table, &n).ok());
  EXPECT_EQ(table, "t1");
  std::vector<std::vector<std::optional<Value>>> cells;
  ASSERT_TRUE(ttb::ForEachTtbPutCell(
                  odd, [&] { cells.emplace_back(); },
                  [&](std::optional<Value> v) { cells.back().push_back(std::move(v)); },
                  [] { return Status::OK(); })
                  .ok());
  ASSERT_EQ(cells.size(), 2u);
  ASSERT_EQ(cells[0].size(), 3u);
  EXPECT_FALSE(cells[0][0].has_value());
  EXPECT_FALSE(cells[0][1].has_value());
  EXPECT_EQ(cells[0][2], Value::Null());
  ASSERT_EQ(cells[1].size(), 2u);
  EXPECT_EQ(cells[1][1], Value::Int(2));
  auto decoded = ttb::DecodeTtbRequest(odd);
  ASSERT_TRUE(decoded.ok());
  const auto& put = std::get<ttb::TtbPutReq>(*decoded);
  for (size_t r = 0; r < put.rows.size(); ++r) {
    for (size_t c = 0; c < put.rows[r].size(); ++c) {
      EXPECT_EQ(ttb::TermToValue(put.rows[r][c]), cells[r][c]) << r << "," << c;
    }
  }

  // Shape errors: the same message as DecodeTtbRequest.
  std::vector<std::string> bad = {
      FromHex("83 68 02 64 00 08") + "tsputreq" + FromHex("6A"),
      FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("61 01 6A 6A"),
      FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("6D 00 00 00 01 74 6A 61 01"),
      FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("6D 00 00 00 01 74 6A 6C 00 00 00 01 61 01 6A"),
      FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("6D 00 00 00 01 74 6A 6B 00 01 01"),
  };
  for (const std::string& b : bad) {
    ASSERT_TRUE(ttb::ValidateTerm(b).ok());
    auto d = ttb::DecodeTtbRequest(b);
    ASSERT_FALSE(d.ok());
    Status st = ttb::ScanTtbPutReq(b, &table, &n);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), d.error().message());
  }
  EXPECT_EQ(ttb::PeekTtbRequestName(payload), "tsputreq");
  EXPECT_EQ(ttb::PeekTtbRequestName(ttb::EncodeTtbQueryReq("select 1")), "tsqueryreq");
  EXPECT_EQ(ttb::PeekTtbRequestName(FromHex("83 61 01")), "");
  EXPECT_EQ(ttb::PeekTtbRequestName(""), "");
}

// ScanTsPutReq accepts and rejects what Decode(TsPutReq) does, with the same message, and the
// row walk yields the same cells.
TEST(BoundedCodec, PbPutScanAgreesWithDecode) {
  pb::TsPutReq req;
  req.table = "t1";
  req.columns = {{"k", ColumnType::kVarchar}};
  req.rows = {{pb::TsCell::Varchar("a"), pb::TsCell::Timestamp(5), pb::TsCell::Null()},
              {pb::TsCell::Double(1.5), pb::TsCell::Boolean(true), pb::TsCell::Sint64(-7)}};
  std::string good = pb::Encode(req);
  std::vector<std::string> inputs = {
      good,
      FromHex("0A 02 74 31 1A 06 0A 04 10 02 20 01"),  // two values in a cell
      FromHex("1A 00"),                                // no table
      FromHex("0A 02 74 31 12 02 10 09"),              // unknown column type
      FromHex("0A 02 74 31 1A 02 0A"),                 // truncated cell
      FromHex("0A 02 74 31 1A 00 1A 02 08 01"),        // unknown row field (skipped)
  };
  for (const std::string& in : inputs) {
    for (size_t n = 0; n <= in.size(); ++n) {
      std::string p = in.substr(0, n);
      pb::TsPutReq full;
      Status d = pb::Decode(p, &full);
      std::string table;
      size_t rows = 0;
      Status s = pb::ScanTsPutReq(p, &table, &rows);
      ASSERT_EQ(s.ok(), d.ok()) << testing::ToHex(p);
      if (!s.ok()) {
        EXPECT_EQ(s.message(), d.message());
        continue;
      }
      EXPECT_EQ(table, full.table);
      EXPECT_EQ(rows, full.rows.size());
      size_t r = 0;
      ASSERT_TRUE(pb::ForEachTsPutRow(p, [&](std::string_view row) -> Status {
                    size_t c = 0;
                    QUANTA_RETURN_IF_ERROR(pb::ForEachTsCell(row, [&](const pb::TsCellView& v) {
                      const pb::TsCell& want = full.rows[r][c++];
                      EXPECT_EQ(v.field, want.field);
                      EXPECT_EQ(v.varchar_value, want.varchar_value);
                      return Status::OK();
                    }));
                    EXPECT_EQ(c, full.rows[r].size());
                    ++r;
                    return Status::OK();
                  }).ok());
      EXPECT_EQ(r, full.rows.size());
    }
  }
}

// DecodeCellView's fast path (one field with a one-byte key) and the field-by-field decoder
// agree on every prefix of well-formed and adversarial cell bodies, and the put's top-level
// check accepts every prefix the whole check accepts.
TEST(BoundedCodec, PbCellFastPathAgreesWithGenericDecoder) {
  std::vector<std::string> bodies = {
      "",
      FromHex("29 00 00 00 00 00 00 F8 7F"),           // NaN
      FromHex("29 00 00 00 00 00 00 00 80"),           // -0.0
      FromHex("29 00 00 00 00 00 00 F0 7F 29"),        // double, then a truncated field
      FromHex("10 FF FF FF FF FF FF FF FF FF 01"),     // INT64_MIN (zig-zag)
      FromHex("10 FF FF FF FF FF FF FF FF FF 02"),     // varint past 64 bits
      FromHex("18 80 80 80 80 80 80 80 80 80 80 01"),  // 11-byte varint
      FromHex("20 00"), FromHex("20 05"), FromHex("20 80 01"),
      FromHex("0A 00"), FromHex("0A 03 61 62 63"), FromHex("0A 05 61 62"),
      FromHex("0A 80 01") + std::string(128, 'x'),     // two-byte length
      FromHex("10 02 18 04"),                          // two value fields
      FromHex("10 02 10 04"),                          // the same field twice (last wins)
      FromHex("30 01 10 02"),                          // unknown field, then a value
      FromHex("11 00 00 00 00 00 00 00 00"),           // field 2 as fixed64
      FromHex("2A 01 00"),                             // field 5 length-delimited
      FromHex("0B"), FromHex("80"), FromHex("29"),
  };
  for (const std::string& body : bodies) {
    for (size_t n = 0; n <= body.size(); ++n) {
      std::string b = body.substr(0, n);
      pb::TsCellView fast, generic;
      Status f = pb::DecodeCellView(b, &fast);
      Status g = pb::DecodeCellViewGeneric(b, &generic);
      ASSERT_EQ(f.ok(), g.ok()) << testing::ToHex(b);
      EXPECT_EQ(f.message(), g.message()) << testing::ToHex(b);
      if (!f.ok()) continue;
      EXPECT_EQ(fast.field, generic.field) << testing::ToHex(b);
      EXPECT_EQ(fast.varchar_value, generic.varchar_value) << testing::ToHex(b);
      EXPECT_EQ(fast.int_value, generic.int_value) << testing::ToHex(b);
      EXPECT_EQ(fast.boolean_value, generic.boolean_value) << testing::ToHex(b);
      EXPECT_EQ(std::memcmp(&fast.double_value, &generic.double_value, sizeof(double)), 0)
          << testing::ToHex(b);
      // The same body as the only cell of a row of a put.
      std::string row = FromHex("0A");
      coding::PutLengthPrefixed(&row, b);
      std::string put = FromHex("0A 01 74 1A");
      coding::PutLengthPrefixed(&put, row);
      std::string table;
      size_t rows = 0;
      ASSERT_TRUE(pb::ScanTsPutReqShallow(put, &table, &rows).ok());
      EXPECT_EQ(rows, 1u);
      pb::TsCellView walked;
      size_t cells = 0;
      ASSERT_TRUE(pb::ForEachTsCell(row, [&](const pb::TsCellView& v) {
                    walked = v;
                    ++cells;
                    return Status::OK();
                  }).ok());
      EXPECT_EQ(cells, 1u);
      EXPECT_EQ(walked.field, generic.field);
    }
  }
}

TEST(BoundedCodec, ServerDecodersDropWhatTheServerIgnores) {
  pb::TsQueryReq q;
  q.query = pb::TsInterpolation{"select 1", {{"a", "b"}, {"c", std::nullopt}}};
  q.cover_context = "ctx";
  pb::TsQueryReq got;
  ASSERT_TRUE(pb::DecodeForServer(pb::Encode(q), &got).ok());
  EXPECT_EQ(got.query->base, "select 1");
  EXPECT_TRUE(got.query->interpolations.empty());
  EXPECT_EQ(got.cover_context, q.cover_context);
  // Malformed pairs are still malformed.
  std::string bad = FromHex("0A 0A 0A 01 73 12 05 0A 03 61");
  pb::TsQueryReq full;
  EXPECT_FALSE(pb::Decode(bad, &full).ok());
  EXPECT_FALSE(pb::DecodeForServer(bad, &got).ok());

  pb::TsCoverageReq c;
  c.query = q.query;
  c.table = "t1";
  c.unavailable_cover = {"x", "y"};
  pb::TsCoverageReq cgot;
  ASSERT_TRUE(pb::DecodeForServer(pb::Encode(c), &cgot).ok());
  EXPECT_EQ(cgot.table, "t1");
  EXPECT_TRUE(cgot.unavailable_cover.empty());
}

TEST(BoundedCodec, FrameBufferGrowsNoFurtherThanTheFrame) {
  pb::FrameReassembler r(64 << 20);
  std::string payload(10 << 20, 'x');
  std::string frame = pb::EncodeFrame(92, payload);
  size_t max_cap = 0;
  for (size_t off = 0; off < frame.size(); off += 65536) {
    std::string_view chunk = std::string_view(frame).substr(off, 65536);
    size_t want = r.CapacityFor(chunk.size());
    r.Append(chunk);
    EXPECT_EQ(r.capacity(), want);
    max_cap = std::max(max_cap, r.capacity());
  }
  EXPECT_LE(max_cap, frame.size());
  pb::FrameView f;
  ASSERT_EQ(r.Next(&f), pb::FrameReassembler::Result::kFrame);
  EXPECT_EQ(f.payload.size(), payload.size());
  r.ShrinkIfLarge(256 << 10);
  EXPECT_LE(r.capacity(), 256u << 10);
  // Still usable afterwards.
  r.Append(pb::EncodeFrame(1, ""));
  ASSERT_EQ(r.Next(&f), pb::FrameReassembler::Result::kFrame);
  EXPECT_EQ(f.code, 1);
}

}  // namespace
}  // namespace quanta::wire
