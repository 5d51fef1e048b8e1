// CREATE TABLE validation (riak_ts.md sections 4.1-4.3).
//
// The parser fills a RawCreateTable with what was written, without judging it; Validate turns it
// into a schema::TableDef or reports the first failing rule, in Riak's order, as a kParse error
// with Riak's exact message. Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "schema/table_def.h"

namespace quanta::sql {

// One argument of QUANTUM(col, size, unit) as written.
struct RawQuantumArg {
  enum class Kind : uint8_t { kInt, kFloat, kString, kIdentifier };
  Kind kind = Kind::kIdentifier;
  int64_t i = 0;
  std::string text;  // identifier / string contents, or the literal as typed for numbers
};

struct RawKeyElem {
  std::string column;  // for QUANTUM(...): its column argument
  schema::SortOrder order = schema::SortOrder::kUnspecified;
  bool is_quantum = false;
  RawQuantumArg size;  // is_quantum only
  RawQuantumArg unit;  // is_quantum only
};

struct RawCreateTable {
  std::string name;
  std::vector<schema::ColumnDef> columns;  // in definition order
  bool has_primary_key = false;            // the first PRIMARY KEY clause is used
  std::vector<RawKeyElem> partition_key;
  std::vector<RawKeyElem> local_key;
  std::vector<std::pair<std::string, schema::PropValue>> properties;
};

// Applies the section 4.3 checks in order (first failure wins) and builds the TableDef.
// Quanta decisions: duplicate column names are rejected ("Duplicate column name 'x'", Q6);
// an unknown quantum unit reports "Quantum time measure was M but must be d, h, m or s.".
Result<schema::TableDef> ValidateCreateTable(RawCreateTable raw);

}  // namespace quanta::sql
