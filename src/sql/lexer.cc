#include "sql/lexer.h"
#include "common/value.h"

#include <array>
#include <charconv>
#include <utility>

namespace quanta::sql {
namespace {

struct KeywordEntry {
  std::string_view word;  // upper case
  Keyword keyword;
};

constexpr std::array<KeywordEntry, 40> kKeywords = {{
    {"AND", Keyword::kAnd},         {"ASC", Keyword::kAsc},
    {"BLOB", Keyword::kBlob},       {"BOOLEAN", Keyword::kBoolean},
    {"BY", Keyword::kBy},           {"CREATE", Keyword::kCreate},
    {"DELETE", Keyword::kDelete},   {"DESC", Keyword::kDesc},
    {"DESCRIBE", Keyword::kDescribe}, {"DOUBLE", Keyword::kDouble},
    {"EXPLAIN", Keyword::kExplain}, {"FALSE", Keyword::kFalse},
    {"FIRST", Keyword::kFirst},     {"FROM", Keyword::kFrom},
    {"GROUP", Keyword::kGroup},     {"INSERT", Keyword::kInsert},
    {"INTO", Keyword::kInto},       {"IS", Keyword::kIs},
    {"KEY", Keyword::kKey},         {"LAST", Keyword::kLast},
    {"LIMIT", Keyword::kLimit},     {"NOT", Keyword::kNot},
    {"NULL", Keyword::kNull},       {"NULLS", Keyword::kNulls},
    {"OFFSET", Keyword::kOffset},   {"OR", Keyword::kOr},
    {"ORDER", Keyword::kOrder},     {"PRIMARY", Keyword::kPrimary},
    {"QUANTUM", Keyword::kQuantum}, {"SELECT", Keyword::kSelect},
    {"SHOW", Keyword::kShow},       {"SINT64", Keyword::kSint64},
    {"TABLE", Keyword::kTable},     {"TABLES", Keyword::kTables},
    {"TIMESTAMP", Keyword::kTimestamp}, {"TRUE", Keyword::kTrue},
    {"VALUES", Keyword::kValues},   {"VARCHAR", Keyword::kVarchar},
    {"WHERE", Keyword::kWhere},     {"WITH", Keyword::kWith},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsIdentChar(char c) { return IsAlnum(c) || c == '_' || c == '-'; }
bool IsNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

Status UnexpectedChar(char c) {
  return ParseError(std::string("Unexpected token '") + c + "'.");
}

class Lexer {
 public:
  // With `count_only` the lexer only validates and counts (tokens() stays empty), so that the
  // real run can reserve the exact number of tokens: no vector growth slack.
  Lexer(std::string_view in, bool count_only, size_t reserve = 0)
      : in_(in), count_only_(count_only) {
    if (!count_only) out_.reserve(reserve);
  }

  Status Run() {
    while (true) {
      SkipBlanksAndComments();
      if (pos_ >= in_.size()) break;
      QUANTA_RETURN_IF_ERROR(Next());
    }
    Token end;
    end.kind = TokenKind::kEnd;
    Emit(std::move(end), in_.size());
    return Status::OK();
  }

  size_t count() const { return count_; }
  std::vector<Token>& tokens() { return out_; }

 private:
  char At(size_t p) const { return p < in_.size() ? in_[p] : '\0'; }

  void SkipBlanksAndComments() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (static_cast<unsigned char>(c) <= 0x20) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        size_t nl = in_.find('\n', pos_);
        pos_ = nl == std::string_view::npos ? in_.size() : nl + 1;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        size_t close = in_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) return;  // not a comment: lexed as '/' '*'
        pos_ = close + 2;
      } else {
        return;
      }
    }
  }

