#include "ingest/line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace quanta::ingest {
namespace {

bool IsNameByteOk(unsigned char c) { return c >= 0x20 && c < 0x7F; }

// The cursor over one line. `end` is the first byte after the body; a line ends at an
// unquoted '\n'.
class LineParser {
 public:
  LineParser(std::string_view body, size_t pos) : in_(body), p_(pos) {}

  size_t pos() const { return p_; }

  // Parses one point starting at p_ (the start of a non-blank, non-comment line).
  // On failure returns the message; p_ is wherever parsing stopped.
  std::optional<std::string> Parse(Point* point) {
    *point = Point{};
    const size_t start = p_;
    if (auto e = ReadName(&point->measurement, /*is_measurement=*/true)) return e;
    if (point->measurement.empty()) return std::string("missing measurement");
    // Tags.
    while (At(p_) == ',') {
      ++p_;
      std::string key, value;
      if (auto e = ReadName(&key, false)) return e;
      if (key.empty()) return std::string("missing tag key");
      if (At(p_) != '=') return "missing tag value for tag key \"" + key + "\"";
      ++p_;
      if (auto e = ReadName(&value, false)) return e;
      if (value.empty()) return "missing tag value for tag key \"" + key + "\"";
      if (!IsValidUtf8(value)) return "tag value for tag key \"" + key + "\" is not valid UTF-8";
      point->tags.emplace_back(std::move(key), std::move(value));
    }
    if (At(p_) != ' ') {
      return EndOfLine() ? std::string("missing fields") : Unexpected("after the tag set");
    }
    SkipSpaces();
    if (EndOfLine()) return std::string("missing fields");
    // Fields.
    while (true) {
      Field field;
      if (auto e = ReadName(&field.key, false)) return e;
      if (field.key.empty()) return std::string("missing field key");
      if (At(p_) != '=') return "missing field value for field key \"" + field.key + "\"";
      ++p_;
      if (auto e = ReadFieldValue(&field)) return e;
      point->fields.push_back(std::move(field));
      if (At(p_) == ',') {
        ++p_;
        continue;
      }
      break;
    }
    if (At(p_) == ' ') {
      SkipSpaces();
      if (!EndOfLine()) {
        if (auto e = ReadTimestamp(&point->timestamp)) return e;
        SkipSpaces();
      }
    }
    if (!EndOfLine()) return Unexpected("at the end of the line");
    if (p_ - start > kMaxLineBytes) return std::string("line longer than 1 MiB");
    return Validate(point);
  }

 private:
  char At(size_t i) const { return i < in_.size() ? in_[i] : '\n'; }
  bool EndOfLine() const {
    if (p_ >= in_.size() || in_[p_] == '\n') return true;
    return in_[p_] == '\r' && (p_ + 1 >= in_.size() || in_[p_ + 1] == '\n');
  }
  void SkipSpaces() {
    while (p_ < in_.size() && in_[p_] == ' ') ++p_;
  }
  std::string Unexpected(std::string_view where) const {
    unsigned char c = static_cast<unsigned char>(At(p_));
    std::string shown = IsNameByteOk(c) ? std::string(1, static_cast<char>(c))
                                        : "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                                              "0123456789abcdef"[c & 15];
    return "unexpected '" + shown + "' " + std::string(where);
  }

  // A measurement, tag key, tag value or field key: up to an unescaped ',' or ' ' (and '=' for
  // keys and tag values). Escapes: "\," "\ " and, except in a measurement, "\="; any other
  // backslash is kept ("\\" as two, escaping nothing).
  std::optional<std::string> ReadName(std::string* out, bool is_measurement) {
    while (p_ < in_.size()) {
      char c = in_[p_];
      if (c == '\n' || c == ',' || c == ' ') break;
      if (c == '=' && !is_measurement) break;
      if (c == '\r' && EndOfLine()) break;
      if (c == '\\' && p_ + 1 < in_.size()) {
        char n = in_[p_ + 1];
        if (n == ',' || n == ' ' || (n == '=' && !is_measurement)) {
          out->push_back(n);
          p_ += 2;
          continue;
        }
        if (n == '\\') {  // kept as it is, but it does not escape what follows (as InfluxDB)
          out->append(2, '\\');
          p_ += 2;
          continue;
        }
      }
      out->push_back(c);
      ++p_;
      if (out->size() > kMaxStringFieldBytes) return std::string("name or tag value too long");
    }
    return std::nullopt;
  }

