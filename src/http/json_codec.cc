#include "http/json_codec.h"

#include <cmath>
#include <cstdint>

#include <rapidjson/reader.h>

#include "http/base64.h"
#include "http/number_text.h"

namespace quanta::http {
namespace {

//===--------------------------------------------------------------------===//
// Decoding
//===--------------------------------------------------------------------===//

// RapidJSON's SAX reader, configured so that RapidJSON never converts a number (they arrive as
// text and number_text.h converts them, exactly and with explicit range checks) and never
// touches its internal stack (in-situ strings, recursive descent bounded by kMaxDepth below):
// strict JSON, validated UTF-8, no comments, no trailing commas, no NaN/Infinity.
constexpr unsigned kParseFlags = rapidjson::kParseInsituFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;

// A put body needs depth 2 (array of objects); deeper values are rejected as bad values anyway.
constexpr int kMaxDepth = 32;

// One member value of a row object, kept as parsed until the whole body is known to be valid.
struct Cell {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kCompound };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // number text or string bytes
};

// Per row: the first value given for each table column (other keys are dropped).
using RawRow = std::vector<std::optional<Cell>>;

// SAX handler building RawRows. Shape errors (a top level that is not an object or an array of
// objects) and nesting beyond kMaxDepth stop the parse.
class RowCollector : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RowCollector> {
 public:
  explicit RowCollector(const schema::TableDef& table) : table_(table) {}

  std::vector<RawRow>& rows() { return rows_; }

  bool StartObject() {
    if (++depth_ > kMaxDepth) return false;
    if (depth_ == 1) {
      top_is_array_ = false;
      return BeginRow();
    }
    if (depth_ == 2 && top_is_array_) return BeginRow();
    return Compound();
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() {
    if (++depth_ > kMaxDepth) return false;
    if (depth_ == 1) {
      top_is_array_ = true;
      return true;
    }
    if (depth_ == 2 && top_is_array_) return false;  // array element that is not an object
    return Compound();
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType length, bool) {
    if (depth_ == RowDepth()) column_ = table_.ColumnIndex(std::string_view(str, length));
    return true;
  }
  bool Null() { return Scalar(Cell{Cell::Kind::kNull, false, {}}); }
  bool Bool(bool b) { return Scalar(Cell{Cell::Kind::kBool, b, {}}); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    return Scalar(Cell{Cell::Kind::kNumber, false, std::string(str, length)});
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    return Scalar(Cell{Cell::Kind::kString, false, std::string(str, length)});
  }
  // Numbers arrive through RawNumber only (kParseNumbersAsStringsFlag).
  bool Default() { return false; }

 private:
  int RowDepth() const { return top_is_array_ ? 2 : 1; }

  bool BeginRow() {
    rows_.emplace_back(table_.columns.size());
    column_ = -1;
    return true;
  }
  // A value directly inside a row object, for the column named by the last key.
  bool Set(Cell cell) {
    if (column_ >= 0 && !rows_.back()[column_]) rows_.back()[column_] = std::move(cell);
    column_ = -1;
    return true;
  }
  bool Scalar(Cell cell) {
    if (depth_ == 0) return false;  // a bare scalar as the whole body
    if (depth_ == 1 && top_is_array_) return false;  // array element that is not an object
    if (depth_ == RowDepth()) return Set(std::move(cell));
    return true;  // inside a nested compound value
  }
  // An object or array as a member value: recorded once at the row level, contents skipped.
  bool Compound() {
    if (depth_ == RowDepth() + 1) return Set(Cell{Cell::Kind::kCompound, false, {}});
    return true;
  }

  const schema::TableDef& table_;
  std::vector<RawRow> rows_;
  int depth_ = 0;
  bool top_is_array_ = false;
  int column_ = -1;
};

enum class CellResult { kOk, kBadValue, kInvalidJson };

CellResult ConvertCell(const schema::ColumnDef& column, const Cell& cell, Value* out) {
  if (cell.kind == Cell::Kind::kNull) {
    if (!column.nullable) return CellResult::kBadValue;
    *out = Value::Null();
    return CellResult::kOk;
  }
  switch (column.type) {
    case ColumnType::kVarchar:
      if (cell.kind != Cell::Kind::kString) return CellResult::kBadValue;
      *out = Value::Bytes(cell.text);
      return CellResult::kOk;
    case ColumnType::kBlob: {
      if (cell.kind != Cell::Kind::kString) return CellResult::kBadValue;
      auto bytes = Base64Decode(cell.text);
      if (!bytes) return CellResult::kInvalidJson;
      *out = Value::Bytes(std::move(*bytes));
      return CellResult::kOk;
    }
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      if (cell.kind != Cell::Kind::kNumber || !IsIntegerText(cell.text)) {
        return CellResult::kBadValue;
      }
      auto v = ParseInt64Text(cell.text, /*allow_plus=*/false);
      if (!v) return CellResult::kBadValue;
      if (column.type == ColumnType::kTimestamp && *v < 1) return CellResult::kBadValue;
      *out = Value::Int(*v);
      return CellResult::kOk;
    }
    case ColumnType::kDouble: {
      if (cell.kind != Cell::Kind::kNumber) return CellResult::kBadValue;
      auto v = ParseDoubleText(cell.text, /*allow_plus=*/false);  // integers convert here
      if (!v) return CellResult::kBadValue;
      *out = Value::Double(*v);
      return CellResult::kOk;
    }
    case ColumnType::kBoolean:
      if (cell.kind != Cell::Kind::kBool) return CellResult::kBadValue;
      *out = Value::Bool(cell.boolean);
      return CellResult::kOk;
  }
  return CellResult::kBadValue;
}

std::optional<HttpError> ConvertRow(const schema::TableDef& table, const RawRow& raw, Row* row) {
  row->clear();
  row->reserve(table.columns.size());
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const schema::ColumnDef& column = table.columns[i];
    if (!raw[i]) {
      if (!column.nullable) return MissingFieldError(column.name, table.name);
      row->push_back(Value::Null());
      continue;
    }
    Value value;
    switch (ConvertCell(column, *raw[i], &value)) {
      case CellResult::kOk: break;
      case CellResult::kBadValue: return BadValueError(column.name, column.type, table.name);
      case CellResult::kInvalidJson: return InvalidJsonError();
    }
    row->push_back(std::move(value));
  }
  return std::nullopt;
}

