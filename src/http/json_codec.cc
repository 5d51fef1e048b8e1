#include "http/json_codec.h"

#include <algorithm>
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

// The decoder charges its rows to the request's reservation in steps of at least this much.
constexpr int64_t kChargeStep = 1 << 20;

}  // namespace
}  // namespace quanta::http

namespace quanta::http::json_detail {

// RapidJSON's in-situ string stream over [begin, end) of the request body itself (no copy):
// reads at or past `end` give '\0', which ends the parse (RapidJSON's UTF-8 validator consumes
// up to three bytes of a truncated sequence before judging it, so it may ask past the end, and
// it writes each byte it takes, so writes past the end are dropped too). In-situ writes
// otherwise always go behind the read position.
class BoundedInsituStream {
 public:
  typedef char Ch;
  BoundedInsituStream(char* begin, char* end)
      : head_(begin), size_(static_cast<size_t>(end - begin)) {}

  Ch Peek() const { return src_ < size_ ? head_[src_] : '\0'; }
  Ch Take() {
    if (src_ < size_) return head_[src_++];
    ++overrun_;
    return '\0';
  }
  size_t Tell() const { return src_ + overrun_; }

  Ch* PutBegin() {
    dst_ = src_;
    return head_ + dst_;
  }
  void Put(Ch c) {
    if (dst_ < size_) head_[dst_] = c;
    ++dst_;
  }
  void Flush() {}
  size_t PutEnd(Ch* begin) { return dst_ - static_cast<size_t>(begin - head_); }

 private:
  Ch* head_;
  size_t size_;
  size_t src_ = 0;
  size_t dst_ = 0;
  size_t overrun_ = 0;
};

}  // namespace quanta::http::json_detail

namespace rapidjson {
// Like InsituStringStream: the reader parses numbers from a local copy, so that PutBegin() on the
// original still points at the number's first character.
template <>
struct StreamTraits<quanta::http::json_detail::BoundedInsituStream> {
  enum { copyOptimization = 1 };
};
}  // namespace rapidjson

namespace quanta::http {
namespace {

using json_detail::BoundedInsituStream;

// What the decoder knows about one column of the row being read.
enum class CellState : uint8_t { kAbsent, kSet, kBadValue, kInvalidJson };

enum class CellResult { kOk, kBadValue, kInvalidJson };

// Estimated heap bytes of one decoded row (vector, values, out-of-line string payloads).
int64_t RowBytes(const Row& row) {
  int64_t bytes = static_cast<int64_t>(sizeof(Row) + 16 + row.capacity() * sizeof(Value));
  for (const Value& v : row) {
    if (v.kind() == Value::Kind::kBytes && v.as_bytes().capacity() > 15) {
      bytes += static_cast<int64_t>(v.as_bytes().capacity()) + 17;
    }
  }
  return bytes;
}

// SAX handler that decodes rows as they stream in: each member value is converted straight into
// the row being built (first value for a column counts; other keys are ignored), and each row is
// checked when its object closes. The first invalid row's error is kept, the rows decoded so far
// are freed, and the rest of the body is only checked for syntax (a malformed body must still
// answer Invalid json). Row memory is reserved from `memory` before it is used; a refusal stops
// the parse. Shape errors (a top level that is not an object or an array of objects) and
// nesting beyond kMaxDepth stop the parse.
class RowDecoder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RowDecoder> {
 public:
  RowDecoder(const schema::TableDef& table, MemoryReservation* memory, std::vector<Row>* rows)
      : table_(table), memory_(memory), rows_(rows), states_(table.columns.size()) {}

  // The first invalid row's error (none while every row so far was valid).
  const std::optional<HttpError>& row_error() const { return row_error_; }
  // A memory refusal that stopped the parse.
  const Status& memory_error() const { return memory_error_; }

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
    bool row_end = depth_ == RowDepth();
    --depth_;
    return row_end ? EndRow() : true;
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
  bool Null() { return Scalar(Kind::kNull, false, {}); }
  bool Bool(bool b) { return Scalar(Kind::kBool, b, {}); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    return Scalar(Kind::kNumber, false, std::string_view(str, length));
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    return Scalar(Kind::kString, false, std::string_view(str, length));
  }
  // Numbers arrive through RawNumber only (kParseNumbersAsStringsFlag).
  bool Default() { return false; }

 private:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kCompound };

  int RowDepth() const { return top_is_array_ ? 2 : 1; }
  bool decoding() const { return !row_error_; }

  bool BeginRow() {
    column_ = -1;
    if (!decoding()) return true;
    row_.assign(table_.columns.size(), Value::Null());
    std::fill(states_.begin(), states_.end(), CellState::kAbsent);
    return true;
  }