  std::optional<std::string> ReadFieldValue(Field* field) {
    if (At(p_) == '"') {
      ++p_;
      field->type = FieldType::kString;
      while (true) {
        if (p_ >= in_.size()) return std::string("unterminated string field value");
        char c = in_[p_];
        if (c == '"') {
          ++p_;
          break;
        }
        if (c == '\\' && p_ + 1 < in_.size() && (in_[p_ + 1] == '"' || in_[p_ + 1] == '\\')) {
          field->s.push_back(in_[p_ + 1]);
          p_ += 2;
        } else {
          field->s.push_back(c);
          ++p_;
        }
        if (field->s.size() > kMaxStringFieldBytes) {
          return "string field value for field key \"" + field->key + "\" longer than 64 KiB";
        }
      }
      if (!IsValidUtf8(field->s)) {
        return "string field value for field key \"" + field->key + "\" is not valid UTF-8";
      }
      return std::nullopt;
    }
    size_t start = p_;
    while (p_ < in_.size() && in_[p_] != ',' && in_[p_] != ' ' && !EndOfLine()) ++p_;
    std::string_view text = in_.substr(start, p_ - start);
    auto bad = [&]() {
      return "invalid field value \"" + std::string(text.substr(0, 64)) + "\" for field key \"" +
             field->key + "\"";
    };
    if (text.empty()) return "missing field value for field key \"" + field->key + "\"";
    if (text == "t" || text == "T" || text == "true" || text == "True" || text == "TRUE") {
      field->type = FieldType::kBoolean;
      field->b = true;
      return std::nullopt;
    }
    if (text == "f" || text == "F" || text == "false" || text == "False" || text == "FALSE") {
      field->type = FieldType::kBoolean;
      field->b = false;
      return std::nullopt;
    }
    char last = text.back();
    if (last == 'i' || last == 'u') {
      std::string_view digits = text.substr(0, text.size() - 1);
      bool negative = !digits.empty() && digits.front() == '-';
      std::string_view unsigned_digits = negative ? digits.substr(1) : digits;
      if (unsigned_digits.empty() ||
          !std::all_of(unsigned_digits.begin(), unsigned_digits.end(),
                       [](char c) { return c >= '0' && c <= '9'; })) {
        return bad();
      }
      if (last == 'i') {
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), field->i);
        if (ec != std::errc() || ptr != digits.data() + digits.size()) {
          return "integer field value for field key \"" + field->key + "\" out of range";
        }
        field->type = FieldType::kInteger;
        return std::nullopt;
      }
      if (negative) return bad();
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), field->u);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        return "unsigned field value for field key \"" + field->key + "\" out of range";
      }
      field->type = FieldType::kUnsigned;
      return std::nullopt;
    }
    // A float: [-]digits[.digits][(e|E)[+|-]digits] or [-].digits...; no NaN or infinity.
    size_t i = 0;
    if (text[i] == '-') ++i;
    size_t mantissa_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++mantissa_digits;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++mantissa_digits;
    }
    if (mantissa_digits == 0) return bad();
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
      size_t exp_digits = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++exp_digits;
      if (exp_digits == 0) return bad();
    }
    if (i != text.size()) return bad();
    double d = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(d)) {
      return "float field value for field key \"" + field->key + "\" out of range";
    }
    field->type = FieldType::kFloat;
    field->f = d;
    return std::nullopt;
  }

  std::optional<std::string> ReadTimestamp(std::optional<int64_t>* out) {
    size_t start = p_;
    while (p_ < in_.size() && in_[p_] != ' ' && !EndOfLine()) ++p_;
    std::string_view text = in_.substr(start, p_ - start);
    int64_t ts = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ts);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      return "invalid timestamp \"" + std::string(text.substr(0, 64)) + "\"";
    }
    *out = ts;
    return std::nullopt;
  }

  static std::optional<std::string> CheckName(std::string_view kind, const std::string& name) {
    for (unsigned char c : name) {
      if (!IsNameByteOk(c)) {
        return std::string(kind) + " \"" + name +
               "\" has a character that is not printable ASCII (names are SQL identifiers)";
      }
    }
    return std::nullopt;
  }

  static std::optional<std::string> Validate(Point* point) {
    if (auto e = CheckName("measurement", point->measurement)) return e;
    std::sort(point->tags.begin(), point->tags.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < point->tags.size(); ++i) {
      const std::string& key = point->tags[i].first;
      if (auto e = CheckName("tag key", key)) return e;
      if (i > 0 && point->tags[i - 1].first == key) return "duplicate tag key \"" + key + "\"";
      if (key == "time") return std::string("invalid tag key \"time\"");
    }
    std::vector<std::string_view> keys;
    keys.reserve(point->fields.size());
    for (const Field& field : point->fields) {
      if (auto e = CheckName("field key", field.key)) return e;
      if (field.key == "time") return std::string("invalid field key \"time\"");
      keys.push_back(field.key);
    }
    std::sort(keys.begin(), keys.end());
    for (size_t i = 1; i < keys.size(); ++i) {
      if (keys[i - 1] == keys[i]) return "duplicate field key \"" + std::string(keys[i]) + "\"";
    }
    for (const auto& [key, value] : point->tags) {
      if (std::binary_search(keys.begin(), keys.end(), std::string_view(key))) {
        return "key \"" + key + "\" is both a tag and a field";
      }
    }
    return std::nullopt;
  }

  std::string_view in_;
  size_t p_;
};

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kFloat: return "float";
    case FieldType::kInteger: return "integer";
    case FieldType::kUnsigned: return "unsigned";
    case FieldType::kString: return "string";
    case FieldType::kBoolean: return "boolean";
  }
  return "?";
}

