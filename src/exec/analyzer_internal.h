// Internal to the analyzer (analyzer.cc, analyze_write.cc, where_const.cc): the comparison
// helpers they share, and the constant folding of Riak TS 1.6's WHERE arithmetic and now().
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/value.h"
#include "sql/ast.h"

namespace quanta::exec::internal {

sql::CompareOp Flip(sql::CompareOp op);

// A literal, a negated literal, or (Riak TS 1.6) a constant expression: arithmetic over
// numeric literals and NOW(), without any column.
bool IsValueExpr(const sql::Expr& e);

// True for an expression without columns built with + - * / (or NOW()), which the analyzer
// folds into one value (Riak TS 1.6, riak_ql #165 and #170).
bool IsFoldable(const sql::Expr& e);

// The first column an arithmetic expression applies to, or null.
const sql::Expr* ArithmeticColumn(const sql::Expr& e);

// Converts a string literal compared with a TIMESTAMP column to ms (riak_ts.md 3.1): for `>`
// and `<=` an incomplete value is taken at the end of its least-significant field.
Result<int64_t> IsoForCompare(const std::string& text, sql::CompareOp op, int tz);

// A comparison normalised so that the column (if any) is on the left.
struct NormalizedCompare {
  const sql::Expr* lhs;
  const sql::Expr* rhs;
  sql::CompareOp op;
};
NormalizedCompare Normalize(const sql::Cond& c);

// A folded WHERE constant: its value and the type name Riak's messages give it ("integer",
// "float", "timestamp").
struct FoldedConstant {
  Value value;
  const char* type_name = "integer";
};

// Folds `e` (IsFoldable) with NOW() = now_ms. Errors (1001): "Divide by zero", and operands
// that are not numbers ("Operator '+' called with mismatched types [...]").
Result<FoldedConstant> FoldConstant(const sql::Expr& e, int64_t now_ms);

}  // namespace quanta::exec::internal
