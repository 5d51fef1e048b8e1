#include "storage/batch.h"

namespace quanta::storage {

// Every typed vector of a filled column keeps one entry per row, NULL rows included (with a
// zero / empty placeholder), so that entry i is row i whatever the NULL pattern.
void ColumnVector::Append(const Value& v) {
  const bool null = v.is_null();
  nulls.push_back(null ? 1 : 0);
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      ints.push_back(null ? 0 : v.as_int());
      break;
    case ColumnType::kDouble:
      doubles.push_back(null ? 0.0 : v.as_double());
      break;
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      if (null) {
        strings.emplace_back();
      } else {
        strings.push_back(v.as_bytes());
      }
      break;
    case ColumnType::kBoolean:
      bools.push_back(null ? 0 : (v.as_bool() ? 1 : 0));
      break;
  }
}

Value ColumnVector::Get(size_t i) const {
  if (i >= nulls.size() || nulls[i]) return Value::Null();
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      return Value::Int(ints[i]);
    case ColumnType::kDouble:
      return Value::Double(doubles[i]);
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return Value::Bytes(StringAt(i));
    case ColumnType::kBoolean:
      return Value::Bool(bools[i] != 0);
  }
  return Value::Null();
}

void RowBatch::Reset(const std::vector<ColumnType>& types, const std::vector<bool>& wanted) {
  num_rows = 0;
  summary = false;
  columns.resize(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    ColumnVector& c = columns[i];
    c.type = types[i];
    c.filled = wanted.empty() || (i < wanted.size() && wanted[i]);
    c.Clear();
  }
}

void RowBatch::MakeSummary(size_t rows) {
  num_rows = rows;
  summary = true;
  summaries.assign(columns.size(), ColumnSummary{});
}

void RowBatch::Clear() {
  num_rows = 0;
  summary = false;
  for (auto& c : columns) c.Clear();
}

Row RowBatch::GetRow(size_t i) const {
  Row row;
  row.reserve(columns.size());
  for (const auto& c : columns) row.push_back(c.filled ? c.Get(i) : Value::Null());
  return row;
}

}  // namespace quanta::storage
