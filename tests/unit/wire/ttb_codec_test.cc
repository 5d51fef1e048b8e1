#include "wire/ttb/ttb_codec.h"

#include <gtest/gtest.h>

#include <limits>

#include "hex.h"

namespace quanta::wire::ttb {
namespace {

using testing::FromHex;
using testing::ToHex;

std::string Decoded(const std::string& hex) {
  auto r = DecodeTerm(FromHex(hex));
  if (!r.ok()) return "ERROR " + r.error().message();
  return r->ToString();
}

TEST(TtbDecode, EveryAcceptedTag) {
  struct Case {
    const char* hex;
    const char* text;
  } cases[] = {
      {"83 61 FF", "255"},
      {"83 62 FF FF FF FF", "-1"},
      {"83 62 80 00 00 00", "-2147483648"},
      {"83 6E 06 00 00 DE 5D A5 4A 01", "1420113600000"},
      {"83 6E 06 01 00 DE 5D A5 4A 01", "-1420113600000"},
      // Java jinterface style: leading zero high bytes.
      {"83 6E 08 00 00 DE 5D A5 4A 01 00 00", "1420113600000"},
      {"83 6E 04 00 00 00 00 08", "134217728"},
      {"83 6E 0A 00 01 00 00 00 00 00 00 00 00 00", "1"},
      {"83 6E 08 00 FF FF FF FF FF FF FF 7F", "9223372036854775807"},
      {"83 6E 08 01 00 00 00 00 00 00 00 80", "-9223372036854775808"},
      {"83 6E 00 00", "0"},
      {"83 6F 00 00 00 02 00 39 30", "12345"},
      {"83 46 3F F8 00 00 00 00 00 00", "1.5"},
      // Python basho_erlastic FLOAT_EXT: "%.20e", NUL padded to 31 bytes.
      {"83 63 31 2E 35 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 65 2B 30 30 00 00 00 00 00",
       "1.5"},
      {"83 63 2D 32 2E 35 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 65 2D 30 31 00 00 00 00 00",
       "-0.25"},
      {"83 64 00 04 74 72 75 65", "true"},
      {"83 73 05 66 61 6C 73 65", "false"},
      {"83 76 00 09 75 6E 64 65 66 69 6E 65 64", "undefined"},
      {"83 77 03 C3 A9 74", "'\\xc3\\xa9t'"},
      {"83 64 00 02 E9 74", "'\\xc3\\xa9t'"},  // latin-1 atom becomes the same UTF-8 text
      {"83 64 00 03 41 62 63", "'Abc'"},
      {"83 68 00", "{}"},
      {"83 68 02 61 01 6A", "{1,[]}"},
      {"83 69 00 00 00 02 61 01 61 02", "{1,2}"},
      {"83 6A", "[]"},
      {"83 6B 00 03 01 02 03", "[1,2,3]"},
      {"83 6C 00 00 00 02 6D 00 00 00 01 61 61 07 6A", "[<<\"a\">>,7]"},
      {"83 6D 00 00 00 00", "<<\"\">>"},
      {"83 6D 00 00 00 03 00 FF 41", "<<0,255,65>>"},
      {"83 6D 00 00 00 03 61 22 62", "<<\"a\\\"b\">>"},
  };
  for (const Case& c : cases) EXPECT_EQ(Decoded(c.hex), c.text) << c.hex;
}

TEST(TtbDecode, RejectsMalformed) {
  const char* bad[] = {
      "",                                   // empty
      "61 01",                              // no version byte
      "84 61 01",                           // wrong version byte
      "83",                                 // no term
      "83 61",                              // truncated small int
      "83 62 00 00",                        // truncated int
      "83 6E 09 00 00 00 00 00 00 00 00 00 01",  // 2^64: too big
      "83 6E 08 00 00 00 00 00 00 00 00 80",     // 2^63: too big for int64
      "83 6E 08 01 01 00 00 00 00 00 00 80",     // -(2^63+1)
      "83 6E 02 02 01 00",                  // bad sign byte
      "83 6E 04 00 01",                     // truncated magnitude
      "83 46 3F F8",                        // truncated new float
      "83 63 31 2E 35",                     // truncated float text
      "83 63 78 78 78 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
      "83 64 00 05 61",                     // truncated atom
      "83 6D 00 00 00 05 61",               // truncated binary
      "83 68 02 61 01",                     // tuple missing an element
      "83 6C 00 00 00 01 61 01 61 02",      // improper list (tail 2)
      "83 6C 00 00 00 01 61 01",            // list without tail
      "83 6C FF FF FF FF 6A",               // absurd count
      "83 69 FF FF FF FF",                  // absurd tuple arity
      "83 6B 00 05 01",                     // truncated string
      "83 61 01 61 02",                     // trailing bytes
      "83 58 00",                           // unsupported tag (NEW_PID)
      "83 50 00 00 00 01 00",               // compressed term
      "83 74 00 00 00 00",                  // map
  };
  for (const char* hex : bad) {
    auto r = DecodeTerm(FromHex(hex));
    EXPECT_FALSE(r.ok()) << hex << " -> " << (r.ok() ? r->ToString() : "");
    if (!r.ok()) {
      EXPECT_EQ(r.error().riak_code(), 0);
    }
  }
}

TEST(TtbDecode, DepthIsBounded) {
  std::string ok = "\x83";
  for (int i = 0; i < kMaxDepth; ++i) ok += FromHex("68 01");
  ok += FromHex("6A");
  EXPECT_TRUE(DecodeTerm(ok).ok());
  std::string deep = "\x83";
  for (int i = 0; i < 100000; ++i) deep += FromHex("6C 00 00 00 01");
  EXPECT_FALSE(DecodeTerm(deep).ok());
}

TEST(TtbDecode, EveryPrefixOfAValidTermFails) {
  std::string full = FromHex(
      "83 68 04 64 00 08 74 73 70 75 74 72 65 71 6D 00 00 00 02 74 31 6A "
      "6C 00 00 00 01 68 03 6D 00 00 00 01 61 6E 06 00 00 DE 5D A5 4A 01 "
      "46 3F F8 00 00 00 00 00 00 6A");
  ASSERT_TRUE(DecodeTerm(full).ok());
  for (size_t n = 0; n < full.size(); ++n) {
    EXPECT_FALSE(DecodeTerm(full.substr(0, n)).ok()) << n;
  }
}

TEST(TtbEncode, IntegersUseMinimalTags) {
  auto enc = [](int64_t v) { return ToHex(EncodeTerm(Term::Int(v))); };
  EXPECT_EQ(enc(0), "83 61 00");
  EXPECT_EQ(enc(255), "83 61 FF");
  EXPECT_EQ(enc(256), "83 62 00 00 01 00");
  EXPECT_EQ(enc(-1), "83 62 FF FF FF FF");
  EXPECT_EQ(enc(1019), "83 62 00 00 03 FB");
  EXPECT_EQ(enc(2147483647), "83 62 7F FF FF FF");
  EXPECT_EQ(enc(-2147483648LL), "83 62 80 00 00 00");
  EXPECT_EQ(enc(2147483648LL), "83 6E 04 00 00 00 00 80");
  EXPECT_EQ(enc(-2147483649LL), "83 6E 04 01 01 00 00 80");
  EXPECT_EQ(enc(1420113600000), "83 6E 06 00 00 DE 5D A5 4A 01");
  EXPECT_EQ(enc(std::numeric_limits<int64_t>::max()), "83 6E 08 00 FF FF FF FF FF FF FF 7F");
  EXPECT_EQ(enc(std::numeric_limits<int64_t>::min()), "83 6E 08 01 00 00 00 00 00 00 00 80");
}

TEST(TtbEncode, OtherKinds) {
  EXPECT_EQ(ToHex(EncodeTerm(Term::Float(1.5))), "83 46 3F F8 00 00 00 00 00 00");
  EXPECT_EQ(ToHex(EncodeTerm(Term::Atom("true"))), "83 64 00 04 74 72 75 65");
  EXPECT_EQ(ToHex(EncodeTerm(Term::Binary("ab"))), "83 6D 00 00 00 02 61 62");
  EXPECT_EQ(ToHex(EncodeTerm(Term::Nil())), "83 6A");
  EXPECT_EQ(ToHex(EncodeTerm(Term::List({Term::Int(1)}))), "83 6C 00 00 00 01 61 01 6A");
  EXPECT_EQ(ToHex(EncodeTerm(Term::Tuple({Term::Atom("tsputresp")}))),
            "83 68 01 64 00 09 74 73 70 75 74 72 65 73 70");
  std::vector<Term> many(300, Term::Int(1));
  std::string big = EncodeTerm(Term::Tuple(many));
  EXPECT_EQ(ToHex(big.substr(0, 6)), "83 69 00 00 01 2C");
}

TEST(TtbEncode, RoundTrips) {
  std::vector<Term> terms = {
      Term::Int(0), Term::Int(-300), Term::Int(1LL << 40), Term::Float(-2.25),
      Term::Atom("undefined"), Term::Binary(std::string("\0\x01", 2)), Term::Nil(),
      Term::Tuple({Term::Atom("a"), Term::List({Term::Binary("x"), Term::Tuple({})})}),
      Term::Tuple(std::vector<Term>(256, Term::Nil())),
  };
  for (const Term& t : terms) {
    auto back = DecodeTerm(EncodeTerm(t));
    ASSERT_TRUE(back.ok()) << t.ToString();
    EXPECT_EQ(*back, t) << t.ToString();
  }
}

}  // namespace
}  // namespace quanta::wire::ttb
