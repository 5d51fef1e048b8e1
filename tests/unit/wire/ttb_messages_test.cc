// Section 11.7-11.9 of spec/wire_protocol.md (TTB), and client encodings as Python erlastic and
// Java jinterface write them.
#include "wire/ttb/ttb_messages.h"

#include <gtest/gtest.h>

#include "hex.h"
#include "wire/pb/pb_frame.h"
#include "wire/ttb/ttb_codec.h"

namespace quanta::wire::ttb {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr int64_t kTs = 1420113600000;
const char* kSql = "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1420113600000 AND ts < 1420113700000";

std::string Frame104(const std::string& payload) {
  return pb::EncodeFrame(pb::code::kTsTtbMsg, payload);
}

ResultSet T1Result() {
  ResultSet rs;
  rs.columns = {{"k", ColumnType::kVarchar}, {"ts", ColumnType::kTimestamp},
                {"v", ColumnType::kDouble}};
  rs.rows = {{Value::Bytes("a"), Value::Int(kTs), Value::Double(1.5)}};
  return rs;
}

TEST(TtbExamples, Error_11_7) {
  std::string msg = "t2 is not an active table";
  EXPECT_EQ(Frame104(EncodeTtbErrorResp(msg, 1019)),
            FromHex("00 00 00 36 68 83 68 03 64 00 0C 72 70 62 65 72 72 6F 72 72 65 73 70 "
                    "6D 00 00 00 19") +
                msg + FromHex("62 00 00 03 FB"));
}

TEST(TtbExamples, QueryReqResp_11_8) {
  std::string sql(kSql);
  std::string req = FromHex(
      "00 00 00 8C 68 83 68 04 64 00 0A 74 73 71 75 65 72 79 72 65 71 "
      "68 03 64 00 0F 74 73 69 6E 74 65 72 70 6F 6C 61 74 69 6F 6E "
      "6D 00 00 00 4D") + sql + FromHex(
      "6A 64 00 05 66 61 6C 73 65 64 00 09 75 6E 64 65 66 69 6E 65 64");
  EXPECT_EQ(Frame104(EncodeTtbQueryReq(sql)), req);
  auto r = DecodeTtbRequest(req.substr(5));
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto* q = std::get_if<TtbQueryReq>(&*r);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->sql, sql);
  EXPECT_FALSE(q->cover_context.has_value());

  std::string resp = FromHex(
      "00 00 00 72 68 83 68 02 64 00 0B 74 73 71 75 65 72 79 72 65 73 70 68 03 "
      "6C 00 00 00 03 6D 00 00 00 01 6B 6D 00 00 00 02 74 73 6D 00 00 00 01 76 6A "
      "6C 00 00 00 03 64 00 07 76 61 72 63 68 61 72 64 00 09 74 69 6D 65 73 74 61 6D 70 "
      "64 00 06 64 6F 75 62 6C 65 6A "
      "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
      "46 3F F8 00 00 00 00 00 00 6A");
  EXPECT_EQ(ToHex(Frame104(EncodeTtbQueryResp(T1Result()))), ToHex(resp));

  EXPECT_EQ(ToHex(Frame104(EncodeTtbQueryResp(ResultSet{}))),
            "00 00 00 17 68 83 68 02 64 00 0B 74 73 71 75 65 72 79 72 65 73 70 68 03 6A 6A 6A");
  // Zero rows drop the column list even when columns are known.
  ResultSet no_rows = T1Result();
  no_rows.rows.clear();
  EXPECT_EQ(EncodeTtbQueryResp(no_rows), EncodeTtbQueryResp(ResultSet{}));
  EXPECT_EQ(ToHex(Frame104(EncodeTtbCreateTableResp())),
            "00 00 00 10 68 83 64 00 0B 74 73 71 75 65 72 79 72 65 73 70");

  // The client side decodes all three shapes.
  auto full = DecodeTtbResponse(resp.substr(5));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->result.columns, T1Result().columns);
  EXPECT_EQ(full->result.rows, T1Result().rows);
  auto bare = DecodeTtbResponse(EncodeTtbCreateTableResp());
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare->bare_atom);
}

