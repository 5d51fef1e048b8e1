// Tables the HTTP fuzz targets decode against: bob (riak_ts.md section 18) and one with every
// column type in the local key (DESC where the type allows it).
#pragma once

#include "schema/table_def.h"

namespace quanta::http::fuzz {

inline const schema::TableDef& Bob() {
  static const schema::TableDef table = [] {
    schema::TableDef t;
    t.name = "bob";
    t.columns = {{"a", ColumnType::kVarchar, false},
                 {"b", ColumnType::kBlob, false},
                 {"c", ColumnType::kTimestamp, false},
                 {"d", ColumnType::kSint64, true}};
    t.partition_key = {{0, std::nullopt}, {1, std::nullopt}, {2, schema::Quantum{1, 'm'}}};
    t.local_key = {{0}, {1}, {2}};
    return t;
  }();
  return table;
}

inline const schema::TableDef& AllTypes() {
  static const schema::TableDef table = [] {
    schema::TableDef t;
    t.name = "kt";
    t.columns = {{"s", ColumnType::kVarchar, false}, {"t", ColumnType::kTimestamp, false},
                 {"x", ColumnType::kDouble, false},  {"f", ColumnType::kBoolean, false},
                 {"n", ColumnType::kSint64, false},  {"bl", ColumnType::kBlob, false},
                 {"v", ColumnType::kVarchar, true},  {"w", ColumnType::kDouble, true}};
    t.partition_key = {{0, std::nullopt}, {1, schema::Quantum{15, 'm'}}};
    t.local_key = {{0}, {1, schema::SortOrder::kDesc}, {2}, {3}, {4, schema::SortOrder::kDesc},
                   {5}};
    return t;
  }();
  return table;
}

}  // namespace quanta::http::fuzz
