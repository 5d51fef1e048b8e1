// ResultSet: a tabular result as every transport sends it (column names and types, then rows).
#pragma once

#include <string>
#include <vector>

#include "common/value.h"

namespace quanta {

struct ColumnDesc {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
  bool operator==(const ColumnDesc& o) const { return name == o.name && type == o.type; }
};

struct ResultSet {
  std::vector<ColumnDesc> columns;
  std::vector<Row> rows;
};

}  // namespace quanta
