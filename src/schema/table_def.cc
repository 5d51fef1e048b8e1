#include "schema/table_def.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/coding.h"

namespace quanta::schema {

int64_t Quantum::Millis() const {
  int64_t unit_ms = 1;
  switch (unit) {
    case 'd': unit_ms = 86400000; break;
    case 'h': unit_ms = 3600000; break;
    case 'm': unit_ms = 60000; break;
    case 's': unit_ms = 1000; break;
  }
  return size * unit_ms;
}

int64_t Quantum::StartOf(int64_t t) const {
  int64_t q = Millis();
  return t - (t % q);
}

PropValue PropValue::Int(int64_t v) { PropValue p; p.kind = Kind::kInt; p.i = v; return p; }
PropValue PropValue::Double(double v) { PropValue p; p.kind = Kind::kDouble; p.d = v; return p; }
PropValue PropValue::String(std::string v) {
  PropValue p; p.kind = Kind::kString; p.s = std::move(v); return p;
}
PropValue PropValue::Bool(bool v) { PropValue p; p.kind = Kind::kBool; p.b = v; return p; }
PropValue PropValue::Atom(std::string v) {
  PropValue p; p.kind = Kind::kAtom; p.s = std::move(v); return p;
}

std::string PropValue::Render() const {
  switch (kind) {
    case Kind::kInt: return std::to_string(i);
    case Kind::kDouble: return FormatDouble(d);
    case Kind::kString: return "'" + s + "'";
    case Kind::kBool: return b ? "true" : "false";
    case Kind::kAtom: return s;
  }
  return "";
}

int TableDef::ColumnIndex(std::string_view column_name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) return static_cast<int>(i);
  }
  return -1;
}

const Quantum* TableDef::quantum() const {
  if (partition_key.empty() || !partition_key.back().quantum) return nullptr;
  return &*partition_key.back().quantum;
}

int TableDef::quantum_column() const {
  return quantum() ? partition_key.back().column : -1;
}

int TableDef::PkPosition(int column) const {
  for (size_t i = 0; i < partition_key.size(); ++i) {
    if (partition_key[i].column == column) return static_cast<int>(i);
  }
  return -1;
}

