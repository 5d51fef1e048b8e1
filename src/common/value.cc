#include "common/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace quanta {

std::string_view ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kVarchar: return "varchar";
    case ColumnType::kSint64: return "sint64";
    case ColumnType::kDouble: return "double";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kBlob: return "blob";
  }
  return "unknown";
}

std::string_view ColumnTypeKeyword(ColumnType t) {
  switch (t) {
    case ColumnType::kVarchar: return "VARCHAR";
    case ColumnType::kSint64: return "SINT64";
    case ColumnType::kDouble: return "DOUBLE";
    case ColumnType::kTimestamp: return "TIMESTAMP";
    case ColumnType::kBoolean: return "BOOLEAN";
    case ColumnType::kBlob: return "BLOB";
  }
  return "UNKNOWN";
}

bool IsIntegerType(ColumnType t) {
  return t == ColumnType::kSint64 || t == ColumnType::kTimestamp;
}
bool IsStringType(ColumnType t) { return t == ColumnType::kVarchar || t == ColumnType::kBlob; }

bool Value::MatchesType(ColumnType type) const {
  switch (type) {
    case ColumnType::kVarchar:
    case ColumnType::kBlob: return is_bytes();
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: return is_int();
    case ColumnType::kDouble: return is_double();
    case ColumnType::kBoolean: return is_bool();
  }
  return false;
}

std::string Value::DebugString() const {
  switch (kind()) {
    case Kind::kNull: return "NULL";
    case Kind::kInt: return std::to_string(as_int());
    case Kind::kDouble: return FormatDouble(as_double());
    case Kind::kBytes: return "'" + as_bytes() + "'";
    case Kind::kBool: return as_bool() ? "true" : "false";
  }
  return "?";
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, end);
  // Erlang-style shortest form always shows a fraction or an exponent: 10 -> "10.0".
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string HexEncode(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigitValue(hex[i]), lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace quanta
