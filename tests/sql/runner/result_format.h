// result_format: the rendering rules of the golden SQL tests (docs/testing.md, STYLE.md section 9).
//
// One cell is rendered by the type of its column, never by the representation it happens to
// have: NULL -> "NULL", empty VARCHAR -> "(empty)", DOUBLE -> FormatDouble (shortest round trip),
// BOOLEAN -> true/false, SINT64/TIMESTAMP -> decimal integer (timestamps in ms since the epoch),
// BLOB -> "0x" + lower-case hex. A row is its cells joined by TAB; a header is `name:type` pairs
// joined by TAB, with the lower-case type names of DESCRIBE.
//
// Error messages are written in the .test files in an escaped one-line form (EscapeMessage /
// UnescapeMessage) because Riak prefixes some messages with "\n".
//
// Pure functions, no state: safe from any thread. Shared with the shell's --raw output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result_set.h"
#include "common/value.h"

namespace quanta::sqltest {

// Type letters of a `query` directive: I sint64, R double, T varchar, X blob, B boolean,
// Z timestamp.
char TypeLetter(ColumnType type);
std::optional<ColumnType> TypeFromLetter(char letter);

// The cell text (see the file comment). A value whose representation does not fit the column
// type (an engine bug) is rendered by its representation, prefixed with '!' so that it never
// matches an expected value.
std::string RenderValue(const Value& value, ColumnType type);

// Cells of `row` rendered with `types`, joined by TAB.
std::string RenderRow(const Row& row, const std::vector<ColumnType>& types);

// `name:type` pairs joined by TAB.
std::string RenderHeader(const std::vector<ColumnDesc>& columns);

// Letters of `columns` ("TTZ").
std::string TypeLetters(const std::vector<ColumnDesc>& columns);

// The escaped one-line form of an error message: '\' -> "\\", newline -> "\n", tab -> "\t",
// CR -> "\r", other control bytes -> "\xHH", and a leading or trailing space -> "\x20" (so that
// editors that trim whitespace cannot change it).
std::string EscapeMessage(std::string_view raw);

// Inverse of EscapeMessage. Recognises \n \t \r \\ and \xHH; any other backslash sequence is
// kept as written.
std::string UnescapeMessage(std::string_view text);

}  // namespace quanta::sqltest
