// TTB over the live server (checklist items 25-34 and 36; spec 11.7-11.9 byte for byte).
#include "hex.h"
#include "server_fixture.h"
#include "wire/ttb/ttb_codec.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire::testing {
namespace {

using pb::PbFrame;
using ttb::Term;
namespace code = pb::code;

std::string Frame(const PbFrame& f) { return ToHex(pb::EncodeFrame(f.code, f.payload)); }

// A frame from hex, sent raw; returns the reply.
PbFrame SendHex(pb::PbClient& c, const std::string& hex) {
  EXPECT_TRUE(c.SendRaw(FromHex(hex)).ok());
  auto f = c.ReadFrame();
  EXPECT_TRUE(f.ok()) << f.error().ToString();
  return f.ok() ? *f : PbFrame{};
}

std::string TermOf(const PbFrame& f) {
  EXPECT_EQ(f.code, code::kTsTtbMsg);
  auto t = ttb::DecodeTerm(f.payload);
  return t.ok() ? t->ToString() : "ERROR " + t.error().message();
}

const char* kPythonQueryReq =
    "00 00 00 8C 68 83 68 04 64 00 0A 74 73 71 75 65 72 79 72 65 71 "
    "68 03 64 00 0F 74 73 69 6E 74 65 72 70 6F 6C 61 74 69 6F 6E 6D 00 00 00 4D "
    "53 45 4C 45 43 54 20 2A 20 46 52 4F 4D 20 74 31 20 57 48 45 52 45 20 6B 20 3D 20 27 61 27 20 "
    "41 4E 44 20 74 73 20 3E 3D 20 31 34 32 30 31 31 33 36 30 30 30 30 30 20 41 4E 44 20 74 73 20 "
    "3C 20 31 34 32 30 31 31 33 37 30 30 30 30 30 "
    "6A 64 00 05 66 61 6C 73 65 64 00 09 75 6E 64 65 66 69 6E 65 64";

const char* kPythonPutReq =
    "00 00 00 4E 68 83 68 04 64 00 08 74 73 70 75 74 72 65 71 6D 00 00 00 02 74 31 6A "
    "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
    "63 31 2E 35 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 65 2B 30 30 "
    "00 00 00 00 00 6A";

const char* kGetReq =
    "00 00 00 37 68 83 68 04 64 00 08 74 73 67 65 74 72 65 71 6D 00 00 00 02 74 31 "
    "6C 00 00 00 02 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 6A "
    "64 00 09 75 6E 64 65 66 69 6E 65 64";

// Items 25, 26, 29, 30, 32, 33: the section 11.8/11.9 exchanges byte for byte.
TEST_F(ServerTest, Section11_TtbExchangesByteForByte) {
  auto c = Connect();
  // CREATE TABLE over TTB -> bare atom.
  std::string create = ttb::EncodeTtbQueryReq(kCreateT1);
  ASSERT_TRUE(c->SendFrame(code::kTsTtbMsg, create).ok());
  auto r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Frame(*r), "00 00 00 10 68 83 64 00 0B 74 73 71 75 65 72 79 72 65 73 70");

  // Zero rows.
  EXPECT_EQ(Frame(SendHex(*c, kPythonQueryReq)),
            "00 00 00 17 68 83 68 02 64 00 0B 74 73 71 75 65 72 79 72 65 73 70 68 03 6A 6A 6A");
  // Get not found.
  EXPECT_EQ(Frame(SendHex(*c, kGetReq)),
            "00 00 00 15 68 83 68 02 64 00 09 74 73 67 65 74 72 65 73 70 68 03 6A 6A 6A");
  // Python put (FLOAT_EXT).
  EXPECT_EQ(Frame(SendHex(*c, kPythonPutReq)),
            "00 00 00 10 68 83 68 01 64 00 09 74 73 70 75 74 72 65 73 70");
  // Query with one row.
  EXPECT_EQ(Frame(SendHex(*c, kPythonQueryReq)),
            ToHex(FromHex(
                "00 00 00 72 68 83 68 02 64 00 0B 74 73 71 75 65 72 79 72 65 73 70 68 03 "
                "6C 00 00 00 03 6D 00 00 00 01 6B 6D 00 00 00 02 74 73 6D 00 00 00 01 76 6A "
                "6C 00 00 00 03 64 00 07 76 61 72 63 68 61 72 64 00 09 74 69 6D 65 73 74 61 6D 70 "
                "64 00 06 64 6F 75 62 6C 65 6A "
                "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
                "46 3F F8 00 00 00 00 00 00 6A")));
  // Get found.
  EXPECT_EQ(TermOf(SendHex(*c, kGetReq)),
            "{tsgetresp,{[<<\"k\">>,<<\"ts\">>,<<\"v\">>],[varchar,timestamp,double],"
            "[{<<\"a\">>,1420113600000,1.5}]}}");
}