  // Checks the finished row in column order (first failure wins) and keeps it.
  bool EndRow() {
    if (!decoding()) return true;
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      const schema::ColumnDef& column = table_.columns[i];
      switch (states_[i]) {
        case CellState::kSet:
          continue;
        case CellState::kAbsent:
          if (column.nullable) continue;  // row_[i] is already NULL
          return Fail(MissingFieldError(column.name, table_.name));
        case CellState::kBadValue:
          return Fail(BadValueError(column.name, column.type, table_.name));
        case CellState::kInvalidJson:
          return Fail(InvalidJsonError());
      }
    }
    size_t capacity = rows_->capacity();
    int64_t bytes = RowBytes(row_);
    if (rows_->size() == capacity) {
      size_t next = std::max<size_t>(16, capacity * 2);
      bytes += static_cast<int64_t>((next - capacity) * sizeof(Row));
      if (!Charge(bytes)) return false;
      rows_->reserve(next);
    } else if (!Charge(bytes)) {
      return false;
    }
    rows_->push_back(std::move(row_));
    row_ = Row();
    return true;
  }

  // Keeps the first invalid row's error, frees the rows decoded so far, and carries on with the
  // syntax check only.
  bool Fail(HttpError error) {
    row_error_ = std::move(error);
    std::vector<Row>().swap(*rows_);
    row_ = Row();
    if (memory_) memory_->Shrink(charged_);
    charged_ = used_ = 0;
    return true;
  }

  // Reserves `bytes` more before they are allocated; false (stopping the parse) on refusal.
  bool Charge(int64_t bytes) {
    used_ += bytes;
    if (memory_ == nullptr || used_ <= charged_) return true;
    int64_t step = std::max(used_ - charged_, kChargeStep);
    Status st = memory_->Grow(step, "decoding the request body");
    if (!st.ok()) {
      memory_error_ = std::move(st);
      return false;
    }
    charged_ += step;
    return true;
  }

  bool Scalar(Kind kind, bool boolean, std::string_view text) {
    if (depth_ == 0) return false;  // a bare scalar as the whole body
    if (depth_ == 1 && top_is_array_) return false;  // array element that is not an object
    if (depth_ == RowDepth()) Set(kind, boolean, text);
    return true;  // else inside a nested compound value
  }
  // An object or array as a member value: judged once at the row level, contents skipped.
  bool Compound() {
    if (depth_ == RowDepth() + 1) Set(Kind::kCompound, false, {});
    return true;
  }

  // A value directly inside a row object, for the column named by the last key.
  void Set(Kind kind, bool boolean, std::string_view text) {
    int column = column_;
    column_ = -1;
    if (!decoding() || column < 0 || states_[column] != CellState::kAbsent) return;
    switch (Convert(table_.columns[column], kind, boolean, text, &row_[column])) {
      case CellResult::kOk: states_[column] = CellState::kSet; break;
      case CellResult::kBadValue: states_[column] = CellState::kBadValue; break;
      case CellResult::kInvalidJson: states_[column] = CellState::kInvalidJson; break;
    }
  }

  static CellResult Convert(const schema::ColumnDef& column, Kind kind, bool boolean,
                            std::string_view text, Value* out) {
    if (kind == Kind::kNull) {
      if (!column.nullable) return CellResult::kBadValue;
      *out = Value::Null();
      return CellResult::kOk;
    }
    switch (column.type) {
      case ColumnType::kVarchar:
        if (kind != Kind::kString) return CellResult::kBadValue;
        *out = Value::Bytes(std::string(text));
        return CellResult::kOk;
      case ColumnType::kBlob: {
        if (kind != Kind::kString) return CellResult::kBadValue;
        auto bytes = Base64Decode(text);
        if (!bytes) return CellResult::kInvalidJson;
        *out = Value::Bytes(std::move(*bytes));
        return CellResult::kOk;
      }
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: {
        if (kind != Kind::kNumber || !IsIntegerText(text)) return CellResult::kBadValue;
        auto v = ParseInt64Text(text, /*allow_plus=*/false);
        if (!v) return CellResult::kBadValue;
        if (column.type == ColumnType::kTimestamp && *v < 1) return CellResult::kBadValue;
        *out = Value::Int(*v);
        return CellResult::kOk;
      }
      case ColumnType::kDouble: {
        if (kind != Kind::kNumber) return CellResult::kBadValue;
        auto v = ParseDoubleText(text, /*allow_plus=*/false);  // integers convert here
        if (!v) return CellResult::kBadValue;
        *out = Value::Double(*v);
        return CellResult::kOk;
      }
      case ColumnType::kBoolean:
        if (kind != Kind::kBool) return CellResult::kBadValue;
        *out = Value::Bool(boolean);
        return CellResult::kOk;
    }
    return CellResult::kBadValue;
  }

