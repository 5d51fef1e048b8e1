#include "wire/pb/pb_convert.h"

namespace quanta::wire::pb {

Value ValueFromCell(const TsCell& c) {
  switch (c.field) {
    case TsCell::Field::kNull: return Value::Null();
    case TsCell::Field::kVarchar: return Value::Bytes(c.varchar_value);
    case TsCell::Field::kSint64:
    case TsCell::Field::kTimestamp: return Value::Int(c.int_value);
    case TsCell::Field::kBoolean: return Value::Bool(c.boolean_value);
    case TsCell::Field::kDouble: return Value::Double(c.double_value);
  }
  return Value::Null();
}

Row RowFromCells(const TsRow& cells) {
  Row row;
  row.reserve(cells.size());
  for (const TsCell& c : cells) row.push_back(ValueFromCell(c));
  return row;
}

Row RowFromCells(TsRow&& cells) {
  Row row;
  row.reserve(cells.size());
  for (TsCell& c : cells) {
    if (c.field == TsCell::Field::kVarchar) {
      row.push_back(Value::Bytes(std::move(c.varchar_value)));
    } else {
      row.push_back(ValueFromCell(c));
    }
  }
  return row;
}

TsCell CellFromValue(const Value& v, ColumnType type) {
  switch (v.kind()) {
    case Value::Kind::kNull: return TsCell::Null();
    case Value::Kind::kInt:
      return type == ColumnType::kTimestamp ? TsCell::Timestamp(v.as_int())
                                            : TsCell::Sint64(v.as_int());
    case Value::Kind::kDouble: return TsCell::Double(v.as_double());
    case Value::Kind::kBytes: return TsCell::Varchar(v.as_bytes());
    case Value::Kind::kBool: return TsCell::Boolean(v.as_bool());
  }
  return TsCell::Null();
}

TsRow CellsFromRow(const Row& row, const std::vector<ColumnType>& types) {
  TsRow out;
  out.reserve(row.size());
  for (size_t i = 0; i < row.size(); ++i) {
    // Rows never carry more cells than there are columns (clients index columns[i]).
    if (i >= types.size()) break;
    out.push_back(CellFromValue(row[i], types[i]));
  }
  return out;
}

TsRow CellsFromValues(const Row& row) {
  TsRow out;
  out.reserve(row.size());
  for (const Value& v : row) out.push_back(CellFromValue(v, ColumnType::kSint64));
  return out;
}

std::vector<TsColumnDescription> ColumnDescriptions(const std::vector<ColumnDesc>& columns) {
  std::vector<TsColumnDescription> out;
  out.reserve(columns.size());
  for (const ColumnDesc& c : columns) out.push_back(TsColumnDescription{c.name, c.type});
  return out;
}

std::vector<ColumnType> ColumnTypes(const std::vector<ColumnDesc>& columns) {
  std::vector<ColumnType> out;
  out.reserve(columns.size());
  for (const ColumnDesc& c : columns) out.push_back(c.type);
  return out;
}

ResultSet ResultSetFromPb(const std::vector<TsColumnDescription>& columns,
                          const std::vector<TsRow>& rows) {
  ResultSet rs;
  for (const auto& c : columns) rs.columns.push_back(ColumnDesc{c.name, c.type});
  rs.rows.reserve(rows.size());
  for (const TsRow& r : rows) rs.rows.push_back(RowFromCells(r));
  return rs;
}

}  // namespace quanta::wire::pb