int TableDef::LkPosition(int column) const {
  for (size_t i = 0; i < local_key.size(); ++i) {
    if (local_key[i].column == column) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::pair<std::string, PropValue>> TableDef::EffectiveProperties() const {
  // Riak TS defaults for a table's bucket type (riak_ts.md section 4.4 / 5.3).
  std::map<std::string, PropValue> props = {
      {"active", PropValue::Bool(true)},
      {"allow_mult", PropValue::Bool(false)},
      {"dvv_enabled", PropValue::Bool(false)},
      {"dw", PropValue::Atom("one")},
      {"last_write_wins", PropValue::Bool(true)},
      {"n_val", PropValue::Int(3)},
      {"notfound_ok", PropValue::Bool(true)},
      {"postcommit", PropValue::String("")},
      {"pr", PropValue::Int(0)},
      {"pw", PropValue::Int(0)},
      {"r", PropValue::Atom("one")},
      {"rw", PropValue::Atom("one")},
      {"w", PropValue::Atom("quorum")},
  };
  static const char* kHidden[] = {"basic_quorum", "big_vclock", "chash_keyfun", "claimant",
                                  "ddl", "ddl_compiler_version", "linkfun", "name",
                                  "old_vclock", "precommit", "small_vclock", "write_once",
                                  "young_vclock"};
  for (const auto& [k, v] : properties) {
    if (std::find(std::begin(kHidden), std::end(kHidden), k) != std::end(kHidden)) continue;
    props[k] = v;
  }
  return {props.begin(), props.end()};
}

std::string TableDef::ShowCreateSql() const {
  std::string out = "CREATE TABLE " + name + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    out += c.name;
    out += ' ';
    out += ColumnTypeKeyword(c.type);
    if (!c.nullable) out += " NOT NULL";
    out += ",\n";
  }
  out += "PRIMARY KEY ((";
  for (size_t i = 0; i < partition_key.size(); ++i) {
    if (i) out += ", ";
    const auto& e = partition_key[i];
    if (e.quantum) {
      out += "QUANTUM(" + columns[e.column].name + ", " + std::to_string(e.quantum->size) +
             ", '" + std::string(1, e.quantum->unit) + "')";
    } else {
      out += columns[e.column].name;
    }
  }
  out += "),\n";
  for (size_t i = 0; i < local_key.size(); ++i) {
    if (i) out += ", ";
    out += columns[local_key[i].column].name;
    if (local_key[i].desc()) out += " DESC";
  }
  out += "))\nWITH (";
  auto props = EffectiveProperties();
  for (size_t i = 0; i < props.size(); ++i) {
    if (i) out += ",\n";
    out += props[i].first + " = " + props[i].second.Render();
  }
  out += ")";
  return out;
}

bool RowIsValid(const TableDef& table, const Row& row) {
  if (row.size() != table.columns.size()) return false;
  // One switch per cell on the value's kind (every put checks every row, more than once).
  for (size_t i = 0; i < row.size(); ++i) {
    const auto& col = table.columns[i];
    const Value& v = row[i];
    switch (v.kind()) {
      case Value::Kind::kNull:
        if (!col.nullable) return false;
        break;
      case Value::Kind::kInt:
        if (col.type == ColumnType::kSint64) break;
        if (col.type != ColumnType::kTimestamp || v.as_int() <= 0) return false;
        break;
      case Value::Kind::kDouble:
        if (col.type != ColumnType::kDouble || !std::isfinite(v.as_double())) return false;
        break;
      case Value::Kind::kBytes:
        if (col.type != ColumnType::kVarchar && col.type != ColumnType::kBlob) return false;
        break;
      case Value::Kind::kBool:
        if (col.type != ColumnType::kBoolean) return false;
        break;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Catalog record format (docs/formats/catalog.md).

namespace {
constexpr uint8_t kFormatVersion = 1;

void PutProp(std::string* out, const PropValue& p) {
  out->push_back(static_cast<char>(p.kind));
  switch (p.kind) {
    case PropValue::Kind::kInt: coding::PutVarint64(out, coding::ZigZagEncode(p.i)); break;
    case PropValue::Kind::kDouble: coding::PutFixed64BE(out, coding::DoubleBits(p.d)); break;
    case PropValue::Kind::kBool: out->push_back(p.b ? 1 : 0); break;
    case PropValue::Kind::kString:
    case PropValue::Kind::kAtom: coding::PutLengthPrefixed(out, p.s); break;
  }
}
}  // namespace

std::string SerializeTableDef(const TableDef& t) {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  coding::PutVarint64(&out, t.id);
  coding::PutLengthPrefixed(&out, t.name);
  coding::PutVarint64(&out, t.columns.size());
  for (const auto& c : t.columns) {
    coding::PutLengthPrefixed(&out, c.name);
    out.push_back(static_cast<char>(c.type));
    out.push_back(c.nullable ? 1 : 0);
  }
  coding::PutVarint64(&out, t.partition_key.size());
  for (const auto& e : t.partition_key) {
    coding::PutVarint64(&out, e.column);
    out.push_back(e.quantum ? 1 : 0);
    if (e.quantum) {
      coding::PutVarint64(&out, e.quantum->size);
      out.push_back(e.quantum->unit);
    }
  }
  coding::PutVarint64(&out, t.local_key.size());
  for (const auto& e : t.local_key) {
    coding::PutVarint64(&out, e.column);
    out.push_back(static_cast<char>(e.order));
  }
  coding::PutVarint64(&out, t.properties.size());
  for (const auto& [k, v] : t.properties) {
    coding::PutLengthPrefixed(&out, k);
    PutProp(&out, v);
  }
  return out;
}

Result<TableDef> DeserializeTableDef(std::string_view in) {
  auto bad = [] { return Status(ErrorCode::kCorruption, "corrupt table definition"); };
  TableDef t;
  if (in.empty() || static_cast<uint8_t>(in[0]) != kFormatVersion) return bad();
  in.remove_prefix(1);
  uint64_t n, v;
  std::string_view s;
  auto byte = [&](uint8_t* b) {
    if (in.empty()) return false;
    *b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return true;
  };
  if (!coding::GetVarint64(&in, &v)) return bad();
  t.id = static_cast<uint32_t>(v);
  if (!coding::GetLengthPrefixed(&in, &s)) return bad();
  t.name = std::string(s);
  if (!coding::GetVarint64(&in, &n) || n > 100000) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    ColumnDef c;
    uint8_t type, nullable;
    if (!coding::GetLengthPrefixed(&in, &s) || !byte(&type) || !byte(&nullable) || type > 5)
      return bad();
    c.name = std::string(s);
    c.type = static_cast<ColumnType>(type);
    c.nullable = nullable != 0;
    t.columns.push_back(std::move(c));
  }
  if (!coding::GetVarint64(&in, &n) || n > t.columns.size()) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    PartitionKeyElem e;
    uint8_t hasq;
    if (!coding::GetVarint64(&in, &v) || v >= t.columns.size() || !byte(&hasq)) return bad();
    e.column = static_cast<int>(v);
    if (hasq) {
      Quantum q;
      uint8_t unit;
      if (!coding::GetVarint64(&in, &v) || !byte(&unit)) return bad();
      q.size = static_cast<int64_t>(v);
      q.unit = static_cast<char>(unit);
      e.quantum = q;
    }
    t.partition_key.push_back(e);
  }
  if (!coding::GetVarint64(&in, &n) || n > t.columns.size()) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    LocalKeyElem e;
    uint8_t order;
    if (!coding::GetVarint64(&in, &v) || v >= t.columns.size() || !byte(&order) || order > 2)
      return bad();
    e.column = static_cast<int>(v);
    e.order = static_cast<SortOrder>(order);
    t.local_key.push_back(e);
  }
  if (!coding::GetVarint64(&in, &n)) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view key;
    uint8_t kind;
    if (!coding::GetLengthPrefixed(&in, &key) || !byte(&kind) || kind > 4) return bad();
    PropValue p;
    p.kind = static_cast<PropValue::Kind>(kind);
    switch (p.kind) {
      case PropValue::Kind::kInt:
        if (!coding::GetVarint64(&in, &v)) return bad();
        p.i = coding::ZigZagDecode(v);
        break;
      case PropValue::Kind::kDouble:
        if (in.size() < 8) return bad();
        p.d = coding::BitsToDouble(coding::DecodeFixed64BE(in.data()));
        in.remove_prefix(8);
        break;
      case PropValue::Kind::kBool: {
        uint8_t b;
        if (!byte(&b)) return bad();
        p.b = b != 0;
        break;
      }
      case PropValue::Kind::kString:
      case PropValue::Kind::kAtom:
        if (!coding::GetLengthPrefixed(&in, &s)) return bad();
        p.s = std::string(s);
        break;
    }
    t.properties.emplace_back(std::string(key), std::move(p));
  }
  return t;
}

}  // namespace quanta::schema