// Item 31: TS-service errors in a 104 frame; 11.7 TTB form byte for byte.
TEST_F(ServerTest, Item31_TtbServiceErrors) {
  auto c = Connect();
  ASSERT_TRUE(c->SendFrame(code::kTsTtbMsg, ttb::EncodeTtbQueryReq("select * from t2 where k = 'a'")).ok());
  auto r = c->ReadFrame();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(pb::EncodeFrame(r->code, r->payload),
            FromHex("00 00 00 36 68 83 68 03 64 00 0C 72 70 62 65 72 72 6F 72 72 65 73 70 "
                    "6D 00 00 00 19") +
                "t2 is not an active table" + FromHex("62 00 00 03 FB"));
  CreateT1();
  auto t = Connect(/*use_ttb=*/true);
  Status st = t->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Int(25)}});
  EXPECT_EQ(st.riak_code(), 1003);
  EXPECT_EQ(st.message(), "Invalid data found at row index(es) 1");
  auto g = t->Get("t1", {Value::Bytes("a")});
  EXPECT_EQ(g.error().riak_code(), 1011);
  auto q = t->Query("selectah");
  EXPECT_EQ(q.error().riak_code(), 1020);
}

// Items 27, 28: Java-style encodings, rows as lists, [] as NULL, undefined rejected like Riak.
TEST_F(ServerTest, Item27_28_ClientEncodingVariants) {
  CreateT1();
  auto c = Connect();
  // Java: NEW_FLOAT_EXT, SMALL_BIG_EXT n=8 with leading zeros, column names present.
  Term java = Term::Tuple(
      {Term::Atom("tsputreq"), Term::Binary("t1"),
       Term::List({Term::Binary("k"), Term::Binary("ts"), Term::Binary("v")}),
       Term::List({Term::Tuple({Term::Binary("j"), Term::Int(kTs), Term::Float(2.5)})})});
  std::string payload = ttb::EncodeTerm(java);
  // Re-encode the timestamp as an 8-byte bignum, as jinterface does.
  std::string small = FromHex("6E 06 00 00 DE 5D A5 4A 01");
  std::string wide = FromHex("6E 08 00 00 DE 5D A5 4A 01 00 00");
  payload.replace(payload.find(small), small.size(), wide);
  EXPECT_EQ(TermOf(MustCall(*c, code::kTsTtbMsg, payload)), "{tsputresp}");
  // Row as a list, NULL as [].
  Term lenient = Term::Tuple(
      {Term::Atom("tsputreq"), Term::Binary("t1"), Term::Nil(),
       Term::List({Term::List({Term::Binary("l"), Term::Int(kTs), Term::Nil()})})});
  EXPECT_EQ(TermOf(MustCall(*c, code::kTsTtbMsg, ttb::EncodeTerm(lenient))), "{tsputresp}");
  auto t = Connect(true);
  auto g = t->Get("t1", {Value::Bytes("l"), Value::Int(kTs)});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->rows.size(), 1u);
  EXPECT_EQ(g->rows[0][2], Value::Null());
  g = t->Get("t1", {Value::Bytes("j"), Value::Int(kTs)});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->rows.size(), 1u);
  EXPECT_EQ(g->rows[0][2], Value::Double(2.5));
  // `undefined` as a cell fails validation (1003), as in Riak.
  Term undef = Term::Tuple(
      {Term::Atom("tsputreq"), Term::Binary("t1"), Term::Nil(),
       Term::List({Term::Tuple({Term::Binary("u"), Term::Int(kTs), Term::Atom("undefined")})})});
  EXPECT_EQ(TermOf(MustCall(*c, code::kTsTtbMsg, ttb::EncodeTerm(undef))),
            "{rpberrorresp,<<\"Invalid data found at row index(es) 1\">>,1003}");
  // UTF-8 atoms (OTP 26 riakc) and a timeout in the get.
  std::string get = FromHex("83 68 04 77 08 74 73 67 65 74 72 65 71 6D 00 00 00 02 74 31 "
                            "6C 00 00 00 02 6D 00 00 00 01 6A 6E 06 00 00 DE 5D A5 4A 01 6A "
                            "62 00 00 13 88");
  EXPECT_EQ(TermOf(MustCall(*c, code::kTsTtbMsg, get)),
            "{tsgetresp,{[<<\"k\">>,<<\"ts\">>,<<\"v\">>],[varchar,timestamp,double],"
            "[{<<\"j\">>,1420113600000,2.5}]}}");
}

