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
// callers reserve before they call Parse().
inline constexpr int64_t kParseBytesPerInputByte = 32;

Result<Statement> Parse(std::string_view sql);

}  // namespace quanta::sql
