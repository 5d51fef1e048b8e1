// Lexical structure (riak_ts.md section 2).
#include "sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace quanta::sql {
namespace {

using testing::ParseErr;

// Compact rendering of the token stream: K:word I:name S:bytes N:int F:float P:op R:regex.
std::string Lex(std::string_view sql) {
  Result<std::vector<Token>> r = Tokenize(sql);
  if (!r.ok()) return "ERROR " + r.error().message();
  std::string out;
  for (const Token& t : *r) {
    if (t.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += " ";
    switch (t.kind) {
      case TokenKind::kKeyword: out += "K:" + t.text; break;
      case TokenKind::kIdentifier: out += (t.quoted ? "Q:" : "I:") + t.text; break;
      case TokenKind::kString: out += (t.hex ? "X:" : "S:") + t.text; break;
      case TokenKind::kInteger: out += "N:" + std::to_string(t.i); break;
      case TokenKind::kFloat: out += "F:" + FormatDouble(t.d); break;
      case TokenKind::kPunct: out += "P:" + t.text; break;
      case TokenKind::kRegex: out += "R:" + t.text; break;
      case TokenKind::kEnd: break;
    }
  }
  return out;
}

TEST(LexerTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Lex("SELECT select SeLeCt sElEcT"), "K:SELECT K:select K:SeLeCt K:sElEcT");
  const char* all =
      "AND ASC BLOB BOOLEAN BY CREATE DELETE DESC DESCRIBE DOUBLE EXPLAIN FALSE FIRST FROM "
      "GROUP INSERT INTO IS KEY LAST LIMIT NOT NULL NULLS OFFSET OR ORDER PRIMARY QUANTUM "
      "SELECT SHOW SINT64 TABLE TABLES TIMESTAMP TRUE VALUES VARCHAR WHERE WITH";
  Result<std::vector<Token>> r = Tokenize(all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 41u);  // 40 keywords + end
  for (size_t i = 0; i + 1 < r->size(); ++i) {
    EXPECT_EQ((*r)[i].kind, TokenKind::kKeyword) << (*r)[i].text;
  }
  EXPECT_EQ(LookupKeyword("describe"), Keyword::kDescribe);
  EXPECT_EQ(LookupKeyword("DESC"), Keyword::kDesc);
  EXPECT_EQ(LookupKeyword("tables"), Keyword::kTables);
  EXPECT_EQ(LookupKeyword("nulls"), Keyword::kNulls);
  EXPECT_EQ(LookupKeyword("order"), Keyword::kOrder);
  EXPECT_EQ(LookupKeyword("count"), Keyword::kNone);
  EXPECT_EQ(LookupKeyword("as"), Keyword::kNone);
}

TEST(LexerTest, LongestMatchAndContainedKeywords) {
  EXPECT_EQ(Lex("DESCRIBE DESC TABLES TABLE NULLS NULL ORDER OR"),
            "K:DESCRIBE K:DESC K:TABLES K:TABLE K:NULLS K:NULL K:ORDER K:OR");
  EXPECT_EQ(Lex("horror andy mydouble mysint64 time user value count"),
            "I:horror I:andy I:mydouble I:mysint64 I:time I:user I:value I:count");
  EXPECT_EQ(Lex("select-"), "I:select-");
}

TEST(LexerTest, Identifiers) {
  EXPECT_EQ(Lex("temperature-1 timeseries-abc a_b A9"),
            "I:temperature-1 I:timeseries-abc I:a_b I:A9");
  EXPECT_EQ(Lex("GeoCheckin geocheckin"), "I:GeoCheckin I:geocheckin");
  EXPECT_EQ(Lex("\"table with spaces\" \"co\"\"or\" \"select\" \"\""),
            "Q:table with spaces Q:co\"or Q:select Q:");
  EXPECT_EQ(Lex("a-b-c - d"), "I:a-b-c P:- I:d");
}

TEST(LexerTest, Strings) {
  EXPECT_EQ(Lex("'abc' 'it''s' '' ''''"), "S:abc S:it's S: S:'");
  EXPECT_EQ(Lex("'caf\xc3\xa9'"), "S:caf\xc3\xa9");  // any Unicode inside strings
  EXPECT_EQ(Lex("'a\"b'"), "S:a\"b");
  EXPECT_EQ(Lex("'a -- b' '/* c */'"), "S:a -- b S:/* c */");
}

TEST(LexerTest, Hex) {
  EXPECT_EQ(Lex("0x414243"), "X:ABC");
  EXPECT_EQ(Lex("0x"), "X:");
  EXPECT_EQ(Lex("0x4a4B"), "X:JK");
  EXPECT_EQ(Lex("0x0DDBEEF"), "ERROR Hex strings must have an even number of characters.");
  EXPECT_EQ(Lex("0xabc"), "ERROR Hex strings must have an even number of characters.");
  EXPECT_EQ(Lex("0xZZ"), "ERROR Unexpected token '0xZZ'.");
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Lex("5 -3 007"), "N:5 N:-3 N:7");
  EXPECT_EQ(Lex("5-3"), "N:5 N:-3");
  EXPECT_EQ(Lex("5 - 3"), "N:5 P:- N:3");
  EXPECT_EQ(Lex("1.5 .5 -.5 -3.3e-3 44e4 1.123e-2 1E+2 1.5E2"),
            "F:1.5 F:0.5 F:-0.5 F:-0.0033 F:440000.0 F:0.01123 F:100.0 F:150.0");
  EXPECT_EQ(Lex("10s 15 m"), "N:10 I:s N:15 I:m");
  EXPECT_EQ(Lex("1e"), "N:1 I:e");
  EXPECT_EQ(Lex("1.5e"), "F:1.5 I:e");
  EXPECT_EQ(Lex("9223372036854775807 -9223372036854775808"),
            "N:9223372036854775807 N:-9223372036854775808");
  EXPECT_EQ(Lex("9223372036854775808"),
            "ERROR Integer literal out of range: 9223372036854775808");
  EXPECT_EQ(Lex("1e999"), "ERROR Float literal out of range: 1e999");
  EXPECT_EQ(Lex("5."), "ERROR Unexpected token '.'.");
}

