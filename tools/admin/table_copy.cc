#include "table_copy.h"

#include "common/value.h"
#include "schema/expiry.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace quanta::admin {

namespace {

// A bound on the partitions a walk holds in memory (about 100 bytes each): past it, the
// operator narrows the walk with --since/--until.
constexpr size_t kMaxPartitions = 20000000;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<ColumnType> TypeFromName(const std::string& name) {
  const std::string n = Lower(name);
  if (n == "varchar") return ColumnType::kVarchar;
  if (n == "sint64") return ColumnType::kSint64;
  if (n == "double") return ColumnType::kDouble;
  if (n == "timestamp") return ColumnType::kTimestamp;
  if (n == "boolean") return ColumnType::kBoolean;
  if (n == "blob") return ColumnType::kBlob;
  return std::nullopt;
}

int64_t UnitMs(char unit) {
  switch (unit) {
    case 'd': return 86400000;
    case 'h': return 3600000;
    case 'm': return 60000;
    case 's': return 1000;
  }
  return 0;
}

int64_t FloorTo(int64_t t, int64_t q) {
  int64_t f = (t / q) * q;
  if (f > t) f -= q;  // toward minus infinity for times before 1970
  return f;
}

int KindRank(const Value& v) { return static_cast<int>(v.kind()); }

Status Bad(const std::string& table, const std::string& what) {
  return Status(ErrorCode::kInvalidArgument, "DESCRIBE " + table + ": " + what);
}

// The part of the partition-key element of column `c` in a local key.
Result<Row> PartitionOf(const TableInfo& t, const Row& key) {
  Row p;
  p.reserve(t.pk.size());
  for (int c : t.pk) {
    const int at = t.columns[c].lk;
    if (at < 0 || static_cast<size_t>(at) >= key.size()) {
      return Status(ErrorCode::kInvalidArgument, "a listed key lacks partition-key column " +
                                                     t.columns[c].name);
    }
    const Value& v = key[at];
    if (c == t.quantum_column && v.is_int()) {
      p.push_back(Value::Int(FloorTo(v.as_int(), t.quantum_ms)));
    } else {
      p.push_back(v);
    }
  }
  return p;
}

}  // namespace

int TableInfo::Find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string TableInfo::CreateSql() const {
  std::string sql = "CREATE TABLE " + SqlIdent(name) + " (";
  for (const auto& c : columns) {
    sql += SqlIdent(c.name) + " " + std::string(ColumnTypeKeyword(c.type)) +
           (c.nullable ? "" : " NOT NULL") + ", ";
  }
  sql += "PRIMARY KEY ((";
  for (size_t i = 0; i < pk.size(); ++i) {
    const ColumnInfo& c = columns[pk[i]];
    sql += i ? ", " : "";
    if (c.quantum_size > 0) {
      sql += "QUANTUM(" + SqlIdent(c.name) + ", " + std::to_string(c.quantum_size) + ", '" +
             std::string(1, c.quantum_unit) + "')";
    } else {
      sql += SqlIdent(c.name);
    }
  }
  sql += ")";
  for (int i : lk) sql += ", " + SqlIdent(columns[i].name) + (columns[i].desc ? " DESC" : "");
  sql += "))";
  return sql;
}

