// Bound (analyzed) forms of statements: names resolved to column indexes, literals typed and
// converted (ISO 8601 -> ms), the WHERE clause split into key, time range and residual filter.
// Produced by the analyzer (analyzer.h), consumed by the planner and the executor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/value.h"
#include "schema/table_def.h"
#include "sql/ast.h"

namespace quanta::exec {

enum class AggFn : uint8_t { kCount, kCountStar, kSum, kAvg, kMin, kMax, kStddevSamp, kStddevPop };

// A typed expression over one row (or, for aggregate items, over aggregate results).
struct BoundExpr {
  // kTimeBucket (Riak TS 1.6's TIME(column, width)): the start of the bucket of width
  // `literal` ms holding children[0]'s value, t - t rem width as Riak's quantum computes it.
  enum class Kind : uint8_t { kLiteral, kColumn, kNegate, kBinary, kAggregate, kTimeBucket };
  Kind kind = Kind::kLiteral;
  ColumnType type = ColumnType::kSint64;  // result type (NULL literal: kSint64, null_literal set)
  bool null_literal = false;
  Value literal;
  int column = -1;            // kColumn
  char op = 0;                // kBinary: + - * /
  int agg_index = -1;         // kAggregate: index into BoundSelect::aggregates
  std::vector<BoundExpr> children;
};

struct BoundAggregate {
  AggFn fn = AggFn::kCount;
  BoundExpr arg;             // unused for kCountStar
  ColumnType result_type = ColumnType::kSint64;
};

// Filter predicate over one row, SQL three-valued logic.
struct BoundCond {
  enum class Kind : uint8_t { kCompare, kIsNull, kIsNotNull, kAnd, kOr, kNot, kTrue };
  Kind kind = Kind::kTrue;
  sql::CompareOp op = sql::CompareOp::kEq;
  int column = -1;
  Value value;               // typed like the column
  std::vector<BoundCond> children;
  // An OR chain of equalities written as `column IN (...)` (Riak TS 1.6); `column` is set on
  // its top node so that the analyzer can take it as a set of partition values.
  bool in_list = false;
};

struct OrderKey {
  int column = -1;           // table column
  bool desc = false;
  bool nulls_first = false;  // resolved default: ASC -> last, DESC -> first
};

struct TimeRange {
  int64_t lo = 0;            // lower bound value as written (before +1 for '>')
  bool lo_inclusive = true;
  int64_t hi = 0;
  bool hi_inclusive = false;
};

struct BoundSelect {
  schema::TableDefPtr table;
  std::vector<std::string> names;      // result column names
  std::vector<ColumnType> types;       // result column types
  std::vector<BoundExpr> items;        // one per result column
  std::vector<BoundAggregate> aggregates;
  bool is_aggregate = false;           // any aggregate in the select list
  std::vector<int> group_by;           // table columns
  std::vector<int64_t> group_bucket_ms;  // parallel to group_by: time(col, N) width, 0 = plain
  BoundCond filter;                    // residual filter (kTrue when none)
  std::string filter_text;             // canonical rendering for EXPLAIN
  // The partitions to scan: each one value per non-quantum PK element, PK order. One unless
  // IN lists partition-key values (Riak TS 1.6): then their product, in the order written.
  std::vector<Row> partitions;
  // A SELECT that names no partition-key column (Quanta extension): every partition of the
  // time range. The service lists them from the store into `partitions`, each then a whole
  // partition row (the quantum start last), before planning.
  bool all_partitions = false;
  std::optional<TimeRange> time;       // for tables with a quantum
  std::vector<OrderKey> order_by;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
  std::vector<bool> needed_columns;    // table columns the scan must fill
};

// One range scan: a quantum of the query's time range (or the whole partition).
struct SubQuery {
  Row partition;                       // PK values with the quantum applied
  std::optional<int64_t> start;        // quantum column range (tables with a quantum)
  bool start_inclusive = true;
  std::optional<int64_t> end;
  bool end_inclusive = false;
};

}  // namespace quanta::exec
