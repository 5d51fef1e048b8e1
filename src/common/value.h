// Value: one cell of a row, as carried between layers and on the wire.
//
// A Value is typeless apart from its representation: NULL, a 64-bit integer (SINT64 and
// TIMESTAMP), a double, a byte string (VARCHAR and BLOB) or a boolean. The column type that gives
// it meaning lives in the schema (ColumnType). This mirrors the wire: a PB TsCell or a TTB term
// says which representation it holds, not which SQL type.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace quanta {

// SQL column types. Numeric values equal the PB TsColumnType enum (riak_ts.proto) and are part
// of the on-disk catalog format: never renumber.
enum class ColumnType : uint8_t {
  kVarchar = 0,
  kSint64 = 1,
  kDouble = 2,
  kTimestamp = 3,
  kBoolean = 4,
  kBlob = 5,
};

// Lower-case SQL name: "varchar", "sint64", "double", "timestamp", "boolean", "blob".
std::string_view ColumnTypeName(ColumnType t);
// Upper-case SQL keyword as in SHOW CREATE TABLE: "VARCHAR", ...
std::string_view ColumnTypeKeyword(ColumnType t);
bool IsIntegerType(ColumnType t);   // SINT64, TIMESTAMP
bool IsStringType(ColumnType t);    // VARCHAR, BLOB

class Value {
 public:
  enum class Kind : uint8_t { kNull, kInt, kDouble, kBytes, kBool };

  Value() = default;  // NULL
  static Value Null() { return Value(); }
  static Value Int(int64_t v) { Value x; x.v_ = v; return x; }
  static Value Double(double v) { Value x; x.v_ = v; return x; }
  static Value Bytes(std::string v) { Value x; x.v_ = std::move(v); return x; }
  static Value Bool(bool v) { Value x; x.v_ = v; return x; }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_double() const { return v_.index() == 2; }
  bool is_bytes() const { return v_.index() == 3; }
  bool is_bool() const { return v_.index() == 4; }

  // REQUIRES: the matching is_*() holds. Unchecked in release builds (an assert in debug):
  // never an exception. Where the representation can legitimately differ (anything a client
  // sent that was not validated against the schema), callers test is_*() or MatchesType()
  // first.
  int64_t as_int() const { return *Get<1>(); }
  double as_double() const { return *Get<2>(); }
  const std::string& as_bytes() const { return *Get<3>(); }
  std::string& mutable_bytes() {
    auto* p = std::get_if<3>(&v_);
    assert(p != nullptr);
    return *p;
  }
  bool as_bool() const { return *Get<4>(); }

  // Does this value have the representation `type` requires (NULL excluded)?
  bool MatchesType(ColumnType type) const;

  // Debug rendering: NULL, 42, 1.5, 'text' (bytes shown as-is), true.
  std::string DebugString() const;

  bool operator==(const Value& o) const { return v_ == o.v_; }
  bool operator!=(const Value& o) const { return !(v_ == o.v_); }

 private:
  using Rep = std::variant<std::monostate, int64_t, double, std::string, bool>;
  template <size_t I>
  const std::variant_alternative_t<I, Rep>* Get() const {
    const auto* p = std::get_if<I>(&v_);
    assert(p != nullptr);
    return p;
  }

  Rep v_;
};

using Row = std::vector<Value>;

// Shortest text that reads back as the same double, with at least one digit after the point
// when it is integral (e.g. 10.0, 0.01123, 1.5e+300 -> "1.5e300"-style is avoided; see .cc).
std::string FormatDouble(double d);

// Lower-case hex of raw bytes, no prefix.
std::string HexEncode(std::string_view bytes);
// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);
// The bytes of an even-length hex text (no prefix), or nullopt.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace quanta