Result<TableInfo> DescribeTable(wire::pb::PbClient& client, const std::string& table) {
  QUANTA_ASSIGN_OR_RETURN(ResultSet rs, client.Query("DESCRIBE " + SqlIdent(table)));
  if (rs.columns.size() < 7) return Bad(table, "fewer than 7 columns in the answer");
  TableInfo t;
  t.name = table;
  for (const Row& r : rs.rows) {
    if (r.size() != rs.columns.size() || !r[0].is_bytes() || !r[1].is_bytes() || !r[2].is_bool()) {
      return Bad(table, "an unexpected row");
    }
    ColumnInfo c;
    c.name = r[0].as_bytes();
    auto type = TypeFromName(r[1].as_bytes());
    if (!type) return Bad(table, "unknown type '" + r[1].as_bytes() + "'");
    c.type = *type;
    c.nullable = r[2].as_bool();
    if (r[3].is_int()) c.pk = static_cast<int>(r[3].as_int()) - 1;
    if (r[4].is_int()) c.lk = static_cast<int>(r[4].as_int()) - 1;
    if (r[5].is_int() && r[6].is_bytes() && r[6].as_bytes().size() == 1) {
      c.quantum_size = r[5].as_int();
      c.quantum_unit = r[6].as_bytes()[0];
      if (c.quantum_size <= 0 || UnitMs(c.quantum_unit) == 0) {
        return Bad(table, "a quantum of " + std::to_string(c.quantum_size) + " " + r[6].as_bytes());
      }
    }
    if (r.size() > 7 && r[7].is_bytes()) c.desc = Lower(r[7].as_bytes()) == "desc";
    t.columns.push_back(std::move(c));
  }
  const int n = static_cast<int>(t.columns.size());
  t.pk.assign(n, -1);
  t.lk.assign(n, -1);
  for (int i = 0; i < n; ++i) {
    const ColumnInfo& c = t.columns[i];
    if (c.pk >= n || c.lk >= n || (c.pk >= 0 && t.pk[c.pk] >= 0) || (c.lk >= 0 && t.lk[c.lk] >= 0)) {
      return Bad(table, "key positions out of order");
    }
    if (c.pk >= 0) t.pk[c.pk] = i;
    if (c.lk >= 0) t.lk[c.lk] = i;
    if (c.quantum_size > 0) {
      if (t.quantum_column >= 0 || c.pk < 0) return Bad(table, "more than one quantum");
      t.quantum_column = i;
      t.quantum_ms = c.quantum_size * UnitMs(c.quantum_unit);
    }
  }
  while (!t.pk.empty() && t.pk.back() < 0) t.pk.pop_back();
  while (!t.lk.empty() && t.lk.back() < 0) t.lk.pop_back();
  if (t.pk.empty() || t.lk.empty() ||
      std::find(t.pk.begin(), t.pk.end(), -1) != t.pk.end() ||
      std::find(t.lk.begin(), t.lk.end(), -1) != t.lk.end()) {
    return Bad(table, "no complete primary key");
  }
  return t;
}

Result<std::optional<std::string>> ShowCreateTable(wire::pb::PbClient& client,
                                                   const std::string& table) {
  auto rs = client.Query("SHOW CREATE TABLE " + SqlIdent(table));
  if (!rs.ok()) {
    // A connection failure is an error; a server that does not parse the statement (Riak TS
    // 1.5 answers with a parse error, 1020) means "use DESCRIBE".
    if (rs.error().code() == ErrorCode::kIoError) return rs.error();
    return std::optional<std::string>();
  }
  if (rs->rows.size() != 1 || rs->rows[0].empty() || !rs->rows[0][0].is_bytes()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rs->rows[0][0].as_bytes());
}

std::string ReusableCreateSql(const std::string& shown) {
  static constexpr std::string_view kWith = "\nWITH (";
  const size_t with = shown.rfind(kWith);
  if (with == std::string::npos || shown.back() != ')') return shown;
  const std::string body = shown.substr(with + kWith.size(), shown.size() - with - kWith.size() - 1);
  if (body.empty()) return shown;
  std::string props;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t end = body.find(",\n", pos);
    if (end == std::string::npos) end = body.size();
    const std::string prop = body.substr(pos, end - pos);
    pos = end + 2;
    const size_t eq = prop.find(" = ");
    if (eq == std::string::npos) return shown;
    const std::string name = prop.substr(0, eq);
    std::string value = prop.substr(eq + 3);
    // Riak's defaults, which the target adds by itself, shown as the Erlang atoms they are.
    if (((name == "dw" || name == "r" || name == "rw") && value == "one") ||
        (name == "w" && value == "quorum")) {
      continue;
    }
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      std::string quoted = "'";
      for (char c : std::string_view(value).substr(1, value.size() - 2)) {
        if (c == '\'') quoted += '\'';
        quoted += c;
      }
      value = quoted + "'";
    } else if (!value.empty() && std::isalpha(static_cast<unsigned char>(value[0])) &&
               value != "true" && value != "false" && !schema::IsExpiryProperty(name)) {
      value = "'" + value + "'";  // another atom: kept as a string
    }
    if (!props.empty()) props += ", ";
    props += name + " = " + value;
  }
  return shown.substr(0, with) + std::string(kWith) + props + ")";
}

