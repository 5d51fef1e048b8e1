#include "common/iso8601.h"

#include <string>

namespace quanta {
namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's civil-days algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Precision of the least-significant field written.
enum class Precision { kYear, kMonth, kDay, kHour, kMinute, kSecond };

struct Parsed {
  int64_t year = 0;
  int month = 1;
  int day = 1;
  int ordinal = -1;  // day of year when written as an ordinal date, else -1
  int hour = 0, minute = 0, second = 0;
  int64_t fraction_ms = 0;  // the fraction, already scaled to ms of its field
  bool has_fraction = false;
  bool has_tz = false;
  int tz_minutes = 0;
  Precision precision = Precision::kYear;
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool AtEnd() const { return p_ >= s_.size(); }
  char Peek() const { return p_ < s_.size() ? s_[p_] : '\0'; }
  size_t pos() const { return p_; }
  void Skip() { ++p_; }
  size_t DigitRun() const {
    size_t n = 0;
    while (p_ + n < s_.size() && IsDigit(s_[p_ + n])) ++n;
    return n;
  }
  int64_t Number(size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (s_[p_ + i] - '0');
    p_ += n;
    return v;
  }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++p_;
    return true;
  }
  std::string_view Rest() const { return s_.substr(p_); }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

// date ::= YYYY | YYYY-MM | YYYY-MM-DD | YYYYMMDD | YYYY-DDD | YYYYDDD   (week dates rejected)
bool ParseDate(Scanner& sc, Parsed& out) {
  size_t run = sc.DigitRun();
  if (run == 4) {
    out.year = sc.Number(4);
    out.precision = Precision::kYear;
    if (!sc.Accept('-')) return true;
    size_t n = sc.DigitRun();
    if (n == 3) {
      out.ordinal = static_cast<int>(sc.Number(3));
      out.precision = Precision::kDay;
      return true;
    }
    if (n != 2) return false;
    out.month = static_cast<int>(sc.Number(2));
    out.precision = Precision::kMonth;
    if (!sc.Accept('-')) return true;
    if (sc.DigitRun() != 2) return false;
    out.day = static_cast<int>(sc.Number(2));
    out.precision = Precision::kDay;
    return true;
  }
  if (run == 8) {
    out.year = sc.Number(4);
    out.month = static_cast<int>(sc.Number(2));
    out.day = static_cast<int>(sc.Number(2));
    out.precision = Precision::kDay;
    return true;
  }
  if (run == 7) {
    out.year = sc.Number(4);
    out.ordinal = static_cast<int>(sc.Number(3));
    out.precision = Precision::kDay;
    return true;
  }
  return false;  // includes YYYYMM (6 digits)
}

// Scales the fraction digits at the scanner to milliseconds of a field of `unit_ms`, rounding.
bool ParseFraction(Scanner& sc, int64_t unit_ms, Parsed& out) {
  if (!sc.Accept('.') && !sc.Accept(',')) return true;
  size_t n = sc.DigitRun();
  if (n == 0) return false;
  // 12 significant digits are plenty for millisecond resolution and keep the product in range.
  size_t used = n < 12 ? n : 12;
  int64_t num = sc.Number(used);
  sc.Number(n - used);
  int64_t den = 1;
  for (size_t i = 0; i < used; ++i) den *= 10;
  out.fraction_ms = (num * unit_ms * 2 + den) / (2 * den);
  out.has_fraction = true;
  return true;
}

// tz ::= Z | (+|-) hh [ [:] mm ]
bool ParseZone(Scanner& sc, Parsed& out) {
  // Upper case only: Riak refuses 'z' and 't' (Invalid date/time string).
  if (sc.Accept('Z')) {
    out.has_tz = true;
    out.tz_minutes = 0;
    return true;
  }
  int sign = 0;
  if (sc.Accept('+')) {
    sign = 1;
  } else if (sc.Accept('-')) {
    sign = -1;
  } else {
    return true;
  }
  if (sc.DigitRun() < 2) return false;
  int64_t hh = sc.Number(2);
  int64_t mm = 0;
  if (sc.Accept(':')) {
    if (sc.DigitRun() != 2) return false;
    mm = sc.Number(2);
  } else if (sc.DigitRun() == 2) {
    mm = sc.Number(2);
  } else if (sc.DigitRun() != 0) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  out.has_tz = true;
  out.tz_minutes = static_cast<int>(sign * (hh * 60 + mm));
  return true;
}

// time ::= hh [ [:]mm [ [:]ss ] ] [ (.|,) fraction ] [ tz ]   (separators used consistently)
bool ParseTime(Scanner& sc, Parsed& out) {
  size_t run = sc.DigitRun();
  if (run == 2) {
    out.hour = static_cast<int>(sc.Number(2));
    out.precision = Precision::kHour;
    if (sc.Accept(':')) {
      if (sc.DigitRun() != 2) return false;
      out.minute = static_cast<int>(sc.Number(2));
      out.precision = Precision::kMinute;
      if (sc.Accept(':')) {
        if (sc.DigitRun() != 2) return false;
        out.second = static_cast<int>(sc.Number(2));
        out.precision = Precision::kSecond;
      }
    }
  } else if (run == 4 || run == 6) {
    out.hour = static_cast<int>(sc.Number(2));
    out.minute = static_cast<int>(sc.Number(2));
    out.precision = Precision::kMinute;
    if (run == 6) {
      out.second = static_cast<int>(sc.Number(2));
      out.precision = Precision::kSecond;
    }
  } else {
    return false;
  }
  int64_t unit = out.precision == Precision::kHour     ? kHourMs
                 : out.precision == Precision::kMinute ? kMinuteMs
                                                       : kSecondMs;
  if (!ParseFraction(sc, unit, out)) return false;
  if (!ParseZone(sc, out)) return false;
  if (!sc.AtEnd()) return false;
  if (out.hour > 24 || out.minute > 59 || out.second > 60) return false;
  if (out.hour == 24 && (out.minute != 0 || out.second != 0 || out.fraction_ms != 0)) return false;
  return true;
}

bool ParseDateTime(std::string_view text, Parsed& out) {
  Scanner sc(text);
  if (!ParseDate(sc, out)) return false;
  if (out.month < 1 || out.month > 12) return false;
  if (out.ordinal >= 0) {
    if (out.ordinal < 1 || out.ordinal > (IsLeap(out.year) ? 366 : 365)) return false;
  } else if (out.day < 1 || out.day > DaysInMonth(out.year, out.month)) {
    return false;
  }
  if (sc.AtEnd()) return true;
  char sep = sc.Peek();
  if (sep != 'T' && sep != ' ') return false;
  if (out.precision != Precision::kDay) return false;  // a time needs a full date
  sc.Skip();
  return ParseTime(sc, out);
}

// A time without a date: "10:00", "T10", "T1000Z". Bare digit strings are not taken for times.
bool LooksLikeTimeOnly(std::string_view text) {
  if (!text.empty() && text[0] == 'T') {
    text.remove_prefix(1);
  } else if (text.find(':') == std::string_view::npos) {
    return false;
  }
  Scanner sc(text);
  Parsed ignored;
  return ParseTime(sc, ignored);
}

}  // namespace

