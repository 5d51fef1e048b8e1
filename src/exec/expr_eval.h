// Expression and filter evaluation over RowBatches.
//
// Filters are evaluated a whole batch at a time with SQL three-valued logic (a comparison with
// NULL is unknown; only rows whose filter is true pass). Select-list expressions are evaluated
// per selected row; arithmetic follows riak_ts.md 7.2 (integer division truncates, any double
// operand gives double arithmetic, NULL operands give NULL, division by zero is 1001
// "Divide by zero", integer overflow wraps).
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "exec/bound.h"
#include "storage/batch.h"
#include "storage/store.h"

namespace quanta::exec {

// Sets sel to the indexes of the rows of `batch` for which `cond` is true.
void SelectRows(const BoundCond& cond, const storage::RowBatch& batch, std::vector<uint32_t>* sel);

// Appends the conditions of `cond`'s top-level AND chain that a scan may check against a sealed
// chunk's statistics (storage::ScanOptions::skip_unless): a column compared with a constant,
// and IS [NOT] NULL. Every row for which `cond` is true meets them all.
void CollectScanBounds(const BoundCond& cond, std::vector<storage::ColumnBound>* out);

// Evaluates `e` for row `row` of `batch`. `aggs` supplies finalized aggregate values (may be
// null when `e` has no aggregates). `key_row`, when set, supplies column values instead of the
// batch (GROUP BY output).
Result<Value> EvalExpr(const BoundExpr& e, const storage::RowBatch* batch, size_t row,
                       const std::vector<Value>* aggs, const Row* key_row = nullptr);

// Arithmetic on two values (NULL-propagating).
Result<Value> Arith(char op, const Value& a, const Value& b);

}  // namespace quanta::exec