TEST(LexerTest, Operators) {
  EXPECT_EQ(Lex("= != > < >= <= + - * / ( ) , ;"),
            "P:= P:!= P:> P:< P:>= P:<= P:+ P:- P:* P:/ P:( P:) P:, P:;");
  EXPECT_EQ(Lex("<> =~ !~"), "P:<> P:=~ P:!~");
  EXPECT_EQ(Lex("a<=b"), "I:a P:<= I:b");
  EXPECT_EQ(Lex("a/b"), "I:a P:/ I:b");
  EXPECT_EQ(Lex("/ab/i /a.b*/"), "R:/ab/i R:/a.b*/");
  EXPECT_EQ(Lex("a / 2 / 3"), "I:a P:/ N:2 P:/ N:3");
}

TEST(LexerTest, CommentsAndWhitespace) {
  EXPECT_EQ(Lex("a -- comment\nb"), "I:a I:b");
  EXPECT_EQ(Lex("a --"), "I:a");
  EXPECT_EQ(Lex("a /* x */ b /* y * / */ c"), "I:a I:b I:c");
  EXPECT_EQ(Lex("a /* x */ */"), "I:a P:* P:/");
  EXPECT_EQ(Lex("a /* unterminated"), "I:a P:/ P:* I:unterminated");
  EXPECT_EQ(Lex(std::string("a\t\r\n\x01\x1f b", 9)), "I:a I:b");
  EXPECT_EQ(Lex(std::string("a\0b", 3)), "I:a I:b");
  EXPECT_EQ(Lex(""), "");
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(Lex("a ? b"), "ERROR Unexpected token '?'.");
  EXPECT_EQ(Lex("OHNOES A DANGLING QUOTE ' "), "ERROR Unexpected token '''.");
  EXPECT_EQ(Lex("'abc\ndef'"), "ERROR Unexpected token '''.");
  EXPECT_EQ(Lex("\"abc"), "ERROR Unexpected token '\"'.");
  EXPECT_EQ(Lex("!"), "ERROR Unexpected token '!'.");
  EXPECT_EQ(Lex("a . b"), "ERROR Unexpected token '.'.");
  EXPECT_EQ(Lex("a # b"), "ERROR Unexpected token '#'.");
  EXPECT_EQ(Lex("caf\xc3\xa9"), "ERROR unicode_in_identifier");
  EXPECT_EQ(Lex("\xc3\xa9"), "ERROR unicode_in_identifier");
  EXPECT_EQ(Lex("\"caf\xc3\xa9\""), "ERROR unicode_in_quotes");
}

// Lexer errors surface through Parse with code 1020 and win over parse errors.
TEST(LexerTest, ErrorsThroughParse) {
  EXPECT_EQ(ParseErr("select * from t where a = ?"), "Unexpected token '?'.");
  EXPECT_EQ(ParseErr("OHNOES A DANGLING QUOTE ' "), "Unexpected token '''.");
  EXPECT_EQ(ParseErr("select * from t where a = 0x0DDBEEF"),
            "Hex strings must have an even number of characters.");
  EXPECT_EQ(ParseErr("select caf\xc3\xa9 from t"), "unicode_in_identifier");
  EXPECT_EQ(ParseErr("select * from \"caf\xc3\xa9\""), "unicode_in_quotes");
  Result<Statement> r = Parse("select ? from t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().riak_code(), 1020);
}

TEST(LexerTest, TokenDetails) {
  Result<std::vector<Token>> r = Tokenize("  select\n'x'");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].offset, 2u);
  EXPECT_TRUE((*r)[0].Is(Keyword::kSelect));
  EXPECT_EQ((*r)[1].offset, 9u);
  EXPECT_EQ((*r)[2].kind, TokenKind::kEnd);
  EXPECT_EQ((*r)[2].offset, 12u);
}

}  // namespace
}  // namespace quanta::sql
