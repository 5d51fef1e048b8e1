#include "http/key_path.h"


#include "http/base64.h"
#include "http/number_text.h"
#include "http/url_codec.h"

namespace quanta::http {
namespace {

std::string UrlValueText(ColumnType type, const Value& value) {
  switch (type) {
    case ColumnType::kVarchar: return value.as_bytes();
    case ColumnType::kBlob: return Base64Encode(value.as_bytes());
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: return std::to_string(value.as_int());
    case ColumnType::kDouble: return FormatDouble(value.as_double());
    case ColumnType::kBoolean: return value.as_bool() ? "true" : "false";
  }
  return {};
}

}  // namespace

std::optional<Value> ParseUrlValue(ColumnType type, std::string_view text) {
  switch (type) {
    case ColumnType::kVarchar:
      return Value::Bytes(std::string(text));
    case ColumnType::kBlob: {
      auto bytes = Base64Decode(text);
      if (!bytes) return std::nullopt;
      return Value::Bytes(std::move(*bytes));
    }
    case ColumnType::kSint64: {
      auto v = ParseInt64Text(text, /*allow_plus=*/true);
      if (!v) return std::nullopt;
      return Value::Int(*v);
    }
    case ColumnType::kTimestamp: {
      auto v = ParseInt64Text(text, /*allow_plus=*/true);
      if (!v || *v < 1) return std::nullopt;
      return Value::Int(*v);
    }
    case ColumnType::kDouble: {
      auto v = ParseDoubleText(text, /*allow_plus=*/true);
      if (!v) return std::nullopt;
      return Value::Double(*v);
    }
    case ColumnType::kBoolean:
      if (text == "true") return Value::Bool(true);
      if (text == "false") return Value::Bool(false);
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<HttpError> ParseKeyPath(const schema::TableDef& table,
                                      const std::vector<std::string>& elements, Row* key) {
  const size_t lk_size = table.local_key.size();
  if (elements.size() != 2 * lk_size) {
    return KeyLengthError(lk_size, elements.size(), table.name);
  }
  // Column index of each pair, checked before any value is looked at.
  std::vector<int> pair_columns;
  pair_columns.reserve(lk_size);
  for (size_t i = 0; i < elements.size(); i += 2) {
    int column = table.ColumnIndex(elements[i]);
    if (column < 0) return NoSuchFieldError(elements[i], table.name);
    pair_columns.push_back(column);
  }
  // For each LK position, the pair giving it (the first one if repeated).
  std::vector<int> lk_pair(lk_size, -1);
  for (size_t p = 0; p < pair_columns.size(); ++p) {
    int lk_pos = table.LkPosition(pair_columns[p]);
    if (lk_pos >= 0 && lk_pair[lk_pos] < 0) lk_pair[lk_pos] = static_cast<int>(p);
  }
  for (int p : lk_pair) {
    if (p < 0) return NotAllKeyFieldsError();
  }
  key->clear();
  key->reserve(lk_size);
  for (size_t k = 0; k < lk_size; ++k) {
    const schema::ColumnDef& column = table.columns[table.local_key[k].column];
    auto value = ParseUrlValue(column.type, elements[2 * lk_pair[k] + 1]);
    if (!value) return BadValueError(column.name, column.type, table.name);
    key->push_back(std::move(*value));
  }
  return std::nullopt;
}

std::optional<std::string> KeyUrlPath(const schema::TableDef& table, const Row& key) {
  if (key.size() != table.local_key.size()) return std::nullopt;
  std::string out;
  for (size_t k = 0; k < key.size(); ++k) {
    const schema::ColumnDef& column = table.columns[table.local_key[k].column];
    if (!key[k].MatchesType(column.type)) return std::nullopt;
    if (k > 0) out.push_back('/');
    out += PercentEncode(column.name);
    out.push_back('/');
    out += PercentEncode(UrlValueText(column.type, key[k]));
  }
  return out;
}

}  // namespace quanta::http