  const schema::TableDef& table_;
  MemoryReservation* memory_;
  std::vector<Row>* rows_;
  std::vector<CellState> states_;  // per column of row_
  Row row_;
  std::optional<HttpError> row_error_;
  Status memory_error_;
  int64_t used_ = 0;     // estimated bytes of *rows_
  int64_t charged_ = 0;  // bytes this decoder took from memory_
  int depth_ = 0;
  bool top_is_array_ = false;
  int column_ = -1;
};

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

// Bytes AppendString writes for `s` (exact for valid UTF-8; invalid input fails there anyway).
size_t StringLiteralLength(std::string_view s) {
  size_t n = 2;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      n += 2;
    } else if (c < 0x20) {
      n += 6;
    } else {
      n += 1;
    }
  }
  return n;
}

// What AppendValue writes for `value`: exact, except for a double (its longest shortest
// form, "-2.2250738585072014e-308").
size_t ValueLengthBound(ColumnType type, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return 2;
    case Value::Kind::kInt: {
      int64_t v = value.as_int();
      size_t n = v < 0 ? 2 : 1;
      uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      while (u >= 10) {
        u /= 10;
        ++n;
      }
      return n;
    }
    case Value::Kind::kDouble:
      return 25;
    case Value::Kind::kBool:
      return 5;
    case Value::Kind::kBytes:
      if (type == ColumnType::kBlob) return (value.as_bytes().size() + 2) / 3 * 4 + 2;
      return StringLiteralLength(value.as_bytes());
  }
  return 32;
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

std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string* body,
                                    MemoryReservation* memory, std::vector<Row>* rows) {
  rows->clear();
  // In-situ parsing stops at a NUL, and a NUL byte is never valid JSON.
  if (body->find('\0') != std::string::npos) return InvalidJsonError();
  BoundedInsituStream stream(body->data(), body->data() + body->size());
  rapidjson::Reader reader;
  RowDecoder decoder(table, memory, rows);
  bool parsed = !reader.Parse<kParseFlags>(stream, decoder).IsError();
  std::optional<HttpError> error;
  if (!decoder.memory_error().ok()) {
    ErrorContext context;
    context.endpoint = Endpoint::kPut;
    context.table = table.name;
    error = MapStatus(decoder.memory_error(), context);
  } else if (!parsed) {
    error = InvalidJsonError();
  } else {
    error = decoder.row_error();
  }
  if (error) std::vector<Row>().swap(*rows);
  return error;
}

std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string_view body,
                                    std::vector<Row>* rows) {
  std::string copy(body);
  return DecodeRows(table, &copy, nullptr, rows);
}

Status EncodeResultSet(ResultSet* result, MemoryReservation* memory, std::string* out) {
  // One pass measures the text (exactly, except that a double counts as its longest form), the
  // reservation takes that much, and the string is allocated once: no reallocation copies.
  size_t length = 24;  // {"columns":[],"rows":[]}
  for (const auto& column : result->columns) length += StringLiteralLength(column.name) + 1;
  for (const Row& row : result->rows) {
    length += row.size() + 3;  // [ ] and commas
    for (size_t i = 0; i < row.size(); ++i) {
      ColumnType type = i < result->columns.size() ? result->columns[i].type : ColumnType::kVarchar;
      length += ValueLengthBound(type, row[i]);
    }
  }
  if (memory) QUANTA_RETURN_IF_ERROR(memory->Grow(static_cast<int64_t>(length), "encoding the result"));
  std::string().swap(*out);
  out->reserve(length);

  // Rows are freed once encoded and their estimated bytes given back, at most as much as the
  // reservation held before encoding (where the executor counted the result set; never release
  // what others hold).
  int64_t credit = memory ? memory->held() - static_cast<int64_t>(length) : 0;
  auto not_utf8 = [] {
    return Status(ErrorCode::kInvalidArgument, "result contains a varchar that is not valid UTF-8");
  };
  out->append("{\"columns\":[");
  for (size_t i = 0; i < result->columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (!AppendString(result->columns[i].name, out)) return not_utf8();
  }
  out->append("],\"rows\":[");
  for (size_t r = 0; r < result->rows.size(); ++r) {
    Row& row = result->rows[r];
    if (r > 0) out->push_back(',');
    out->push_back('[');
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out->push_back(',');
      ColumnType type = i < result->columns.size() ? result->columns[i].type : ColumnType::kVarchar;
      if (!AppendValue(type, row[i], out)) return not_utf8();
    }
    out->push_back(']');
    if (credit > 0) {
      int64_t freed = std::min(credit, RowBytes(row));
      memory->Shrink(freed);
      credit -= freed;
    }
    Row().swap(row);
  }
  out->append("]}");
  std::vector<Row>().swap(result->rows);
  return Status::OK();
}

bool EncodeResultSet(const ResultSet& result, std::string* out) {
  ResultSet copy = result;
  return EncodeResultSet(&copy, nullptr, out).ok();
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