  Status Next() {
    char c = in_[pos_];
    if (IsAlpha(c)) return Word();
    if (IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1))) ||
        (c == '-' && (IsDigit(At(pos_ + 1)) ||
                      (At(pos_ + 1) == '.' && IsDigit(At(pos_ + 2)))))) {
      if (c == '0' && At(pos_ + 1) == 'x') return Hex();
      return Number();
    }
    if (c == '\'') return String();
    if (c == '"') return QuotedIdentifier();
    if (c == '/' && Regex()) return Status::OK();
    if (IsNonAscii(c)) return ParseError("unicode_in_identifier");
    return Punct();
  }

  void Emit(Token t, size_t start) {
    ++count_;
    if (count_only_) return;
    t.offset = static_cast<uint32_t>(start);
    out_.push_back(std::move(t));
  }

  Status Word() {
    size_t start = pos_;
    while (pos_ < in_.size() && IsIdentChar(in_[pos_])) ++pos_;
    if (pos_ < in_.size() && IsNonAscii(in_[pos_])) return ParseError("unicode_in_identifier");
    Token t;
    t.text = std::string(in_.substr(start, pos_ - start));
    t.keyword = LookupKeyword(t.text);
    t.kind = t.keyword == Keyword::kNone ? TokenKind::kIdentifier : TokenKind::kKeyword;
    Emit(std::move(t), start);
    return Status::OK();
  }

  Status Number() {
    size_t start = pos_;
    size_t p = pos_;
    if (in_[p] == '-') ++p;
    size_t int_begin = p;
    while (IsDigit(At(p))) ++p;
    bool has_int = p > int_begin;
    bool is_float = false;
    if (At(p) == '.' && IsDigit(At(p + 1))) {
      ++p;
      while (IsDigit(At(p))) ++p;
      is_float = true;
    }
    // Scientific notation needs at least one mantissa digit right before the 'e'.
    if ((At(p) == 'e' || At(p) == 'E') && (has_int || is_float)) {
      size_t q = p + 1;
      if (At(q) == '+' || At(q) == '-') ++q;
      if (IsDigit(At(q))) {
        while (IsDigit(At(q))) ++q;
        p = q;
        is_float = true;
      }
    }
    pos_ = p;
    Token t;
    t.text = std::string(in_.substr(start, p - start));
    if (is_float) {
      t.kind = TokenKind::kFloat;
      // from_chars does not accept a leading '+' but does accept '-' and a leading '.'.
      auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.d);
      if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
        return ParseError("Float literal out of range: " + t.text);
      }
    } else {
      t.kind = TokenKind::kInteger;
      auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.i);
      if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
        return ParseError("Integer literal out of range: " + t.text);
      }
    }
    Emit(std::move(t), start);
    return Status::OK();
  }

  Status Hex() {
    size_t start = pos_;
    size_t p = pos_ + 2;
    while (IsAlnum(At(p))) ++p;
    std::string_view digits = in_.substr(start + 2, p - start - 2);
    pos_ = p;
    if (digits.size() % 2 != 0) {
      return ParseError("Hex strings must have an even number of characters.");
    }
    Token t;
    t.kind = TokenKind::kString;
    t.hex = true;
    t.text.reserve(digits.size() / 2);
    for (size_t i = 0; i < digits.size(); i += 2) {
      int hi = HexDigitValue(digits[i]);
      int lo = HexDigitValue(digits[i + 1]);
      if (hi < 0 || lo < 0) {
        return ParseError("Unexpected token '" + std::string(in_.substr(start, p - start)) +
                          "'.");
      }
      t.text.push_back(static_cast<char>(hi * 16 + lo));
    }
    Emit(std::move(t), start);
    return Status::OK();
  }

  // '...' with '' standing for one quote; no raw newline inside.
  Status String() {
    size_t start = pos_;
    std::string value;
    size_t p = pos_ + 1;
    while (true) {
      if (p >= in_.size() || in_[p] == '\n') return UnexpectedChar('\'');
      if (in_[p] == '\'') {
        if (At(p + 1) == '\'') {
          value.push_back('\'');
          p += 2;
          continue;
        }
        ++p;
        break;
      }
      value.push_back(in_[p]);
      ++p;
    }
    pos_ = p;
    Token t;
    t.kind = TokenKind::kString;
    t.text = std::move(value);
    Emit(std::move(t), start);
    return Status::OK();
  }

  // "..." with "" standing for one double quote; ASCII only, no raw newline.
  Status QuotedIdentifier() {
    size_t start = pos_;
    std::string value;
    bool non_ascii = false;
    size_t p = pos_ + 1;
    while (true) {
      if (p >= in_.size() || in_[p] == '\n') return UnexpectedChar('"');
      if (in_[p] == '"') {
        if (At(p + 1) == '"') {
          value.push_back('"');
          p += 2;
          continue;
        }
        ++p;
        break;
      }
      if (IsNonAscii(in_[p])) non_ascii = true;
      value.push_back(in_[p]);
      ++p;
    }
    if (non_ascii) return ParseError("unicode_in_quotes");
    pos_ = p;
    Token t;
    t.kind = TokenKind::kIdentifier;
    t.quoted = true;
    t.text = std::move(value);
    Emit(std::move(t), start);
    return Status::OK();
  }

  // Riak's (unused) regex token: '/' <any but '/'> [a-zA-Z0-9*.]+ '/' ['i'].
  bool Regex() {
    size_t p = pos_ + 1;
    if (p >= in_.size() || in_[p] == '/') return false;
    ++p;
    size_t body = p;
    while (p < in_.size() && (IsAlnum(in_[p]) || in_[p] == '*' || in_[p] == '.')) ++p;
    if (p == body || At(p) != '/') return false;
    ++p;
    if (At(p) == 'i') ++p;
    Token t;
    t.kind = TokenKind::kRegex;
    t.text = std::string(in_.substr(pos_, p - pos_));
    Emit(std::move(t), pos_);
    pos_ = p;
    return true;
  }

  Status Punct() {
    static constexpr std::string_view kTwo[] = {"=~", "!=", "!~", "<>", "<=", ">="};
    size_t start = pos_;
    std::string_view rest = in_.substr(pos_);
    for (std::string_view op : kTwo) {
      if (rest.substr(0, 2) == op) {
        pos_ += 2;
        Token t;
        t.kind = TokenKind::kPunct;
        t.text = std::string(op);
        Emit(std::move(t), start);
        return Status::OK();
      }
    }
    char c = in_[pos_];
    switch (c) {
      case '=': case '<': case '>': case '+': case '-': case '*': case '/':
      case '(': case ')': case ',': case ';': {
        ++pos_;
        Token t;
        t.kind = TokenKind::kPunct;
        t.text = std::string(1, c);
        Emit(std::move(t), start);
        return Status::OK();
      }
      default:
        return UnexpectedChar(c);
    }
  }

  std::string_view in_;
  const bool count_only_;
  size_t pos_ = 0;
  size_t count_ = 0;
  std::vector<Token> out_;
};

}  // namespace

Keyword LookupKeyword(std::string_view word) {
  if (word.size() < 2 || word.size() > 9) return Keyword::kNone;
  for (const KeywordEntry& e : kKeywords) {
    if (e.word.size() != word.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < word.size(); ++i) {
      if (Upper(word[i]) != e.word[i]) {
        eq = false;
        break;
      }
    }
    if (eq) return e.keyword;
  }
  return Keyword::kNone;
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  // Token offsets are 32-bit (the service caps statements at query.max_statement_bytes).
  if (sql.size() >= UINT32_MAX) return ParseError("Statement too long.");
  // Two passes: count (and find any lexer error), then fill a vector of exactly that size.
  Lexer counter(sql, /*count_only=*/true);
  QUANTA_RETURN_IF_ERROR(counter.Run());
  Lexer lexer(sql, /*count_only=*/false, counter.count());
  QUANTA_RETURN_IF_ERROR(lexer.Run());
  return std::move(lexer.tokens());
}

}  // namespace quanta::sql
