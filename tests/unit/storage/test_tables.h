// TableDef builders shared by the storage tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schema/table_def.h"

namespace quanta::storage::testing {

struct Col {
  std::string name;
  ColumnType type;
  bool nullable = false;
};

struct LkCol {
  std::string name;
  bool desc = false;
};

// pk: column names; the last may be quantized with `quantum` (size, unit) when has_quantum.
inline schema::TableDef MakeTable(std::string name, uint32_t id, std::vector<Col> cols,
                                  std::vector<std::string> pk, std::vector<LkCol> lk,
                                  bool has_quantum = true, int64_t q_size = 15,
                                  char q_unit = 'm') {
  schema::TableDef t;
  t.name = std::move(name);
  t.id = id;
  for (auto& c : cols) t.columns.push_back({c.name, c.type, c.nullable});
  for (size_t i = 0; i < pk.size(); ++i) {
    schema::PartitionKeyElem e;
    e.column = t.ColumnIndex(pk[i]);
    if (has_quantum && i + 1 == pk.size()) e.quantum = schema::Quantum{q_size, q_unit};
    t.partition_key.push_back(e);
  }
  for (auto& l : lk) {
    schema::LocalKeyElem e;
    e.column = t.ColumnIndex(l.name);
    e.order = l.desc ? schema::SortOrder::kDesc : schema::SortOrder::kUnspecified;
    t.local_key.push_back(e);
  }
  return t;
}

// The classic GeoCheckin-style table:
//   region VARCHAR, state VARCHAR, time TIMESTAMP, weather VARCHAR NOT NULL, temperature DOUBLE,
//   PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time [DESC])
inline schema::TableDef GeoTable(uint32_t id, bool time_desc = false) {
  return MakeTable("geo", id,
                   {{"region", ColumnType::kVarchar},
                    {"state", ColumnType::kVarchar},
                    {"time", ColumnType::kTimestamp},
                    {"weather", ColumnType::kVarchar},
                    {"temperature", ColumnType::kDouble, true}},
                   {"region", "state", "time"},
                   {{"region"}, {"state"}, {"time", time_desc}});
}

}  // namespace quanta::storage::testing