TEST(TtbExamples, GetAndPut_11_9) {
  std::string get = FromHex(
      "00 00 00 37 68 83 68 04 64 00 08 74 73 67 65 74 72 65 71 6D 00 00 00 02 74 31 "
      "6C 00 00 00 02 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 6A "
      "64 00 09 75 6E 64 65 66 69 6E 65 64");
  EXPECT_EQ(Frame104(EncodeTtbGetReq("t1", {Value::Bytes("a"), Value::Int(kTs)})), get);
  auto r = DecodeTtbRequest(get.substr(5));
  ASSERT_TRUE(r.ok());
  auto* g = std::get_if<TtbGetReq>(&*r);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->table, "t1");
  ASSERT_EQ(g->key.size(), 2u);
  EXPECT_EQ(TermToValue(g->key[0]), Value::Bytes("a"));
  EXPECT_EQ(TermToValue(g->key[1]), Value::Int(kTs));
  EXPECT_FALSE(g->timeout.has_value());

  EXPECT_EQ(ToHex(Frame104(EncodeTtbGetResp({}, nullptr))),
            "00 00 00 15 68 83 68 02 64 00 09 74 73 67 65 74 72 65 73 70 68 03 6A 6A 6A");
  ResultSet rs = T1Result();
  std::string found = EncodeTtbGetResp(rs.columns, &rs.rows[0]);
  auto found_back = DecodeTtbResponse(found);
  ASSERT_TRUE(found_back.ok());
  EXPECT_EQ(found_back->kind, TtbResponse::Kind::kGetResp);
  EXPECT_EQ(found_back->result.rows, rs.rows);

  // Python put: FLOAT_EXT double.
  std::string put = FromHex(
      "00 00 00 4E 68 83 68 04 64 00 08 74 73 70 75 74 72 65 71 6D 00 00 00 02 74 31 6A "
      "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
      "63 31 2E 35 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 65 2B 30 30 "
      "00 00 00 00 00 6A");
  auto p = DecodeTtbRequest(put.substr(5));
  ASSERT_TRUE(p.ok()) << p.error().message();
  auto* pr = std::get_if<TtbPutReq>(&*p);
  ASSERT_NE(pr, nullptr);
  EXPECT_EQ(pr->table, "t1");
  ASSERT_EQ(pr->rows.size(), 1u);
  ASSERT_EQ(pr->rows[0].size(), 3u);
  EXPECT_EQ(TermToValue(pr->rows[0][2]), Value::Double(1.5));

  EXPECT_EQ(ToHex(Frame104(EncodeTtbPutResp())),
            "00 00 00 10 68 83 68 01 64 00 09 74 73 70 75 74 72 65 73 70");
}

TEST(TtbRequests, JavaJinterfaceEncoding) {
  // Java: NEW_FLOAT_EXT, INTEGER_EXT for small longs, SMALL_BIG_EXT with n = 8 (leading zeros),
  // column names in the put, booleans as atoms, NULL as [].
  std::string payload = FromHex(
      "83 68 04 64 00 08 74 73 70 75 74 72 65 71 6D 00 00 00 02 74 31 "
      "6C 00 00 00 01 6D 00 00 00 01 6B 6A "
      "6C 00 00 00 01 68 05 6D 00 00 00 01 61 "
      "6E 08 00 00 DE 5D A5 4A 01 00 00 "
      "46 3F F8 00 00 00 00 00 00 "
      "64 00 04 74 72 75 65 6A 6A");
  auto p = DecodeTtbRequest(payload);
  ASSERT_TRUE(p.ok()) << p.error().message();
  const auto& row = std::get<TtbPutReq>(*p).rows.at(0);
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(TermToValue(row[1]), Value::Int(kTs));
  EXPECT_EQ(TermToValue(row[2]), Value::Double(1.5));
  EXPECT_EQ(TermToValue(row[3]), Value::Bool(true));
  EXPECT_EQ(TermToValue(row[4]), Value::Null());
}

TEST(TtbRequests, ErlangStringKeyAndUtf8Atoms) {
  // riakc on OTP 26: UTF-8 atoms; key [1,2,3] written as STRING_EXT; timeout 5000.
  std::string payload = FromHex(
      "83 68 04 77 08 74 73 67 65 74 72 65 71 6D 00 00 00 02 74 31 "
      "6B 00 03 01 02 03 62 00 00 13 88");
  auto r = DecodeTtbRequest(payload);
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto& g = std::get<TtbGetReq>(*r);
  ASSERT_EQ(g.key.size(), 3u);
  EXPECT_EQ(TermToValue(g.key[2]), Value::Int(3));
  EXPECT_EQ(g.timeout, 5000u);
}

