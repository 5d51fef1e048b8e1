// Entry point of the SQL front end: text -> Statement.
//
// Errors are kParse (Riak 1020) with Riak's exact texts (riak_ts.md sections 2, 4.3, 7.1, 7.8,
// 10): lexer errors such as "Unexpected token '?'.", parser errors "Unexpected token 'x'"
// (created with ParseUnexpectedToken so HTTP can print its own form) or "syntax error before: ...",
// and semantic parse errors (CREATE TABLE validation, GROUP BY, functions, time units).
// Never crashes or asserts on any input. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "sql/ast.h"

namespace quanta::sql {

// Upper bound of the memory parsing takes per byte of input (tokens plus syntax tree), which
// callers reserve before they call Parse(). Measured, not estimated: the worst shapes are dense
// expression lists such as `SELECT a+a+a...,a+-a...` with one token (56 bytes) and one syntax
// node (120 bytes plus its allocation and child list) per input byte, about 211 bytes per byte
// (tests/unit/sql/parse_memory_test.cc counts every allocation over 22 shapes at 32 and
// 128 KiB; the ratio does not depend on the size). Typical statements take far less: INSERTs
// about 85-105, `((((...` 56.
// Nesting is bounded separately: 100 levels of parentheses/function calls and expression or
// condition trees 500 high (parser_impl.h), both 1020 errors.
inline constexpr int64_t kParseBytesPerInputByte = 224;
// What stays held once Parse() has returned: the syntax tree without the tokens (56 bytes per
// input byte at most), which callers keep reserved while the statement runs.
inline constexpr int64_t kAstBytesPerInputByte = kParseBytesPerInputByte - 56;

Result<Statement> Parse(std::string_view sql);

}  // namespace quanta::sql
