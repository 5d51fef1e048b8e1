// DESCRIBE <table> result (riak_ts.md section 5.1): 8 columns, one row per table column.
#pragma once

#include "common/result_set.h"
#include "schema/table_def.h"

namespace quanta::schema {

ResultSet DescribeTable(const TableDef& table);

}  // namespace quanta::schema
