// Planner: splits a bound SELECT into one sub-query per quantum (riak_ts.md section 7.4),
// in execution order (descending when the quantum column is DESC in the local key), and
// renders EXPLAIN rows. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result_set.h"
#include "common/status.h"
#include "exec/bound.h"
#include "storage/store.h"

namespace quanta::exec {

struct PlannerOptions {
  int64_t max_quanta_span = 5000;
  std::string node_name = "quanta@127.0.0.1";
};

// 1025 "Query spans too many quanta (N, max M)" when the time range is too wide.
Status CheckQuantaSpan(const BoundSelect& select, const PlannerOptions& options);

// 1025 "Query spans too many quanta (N, max M)" when the range is too wide; with IN on the
// partition key, when all sub-queries together pass max_quanta_span. With `all_partitions`
// (Quanta extension) one sub-query per partition listed into `select.partitions`, 1025 past
// max_quanta_span of them.
Result<std::vector<SubQuery>> PlanSubQueries(const BoundSelect& select,
                                             const PlannerOptions& options);

// EXPLAIN result: one row per sub-query (Subquery, Coverage Plan, Range Scan Start Key,
// Is Start Inclusive?, Range Scan End Key, Is End Inclusive?, Filter).
ResultSet ExplainRows(const BoundSelect& select, const std::vector<SubQuery>& plan,
                      const PlannerOptions& options);

// Coverage contexts: an opaque, checksummed encoding of one sub-query's range for a table.
std::string EncodeCoverContext(const std::string& table, const SubQuery& sq);
// Decodes a context: 1001 "Bad coverage context" if malformed, 1001 "Query coverage context
// fails checksum" if tampered.
Result<SubQuery> DecodeCoverContext(std::string_view context, std::string* table);

// The storage range a sub-query reads (or a range DELETE removes).
storage::ScanRange ScanRangeOf(const SubQuery& sq);

}  // namespace quanta::exec
