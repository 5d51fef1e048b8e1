#include "storage/row_codec.h"

#include <cstring>

#include "common/coding.h"

namespace quanta::storage {

namespace {

// Varint decoding on raw pointers: the hot loop of a scan. Returns nullptr on malformed input.
inline const char* ReadVarint(const char* p, const char* end, uint64_t* v) {
  if (p < end && static_cast<uint8_t>(*p) < 0x80) {  // one-byte fast path
    *v = static_cast<uint8_t>(*p);
    return p + 1;
  }
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p < end; shift += 7) {
    uint8_t byte = static_cast<uint8_t>(*p++);
    if (shift == 63 && byte > 1) return nullptr;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

inline bool IsNull(const char* bitmap, int bit) {
  return bit >= 0 && (static_cast<uint8_t>(bitmap[bit >> 3]) >> (bit & 7)) & 1;
}

}  // namespace

RowCodec::RowCodec(const schema::TableDef& table) {
  int nullable = 0;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.IsKeyColumn(static_cast<int>(c))) continue;
    Field f;
    f.column = static_cast<int>(c);
    f.type = table.columns[c].type;
    f.null_bit = table.columns[c].nullable ? nullable++ : -1;
    fields_.push_back(f);
  }
  bitmap_bytes_ = (nullable + 7) / 8;
}

void RowCodec::Encode(const Row& row, std::string* out) const {
  out->push_back(static_cast<char>(kRowFormatVersion));
  size_t bitmap_pos = out->size();
  out->append(bitmap_bytes_, '\0');
  for (const Field& f : fields_) {
    const Value& v = row[f.column];
    if (v.is_null()) {
      (*out)[bitmap_pos + (f.null_bit >> 3)] |= static_cast<char>(1 << (f.null_bit & 7));
      continue;
    }
    switch (f.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp:
        coding::PutVarint64(out, coding::ZigZagEncode(v.as_int()));
        break;
      case ColumnType::kDouble:
        coding::PutFixed64LE(out, coding::DoubleBits(v.as_double()));
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        coding::PutLengthPrefixed(out, v.as_bytes());
        break;
      case ColumnType::kBoolean:
        out->push_back(v.as_bool() ? 1 : 0);
        break;
    }
  }
}

Status RowCodec::Decode(std::string_view value, Row* row) const {
  auto corrupt = [] { return Status(ErrorCode::kCorruption, "corrupt row value"); };
  if (value.size() < 1 + bitmap_bytes_ || static_cast<uint8_t>(value[0]) != kRowFormatVersion) {
    return corrupt();
  }
  const char* bitmap = value.data() + 1;
  const char* p = bitmap + bitmap_bytes_;
  const char* end = value.data() + value.size();
  for (const Field& f : fields_) {
    Value& out = (*row)[f.column];
    if (IsNull(bitmap, f.null_bit)) {
      out = Value::Null();
      continue;
    }
    switch (f.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: {
        uint64_t u;
        p = ReadVarint(p, end, &u);
        if (!p) return corrupt();
        out = Value::Int(coding::ZigZagDecode(u));
        break;
      }
      case ColumnType::kDouble:
        if (end - p < 8) return corrupt();
        out = Value::Double(coding::BitsToDouble(coding::DecodeFixed64LE(p)));
        p += 8;
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob: {
        uint64_t n;
        p = ReadVarint(p, end, &n);
        if (!p || n > static_cast<uint64_t>(end - p)) return corrupt();
        out = Value::Bytes(std::string(p, n));
        p += n;
        break;
      }
      case ColumnType::kBoolean:
        if (p >= end || static_cast<uint8_t>(*p) > 1) return corrupt();
        out = Value::Bool(*p != 0);
        ++p;
        break;
    }
  }
  if (p != end) return corrupt();
  return Status::OK();
}

bool RowCodec::DecodeInto(std::string_view value, RowBatch* batch) const {
  if (value.size() < 1 + bitmap_bytes_ || static_cast<uint8_t>(value[0]) != kRowFormatVersion) {
    return false;
  }
  const char* bitmap = value.data() + 1;
  const char* p = bitmap + bitmap_bytes_;
  const char* end = value.data() + value.size();
  for (const Field& f : fields_) {
    ColumnVector& col = batch->columns[f.column];
    const bool want = col.filled;
    if (IsNull(bitmap, f.null_bit)) {
      if (want) {
        switch (f.type) {
          case ColumnType::kSint64:
          case ColumnType::kTimestamp: col.ints.push_back(0); break;
          case ColumnType::kDouble: col.doubles.push_back(0); break;
          case ColumnType::kVarchar:
          case ColumnType::kBlob: col.strings.emplace_back(); break;
          case ColumnType::kBoolean: col.bools.push_back(0); break;
        }
        col.nulls.push_back(1);
      }
      continue;
    }
    switch (f.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: {
        uint64_t u;
        p = ReadVarint(p, end, &u);
        if (!p) return false;
        if (want) col.ints.push_back(coding::ZigZagDecode(u));
        break;
      }
      case ColumnType::kDouble:
        if (end - p < 8) return false;
        if (want) col.doubles.push_back(coding::BitsToDouble(coding::DecodeFixed64LE(p)));
        p += 8;
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob: {
        uint64_t n;
        p = ReadVarint(p, end, &n);
        if (!p || n > static_cast<uint64_t>(end - p)) return false;
        if (want) col.strings.emplace_back(p, n);
        p += n;
        break;
      }
      case ColumnType::kBoolean:
        if (p >= end || static_cast<uint8_t>(*p) > 1) return false;
        if (want) col.bools.push_back(static_cast<uint8_t>(*p));
        ++p;
        break;
    }
    if (want) col.nulls.push_back(0);
  }
  return p == end;
}

void RowCodec::AppendInto(const Row& row, RowBatch* batch) const {
  for (const Field& f : fields_) {
    ColumnVector& col = batch->columns[f.column];
    if (!col.filled) continue;
    const Value& v = row[f.column];
    const bool null = v.is_null();
    switch (f.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: col.ints.push_back(null ? 0 : v.as_int()); break;
      case ColumnType::kDouble: col.doubles.push_back(null ? 0 : v.as_double()); break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        if (null) {
          col.strings.emplace_back();
        } else {
          col.strings.push_back(v.as_bytes());
        }
        break;
      case ColumnType::kBoolean: col.bools.push_back(!null && v.as_bool() ? 1 : 0); break;
    }
    col.nulls.push_back(null ? 1 : 0);
  }
}

}  // namespace quanta::storage
