// Table definitions shared by the HTTP unit tests (riak_ts.md section 18 fixtures).
#pragma once

#include <ostream>

#include "http/error_map.h"
#include "schema/table_def.h"

namespace quanta::http {
// gtest printer: "400 Bad value ..." instead of raw bytes.
inline void PrintTo(const HttpError& e, std::ostream* os) { *os << e.status << " " << e.body; }
}  // namespace quanta::http

namespace quanta::http::testing {

// create table bob (a varchar not null, b blob not null, c timestamp not null, d sint64,
//                   primary key ((a, b, quantum(c, 1, m)), a, b, c))
inline schema::TableDef BobTable() {
  schema::TableDef t;
  t.name = "bob";
  t.columns = {{"a", ColumnType::kVarchar, false},
               {"b", ColumnType::kBlob, false},
               {"c", ColumnType::kTimestamp, false},
               {"d", ColumnType::kSint64, true}};
  t.partition_key = {{0, std::nullopt}, {1, std::nullopt}, {2, schema::Quantum{1, 'm'}}};
  t.local_key = {{0}, {1}, {2}};
  return t;
}

// Every type in the key: s varchar, x double DESC, f boolean, t timestamp, plus value columns.
inline schema::TableDef AllTypesTable() {
  schema::TableDef t;
  t.name = "all types";
  t.columns = {{"s", ColumnType::kVarchar, false},  {"x", ColumnType::kDouble, false},
               {"f", ColumnType::kBoolean, false},  {"t", ColumnType::kTimestamp, false},
               {"i", ColumnType::kSint64, true},    {"v", ColumnType::kDouble, true},
               {"bl", ColumnType::kBlob, true},     {"ok", ColumnType::kBoolean, true}};
  t.partition_key = {{0, std::nullopt}, {3, schema::Quantum{15, 'm'}}};
  t.local_key = {{0}, {1, schema::SortOrder::kDesc}, {2}, {3}};
  return t;
}

}  // namespace quanta::http::testing
