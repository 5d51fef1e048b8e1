#include "csv.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "common/iso8601.h"
#include "common/value.h"

namespace quanta::admin {

namespace {

Status Expected(const char* what, std::string_view text) {
  std::string shown(text.substr(0, 60));
  if (text.size() > 60) shown += "...";
  return Status(ErrorCode::kInvalidArgument, std::string("expected ") + what + ", got '" + shown + "'");
}

Result<int64_t> ParseInt(std::string_view text) {
  const std::string s(text);
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return Expected("an integer", text);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return Expected("an integer", text);
  return static_cast<int64_t>(v);
}

}  // namespace

void AppendCsvField(std::string_view text, bool force_quotes, std::string* out) {
  const bool quote = force_quotes || text.empty() ||
                     text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string FormatIsoMs(int64_t ms) {
  int64_t secs = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(frac));
  return buf;
}

std::optional<std::string> FormatCell(const Value& v, ColumnType type, bool iso) {
  if (v.is_null()) return std::nullopt;
  switch (type) {
    case ColumnType::kVarchar: return v.is_bytes() ? v.as_bytes() : v.DebugString();
    case ColumnType::kBlob: return "0x" + HexEncode(v.is_bytes() ? v.as_bytes() : "");
    case ColumnType::kSint64: return std::to_string(v.as_int());
    case ColumnType::kTimestamp: return iso ? FormatIsoMs(v.as_int()) : std::to_string(v.as_int());
    case ColumnType::kDouble: return FormatDouble(v.as_double());
    case ColumnType::kBoolean: return std::string(v.as_bool() ? "true" : "false");
  }
  return std::nullopt;
}

Result<bool> CsvReader::Next(std::vector<CsvField>* fields) {
  fields->clear();
  if (in_.peek() == std::char_traits<char>::eof()) return false;
  record_line_ = line_;
  size_t bytes = 0;
  CsvField field;
  bool in_quotes = false;
  bool after_quote = false;  // a quoted field's closing quote was read
  auto too_long = [&] {
    return Status(ErrorCode::kInvalidArgument,
                  "line " + std::to_string(record_line_) + ": a record longer than " +
                      std::to_string(max_record_bytes_) + " bytes (an unclosed quote?)");
  };
  while (true) {
    const int ci = in_.get();
    if (ci == std::char_traits<char>::eof()) {
      if (in_quotes) {
        return Status(ErrorCode::kInvalidArgument,
                      "line " + std::to_string(record_line_) + ": a quoted field never closed");
      }
      fields->push_back(std::move(field));
      return true;
    }
    const char c = static_cast<char>(ci);
    if (++bytes > max_record_bytes_) return too_long();
    if (in_quotes) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          field.text.push_back('"');
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line_;
        field.text.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field = CsvField{};
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && in_.peek() == '\n') in_.get();
      ++line_;
      fields->push_back(std::move(field));
      return true;
    } else if (c == '"' && field.text.empty() && !field.quoted) {
      in_quotes = true;
      field.quoted = true;
    } else if (after_quote || c == '"') {
      return Status(ErrorCode::kInvalidArgument,
                    "line " + std::to_string(line_) + ": a quote inside an unquoted field, or "
                    "text after a closing quote (RFC 4180 doubles quotes inside quoted fields)");
    } else {
      field.text.push_back(c);
    }
  }
}

Result<Value> ParseCell(const CsvField& field, ColumnType type) {
  const std::string& t = field.text;
  if (t.empty() && !field.quoted) return Value::Null();
  switch (type) {
    case ColumnType::kVarchar: return Value::Bytes(t);
    case ColumnType::kBlob: {
      std::string_view hex = t;
      if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
      auto bytes = HexDecode(hex);
      if (!bytes) return Expected("hexadecimal bytes (0x...)", t);
      return Value::Bytes(std::move(*bytes));
    }
    case ColumnType::kSint64: {
      QUANTA_ASSIGN_OR_RETURN(int64_t v, ParseInt(t));
      return Value::Int(v);
    }
    case ColumnType::kTimestamp: {
      if (auto v = ParseInt(t); v.ok()) return Value::Int(*v);
      auto iso = ParseIso8601(t);
      if (!iso.ok()) return Expected("milliseconds or an ISO 8601 date/time", t);
      return Value::Int(iso->ms);
    }
    case ColumnType::kDouble: {
      if (t.empty() || std::isspace(static_cast<unsigned char>(t[0]))) return Expected("a number", t);
      char* end = nullptr;
      errno = 0;
      const double d = std::strtod(t.c_str(), &end);
      if (*end != '\0' || !std::isfinite(d)) return Expected("a finite number", t);
      return Value::Double(d);
    }
    case ColumnType::kBoolean:
      if (t == "true" || t == "TRUE" || t == "True" || t == "1") return Value::Bool(true);
      if (t == "false" || t == "FALSE" || t == "False" || t == "0") return Value::Bool(false);
      return Expected("true or false", t);
  }
  return Expected("a known type", t);
}

}  // namespace quanta::admin