// Item 27: STRING_EXT key lists from the Erlang client on an all-integer key.
TEST_F(ServerTest, Item27_StringExtKey) {
  Exec("CREATE TABLE ints (a SINT64 NOT NULL, b SINT64 NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((a, b, QUANTUM(ts, 1, 'd')), a, b, ts))");
  auto t = Connect(true);
  ASSERT_TRUE(t->Put("ints", {{Value::Int(1), Value::Int(2), Value::Int(3)}}).ok());
  auto c = Connect();
  std::string get = FromHex("83 68 04 64 00 08 74 73 67 65 74 72 65 71 6D 00 00 00 04 69 6E 74 73 "
                            "6B 00 03 01 02 03 64 00 09 75 6E 64 65 66 69 6E 65 64");
  EXPECT_EQ(TermOf(MustCall(*c, code::kTsTtbMsg, get)),
            "{tsgetresp,{[<<\"a\">>,<<\"b\">>,<<\"ts\">>],[sint64,sint64,timestamp],[{1,2,3}]}}");
}

// Item 34: tsdelreq and other unsupported terms -> code-0 error, then close.
TEST_F(ServerTest, Item34_UnsupportedTtbRequests) {
  CreateT1();
  std::vector<std::string> bad = {
      ttb::EncodeTerm(Term::Tuple({Term::Atom("tsdelreq"), Term::Binary("t1"),
                                   Term::List({Term::Binary("a")}), Term::Atom("undefined"),
                                   Term::Atom("undefined")})),
      ttb::EncodeTerm(Term::Atom("hello")),
      FromHex("68 01 64 00 01 61"),  // no 0x83 (item 25)
      FromHex("83 68 02"),           // truncated
      "",                            // empty 104 body
  };
  for (const auto& payload : bad) {
    auto c = Connect();
    PbFrame f = MustCall(*c, code::kTsTtbMsg, payload);
    auto e = ErrorOf(f);
    EXPECT_EQ(e.errcode, 0u);
    EXPECT_EQ(e.errmsg.rfind("Error processing incoming message: ", 0), 0u) << e.errmsg;
    EXPECT_TRUE(c->WaitForClose(5000));
  }
}

// Item 36: API-level errors are PB code-0 frames even for TTB requests.
TEST_F(ServerTest, Item36_TtbMissingTableIsPbError) {
  auto c = Connect();
  for (const std::string& payload :
       {ttb::EncodeTtbGetReq("t2", {Value::Bytes("a")}),
        ttb::EncodeTtbPutReq("t2", {{Value::Bytes("a")}})}) {
    auto e = ErrorOf(MustCall(*c, code::kTsTtbMsg, payload));
    EXPECT_EQ(e.errmsg, "Message decoding error: \"Table t2 is not active.\"");
    EXPECT_EQ(e.errcode, 0u);
  }
  EXPECT_TRUE(c->Ping().ok());
}

// Python mixes TTB and PB on one connection.
TEST_F(ServerTest, MixedTtbAndPbOnOneConnection) {
  CreateT1();
  auto c = Connect(true);
  ASSERT_TRUE(c->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Double(1.5)}}).ok());
  auto keys = c->ListKeys("t1");  // PB
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 1u);
  auto rs = c->Query(kT1Select);  // TTB
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->rows.size(), 1u);
  EXPECT_TRUE(c->Delete("t1", {Value::Bytes("a"), Value::Int(kTs)}).ok());  // PB
  auto g = c->Get("t1", {Value::Bytes("a"), Value::Int(kTs)});  // TTB
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->rows.empty());
  auto d = c->Query("DESCRIBE t1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->columns.size(), 8u);
}

}  // namespace
}  // namespace quanta::wire::testing
