// Range DELETE (a Quanta extension): `DELETE FROM t WHERE <partition key> AND <time range>`
// deletes every row of the partition key's series inside the time range. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "common/status.h"
#include "exec/analyzer.h"
#include "exec/bound.h"
#include "exec/planner.h"
#include "schema/table_def.h"
#include "sql/ast.h"

namespace quanta::exec {

// The ranges a range DELETE removes: one per quantum, as a SELECT with the same WHERE would
// scan them (the quanta-span limit applies, 1025). Empty when a value cannot match any row.
struct RangeDelete {
  std::vector<SubQuery> ranges;
};

// nullopt when the WHERE is not a range deletion: it must be an AND of exactly one `=` per
// non-quantum partition-key column and a lower (`>`, `>=`) and an upper (`<`, `<=`) bound on the
// quantum column, nothing else, on a table with a quantum. A bound is a literal (ms or ISO 8601)
// or, as in SELECT's WHERE, a constant expression with now() and arithmetic (1009 when it is not
// an integer or a timestamp). Anything else is left to
// AnalyzeDelete (the single-key DELETE of Riak TS, whose errors stay as they were).
Result<std::optional<RangeDelete>> AnalyzeRangeDelete(const sql::DeleteStmt& stmt,
                                                      schema::TableDefPtr table,
                                                      const AnalyzerOptions& options,
                                                      const PlannerOptions& planner);

}  // namespace quanta::exec
