#include "result_format.h"

#include <cstdio>

namespace quanta::sqltest {

char TypeLetter(ColumnType type) {
  switch (type) {
    case ColumnType::kSint64: return 'I';
    case ColumnType::kDouble: return 'R';
    case ColumnType::kVarchar: return 'T';
    case ColumnType::kBlob: return 'X';
    case ColumnType::kBoolean: return 'B';
    case ColumnType::kTimestamp: return 'Z';
  }
  return '?';
}

std::optional<ColumnType> TypeFromLetter(char letter) {
  switch (letter) {
    case 'I': return ColumnType::kSint64;
    case 'R': return ColumnType::kDouble;
    case 'T': return ColumnType::kVarchar;
    case 'X': return ColumnType::kBlob;
    case 'B': return ColumnType::kBoolean;
    case 'Z': return ColumnType::kTimestamp;
    default: return std::nullopt;
  }
}

namespace {

std::string RenderByKind(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "NULL";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kDouble: return FormatDouble(v.as_double());
    case Value::Kind::kBytes: return v.as_bytes().empty() ? "(empty)" : v.as_bytes();
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
  }
  return "?";
}

}  // namespace

std::string RenderValue(const Value& value, ColumnType type) {
  if (value.is_null()) return "NULL";
  if (!value.MatchesType(type)) return "!" + RenderByKind(value);
  switch (type) {
    case ColumnType::kBlob: return "0x" + HexEncode(value.as_bytes());
    default: return RenderByKind(value);
  }
}

std::string RenderRow(const Row& row, const std::vector<ColumnType>& types) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out.push_back('\t');
    // A row wider than its column list is an engine bug; render the extra cells by kind.
    out += i < types.size() ? RenderValue(row[i], types[i]) : "!" + RenderByKind(row[i]);
  }
  return out;
}

std::string RenderHeader(const std::vector<ColumnDesc>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back('\t');
    out += columns[i].name;
    out.push_back(':');
    out += ColumnTypeName(columns[i].type);
  }
  return out;
}

std::string TypeLetters(const std::vector<ColumnDesc>& columns) {
  std::string out;
  for (const auto& c : columns) out.push_back(TypeLetter(c.type));
  return out;
}

std::string EscapeMessage(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    bool edge = (i == 0 || i + 1 == raw.size());
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || (c == ' ' && edge)) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string UnescapeMessage(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out.push_back(c);
      continue;
    }
    char n = text[i + 1];
    switch (n) {
      case 'n': out.push_back('\n'); ++i; break;
      case 't': out.push_back('\t'); ++i; break;
      case 'r': out.push_back('\r'); ++i; break;
      case '\\': out.push_back('\\'); ++i; break;
      case 'x':
        if (i + 3 < text.size() && HexDigit(text[i + 2]) >= 0 && HexDigit(text[i + 3]) >= 0) {
          out.push_back(static_cast<char>(HexDigit(text[i + 2]) * 16 + HexDigit(text[i + 3])));
          i += 3;
          break;
        }
        [[fallthrough]];
      default:
        out.push_back(c);  // unknown sequence: keep the backslash; the next char follows as is
        break;
    }
  }
  return out;
}

}  // namespace quanta::sqltest
