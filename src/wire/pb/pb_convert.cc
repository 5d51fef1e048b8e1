#include "wire/pb/pb_convert.h"

#include <algorithm>

#include "common/coding.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/proto_wire.h"

namespace quanta::wire::pb {

namespace {

size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Length-delimited field with a one-byte key (field numbers below 16).
size_t DelimitedSize(size_t body) { return 1 + VarintLength(body) + body; }

// Size of a TsCell body for `v` in a column of `type` (see CellFromValue / EncodeCell).
size_t CellBodySize(const Value& v, ColumnType type) {
  switch (v.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kInt: return 1 + VarintLength(coding::ZigZagEncode(v.as_int()));
    case Value::Kind::kDouble: return 9;
    case Value::Kind::kBytes: return DelimitedSize(v.as_bytes().size());
    case Value::Kind::kBool: return 2;
  }
  (void)type;
  return 0;
}

size_t RowBodySize(const Row& row, const std::vector<ColumnType>& types) {
  size_t n = 0;
  size_t cells = std::min(row.size(), types.size());
  for (size_t i = 0; i < cells; ++i) n += DelimitedSize(CellBodySize(row[i], types[i]));
  return n;
}

}  // namespace

size_t ApproxRowMemory(const Row& row) {
  size_t n = sizeof(Row) + row.capacity() * sizeof(Value);
  for (const Value& v : row) {
    if (v.is_bytes() && v.as_bytes().capacity() > 15) n += v.as_bytes().capacity() + 1;
  }
  return n;
}

namespace {

void AppendCell(std::string* out, const Value& v, ColumnType type) {
  coding::PutVarint64(out, (1 << 3) | 2);
  coding::PutVarint64(out, CellBodySize(v, type));
  ProtoWriter w(out);
  switch (v.kind()) {
    case Value::Kind::kNull: break;
    case Value::Kind::kInt:
      w.WriteSint64Field(type == ColumnType::kTimestamp ? 3 : 2, v.as_int());
      break;
    case Value::Kind::kDouble: w.WriteDoubleField(5, v.as_double()); break;
    case Value::Kind::kBytes: w.WriteBytesField(1, v.as_bytes()); break;
    case Value::Kind::kBool: w.WriteBoolField(4, v.as_bool()); break;
  }
}

}  // namespace

Status EncodeQueryRespFrame(ResultSet* result, MemoryReservation* memory, std::string* frame) {
  frame->clear();
  const bool has_rows = !result->rows.empty();
  std::vector<ColumnType> types = ColumnTypes(result->columns);
  // Pass 1: the exact size, so that the frame is allocated once.
  size_t body = 0;
  std::vector<std::string> columns;
  if (has_rows) {
    for (const ColumnDesc& c : result->columns) {
      std::string col;
      ProtoWriter w(&col);
      w.WriteBytesField(1, c.name);
      w.WriteVarintField(2, static_cast<uint64_t>(c.type));
      body += DelimitedSize(col.size());
      columns.push_back(std::move(col));
    }
    for (const Row& r : result->rows) body += DelimitedSize(RowBodySize(r, types));
  }
  size_t total = kFrameHeaderBytes + 1 + body;
  if (total - 1 > 0xfffffffeULL) {
    return Status(ErrorCode::kMemoryLimit, "the reply is too large for one frame");
  }
  // The frame is charged as it fills (untouched capacity costs no memory) and each row's
  // estimated size is given back once it is freed, so the charge follows what is really held.
  int64_t charged = 0;
  auto grow = [&](size_t bytes) -> Status {
    if (memory == nullptr) return Status::OK();
    QUANTA_RETURN_IF_ERROR(memory->Grow(static_cast<int64_t>(bytes), "the reply"));
    charged += static_cast<int64_t>(bytes);
    return Status::OK();
  };
  QUANTA_RETURN_IF_ERROR(grow(total - body));
  frame->reserve(total);
  coding::PutFixed32BE(frame, static_cast<uint32_t>(body + 1));
  frame->push_back(static_cast<char>(code::kTsQueryResp));
  ProtoWriter w(frame);
  for (const std::string& col : columns) {
    QUANTA_RETURN_IF_ERROR(grow(DelimitedSize(col.size())));
    w.WriteMessageField(1, col);
  }
  for (Row& r : result->rows) {
    size_t row_body = RowBodySize(r, types);
    QUANTA_RETURN_IF_ERROR(grow(DelimitedSize(row_body)));
    coding::PutVarint64(frame, (2 << 3) | 2);
    coding::PutVarint64(frame, row_body);
    size_t cells = std::min(r.size(), types.size());
    for (size_t i = 0; i < cells; ++i) AppendCell(frame, r[i], types[i]);
    if (memory != nullptr) {
      int64_t freed = static_cast<int64_t>(ApproxRowMemory(r));
      memory->Shrink(std::min(freed, memory->held() - charged));
    }
    Row().swap(r);
  }
  result->rows.clear();
  result->rows.shrink_to_fit();
  return Status::OK();
}

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
