// A token scanner just deep enough for SqlInfo; see sql_info.h.
#include "sql_info.h"

#include <cctype>
#include <vector>

namespace quanta::shell {
namespace {

struct Token {
  enum class Kind { kWord, kQuotedIdent, kString, kPunct } kind;
  std::string text;  // words lower-cased are compared via Is(); text keeps the original
};

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

std::vector<Token> Scan(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'' || c == '"') {
      std::string text;
      ++i;
      while (i < s.size()) {
        if (s[i] == c) {
          if (i + 1 < s.size() && s[i + 1] == c) {
            text.push_back(c);
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text.push_back(s[i++]);
      }
      out.push_back({c == '"' ? Token::Kind::kQuotedIdent : Token::Kind::kString, text});
    } else if (IsIdentChar(c)) {
      size_t b = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      out.push_back({Token::Kind::kWord, std::string(s.substr(b, i - b))});
    } else {
      out.push_back({Token::Kind::kPunct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool Is(const std::vector<Token>& t, size_t i, std::string_view word) {
  if (i >= t.size() || t[i].kind != Token::Kind::kWord) return false;
  const std::string& w = t[i].text;
  if (w.size() != word.size()) return false;
  for (size_t k = 0; k < w.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(w[k])) != word[k]) return false;
  }
  return true;
}

int CountInsertTuples(const std::vector<Token>& t) {
  size_t i = 0;
  while (i < t.size() && !Is(t, i, "values")) ++i;
  int rows = 0;
  int depth = 0;
  for (++i; i < t.size(); ++i) {
    if (t[i].kind != Token::Kind::kPunct) continue;
    if (t[i].text == "(") {
      if (depth == 0) ++rows;
      ++depth;
    } else if (t[i].text == ")" && depth > 0) {
      --depth;
    }
  }
  return rows;
}

}  // namespace

SqlInfo AnalyzeSql(std::string_view sql) {
  const std::vector<Token> t = Scan(sql);
  SqlInfo info;
  if (Is(t, 0, "create") && Is(t, 1, "table")) {
    info.kind = SqlKind::kCreateTable;
    if (t.size() > 2 && t[2].kind != Token::Kind::kPunct && t[2].kind != Token::Kind::kString) {
      info.table = t[2].text;
    }
  } else if (Is(t, 0, "alter") && Is(t, 1, "table")) {
    info.kind = SqlKind::kAlterTable;
  } else if (Is(t, 0, "drop") && Is(t, 1, "table")) {
    info.kind = SqlKind::kDropTable;
  } else if (Is(t, 0, "delete")) {
    info.kind = SqlKind::kDelete;
  } else if (Is(t, 0, "describe")) {
    info.kind = SqlKind::kDescribe;
  } else if (Is(t, 0, "explain")) {
    info.kind = SqlKind::kExplain;
  } else if (Is(t, 0, "insert")) {
    info.kind = SqlKind::kInsert;
    info.insert_rows = CountInsertTuples(t);
  } else if (Is(t, 0, "select")) {
    info.kind = SqlKind::kSelect;
  } else if (Is(t, 0, "show") && Is(t, 1, "tables")) {
    info.kind = SqlKind::kShowTables;
  } else if (Is(t, 0, "show") && Is(t, 1, "create")) {
    info.kind = SqlKind::kShowCreateTable;
  }
  return info;
}

bool IsRetryable(SqlKind kind) {
  switch (kind) {
    case SqlKind::kDescribe:
    case SqlKind::kExplain:
    case SqlKind::kSelect:
    case SqlKind::kShowTables:
    case SqlKind::kShowCreateTable:
      return true;
    default:
      return false;
  }
}

}  // namespace quanta::shell
