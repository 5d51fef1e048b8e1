// Internal to the analyzer (analyzer.cc, analyze_write.cc, where_const.cc): the comparison
// helpers they share, the constant folding of Riak TS 1.6's WHERE arithmetic and now(), and
// the checks of IN partition values and GROUP BY time.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/value.h"
#include "exec/bound.h"
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

// The distinct values of an IN chain on a partition-key column, in the order written.
void CollectInValues(const BoundCond& c, std::vector<Value>* out);

// Every combination of one value per partition-key column, the first column varying slowest;
// 1025 past `max` partitions.
Result<std::vector<Row>> PartitionProduct(const std::vector<std::vector<Value>>& values,
                                          int64_t max);

// GROUP BY time(column, N unit): the column is a TIMESTAMP grouped one way only, and every
// TIME(column, N) of the select list (`select_buckets`: column, width) names a group (1001).
Status CheckTimeGroups(const BoundSelect& out,
                       const std::vector<std::pair<int, int64_t>>& select_buckets);

}  // namespace quanta::exec::internal