TEST(TtbRequests, PutRowsAsListsAndCoverContext) {
  std::vector<Term> row = {Term::Binary("a"), Term::Int(1)};
  std::string put = EncodeTerm(Term::Tuple({Term::Atom("tsputreq"), Term::Binary("t"),
                                            Term::Nil(), Term::List({Term::List(row)})}));
  auto p = DecodeTtbRequest(put);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<TtbPutReq>(*p).rows.at(0), row);

  auto q = DecodeTtbRequest(EncodeTtbQueryReq("select", std::string("ctx")));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(std::get<TtbQueryReq>(*q).cover_context, "ctx");
}

TEST(TtbRequests, UnsupportedRequestsAreErrors) {
  std::vector<Term> bad = {
      Term::Tuple({Term::Atom("tsdelreq"), Term::Binary("t1"), Term::Nil(), Term::Atom("undefined"),
                   Term::Atom("undefined")}),
      Term::Atom("tsqueryreq"),
      Term::Tuple({Term::Atom("tsqueryreq"), Term::Binary("select")}),
      Term::Tuple({Term::Atom("tsqueryreq"), Term::Binary("x"), Term::Atom("false"),
                   Term::Atom("undefined")}),
      Term::Tuple({Term::Atom("tsgetreq"), Term::Int(1), Term::Nil(), Term::Atom("undefined")}),
      Term::Tuple({Term::Atom("tsgetreq"), Term::Binary("t"), Term::Int(1), Term::Atom("undefined")}),
      Term::Tuple({Term::Atom("tsputreq"), Term::Binary("t"), Term::Nil(), Term::List({Term::Int(1)})}),
      Term::Tuple({Term::Int(1)}),
      Term::List({}),
  };
  for (const Term& t : bad) {
    auto r = DecodeTtbRequest(EncodeTerm(t));
    EXPECT_FALSE(r.ok()) << t.ToString();
  }
  EXPECT_FALSE(DecodeTtbRequest("").ok());
  EXPECT_FALSE(DecodeTtbRequest(FromHex("68 01 64 00 01 61")).ok());  // missing 0x83
}

TEST(TtbRequests, CellConversion) {
  EXPECT_EQ(TermToValue(Term::Nil()), Value::Null());
  EXPECT_EQ(TermToValue(Term::Atom("false")), Value::Bool(false));
  EXPECT_FALSE(TermToValue(Term::Atom("undefined")).has_value());
  EXPECT_FALSE(TermToValue(Term::List({Term::Int(1)})).has_value());
  EXPECT_FALSE(TermToValue(Term::Tuple({})).has_value());
}

TEST(TtbResponses, ClientDecodesErrorsAndPutResp) {
  auto e = DecodeTtbResponse(EncodeTtbErrorResp("boom", 1003));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, TtbResponse::Kind::kError);
  EXPECT_EQ(e->errmsg, "boom");
  EXPECT_EQ(e->errcode, 1003);
  auto p = DecodeTtbResponse(EncodeTtbPutResp());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, TtbResponse::Kind::kPutResp);
  EXPECT_FALSE(DecodeTtbResponse(EncodeTerm(Term::Atom("what"))).ok());
}

TEST(TtbResponses, AllValueKindsAndNulls) {
  ResultSet rs;
  rs.columns = {{"s", ColumnType::kVarchar}, {"i", ColumnType::kSint64},
                {"b", ColumnType::kBoolean}, {"x", ColumnType::kBlob},
                {"d", ColumnType::kDouble}};
  rs.rows = {{Value::Bytes("x"), Value::Int(-7), Value::Bool(false), Value::Bytes(std::string("\0", 1)),
              Value::Null()},
             {Value::Null(), Value::Null(), Value::Bool(true), Value::Null(), Value::Double(2.0)}};
  auto back = DecodeTtbResponse(EncodeTtbQueryResp(rs));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->result.columns, rs.columns);
  EXPECT_EQ(back->result.rows, rs.rows);
  EXPECT_EQ(DecodeTerm(EncodeTtbQueryResp(rs))->ToString(),
            "{tsqueryresp,{[<<\"s\">>,<<\"i\">>,<<\"b\">>,<<\"x\">>,<<\"d\">>],"
            "[varchar,sint64,boolean,blob,double],"
            "[{<<\"x\">>,-7,false,<<0>>,[]},{[],[],true,[],2.0}]}}");
}

}  // namespace
}  // namespace quanta::wire::ttb
