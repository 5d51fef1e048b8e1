// Cell rendering; see cell_format.h for the rules.
#include "cell_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace quanta::shell {
namespace {

// Days since 1970-01-01 -> proleptic Gregorian civil date (valid for the whole int64 ms range
// divided into days).
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::string FormatTimestamp(int64_t ms) {
  const int64_t days = FloorDiv(ms, 86400000);
  const int64_t ms_of_day = ms - days * 86400000;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  const unsigned hour = static_cast<unsigned>(ms_of_day / 3600000);
  const unsigned minute = static_cast<unsigned>(ms_of_day / 60000 % 60);
  const unsigned second = static_cast<unsigned>(ms_of_day / 1000 % 60);
  const unsigned millis = static_cast<unsigned>(ms_of_day % 1000);

  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%s%04lld-%02u-%02uT%02u:%02u:%02u", year < 0 ? "-" : "",
                        static_cast<long long>(year < 0 ? -year : year), month, day, hour, minute,
                        second);
  std::string out(buf, static_cast<size_t>(n));
  if (millis != 0) {
    std::string f = std::to_string(1000 + millis);  // "1001".."1999": keeps leading zeros
    f[0] = '.';
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

std::string FormatShellDouble(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, end);
  // to_chars gives the shortest round-trip text, choosing between fixed and scientific
  // notation; rewrite its scientific form the way Erlang prints floats (1e+21 -> 1.0e21).
  size_t e = s.find('e');
  std::string mantissa = e == std::string::npos ? s : s.substr(0, e);
  std::string exponent;
  if (e != std::string::npos) {
    exponent = s.substr(e + 1);
    bool negative = !exponent.empty() && exponent[0] == '-';
    size_t start = (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) ? 1 : 0;
    while (start + 1 < exponent.size() && exponent[start] == '0') ++start;
    exponent = (negative ? "-" : "") + exponent.substr(start);
  }
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  return exponent.empty() ? mantissa : mantissa + "e" + exponent;
}

std::string FormatBlob(std::string_view bytes, bool truncate) {
  std::string out = "0x" + HexEncode(bytes);
  if (truncate && out.size() > kBlobDisplayChars) {
    out.resize(kBlobDisplayChars);
    out += "...";
  }
  return out;
}

std::string FormatCell(const Value& v, ColumnType type) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "";
    case Value::Kind::kInt:
      if (type == ColumnType::kTimestamp) return FormatTimestamp(v.as_int());
      return std::to_string(v.as_int());
    case Value::Kind::kDouble:
      return FormatShellDouble(v.as_double());
    case Value::Kind::kBytes:
      if (type == ColumnType::kBlob) return FormatBlob(v.as_bytes());
      return v.as_bytes();
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
  }
  return "";
}

}  // namespace quanta::shell
