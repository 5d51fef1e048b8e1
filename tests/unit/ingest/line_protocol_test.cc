// Golden lines: each input is parsed and rendered as
//   measurement|tag=value,...|field:type=value,...|timestamp
// or as "error: <message>" for an invalid line.
#include "ingest/line_protocol.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace quanta::ingest {
namespace {

std::string Render(const Point& p) {
  std::string out = p.measurement + "|";
  for (size_t i = 0; i < p.tags.size(); ++i) {
    out += (i ? "," : "") + p.tags[i].first + "=" + p.tags[i].second;
  }
  out += "|";
  for (size_t i = 0; i < p.fields.size(); ++i) {
    const Field& f = p.fields[i];
    out += (i ? "," : "") + f.key + ":" + std::string(FieldTypeName(f.type)) + "=";
    char buf[64];
    switch (f.type) {
      case FieldType::kFloat:
        std::snprintf(buf, sizeof buf, "%.17g", f.f);
        out += buf;
        break;
      case FieldType::kInteger: out += std::to_string(f.i); break;
      case FieldType::kUnsigned: out += std::to_string(f.u); break;
      case FieldType::kString: out += "\"" + f.s + "\""; break;
      case FieldType::kBoolean: out += f.b ? "true" : "false"; break;
    }
  }
  out += "|";
  if (p.timestamp) out += std::to_string(*p.timestamp);
  return out;
}

// All points and errors of a body, one rendering per entry.
std::vector<std::string> ParseAll(std::string_view body) {
  std::vector<std::string> out;
  size_t pos = 0, line = 0;
  Point p;
  std::optional<LineError> error;
  for (int guard = 0; guard < 1000; ++guard) {
    bool got = NextPoint(body, &pos, &line, &p, &error);
    if (error) {
      out.push_back("error@" + std::to_string(error->line) + ": " + error->message);
      error.reset();
      continue;
    }
    if (!got) break;
    out.push_back(Render(p));
  }
  return out;
}

std::string One(std::string_view line) {
  auto all = ParseAll(line);
  if (all.size() != 1) return "(" + std::to_string(all.size()) + " results)";
  std::string s = all[0];
  if (s.rfind("error@1: ", 0) == 0) return "error: " + s.substr(9);
  return s;
}

struct Golden {
  const char* line;
  const char* expected;
};

const Golden kGolden[] = {
    // Basics.
    {"cpu value=1", "cpu||value:float=1|"},
    {"cpu value=1 1700000000000000000", "cpu||value:float=1|1700000000000000000"},
    {"cpu,host=a value=1.5 123", "cpu|host=a|value:float=1.5|123"},
    {"cpu,z=1,a=2 v=1", "cpu|a=2,z=1|v:float=1|"},  // tags sorted
    {"cpu v=1,w=2,a=3", "cpu||v:float=1,w:float=2,a:float=3|"},  // fields in line order
    {"cpu v=-1.5e3", "cpu||v:float=-1500|"},
    {"cpu v=.5", "cpu||v:float=0.5|"},
    {"cpu v=1.", "cpu||v:float=1|"},
    {"cpu v=1E+2", "cpu||v:float=100|"},
    {"cpu v=-0", "cpu||v:float=-0|"},
    // Integers and unsigned.
    {"cpu v=42i", "cpu||v:integer=42|"},
    {"cpu v=-42i", "cpu||v:integer=-42|"},
    {"cpu v=9223372036854775807i", "cpu||v:integer=9223372036854775807|"},
    {"cpu v=-9223372036854775808i", "cpu||v:integer=-9223372036854775808|"},
    {"cpu v=9223372036854775808i", "error: integer field value for field key \"v\" out of range"},
    {"cpu v=18446744073709551615u", "cpu||v:unsigned=18446744073709551615|"},
    {"cpu v=18446744073709551616u", "error: unsigned field value for field key \"v\" out of range"},
    {"cpu v=-1u", "error: invalid field value \"-1u\" for field key \"v\""},
    {"cpu v=1.5i", "error: invalid field value \"1.5i\" for field key \"v\""},
    {"cpu v=i", "error: invalid field value \"i\" for field key \"v\""},
    // Booleans.
    {"cpu a=t,b=T,c=true,d=True,e=TRUE", "cpu||a:boolean=true,b:boolean=true,c:boolean=true,d:boolean=true,e:boolean=true|"},
    {"cpu a=f,b=F,c=false,d=False,e=FALSE", "cpu||a:boolean=false,b:boolean=false,c:boolean=false,d:boolean=false,e:boolean=false|"},
    {"cpu a=tRUE", "error: invalid field value \"tRUE\" for field key \"a\""},
    // Strings.
    {"cpu s=\"hello world\"", "cpu||s:string=\"hello world\"|"},
    {"cpu s=\"a,b=c d\"", "cpu||s:string=\"a,b=c d\"|"},
    {"cpu s=\"say \\\"hi\\\"\"", "cpu||s:string=\"say \"hi\"\"|"},
    {"cpu s=\"back\\\\slash\"", "cpu||s:string=\"back\\slash\"|"},
    {"cpu s=\"keep\\n\"", "cpu||s:string=\"keep\\n\"|"},
    {"cpu s=\"\"", "cpu||s:string=\"\"|"},
    {"cpu s=\"unterminated", "error: unterminated string field value"},
    {"cpu s=\"\xff\"", "error: string field value for field key \"s\" is not valid UTF-8"},
    {"cpu s=\"caf\xc3\xa9\"", "cpu||s:string=\"caf\xc3\xa9\"|"},
    // Escapes.
    {"c\\,p\\ u v=1", "c,p u||v:float=1|"},
    {"cpu=x v=1", "cpu=x||v:float=1|"},  // '=' needs no escape in a measurement
    {"cpu,ho\\ st=a\\,b\\=c v=1", "cpu|ho st=a,b=c|v:float=1|"},
    {"cpu f\\=x\\ y=1", "cpu||f=x y:float=1|"},
    {"cpu,t=a\\b v=1", "cpu|t=a\\b|v:float=1|"},  // other backslashes kept
    {"cpu,t=a\\\\ v=1", "cpu|t=a\\\\|v:float=1|"},
    // Whitespace and line ends.
    {"cpu v=1  123", "cpu||v:float=1|123"},
    {"cpu v=1 123 ", "cpu||v:float=1|123"},
    {"cpu v=1\r", "cpu||v:float=1|"},
    {"cpu   v=1", "cpu||v:float=1|"},
    // Timestamps.
    {"cpu v=1 -5", "cpu||v:float=1|-5"},
    {"cpu v=1 12a", "error: invalid timestamp \"12a\""},
    {"cpu v=1 9223372036854775808", "error: invalid timestamp \"9223372036854775808\""},
    {"cpu v=1 1 2", "error: unexpected '2' at the end of the line"},
    // Structure errors.
    {"cpu", "error: missing fields"},
    {"cpu ", "error: missing fields"},
    {"cpu,host=a", "error: missing fields"},
    {",host=a v=1", "error: missing measurement"},
    {"cpu,host v=1", "error: missing tag value for tag key \"host\""},
    {"cpu,host= v=1", "error: missing tag value for tag key \"host\""},
    {"cpu,=a v=1", "error: missing tag key"},
    {"cpu v", "error: missing field value for field key \"v\""},
    {"cpu v=", "error: missing field value for field key \"v\""},
    {"cpu =1", "error: missing field key"},
    {"cpu v=1,", "error: missing field key"},
    {"cpu v=abc", "error: invalid field value \"abc\" for field key \"v\""},
    {"cpu v=NaN", "error: invalid field value \"NaN\" for field key \"v\""},
    {"cpu v=Inf", "error: invalid field value \"Inf\" for field key \"v\""},
    {"cpu v=1e999", "error: float field value for field key \"v\" out of range"},
    {"cpu v=+1", "error: invalid field value \"+1\" for field key \"v\""},
    {"cpu v=1e", "error: invalid field value \"1e\" for field key \"v\""},
    {"cpu v=--1", "error: invalid field value \"--1\" for field key \"v\""},
    // Semantic errors.
    {"cpu time=1", "error: invalid field key \"time\""},
    {"cpu,time=a v=1", "error: invalid tag key \"time\""},
    {"cpu v=1,v=2", "error: duplicate field key \"v\""},
    {"cpu,a=1,a=2 v=1", "error: duplicate tag key \"a\""},
    {"cpu,v=1 v=1", "error: key \"v\" is both a tag and a field"},
    {"c\xc3\xa9 v=1", "error: measurement \"c\xc3\xa9\" has a character that is not printable ASCII (names are SQL identifiers)"},
    {"cpu,t=\xff v=1", "error: tag value for tag key \"t\" is not valid UTF-8"},
    {"cpu,t=caf\xc3\xa9 v=1", "cpu|t=caf\xc3\xa9|v:float=1|"},
};

TEST(LineProtocolGolden, Lines) {
  for (const Golden& g : kGolden) {
    EXPECT_EQ(One(g.line), g.expected) << "line: " << g.line;
  }
}

TEST(LineProtocol, BodyWithCommentsBlankLinesAndErrorsKeepsGoing) {
  const std::string body =
      "# a comment\n"
      "\n"
      "cpu v=1 1\n"
      "   \n"
      "cpu v=oops 2\n"
      "  # indented comment\n"
      "mem,h=x used=3i 3\r\n"
      "cpu s=\"multi\nline\" 4\n"
      "cpu v=5 5";
  auto all = ParseAll(body);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0], "cpu||v:float=1|1");
  EXPECT_EQ(all[1], "error@5: invalid field value \"oops\" for field key \"v\"");
  EXPECT_EQ(all[2], "mem|h=x|used:integer=3|3");
  EXPECT_EQ(all[3], "cpu||s:string=\"multi\nline\"|4");
  EXPECT_EQ(all[4], "cpu||v:float=5|5");
  // Line numbers continue after a string spanning two lines: the last point is line 10.
  size_t pos = 0, line = 0;
  Point p;
  std::optional<LineError> err;
  std::string last_line_error;
  const std::string with_bad_last = body + "\nbad";
  while (NextPoint(with_bad_last, &pos, &line, &p, &err) || err) {
    if (err) last_line_error = std::to_string(err->line) + ": " + err->message;
    err.reset();
  }
  EXPECT_EQ(last_line_error, "11: missing fields");
}