int64_t Point::MemoryBytes() const {
  int64_t bytes = static_cast<int64_t>(sizeof(Point) + measurement.capacity());
  for (const auto& [k, v] : tags) {
    bytes += static_cast<int64_t>(sizeof(tags[0]) + k.capacity() + v.capacity());
  }
  for (const Field& f : fields) {
    bytes += static_cast<int64_t>(sizeof(Field) + f.key.capacity() + f.s.capacity());
  }
  return bytes;
}

bool NextPoint(std::string_view body, size_t* pos, size_t* line_no, Point* point,
               std::optional<LineError>* error) {
  size_t& p = *pos;
  while (p < body.size()) {
    // Skip blank lines and comments.
    size_t q = p;
    while (q < body.size() && (body[q] == ' ' || body[q] == '\t' || body[q] == '\r')) ++q;
    if (q >= body.size()) {
      p = q;
      break;
    }
    if (body[q] == '\n' || body[q] == '#') {
      size_t nl = body.find('\n', q);
      p = nl == std::string_view::npos ? body.size() : nl + 1;
      ++*line_no;
      continue;
    }
    const size_t this_line = *line_no + 1;
    LineParser parser(body, q);
    auto problem = parser.Parse(point);
    size_t stop = parser.pos();
    // A string field may have spanned newlines: count them.
    *line_no += static_cast<size_t>(std::count(body.begin() + static_cast<ptrdiff_t>(p),
                                               body.begin() + static_cast<ptrdiff_t>(stop), '\n'));
    if (problem) {
      // Skip what is left of the line.
      size_t nl = body.find('\n', stop);
      p = nl == std::string_view::npos ? body.size() : nl + 1;
      if (nl != std::string_view::npos) ++*line_no;
      *error = LineError{this_line, std::move(*problem)};
      return false;
    }
    point->line = this_line;
    if (stop < body.size() && body[stop] == '\r') ++stop;
    if (stop < body.size()) {
      ++stop;  // the newline
      ++*line_no;
    }
    p = stop;
    return true;
  }
  return false;
}

std::optional<Precision> ParsePrecision(std::string_view text) {
  if (text.empty() || text == "n" || text == "ns") return Precision::kNanoseconds;
  if (text == "u" || text == "us" || text == "\xC2\xB5" || text == "\xC2\xB5s") {
    return Precision::kMicroseconds;
  }
  if (text == "ms") return Precision::kMilliseconds;
  if (text == "s") return Precision::kSeconds;
  if (text == "m") return Precision::kMinutes;
  if (text == "h") return Precision::kHours;
  return std::nullopt;
}

std::optional<int64_t> ToMillis(int64_t ts, Precision precision) {
  auto floor_div = [](int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
  };
  auto multiply = [](int64_t a, int64_t b) -> std::optional<int64_t> {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
  };
  switch (precision) {
    case Precision::kNanoseconds: return floor_div(ts, 1000000);
    case Precision::kMicroseconds: return floor_div(ts, 1000);
    case Precision::kMilliseconds: return ts;
    case Precision::kSeconds: return multiply(ts, 1000);
    case Precision::kMinutes: return multiply(ts, 60000);
    case Precision::kHours: return multiply(ts, 3600000);
  }
  return std::nullopt;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace quanta::ingest