Result<Iso8601Time> ParseIso8601(std::string_view text, int default_tz_offset_minutes) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);

  Parsed p;
  if (!ParseDateTime(text, p)) {
    if (LooksLikeTimeOnly(text)) return ParseError("missing_date");
    return ParseError("Invalid date/time string");
  }

  int64_t days = p.ordinal >= 0 ? DaysFromCivil(p.year, 1, 1) + p.ordinal - 1
                                : DaysFromCivil(p.year, p.month, p.day);
  int64_t local = days * kDayMs + p.hour * kHourMs + p.minute * kMinuteMs +
                  p.second * kSecondMs + p.fraction_ms;
  int64_t upper = local;
  switch (p.precision) {
    case Precision::kYear:
      upper = DaysFromCivil(p.year + 1, 1, 1) * kDayMs - 1;
      break;
    case Precision::kMonth:
      upper = (p.month == 12 ? DaysFromCivil(p.year + 1, 1, 1)
                             : DaysFromCivil(p.year, p.month + 1, 1)) * kDayMs - 1;
      break;
    case Precision::kDay: upper = local + kDayMs - 1; break;
    case Precision::kHour: upper = local + kHourMs - 1; break;
    case Precision::kMinute: upper = local + kMinuteMs - 1; break;
    case Precision::kSecond: break;
  }
  int64_t offset_ms =
      static_cast<int64_t>(p.has_tz ? p.tz_minutes : default_tz_offset_minutes) * kMinuteMs;

  Iso8601Time t;
  t.ms = local - offset_ms;
  t.incomplete = p.precision != Precision::kSecond && !p.has_fraction;
  t.ms_upper = t.incomplete ? upper - offset_ms : t.ms;
  return t;
}

}  // namespace quanta
