#include "schema/describe.h"

namespace quanta::schema {

ResultSet DescribeTable(const TableDef& t) {
  ResultSet rs;
  rs.columns = {{"Column", ColumnType::kVarchar},      {"Type", ColumnType::kVarchar},
                {"Nullable", ColumnType::kBoolean},    {"Partition Key", ColumnType::kSint64},
                {"Local Key", ColumnType::kSint64},    {"Interval", ColumnType::kSint64},
                {"Unit", ColumnType::kVarchar},        {"Sort Order", ColumnType::kVarchar}};
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const auto& c = t.columns[i];
    int col = static_cast<int>(i);
    Row r;
    r.push_back(Value::Bytes(c.name));
    r.push_back(Value::Bytes(std::string(ColumnTypeName(c.type))));
    r.push_back(Value::Bool(c.nullable));
    int pk = t.PkPosition(col);
    int lk = t.LkPosition(col);
    r.push_back(pk >= 0 ? Value::Int(pk + 1) : Value());
    r.push_back(lk >= 0 ? Value::Int(lk + 1) : Value());
    const Quantum* q = (pk >= 0 && t.partition_key[pk].quantum) ? &*t.partition_key[pk].quantum
                                                                 : nullptr;
    r.push_back(q ? Value::Int(q->size) : Value());
    r.push_back(q ? Value::Bytes(std::string(1, q->unit)) : Value());
    Value order;
    if (lk >= 0) {
      if (t.local_key[lk].order == SortOrder::kAsc) order = Value::Bytes("ASC");
      if (t.local_key[lk].order == SortOrder::kDesc) order = Value::Bytes("DESC");
    }
    r.push_back(order);
    rs.rows.push_back(std::move(r));
  }
  return rs;
}

}  // namespace quanta::schema