//===--------------------------------------------------------------------===//
// Encoding
//===--------------------------------------------------------------------===//

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    unsigned char c1 = byte(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned char c1 = byte(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Appends `s` as a JSON string literal. false when `s` is not valid UTF-8.
bool AppendString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) return false;
      out->append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
  return true;
}

// `type` tells a blob from a varchar; everything else follows the value's representation.
bool AppendValue(ColumnType type, const Value& value, std::string* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out->append("[]");
      return true;
    case Value::Kind::kInt:
      out->append(std::to_string(value.as_int()));
      return true;
    case Value::Kind::kDouble:
      if (!std::isfinite(value.as_double())) {
        out->append("null");
      } else {
        out->append(FormatDouble(value.as_double()));
      }
      return true;
    case Value::Kind::kBytes:
      if (type == ColumnType::kBlob) return AppendString(Base64Encode(value.as_bytes()), out);
      return AppendString(value.as_bytes(), out);
    case Value::Kind::kBool:
      out->append(value.as_bool() ? "true" : "false");
      return true;
  }
  return false;
}

}  // namespace

std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string_view body,
                                    std::vector<Row>* rows) {
  rows->clear();
  // In-situ parsing needs a writable, NUL-terminated copy; a NUL byte in the body is never
  // valid JSON (and would end the in-situ input early).
  if (body.find('\0') != std::string_view::npos) return InvalidJsonError();
  // RapidJSON's UTF-8 validator consumes a whole multi-byte sequence before judging it, so a
  // truncated sequence at the very end reads up to three bytes past the terminator: pad.
  std::string buffer(body);
  buffer.append(4, '\0');
  rapidjson::InsituStringStream stream(buffer.data());
  rapidjson::Reader reader;
  RowCollector collector(table);
  if (reader.Parse<kParseFlags>(stream, collector).IsError()) return InvalidJsonError();

  rows->reserve(collector.rows().size());
  for (const RawRow& raw : collector.rows()) {
    Row row;
    if (auto error = ConvertRow(table, raw, &row)) {
      rows->clear();
      return error;
    }
    rows->push_back(std::move(row));
  }
  return std::nullopt;
}

bool EncodeResultSet(const ResultSet& result, std::string* out) {
  out->clear();
  out->append("{\"columns\":[");
  for (size_t i = 0; i < result.columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (!AppendString(result.columns[i].name, out)) return false;
  }
  out->append("],\"rows\":[");
  for (size_t r = 0; r < result.rows.size(); ++r) {
    if (r > 0) out->push_back(',');
    out->push_back('[');
    const Row& row = result.rows[r];
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out->push_back(',');
      ColumnType type = i < result.columns.size() ? result.columns[i].type : ColumnType::kVarchar;
      if (!AppendValue(type, row[i], out)) return false;
    }
    out->push_back(']');
  }
  out->append("]}");
  return true;
}

bool EncodeRowObject(const schema::TableDef& table, const Row& row, std::string* out) {
  out->clear();
  out->push_back('{');
  for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
    if (i > 0) out->push_back(',');
    const schema::ColumnDef& column = table.columns[i];
    if (!AppendString(column.name, out)) return false;
    out->push_back(':');
    if (!AppendValue(column.type, row[i], out)) return false;
  }
  out->push_back('}');
  return true;
}

std::string SuccessJson() { return "{\"success\":true}"; }

std::string ErrorLineJson(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) clean.push_back(static_cast<unsigned char>(c) < 0x80 ? c : '?');
  std::string out = "{\"error\":";
  AppendString(clean, &out);
  out.push_back('}');
  return out;
}

}  // namespace quanta::http
