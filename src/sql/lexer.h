// Lexer for the Riak TS 1.5 SQL dialect (riak_ts.md section 2).
//
// Tokenize() turns the whole statement into tokens up front, exactly like Riak (a lexer error
// anywhere wins over any parse error). Errors are kParse statuses with Riak's texts:
//   "Unexpected token '?'."                                  any character outside the grammar
//   "unicode_in_identifier" / "unicode_in_quotes"             non-ASCII outside strings
//   "Hex strings must have an even number of characters."     0x with an odd digit count
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace quanta::sql {

// Reserved words (riak_ts.md 2.1), matched case-insensitively on whole words.
enum class Keyword : uint8_t {
  kNone = 0,
  kAnd, kAsc, kBlob, kBoolean, kBy, kCreate, kDelete, kDesc, kDescribe, kDouble, kExplain,
  kFalse, kFirst, kFrom, kGroup, kInsert, kInto, kIs, kKey, kLast, kLimit, kNot, kNull,
  kNulls, kOffset, kOr, kOrder, kPrimary, kQuantum, kSelect, kShow, kSint64, kTable, kTables,
  kTimestamp, kTrue, kValues, kVarchar, kWhere, kWith,
};

enum class TokenKind : uint8_t {
  kEnd,         // sentinel after the last token
  kKeyword,     // `keyword` set; text = as typed
  kIdentifier,  // text = the name (quotes stripped and "" unescaped for quoted identifiers)
  kString,      // text = the bytes ('' unescaped; hex literals decoded)
  kInteger,     // `i` set; text = as typed
  kFloat,       // `d` set; text = as typed
  kPunct,       // text = the operator: = != <> =~ !~ > < >= <= + - * / ( ) , ;
  kRegex,       // /.../ (lexed for fidelity, never accepted by the grammar)
};

// 56 bytes; Tokenize() reserves exactly the tokens it emits (parse memory is bounded per input
// byte, see kParseBytesPerInputByte in parser.h).
struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;
  bool quoted = false;  // kIdentifier written with double quotes
  bool hex = false;     // kString written as 0x...
  uint32_t offset = 0;  // byte offset in the input
  std::string text;
  int64_t i = 0;
  double d = 0;

  bool Is(Keyword k) const { return kind == TokenKind::kKeyword && keyword == k; }
  bool IsPunct(std::string_view p) const { return kind == TokenKind::kPunct && text == p; }
};

// Lexes `sql`. On success the vector ends with one kEnd token.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// The keyword `word` spells (case-insensitively), or kNone.
Keyword LookupKeyword(std::string_view word);

}  // namespace quanta::sql