std::string SqlIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string SqlLiteral(const Value& v, ColumnType t) {
  if (v.is_null()) return "NULL";
  switch (t) {
    case ColumnType::kVarchar: {
      std::string out = "'";
      for (char c : v.as_bytes()) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case ColumnType::kBlob: return "0x" + HexEncode(v.as_bytes());
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: return std::to_string(v.as_int());
    case ColumnType::kDouble: return FormatDouble(v.as_double());
    case ColumnType::kBoolean: return v.as_bool() ? "true" : "false";
  }
  return "NULL";
}

bool PartitionLess(const Row& a, const Row& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const Value& x = a[i];
    const Value& y = b[i];
    if (KindRank(x) != KindRank(y)) return KindRank(x) < KindRank(y);
    if (x.is_int() && x.as_int() != y.as_int()) return x.as_int() < y.as_int();
    if (x.is_double() && x.as_double() != y.as_double()) return x.as_double() < y.as_double();
    if (x.is_bytes() && x.as_bytes() != y.as_bytes()) return x.as_bytes() < y.as_bytes();
    if (x.is_bool() && x.as_bool() != y.as_bool()) return y.as_bool();
  }
  return a.size() < b.size();
}

Result<std::vector<Row>> ListPartitions(wire::pb::PbClient& client, const TableInfo& table,
                                        const std::function<void(uint64_t)>& on_keys) {
  std::set<Row, decltype(&PartitionLess)> partitions(&PartitionLess);
  uint64_t keys = 0;
  Status failed = Status::OK();
  Status st = client.ListKeys(table.name, [&](std::vector<Row>&& batch) {
    for (const Row& key : batch) {
      if (!failed.ok()) return;
      auto p = PartitionOf(table, key);
      if (!p.ok()) {
        failed = p.error();
        return;
      }
      partitions.insert(std::move(*p));
      if (partitions.size() > kMaxPartitions) {
        failed = Status(ErrorCode::kInvalidArgument,
                        "more than " + std::to_string(kMaxPartitions) +
                            " partitions: copy the table in parts with --since/--until");
      }
    }
    keys += batch.size();
    if (on_keys) on_keys(keys);
  });
  QUANTA_RETURN_IF_ERROR(st);
  QUANTA_RETURN_IF_ERROR(failed);
  return std::vector<Row>(partitions.begin(), partitions.end());
}

namespace {

// Reads [lo, hi) of one partition, halving the window when the server finds the answer too
// big or too slow.
Status ReadWindow(wire::pb::PbClient& client, const TableInfo& t, const std::string& fixed,
                  bool timed, int64_t lo, int64_t hi,
                  const std::function<Status(std::vector<Row>&&)>& sink) {
  std::string sql = "SELECT * FROM " + SqlIdent(t.name) + " WHERE " + fixed;
  if (timed) {
    const std::string q = SqlIdent(t.columns[t.quantum_column].name);
    sql += (fixed.empty() ? "" : " AND ") + q + " >= " + std::to_string(lo) + " AND " + q + " < " +
           std::to_string(hi);
  }
  auto rs = client.Query(sql);
  if (!rs.ok()) {
    const int code = rs.error().riak_code();
    if (timed && hi - lo > 1 && (code == 1022 || code == 1013)) {
      const int64_t mid = lo + (hi - lo) / 2;
      QUANTA_RETURN_IF_ERROR(ReadWindow(client, t, fixed, timed, lo, mid, sink));
      return ReadWindow(client, t, fixed, timed, mid, hi, sink);
    }
    return Status(rs.error().code(), rs.error().message() + " (query: " + sql + ")");
  }
  if (rs->rows.empty()) return Status::OK();  // (an empty answer may name no columns)
  if (rs->columns.size() != t.columns.size()) {
    return Status(ErrorCode::kInvalidArgument, "SELECT * of " + t.name + " answered " +
                                                   std::to_string(rs->columns.size()) +
                                                   " columns, DESCRIBE " +
                                                   std::to_string(t.columns.size()));
  }
  return sink(std::move(rs->rows));
}

}  // namespace

