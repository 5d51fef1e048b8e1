#include "http/json_codec.h"

#include <cmath>

#include <rapidjson/document.h>
#include <rapidjson/encodings.h>
#include <rapidjson/error/en.h>
#include <rapidjson/writer.h>

#include "http/base64.h"

namespace quanta::http {
namespace {

// Strict: no comments, no trailing commas, no NaN/Infinity, exact UTF-8, exact doubles, and an
// explicit stack so deeply nested input cannot overflow the C++ stack.
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag |
                                 rapidjson::kParseIterativeFlag;

// RapidJSON output stream appending to a std::string.
struct StringSink {
  using Ch = char;
  std::string* out;
  void Put(char c) { out->push_back(c); }
  void Flush() {}
};

using JsonWriter = rapidjson::Writer<StringSink, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                     rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

bool WriteString(JsonWriter& writer, std::string_view s) {
  return writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// `type` tells a blob from a varchar; everything else follows the value's representation.
bool WriteValue(JsonWriter& writer, ColumnType type, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return writer.StartArray() && writer.EndArray();
    case Value::Kind::kInt:
      return writer.Int64(value.as_int());
    case Value::Kind::kDouble: {
      double d = value.as_double();
      if (!std::isfinite(d)) return writer.Null();
      std::string text = FormatDouble(d);
      return writer.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    }
    case Value::Kind::kBytes:
      if (type == ColumnType::kBlob) return WriteString(writer, Base64Encode(value.as_bytes()));
      return WriteString(writer, value.as_bytes());
    case Value::Kind::kBool:
      return writer.Bool(value.as_bool());
  }
  return false;
}

enum class CellResult { kOk, kBadValue, kInvalidJson };

CellResult DecodeCell(const schema::ColumnDef& column, const rapidjson::Value& json, Value* out) {
  if (json.IsNull()) {
    if (!column.nullable) return CellResult::kBadValue;
    *out = Value::Null();
    return CellResult::kOk;
  }
  switch (column.type) {
    case ColumnType::kVarchar:
      if (!json.IsString()) return CellResult::kBadValue;
      *out = Value::Bytes(std::string(json.GetString(), json.GetStringLength()));
      return CellResult::kOk;
    case ColumnType::kBlob: {
      if (!json.IsString()) return CellResult::kBadValue;
      auto bytes = Base64Decode(std::string_view(json.GetString(), json.GetStringLength()));
      if (!bytes) return CellResult::kInvalidJson;
      *out = Value::Bytes(std::move(*bytes));
      return CellResult::kOk;
    }
    case ColumnType::kSint64:
      if (!json.IsInt64()) return CellResult::kBadValue;
      *out = Value::Int(json.GetInt64());
      return CellResult::kOk;
    case ColumnType::kTimestamp:
      if (!json.IsInt64() || json.GetInt64() < 1) return CellResult::kBadValue;
      *out = Value::Int(json.GetInt64());
      return CellResult::kOk;
    case ColumnType::kDouble: {
      if (!json.IsNumber()) return CellResult::kBadValue;
      double d = json.GetDouble();  // integers (Int64/Uint64) convert here
      if (!std::isfinite(d)) return CellResult::kBadValue;
      *out = Value::Double(d);
      return CellResult::kOk;
    }
    case ColumnType::kBoolean:
      if (!json.IsBool()) return CellResult::kBadValue;
      *out = Value::Bool(json.GetBool());
      return CellResult::kOk;
  }
  return CellResult::kBadValue;
}

std::optional<HttpError> DecodeObject(const schema::TableDef& table,
                                      const rapidjson::Value& object, Row* row) {
  if (!object.IsObject()) return InvalidJsonError();
  row->clear();
  row->reserve(table.columns.size());
  for (const schema::ColumnDef& column : table.columns) {
    auto member = object.FindMember(
        rapidjson::Value(rapidjson::StringRef(column.name.data(), column.name.size())));
    if (member == object.MemberEnd()) {
      if (!column.nullable) return MissingFieldError(column.name, table.name);
      row->push_back(Value::Null());
      continue;
    }
    Value value;
    switch (DecodeCell(column, member->value, &value)) {
      case CellResult::kOk: break;
      case CellResult::kBadValue: return BadValueError(column.name, column.type, table.name);
      case CellResult::kInvalidJson: return InvalidJsonError();
    }
    row->push_back(std::move(value));
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string_view body,
                                    std::vector<Row>* rows) {
  rows->clear();
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) return InvalidJsonError();
  if (doc.IsObject()) {
    Row row;
    if (auto error = DecodeObject(table, doc, &row)) return error;
    rows->push_back(std::move(row));
    return std::nullopt;
  }
  if (!doc.IsArray()) return InvalidJsonError();
  // Shape first, so a malformed element anywhere is "Invalid json" rather than a field error.
  for (const auto& element : doc.GetArray()) {
    if (!element.IsObject()) return InvalidJsonError();
  }
  rows->reserve(doc.Size());
  for (const auto& element : doc.GetArray()) {
    Row row;
    if (auto error = DecodeObject(table, element, &row)) return error;
    rows->push_back(std::move(row));
  }
  return std::nullopt;
}

bool EncodeResultSet(const ResultSet& result, std::string* out) {
  out->clear();
  StringSink sink{out};
  JsonWriter writer(sink);
  if (!writer.StartObject() || !writer.Key("columns") || !writer.StartArray()) return false;
  for (const ColumnDesc& column : result.columns) {
    if (!WriteString(writer, column.name)) return false;
  }
  if (!writer.EndArray() || !writer.Key("rows") || !writer.StartArray()) return false;
  for (const Row& row : result.rows) {
    if (!writer.StartArray()) return false;
    for (size_t i = 0; i < row.size(); ++i) {
      ColumnType type = i < result.columns.size() ? result.columns[i].type : ColumnType::kVarchar;
      if (!WriteValue(writer, type, row[i])) return false;
    }
    if (!writer.EndArray()) return false;
  }
  return writer.EndArray() && writer.EndObject();
}

bool EncodeRowObject(const schema::TableDef& table, const Row& row, std::string* out) {
  out->clear();
  StringSink sink{out};
  JsonWriter writer(sink);
  if (!writer.StartObject()) return false;
  for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
    const schema::ColumnDef& column = table.columns[i];
    if (!WriteString(writer, column.name)) return false;
    if (!WriteValue(writer, column.type, row[i])) return false;
  }
  return writer.EndObject();
}

std::string SuccessJson() { return "{\"success\":true}"; }

std::string ErrorLineJson(std::string_view text) {
  std::string out;
  StringSink sink{&out};
  rapidjson::Writer<StringSink> writer(sink);
  // The plain writer does not validate; replace bytes that would make the output invalid.
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) clean.push_back(static_cast<unsigned char>(c) < 0x80 ? c : '?');
  writer.StartObject();
  writer.Key("error");
  writer.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  writer.EndObject();
  return out;
}

}  // namespace quanta::http