TEST(LineProtocol, ErrorSkipsOnlyItsLine) {
  auto all = ParseAll("cpu v=\"open\ncpu v=2 2\n");
  // The unterminated string swallows the rest of the body: one error, nothing else.
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], "error@1: unterminated string field value");
  all = ParseAll("a b c d\ncpu v=2 2\n");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], "cpu||v:float=2|2");
}

TEST(LineProtocol, EmptyBody) {
  EXPECT_TRUE(ParseAll("").empty());
  EXPECT_TRUE(ParseAll("\n\n# x\n").empty());
}

TEST(LineProtocol, LongStringIsRefused) {
  std::string line = "cpu s=\"" + std::string(kMaxStringFieldBytes + 1, 'x') + "\"";
  EXPECT_EQ(One(line), "error: string field value for field key \"s\" longer than 64 KiB");
  line = "cpu s=\"" + std::string(kMaxStringFieldBytes, 'x') + "\"";
  EXPECT_EQ(One(line).substr(0, 15), "cpu||s:string=\"");
}

TEST(LineProtocol, Precision) {
  EXPECT_EQ(ParsePrecision(""), Precision::kNanoseconds);
  EXPECT_EQ(ParsePrecision("ns"), Precision::kNanoseconds);
  EXPECT_EQ(ParsePrecision("n"), Precision::kNanoseconds);
  EXPECT_EQ(ParsePrecision("u"), Precision::kMicroseconds);
  EXPECT_EQ(ParsePrecision("us"), Precision::kMicroseconds);
  EXPECT_EQ(ParsePrecision("ms"), Precision::kMilliseconds);
  EXPECT_EQ(ParsePrecision("s"), Precision::kSeconds);
  EXPECT_EQ(ParsePrecision("m"), Precision::kMinutes);
  EXPECT_EQ(ParsePrecision("h"), Precision::kHours);
  EXPECT_EQ(ParsePrecision("x"), std::nullopt);
  EXPECT_EQ(ParsePrecision("NS"), std::nullopt);

  EXPECT_EQ(ToMillis(1700000000123456789, Precision::kNanoseconds), 1700000000123);
  EXPECT_EQ(ToMillis(1700000000123999, Precision::kMicroseconds), 1700000000123);
  EXPECT_EQ(ToMillis(1700000000123, Precision::kMilliseconds), 1700000000123);
  EXPECT_EQ(ToMillis(1700000000, Precision::kSeconds), 1700000000000);
  EXPECT_EQ(ToMillis(2, Precision::kMinutes), 120000);
  EXPECT_EQ(ToMillis(2, Precision::kHours), 7200000);
  EXPECT_EQ(ToMillis(-1, Precision::kNanoseconds), -1);  // rounded down
  EXPECT_EQ(ToMillis(999999, Precision::kNanoseconds), 0);
  EXPECT_EQ(ToMillis(INT64_MAX, Precision::kSeconds), std::nullopt);
  EXPECT_EQ(ToMillis(INT64_MIN, Precision::kHours), std::nullopt);
}

TEST(LineProtocol, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("abc\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace
}  // namespace quanta::ingest