Status ReadPartitions(wire::pb::PbClient& client, const TableInfo& t,
                      const std::vector<Row>& partitions, const WalkOptions& options,
                      const std::function<Status(std::vector<Row>&&)>& sink,
                      const std::function<Status(const Row& partition)>& done) {
  for (const Row& p : partitions) {
    if (options.resume_after && !PartitionLess(*options.resume_after, p)) continue;
    std::string fixed;
    int64_t lo = 0, hi = 0;
    for (size_t i = 0; i < t.pk.size(); ++i) {
      const int c = t.pk[i];
      if (c == t.quantum_column) {
        lo = p[i].as_int();
        hi = lo + t.quantum_ms;
        continue;
      }
      fixed += (fixed.empty() ? "" : " AND ") + SqlIdent(t.columns[c].name) +
               (p[i].is_null() ? " IS NULL" : " = " + SqlLiteral(p[i], t.columns[c].type));
    }
    const bool timed = t.quantum_column >= 0;
    if (timed) {
      if (options.since) lo = std::max(lo, *options.since);
      if (options.until) hi = std::min(hi, *options.until);
    }
    if (!options.where.empty()) fixed += (fixed.empty() ? "(" : " AND (") + options.where + ")";
    if (!timed || lo < hi) QUANTA_RETURN_IF_ERROR(ReadWindow(client, t, fixed, timed, lo, hi, sink));
    QUANTA_RETURN_IF_ERROR(done(p));
  }
  return Status::OK();
}

std::string EncodePartition(const TableInfo& table, const Row& partition) {
  std::string line;
  for (size_t i = 0; i < partition.size(); ++i) {
    const Value& v = partition[i];
    line += i ? "," : "";
    if (v.is_null()) line += "n";
    else if (v.is_int()) line += "i" + std::to_string(v.as_int());
    else if (v.is_double()) line += "d" + FormatDouble(v.as_double());
    else if (v.is_bool()) line += v.as_bool() ? "t" : "f";
    else line += "x" + HexEncode(v.as_bytes());
  }
  (void)table;
  return line;
}

Result<Row> DecodePartition(const TableInfo& table, const std::string& line) {
  Row p;
  size_t start = 0;
  auto bad = [&] {
    return Status(ErrorCode::kInvalidArgument, "unreadable position '" + line + "'");
  };
  while (start <= line.size()) {
    size_t end = line.find(',', start);
    if (end == std::string::npos) end = line.size();
    const std::string item = line.substr(start, end - start);
    if (item.empty()) return bad();
    const std::string rest = item.substr(1);
    char* stop = nullptr;
    switch (item[0]) {
      case 'n': p.push_back(Value()); break;
      case 't': p.push_back(Value::Bool(true)); break;
      case 'f': p.push_back(Value::Bool(false)); break;
      case 'i': {
        errno = 0;
        const long long v = std::strtoll(rest.c_str(), &stop, 10);
        if (rest.empty() || *stop || errno) return bad();
        p.push_back(Value::Int(v));
        break;
      }
      case 'd': {
        const double v = std::strtod(rest.c_str(), &stop);
        if (rest.empty() || *stop) return bad();
        p.push_back(Value::Double(v));
        break;
      }
      case 'x': {
        auto bytes = HexDecode(rest);
        if (!bytes) return bad();
        p.push_back(Value::Bytes(std::move(*bytes)));
        break;
      }
      default: return bad();
    }
    start = end + 1;
  }
  if (p.size() != table.pk.size()) return bad();
  return p;
}

}  // namespace quanta::admin
