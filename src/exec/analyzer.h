// Analyzer: binds parsed statements to a table and applies Riak TS's validation rules in
// Riak's order (riak_ts.md section 7.11): ISO 8601 conversion (1020), column/type/operator
// checks (1001, all errors together, each "\n"-prefixed), select-list typing (1001, together),
// ORDER BY/aggregate rules (1001), then the WHERE structure (1001, one message).
// The quanta-span check (1025) belongs to the planner. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "common/status.h"
#include "exec/bound.h"
#include "schema/table_def.h"
#include "sql/ast.h"

namespace quanta::exec {

struct AnalyzerOptions {
  int timezone_offset_minutes = 0;  // for ISO 8601 strings without a zone
  int64_t now_ms = 0;               // NOW() (Riak TS 1.6): the statement's start, ms since epoch
  // Partitions IN lists may name together (max_quanta_span: each is at least one sub-query).
  int64_t max_partitions = 5000;
};

Result<BoundSelect> AnalyzeSelect(const sql::SelectStmt& stmt, schema::TableDefPtr table,
                                  const AnalyzerOptions& options);

// INSERT -> full rows in table column order, validated (1018 for column-list problems, 1001 for
// bad ISO strings, 1003 for invalid rows). Nothing is written by the analyzer.
Result<std::vector<Row>> AnalyzeInsert(const sql::InsertStmt& stmt, const schema::TableDef& table,
                                       const AnalyzerOptions& options);

// DELETE -> the local key (LK order), or nullopt when a value cannot match any row (wrong type:
// deleting it is a no-op). 1009 "Unable to get delete key: ..." for a WHERE that is not exactly
// one `=` per local-key column.
Result<std::optional<Row>> AnalyzeDelete(const sql::DeleteStmt& stmt,
                                         const schema::TableDef& table,
                                         const AnalyzerOptions& options);

// Canonical text of a filter for EXPLAIN: (col op val), ((A) AND (B)), (col = []) for IS NULL.
std::string RenderFilter(const BoundCond& cond, const schema::TableDef& table);

// Renders a typed key value as EXPLAIN prints it: 'text', 0xhex for blobs, numbers plain.
std::string RenderKeyValue(const Value& v, ColumnType type);

}  // namespace quanta::exec
