// Randomised differential test of the storage engine (issue 10's acceptance): two stores run
// the same random operations and must agree exactly, with each other and with an in-memory
// model.
//
//   A: sealing off - every row stays in the head, which is exactly the row store of format 1.
//   B: sealing on with the smallest chunks (256 rows) and a 1 ms idle time, so that the
//      background sealer folds rows into chunks all the time, 3 partitions at once; plus
//      explicit Compact() (which seals everything) and reopens (with sealing on or off) at
//      random points. Half of its tables with a quantum of 2 s or more store each quantum as
//      time slices (WITH (time_slices = N)), A's never.
//
// Tables are random CREATE TABLE statements covering the key shapes Riak TS allows: partition
// keys of 0-3 plain columns of any type with or without QUANTUM, local keys with extra columns
// after the partition key, DESC local-key columns (the quantum column too), columns in any
// order, nullable columns of every type with adversarial values (-0.0, denormals, +-DBL_MAX,
// INT64 extremes, strings with 00/FF bytes, long strings). Operations: batch puts (new keys,
// upserts of keys that are sealed or not, duplicate keys in one batch), bulk loads of one
// partition, deletes of existing / sealed / missing keys, gets, scans (random partitions, time
// bounds, column subsets, batch sizes), ListKeys, DropTableData, and SELECTs through the real
// query path (TsService) with time ranges over many quanta, non-key filters, aggregates,
// GROUP BY and ORDER BY/LIMIT/OFFSET. After every operation its answer is compared (rows value
// by value, doubles bit for bit), every partition a write touched is rescanned on both stores,
// and every so often both stores are compared in full.
//
// Reproduce or extend a run with environment variables:
//   QUANTA_DIFFTEST_SEED=N   base seed (instance i runs seed N + i); printed on failure
//   QUANTA_DIFFTEST_OPS=N    operations per instance (default 1500)
// The sealer runs in the background, so a seed fixes the operations, not when seals happen.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/exact_sum.h"
#include "service/ts_service.h"
#include "storage/backend/rocksdb_backend.h"
#include "storage/embedded.h"
#include "schema/time_slices.h"
#include "storage/key_codec.h"

namespace quanta::storage {
namespace {

namespace fs = std::filesystem;
using service::QueryOutcome;
using service::TsService;

constexpr size_t kChunkRows = 256;
constexpr int64_t kT0 = 1600000000000;  // a multiple of every quantum used below

uint64_t EnvU64(const char* name, uint64_t def) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : def;
}

// ---- Values -------------------------------------------------------------------------------

bool SameValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_double()) return coding::DoubleBits(a.as_double()) == coding::DoubleBits(b.as_double());
  return a == b;
}

bool SameRow(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameValue(a[i], b[i])) return false;
  }
  return true;
}

std::string ValueText(const Value& v) {
  if (v.is_double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g(%016" PRIx64 ")", v.as_double(),
                  coding::DoubleBits(v.as_double()));
    return buf;
  }
  if (v.is_bytes()) {
    const std::string& s = v.as_bytes();
    bool printable = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (s.size() > 40) return "<" + std::to_string(s.size()) + " bytes " + HexEncode(s.substr(0, 16)) + "..>";
    return printable ? "'" + s + "'" : "0x" + HexEncode(s);
  }
  return v.DebugString();
}

std::string RowText(const Row& r) {
  std::string s = "(";
  for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + ValueText(r[i]);
  return s + ")";
}

// First difference of two row lists, or "" when equal.
std::string DiffRows(const std::vector<Row>& want, const std::vector<Row>& got) {
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
    if (!SameRow(want[i], got[i])) {
      return "row " + std::to_string(i) + ": want " + RowText(want[i]) + "\n  got  " +
             RowText(got[i]);
    }
  }
  if (want.size() != got.size()) {
    std::string s = "row count: want " + std::to_string(want.size()) + ", got " +
                    std::to_string(got.size());
    size_t i = std::min(want.size(), got.size());
    if (i < want.size()) s += "; first missing " + RowText(want[i]);
    if (i < got.size()) s += "; first extra " + RowText(got[i]);
    return s;
  }
  return "";
}

using Rng = std::mt19937_64;

size_t Uniform(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }
bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[Uniform(rng, v.size())];
}

std::string RandomBytes(Rng& rng, size_t max_len) {
  static const std::string kAlphabet("ab\x00\x01\xff\xfe z'A\x7f", 11);
  std::string s;
  size_t len = Uniform(rng, max_len + 1);
  for (size_t i = 0; i < len; ++i) s.push_back(Pick(rng, std::vector<char>(kAlphabet.begin(), kAlphabet.end())));
  return s;
}

double RandomFiniteDouble(Rng& rng) {
  while (true) {
    double d = coding::BitsToDouble(rng());
    if (std::isfinite(d)) return d;
  }
}

// Where a value goes: a plain partition-key column (a few values a query can name), another
// local-key column (many values, adversarial bytes) or a non-key column.
enum class Role { kPartition, kSuffix, kData };

Value RandomValue(Rng& rng, ColumnType type, Role role) {
  const int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  switch (type) {
    case ColumnType::kSint64:
      if (role == Role::kPartition) return Value::Int(Pick(rng, std::vector<int64_t>{-7, 0, 42, kMax}));
      if (Chance(rng, 0.2)) return Value::Int(Pick(rng, std::vector<int64_t>{kMin, kMin + 1, -1, 0, 1, kMax - 1, kMax}));
      if (Chance(rng, 0.5)) return Value::Int(static_cast<int64_t>(Uniform(rng, 2001)) - 1000);
      return Value::Int(static_cast<int64_t>(rng()));
    case ColumnType::kTimestamp:
      if (role == Role::kPartition) return Value::Int(Pick(rng, std::vector<int64_t>{1, 1000, kT0}));
      if (Chance(rng, 0.2)) return Value::Int(Pick(rng, std::vector<int64_t>{1, 2, kT0, kMax}));
      return Value::Int(1 + static_cast<int64_t>(rng() >> 1) % (kMax - 1));
    case ColumnType::kDouble: {
      if (role == Role::kPartition) return Value::Double(Pick(rng, std::vector<double>{0.5, -2.25, 0.0, -0.0, 100.0}));
      const double kDenorm = std::numeric_limits<double>::denorm_min();
      const double kBig = std::numeric_limits<double>::max();
      if (Chance(rng, 0.3)) return Value::Double(Pick(rng, std::vector<double>{-0.0, 0.0, kDenorm, -kDenorm, kBig, -kBig, 1.5, -1.5, 1e-300, 0.1}));
      if (Chance(rng, 0.5)) return Value::Double(static_cast<double>(static_cast<int64_t>(Uniform(rng, 20001)) - 10000) / 100.0);
      return Value::Double(RandomFiniteDouble(rng));
    }
    case ColumnType::kVarchar:
      if (role == Role::kPartition) return Value::Bytes(Pick(rng, std::vector<std::string>{"", "a", "it's", "Z\xc3\xbcrich"}));
      if (Chance(rng, 0.3)) return Value::Bytes(Pick(rng, std::vector<std::string>{"", "a", "b", "hello", std::string(1, '\0'), "\xff"}));
      if (role == Role::kData && Chance(rng, 0.05)) return Value::Bytes(std::string(1000 + Uniform(rng, 9000), 'x') + RandomBytes(rng, 20));
      return Value::Bytes(RandomBytes(rng, 12));
    case ColumnType::kBlob:
      if (role == Role::kPartition) return Value::Bytes(Pick(rng, std::vector<std::string>{std::string(1, '\0'), "\xab\xcd", "z"}));
      if (role == Role::kData && Chance(rng, 0.05)) return Value::Bytes(RandomBytes(rng, 3000));
      return Value::Bytes(RandomBytes(rng, 12));
    case ColumnType::kBoolean: return Value::Bool(Chance(rng, 0.5));
  }
  return Value();
}

// A value a SQL literal can spell and compare with (no control bytes, no INT64_MIN).
std::string SqlLiteral(ColumnType type, const Value& v) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: return std::to_string(v.as_int());
    case ColumnType::kDouble: return FormatDouble(v.as_double());
    case ColumnType::kBoolean: return v.as_bool() ? "true" : "false";
    case ColumnType::kVarchar: {
      std::string s = "'";
      for (char c : v.as_bytes()) {
        if (c == '\'') s += '\'';
        s += c;
      }
      return s + "'";
    }
    case ColumnType::kBlob: return "0x" + HexEncode(v.as_bytes());
  }
  return "NULL";
}

bool SqlSpellable(ColumnType type, const Value& v) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: return v.as_int() != std::numeric_limits<int64_t>::min();
    case ColumnType::kVarchar: {
      const std::string& s = v.as_bytes();
      return s.size() < 100 && std::all_of(s.begin(), s.end(), [](char c) {
               return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
             });
    }
    case ColumnType::kBlob: return !v.as_bytes().empty() && v.as_bytes().size() < 100;
    default: return true;
  }
}

// ---- Random tables --------------------------------------------------------------------------

struct TableSpec {
  std::string name;
  std::string create_sql;
  // Store B's: sometimes with time slices (a quantum stored as several partitions), which
  // must not change a single answer.
  std::string create_sql_b;
};

TableSpec RandomTable(Rng& rng, const std::string& name) {
  const std::vector<ColumnType> kAll = {ColumnType::kVarchar, ColumnType::kSint64,
                                        ColumnType::kDouble,  ColumnType::kTimestamp,
                                        ColumnType::kBoolean, ColumnType::kBlob};
  struct Col {
    std::string name;
    ColumnType type;
    bool nullable;
  };
  std::vector<Col> cols;
  int next = 0;
  auto add = [&](ColumnType t, bool nullable) {
    cols.push_back({"c" + std::to_string(next++), t, nullable});
    return cols.back().name;
  };
  const bool quantum = Chance(rng, 0.75);
  const size_t plain = quantum ? Uniform(rng, 4) : 1 + Uniform(rng, 3);
  std::vector<std::string> pk_names, lk;
  for (size_t i = 0; i < plain; ++i) {
    std::string n = add(Pick(rng, kAll), false);
    pk_names.push_back(n);
    // DESC on a partition column is allowed in the local key (it orders nothing within one
    // partition) on the types that have a DESC encoding.
    ColumnType t = cols.back().type;
    bool can_desc = t != ColumnType::kDouble && t != ColumnType::kBoolean;
    lk.push_back(n + (can_desc && Chance(rng, 0.2) ? " DESC" : ""));
  }
  std::string pk = "(";
  for (size_t i = 0; i < pk_names.size(); ++i) pk += (i ? ", " : "") + pk_names[i];
  int64_t quantum_s = 0;
  if (quantum) {
    std::string t = add(ColumnType::kTimestamp, false);
    const char* units[] = {"s", "s", "m"};
    int sizes[] = {1, 2, 5, 10};
    const int size = Pick(rng, std::vector<int>(sizes, sizes + 4));
    const char* unit = units[Uniform(rng, 3)];
    quantum_s = size * (unit[0] == 'm' ? 60 : 1);
    pk += std::string(pk_names.empty() ? "" : ", ") + "QUANTUM(" + t + ", " +
          std::to_string(size) + ", '" + unit + "')";
    lk.push_back(t + (Chance(rng, 0.35) ? " DESC" : ""));
  }
  pk += ")";
  // Extra local-key columns; without a quantum at least one, so that partitions hold many rows.
  size_t extra = quantum ? (Chance(rng, 0.5) ? 0 : 1 + Uniform(rng, 2)) : (Chance(rng, 0.15) ? 0 : 1 + Uniform(rng, 2));
  for (size_t i = 0; i < extra; ++i) {
    ColumnType t = Pick(rng, kAll);
    std::string n = add(t, false);
    bool can_desc = t != ColumnType::kDouble && t != ColumnType::kBoolean;
    lk.push_back(n + (can_desc && Chance(rng, 0.4) ? " DESC" : ""));
  }
  // Non-key columns: every type, mostly nullable.
  size_t data = 1 + Uniform(rng, 6);
  for (size_t i = 0; i < data; ++i) add(Pick(rng, kAll), Chance(rng, 0.8));
  std::shuffle(cols.begin(), cols.end(), rng);

  std::string sql = "CREATE TABLE " + name + " (";
  for (const Col& c : cols) {
    sql += c.name + " " + std::string(ColumnTypeKeyword(c.type)) + (c.nullable ? "" : " NOT NULL") + ", ";
  }
  sql += "PRIMARY KEY (" + pk;
  for (const std::string& l : lk) sql += ", " + l;
  sql += "))";
  std::string sql_b = sql;
  std::vector<int64_t> slices;
  for (int64_t n : {2, 3, 5, 10, 60}) {
    if (quantum_s > 1 && quantum_s % n == 0) slices.push_back(n);
  }
  if (!slices.empty() && Chance(rng, 0.5)) {
    sql_b += " WITH (time_slices = " + std::to_string(Pick(rng, slices)) + ")";
  }
  return {name, sql, sql_b};
}

// ---- The two stores ---------------------------------------------------------------------------

struct Side {
  fs::path dir;
  bool sealing = false;
  std::unique_ptr<TsService> svc;
};

Result<std::unique_ptr<TsService>> OpenSide(const fs::path& dir, bool sealing,
                                            size_t chunk_rows = kChunkRows) {
  EmbeddedOptions o;
  o.backend.data_dir = dir.string();
  o.backend.block_cache_mb = 8;
  o.backend.write_buffer_mb = 1;  // small memtables: flushes and compactions during the run
  o.backend.min_free_space_bytes = 0;
  o.backend.idle_compaction_ms = 200;
  o.engine.sealing = sealing;
  o.engine.chunk_rows = chunk_rows;
  o.engine.seal_idle_ms = 1;
  o.engine.seal_threads = 3;  // partitions sealed at once, as on RADOS
  QUANTA_ASSIGN_OR_RETURN(auto store, OpenEmbeddedStore(o));
  service::ServiceOptions so;
  so.max_returned_data_size = 1LL << 40;
  so.query_timeout_ms = 600000;
  return TsService::OpenWithStore(so, std::move(store));
}

// ---- One table: its definition, layout facts and model -----------------------------------------

struct Table {
  TableSpec spec;
  schema::TableDefPtr def;
  std::unique_ptr<KeyCodec> keys;
  std::vector<ColumnType> types;
  std::vector<int> plain;  // plain partition-key columns (PK order)
  int qcol = -1;           // quantum column
  int64_t qms = 0;         // quantum size in ms
  size_t nquanta = 0;      // quanta the time domain spans
  std::vector<Row> hot;    // partitions most rows go to (ScanRange::partition values)
  std::map<std::string, Row> model;  // encoded key -> row (key columns as the key decodes)

  Row RandomPartition(Rng& rng) const {
    Row p;
    for (int c : plain) p.push_back(RandomValue(rng, types[c], Role::kPartition));
    if (qcol >= 0) p.push_back(Value::Int(kT0 + static_cast<int64_t>(Uniform(rng, nquanta)) * qms));
    return p;
  }

  // A partition: mostly a hot one, sometimes any; with a quantum, mostly the domain's.
  Row SomePartition(Rng& rng) const {
    if (!hot.empty() && Chance(rng, 0.85)) return Pick(rng, hot);
    return RandomPartition(rng);
  }

  Row RandomRow(Rng& rng, const Row& partition) const {
    Row row(types.size());
    for (size_t c = 0; c < types.size(); ++c) {
      if (def->IsKeyColumn(static_cast<int>(c))) {
        row[c] = RandomValue(rng, types[c], Role::kSuffix);
      } else if (def->columns[c].nullable && Chance(rng, 0.25)) {
        row[c] = Value();
      } else {
        row[c] = RandomValue(rng, types[c], Role::kData);
      }
    }
    for (size_t i = 0; i < plain.size(); ++i) row[plain[i]] = partition[i];
    if (qcol >= 0) {
      int64_t start = partition[plain.size()].as_int();
      int64_t off = Pick(rng, std::vector<int64_t>{0, 1, qms - 1, qms / 2,
                                                  static_cast<int64_t>(Uniform(rng, qms)),
                                                  static_cast<int64_t>(Uniform(rng, qms))});
      row[qcol] = Value::Int(start + off);
    }
    return row;
  }

  Row LocalKey(const Row& row) const {
    Row lk;
    for (const auto& e : def->local_key) lk.push_back(row[e.column]);
    return lk;
  }

  // The row as the store holds it: key columns as their encoding decodes (-0.0 is 0.0).
  std::pair<std::string, Row> Canonical(const Row& row) const {
    std::string key = keys->EncodeRow(row);
    Row lk;
    EXPECT_TRUE(keys->DecodeLocalKey(key, &lk).ok());
    Row out = row;
    for (size_t i = 0; i < def->local_key.size(); ++i) out[def->local_key[i].column] = lk[i];
    return {std::move(key), std::move(out)};
  }

  // An existing key's row (nullopt if the model is empty); random, roughly uniform.
  std::optional<Row> SomeExisting(Rng& rng) const {
    if (model.empty()) return std::nullopt;
    std::string probe = keys->table_prefix();
    for (int i = 0; i < 24; ++i) probe.push_back(static_cast<char>(rng()));
    auto it = model.lower_bound(probe);
    if (it == model.end() || Chance(rng, 0.2)) it = model.begin();
    size_t skip = Uniform(rng, 8);
    while (skip-- > 0 && std::next(it) != model.end()) ++it;
    return it->second;
  }

  Row PartitionOf(const Row& row) const {
    Row p;
    for (int c : plain) p.push_back(row[c]);
    if (qcol >= 0) p.push_back(Value::Int(def->quantum()->StartOf(row[qcol].as_int())));
    return p;
  }
};

// What aggregates see of a scan: per column the statistics a summary batch carries, folded
// in row order (MIN/MAX keep the first of values that compare equal, as batch.h says).
struct Fold {
  struct Col {
    uint64_t count = 0;
    int64_t imin = 0, imax = 0;
    __int128 isum = 0;
    double dmin = 0, dmax = 0;
    ExactSum dsum;
  };
  uint64_t rows = 0;
  std::vector<Col> cols;

  explicit Fold(size_t columns) : cols(columns) {}

  static void AddInt(Col& c, int64_t lo, int64_t hi) {
    c.imin = c.count == 0 ? lo : std::min(c.imin, lo);
    c.imax = c.count == 0 ? hi : std::max(c.imax, hi);
  }
  static void AddDouble(Col& c, double lo, double hi) {
    if (c.count == 0 || lo < c.dmin) c.dmin = lo;
    if (c.count == 0 || hi > c.dmax) c.dmax = hi;
  }
  void AddRow(const std::vector<ColumnType>& types, const Row& row) {
    ++rows;
    for (size_t c = 0; c < cols.size(); ++c) {
      const Value& v = row[c];
      if (v.is_null()) continue;
      Col& col = cols[c];
      if (types[c] == ColumnType::kSint64 || types[c] == ColumnType::kTimestamp) {
        AddInt(col, v.as_int(), v.as_int());
        col.isum += v.as_int();
      } else if (types[c] == ColumnType::kDouble) {
        AddDouble(col, v.as_double(), v.as_double());
        col.dsum.Add(v.as_double());
      }
      ++col.count;
    }
  }
  void AddSummary(const std::vector<ColumnType>& types, const RowBatch& b,
                  const std::vector<bool>& wanted) {
    rows += b.num_rows;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!wanted.empty() && !wanted[c]) continue;
      const ColumnSummary& s = b.summaries[c];
      if (s.count == 0) continue;
      Col& col = cols[c];
      if (types[c] == ColumnType::kSint64 || types[c] == ColumnType::kTimestamp) {
        AddInt(col, s.imin, s.imax);
        col.isum += s.isum;
      } else if (types[c] == ColumnType::kDouble) {
        AddDouble(col, s.dmin, s.dmax);
        col.dsum.Merge(s.dsum);
      }
      col.count += s.count;
    }
  }

  // "" when equal.
  std::string Diff(const Fold& o, const std::vector<ColumnType>& types) const {
    if (rows != o.rows) return "rows " + std::to_string(rows) + " vs " + std::to_string(o.rows);
    for (size_t c = 0; c < cols.size(); ++c) {
      const Col &a = cols[c], &b = o.cols[c];
      const std::string at = "column " + std::to_string(c) + ": ";
      if (a.count != b.count) return at + "count " + std::to_string(a.count) + " vs " + std::to_string(b.count);
      if (a.count == 0) continue;
      if (types[c] == ColumnType::kSint64 || types[c] == ColumnType::kTimestamp) {
        if (a.imin != b.imin || a.imax != b.imax || a.isum != b.isum) {
          return at + "min/max/sum " + std::to_string(a.imin) + "/" + std::to_string(a.imax) +
                 " vs " + std::to_string(b.imin) + "/" + std::to_string(b.imax);
        }
      } else if (types[c] == ColumnType::kDouble) {
        if (!SameValue(Value::Double(a.dmin), Value::Double(b.dmin)) ||
            !SameValue(Value::Double(a.dmax), Value::Double(b.dmax)) || !(a.dsum == b.dsum)) {
          return at + "min/max/sum " + ValueText(Value::Double(a.dmin)) + "/" +
                 ValueText(Value::Double(a.dmax)) + "/" + ValueText(Value::Double(a.dsum.Value())) +
                 " vs " + ValueText(Value::Double(b.dmin)) + "/" + ValueText(Value::Double(b.dmax)) +
                 "/" + ValueText(Value::Double(b.dsum.Value()));
        }
      }
    }
    return "";
  }
};

struct ScanResult {
  Status status;
  std::vector<Row> rows;  // of value batches
  size_t max_batch = 0;   // rows in the largest value batch
  size_t summaries = 0;   // summary batches
  std::optional<Fold> fold;
};

ScanResult RunScan(Store& store, const schema::TableDef& def, const ScanRange& range,
                   const ScanOptions& opts) {
  ScanResult r;
  std::vector<ColumnType> types;
  for (const auto& c : def.columns) types.push_back(c.type);
  r.fold.emplace(types.size());
  auto cur = store.Scan(def, range, opts);
  if (!cur.ok()) {
    r.status = cur.status();
    return r;
  }
  RowBatch batch;
  for (int guard = 0;; ++guard) {
    auto more = (*cur)->Next(&batch);
    if (!more.ok()) {
      r.status = more.status();
      return r;
    }
    if (batch.summary) {
      if (!opts.allow_summaries) {
        r.status = Status(ErrorCode::kInternal, "a summary batch without allow_summaries");
        return r;
      }
      ++r.summaries;
      r.fold->AddSummary(types, batch, opts.columns);
    } else {
      r.max_batch = std::max(r.max_batch, batch.num_rows);
      for (size_t i = 0; i < batch.num_rows; ++i) {
        r.rows.push_back(batch.GetRow(i));
        r.fold->AddRow(types, r.rows.back());
      }
    }
    if (!*more) break;
    if (batch.num_rows == 0) {
      r.status = Status(ErrorCode::kInternal, "Next returned true with an empty batch");
      return r;
    }
  }
  if (batch.num_rows != 0) r.status = Status(ErrorCode::kInternal, "last batch not empty");
  return r;
}

// Rows the model says a scan of `range` returns.
std::vector<Row> ModelScan(const Table& t, const ScanRange& range, const ScanOptions& opts) {
  std::vector<Row> out;
  auto prefix = t.keys->EncodePartition(range.partition);
  EXPECT_TRUE(prefix.ok());
  for (auto it = t.model.lower_bound(*prefix); it != t.model.end() && it->first.starts_with(*prefix); ++it) {
    const Row& row = it->second;
    if (t.qcol >= 0) {
      int64_t v = row[t.qcol].as_int();
      if (range.time_lo && (range.time_lo_inclusive ? v < *range.time_lo : v <= *range.time_lo)) continue;
      if (range.time_hi && (range.time_hi_inclusive ? v > *range.time_hi : v >= *range.time_hi)) continue;
    }
    Row r = row;
    // A scan fills the partition columns from the range (natural values as given).
    for (size_t i = 0; i < t.plain.size(); ++i) r[t.plain[i]] = range.partition[i];
    for (size_t c = 0; c < r.size(); ++c) {
      if (!opts.columns.empty() && !opts.columns[c]) r[c] = Value();
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Scans `range` of `store` and compares with the model; "" when they agree. Batches may hold
// at most max(batch_rows, max_chunk_rows) rows.
std::string CheckScan(Store& store, const schema::TableDef& def, const Table& t,
                      const ScanRange& range, const ScanOptions& opts, size_t max_chunk_rows,
                      size_t* summaries = nullptr) {
  std::vector<Row> want = ModelScan(t, range, opts);
  ScanResult got = RunScan(store, def, range, opts);
  if (!got.status.ok()) return "scan failed: " + got.status.ToString();
  if (summaries != nullptr) *summaries += got.summaries;
  if (got.summaries > 0) {
    // Some rows came as statistics: what aggregates see must be the same.
    Fold fold(t.types.size());
    for (const Row& row : want) fold.AddRow(t.types, row);
    std::string diff = fold.Diff(*got.fold, t.types);
    if (!diff.empty()) {
      return "scan with summaries of partition " + RowText(range.partition) + ": model vs store " + diff;
    }
  } else {
    std::string diff = DiffRows(want, got.rows);
    if (!diff.empty()) return "scan of partition " + RowText(range.partition) + ": " + diff;
  }
  if (got.max_batch > std::max(opts.batch_rows, max_chunk_rows)) {
    return "scan of partition " + RowText(range.partition) + ": a batch of " +
           std::to_string(got.max_batch) + " rows (batch_rows " + std::to_string(opts.batch_rows) + ")";
  }
  return "";
}

// Every partition named in `parts`, scanned whole.
std::string CheckPartitions(Store& store, const schema::TableDef& def, const Table& t,
                            std::vector<Row> parts, size_t max_chunk_rows) {
  std::sort(parts.begin(), parts.end(), [](const Row& a, const Row& b) { return RowText(a) < RowText(b); });
  parts.erase(std::unique(parts.begin(), parts.end(), SameRow), parts.end());
  for (const Row& p : parts) {
    ScanRange range;
    range.partition = p;
    ScanOptions opts;
    opts.batch_rows = 1024;
    std::string diff = CheckScan(store, def, t, range, opts, max_chunk_rows);
    if (!diff.empty()) return diff;
  }
  return "";
}

// ListKeys and every partition of the table against the model.
std::string CheckTable(Store& store, const schema::TableDef& def, const Table& t,
                       size_t max_chunk_rows) {
  std::vector<Row> want_keys, parts;
  for (const auto& [key, row] : t.model) {
    want_keys.push_back(t.LocalKey(row));
    Row p = t.PartitionOf(row);
    if (parts.empty() || !SameRow(parts.back(), p)) parts.push_back(p);
  }
  std::vector<Row> got;
  Status st = store.ListKeys(def, [&](std::vector<Row>&& keys) {
    for (auto& k : keys) got.push_back(std::move(k));
    return Status::OK();
  });
  if (!st.ok()) return "ListKeys failed: " + st.ToString();
  if (schema::TimeSlices(def) > 1) {
    // Listed in storage order, slice by slice: with a DESC quantum column that is not the
    // order of the table's keys (Store::ListKeys promises none).
    auto encoded = [&](const Row& lk) {
      auto key = t.keys->EncodeLocalKey(lk);
      return key.ok() ? *key : std::string();
    };
    std::stable_sort(got.begin(), got.end(),
                     [&](const Row& x, const Row& y) { return encoded(x) < encoded(y); });
  }
  std::string diff = DiffRows(want_keys, got);
  if (!diff.empty()) return "ListKeys of " + t.spec.name + ": " + diff;
  // The model's partition values are canonical, so scans return them as they are.
  diff = CheckPartitions(store, def, t, parts, max_chunk_rows);
  return diff.empty() ? "" : t.spec.name + ": " + diff;
}

// Fills a Table's layout facts from its definition; the time domain spans `nquanta` quanta.
void InitTable(Table& t, schema::TableDefPtr def, Rng& rng, size_t nquanta) {
  t.def = std::move(def);
  t.keys = std::make_unique<KeyCodec>(*t.def);
  for (const auto& c : t.def->columns) t.types.push_back(c.type);
  for (const auto& e : t.def->partition_key) {
    if (e.quantum) {
      t.qcol = e.column;
      t.qms = e.quantum->Millis();
    } else {
      t.plain.push_back(e.column);
    }
  }
  t.nquanta = nquanta;
  const size_t nhot = 2 + Uniform(rng, 6);
  for (size_t i = 0; i < nhot; ++i) t.hot.push_back(t.RandomPartition(rng));
}

constexpr std::string_view kFormatKey("\x03" "format", 7);

// Raw access to a closed data directory's backend.
std::unique_ptr<Backend> OpenRaw(const fs::path& dir) {
  RocksDbOptions o;
  o.data_dir = dir.string();
  o.min_free_space_bytes = 0;
  auto b = OpenRocksDbBackend(o);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? std::move(*b) : nullptr;
}

// Keys of the backend starting with `prefix`.
size_t CountKeys(Backend& b, std::string_view prefix) {
  IteratorOptions o;
  o.lower = std::string(prefix);
  o.upper = PrefixSuccessor(prefix);
  auto it = b.NewIterator(o);
  size_t n = 0;
  for (it->Seek(o.lower); it->Valid(); it->Next()) ++n;
  EXPECT_TRUE(it->status().ok());
  return n;
}

// ---- The test driver ----------------------------------------------------------------------------

class DiffRun {
 public:
  DiffRun(uint64_t seed, size_t ops) : seed_(seed), ops_(ops), rng_(seed) {}

  void Run() {
    root_ = fs::temp_directory_path() /
            ("quanta_difftest_" + std::to_string(::getpid()) + "_" + std::to_string(seed_));
    fs::remove_all(root_);
    a_.dir = root_ / "a";
    b_.dir = root_ / "b";
    a_.sealing = false;
    b_.sealing = true;
    ASSERT_TRUE(Reopen(a_, false));
    ASSERT_TRUE(Reopen(b_, true));
    const size_t ntables = 2 + Uniform(rng_, 3);
    for (size_t i = 0; i < ntables && ok_; ++i) AddTable();
    const auto t0 = std::chrono::steady_clock::now();
    for (op_ = 0; op_ < ops_ && ok_; ++op_) {
      Step();
      if (ok_ && op_ % 150 == 149) CompareAll("periodic");
    }
    if (ok_) {
      CompareAll("end");
      // Everything sealed, then once more after a reopen.
      // Everything sealed: no head entry (row or tombstone) may be left in B's backend.
      Log("final reopen with sealing + Compact");
      if (Reopen(b_, true)) {
        Status st = b_.svc->store().Compact();
        if (!st.ok()) Fail("final compact: " + st.ToString());
        CheckSealerHealthy(/*expect_empty_head=*/true);
      }
      if (ok_) CompareAll("after final compact");
      if (ok_) {
        AddStats(b_.svc->store().Stats());
        b_.svc.reset();
        auto raw = OpenRaw(b_.dir);
        const size_t head = raw ? CountKeys(*raw, "\x01") : 1;
        raw.reset();
        if (head != 0) Fail(std::to_string(head) + " head entries left after the final Compact");
      }
      if (ok_ && Reopen(b_, true)) CompareAll("after final reopen");
    }
    if (b_.svc) AddStats(b_.svc->store().Stats());
    size_t sliced = 0;
    for (const Table& t : tables_) sliced += t.spec.create_sql_b != t.spec.create_sql ? 1 : 0;
    std::printf("seed %" PRIu64 ": %zu ops in %.1f s over %zu tables (%zu with time slices on B); B: %" PRIu64
                " seals, %" PRIu64 " rows sealed, %" PRIu64 " chunks written, %" PRIu64
                " rows put as chunks, %zu reopens, %zu compacts; SQL %zu ok / %zu errors; %zu scans (%zu summary batches), "
                "%zu deletes of sealed-or-not keys (%zu found)\n",
                seed_, op_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                tables_.size(), sliced, seals_, rows_sealed_, chunks_written_, rows_direct_, reopens_, compacts_,
                sql_ok_, sql_err_, scans_, summaries_, deletes_, deletes_found_);
    a_.svc.reset();
    b_.svc.reset();
    if (ok_) fs::remove_all(root_);
  }

 private:
  void Log(std::string line) {
    history_.push_back("#" + std::to_string(op_) + " " + std::move(line));
    if (history_.size() > 25) history_.pop_front();
  }

  void Fail(const std::string& what) {
    std::string h;
    for (const auto& l : history_) h += "  " + l + "\n";
    ADD_FAILURE() << "seed " << seed_ << " (QUANTA_DIFFTEST_SEED), op " << op_ << ": " << what
                  << "\nlast operations:\n" << h << "data kept in " << root_;
    ok_ = false;
  }

  bool Reopen(Side& s, bool sealing, size_t chunk_rows = kChunkRows) {
    if (&s == &b_ && s.svc) AddStats(s.svc->store().Stats());
    s.svc.reset();
    auto svc = OpenSide(s.dir, sealing, chunk_rows);
    if (!svc.ok()) {
      Fail("open " + s.dir.string() + ": " + svc.status().ToString());
      return false;
    }
    s.svc = std::move(*svc);
    s.sealing = sealing;
    // Table definitions come from the reopened catalog.
    for (Table& t : tables_) {
      auto def = s.svc->FindTable(t.spec.name);
      if (!def.ok()) {
        Fail("table " + t.spec.name + " lost on reopen");
        return false;
      }
    }
    return true;
  }

  const schema::TableDef& Def(Side& s, const Table& t) { return **s.svc->FindTable(t.spec.name); }

  void AddTable() {
    Table t;
    t.spec = RandomTable(rng_, "t" + std::to_string(tables_.size()));
    Log(t.spec.create_sql_b);
    for (Side* s : {&a_, &b_}) {
      QueryOutcome out;
      const std::string& sql = s == &a_ ? t.spec.create_sql : t.spec.create_sql_b;
      Status st = s->svc->Query(sql, {}, &out);
      if (!st.ok()) return Fail(sql + ": " + st.ToString());
    }
    InitTable(t, *a_.svc->FindTable(t.spec.name), rng_, 4 + Uniform(rng_, 20));
    tables_.push_back(std::move(t));
  }

  void Step() {
    Table& t = tables_[Uniform(rng_, tables_.size())];
    const double r = std::uniform_real_distribution<double>(0, 100)(rng_);
    if (r < 22) return OpPut(t, 1 + Uniform(rng_, Chance(rng_, 0.3) ? 60 : 8), false);
    if (r < 27) return OpPut(t, 100 + Uniform(rng_, 600), true);
    if (r < 42) return OpDelete(t);
    if (r < 54) return OpGet(t);
    if (r < 72) return OpScan(t);
    if (r < 90) return OpSql(t);
    if (r < 92) return OpListKeys(t);
    if (r < 94.5) return OpCompact();
    if (r < 95.5) return OpReopen();
    if (r < 96) return OpDrop(t);
    if (r < 96.5) return OpPutInvalid(t);
    OpWait();
  }

  // ---- Writes --------------------------------------------------------------------------------

  void OpPut(Table& t, size_t n, bool one_partition) {
    std::vector<Row> rows;
    Row part = t.SomePartition(rng_);
    for (size_t i = 0; i < n; ++i) {
      if (!one_partition && Chance(rng_, 0.3)) part = t.SomePartition(rng_);
      Row row;
      if (!rows.empty() && Chance(rng_, 0.04)) {
        Row prev = Pick(rng_, rows);  // the same key as an earlier row of the batch
        row = t.RandomRow(rng_, t.PartitionOf(prev));
        for (const auto& e : t.def->local_key) row[e.column] = prev[e.column];
      } else if (!one_partition && Chance(rng_, 0.35)) {
        auto existing = t.SomeExisting(rng_);  // an upsert (sealed or not)
        if (existing) {
          row = t.RandomRow(rng_, t.PartitionOf(*existing));
          for (const auto& e : t.def->local_key) row[e.column] = (*existing)[e.column];
        }
      }
      if (row.empty()) row = t.RandomRow(rng_, part);
      rows.push_back(std::move(row));
    }
    Log("put " + t.spec.name + " " + std::to_string(rows.size()) + " rows, first " + RowText(rows[0]));
    Status sa = a_.svc->store().Put(Def(a_, t), rows);
    Status sb = b_.svc->store().Put(Def(b_, t), rows);
    if (!sa.ok() || !sb.ok()) return Fail("put: A " + sa.ToString() + ", B " + sb.ToString());
    std::vector<Row> touched;
    for (const Row& row : rows) {
      auto [key, canon] = t.Canonical(row);
      t.model[key] = std::move(canon);
      touched.push_back(t.PartitionOf(row));
    }
    ComparePartitions(t, touched);
  }

  // Rows the schema refuses (NaN, infinities, a NULL key) are refused by both stores alike.
  void OpPutInvalid(Table& t) {
    Row row = t.RandomRow(rng_, t.SomePartition(rng_));
    std::vector<size_t> doubles;
    for (size_t c = 0; c < t.types.size(); ++c) {
      if (t.types[c] == ColumnType::kDouble) doubles.push_back(c);
    }
    if (!doubles.empty() && Chance(rng_, 0.7)) {
      row[Pick(rng_, doubles)] = Value::Double(Pick(rng_, std::vector<double>{
          std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}));
    } else {
      row[t.def->local_key.back().column] = Value();
    }
    std::vector<Row> rows = {t.RandomRow(rng_, t.SomePartition(rng_)), row};
    Log("put invalid " + t.spec.name + " " + RowText(row));
    Status sa = a_.svc->store().Put(Def(a_, t), rows);
    Status sb = b_.svc->store().Put(Def(b_, t), rows);
    if (sa.code() != ErrorCode::kInvalidArgument || !(sa == sb)) {
      return Fail("invalid put: A " + sa.ToString() + ", B " + sb.ToString());
    }
    ComparePartitions(t, {t.PartitionOf(rows[0])});
  }

  void OpDelete(Table& t) {
    Row lk;
    auto existing = t.SomeExisting(rng_);
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (existing && r < 0.75) {
      lk = t.LocalKey(*existing);
    } else if (!recent_deletes_.empty() && r < 0.85 && recent_deletes_.back().first == &t) {
      lk = recent_deletes_.back().second;  // deleted a moment ago (maybe a tombstone now)
    } else {
      lk = t.LocalKey(t.RandomRow(rng_, t.SomePartition(rng_)));
    }
    Log("delete " + t.spec.name + " " + RowText(lk));
    auto da = a_.svc->store().Delete(Def(a_, t), lk);
    auto db = b_.svc->store().Delete(Def(b_, t), lk);
    if (!da.ok() || !db.ok()) return Fail("delete: A " + da.status().ToString() + ", B " + db.status().ToString());
    auto key = t.keys->EncodeLocalKey(lk);
    bool want = t.model.erase(*key) > 0;
    ++deletes_;
    deletes_found_ += want;
    if (*da != want || *db != want) {
      return Fail("delete " + RowText(lk) + " returned A " + std::to_string(*da) + ", B " +
                  std::to_string(*db) + ", model " + std::to_string(want));
    }
    recent_deletes_.push_back({&t, lk});
    if (recent_deletes_.size() > 10) recent_deletes_.erase(recent_deletes_.begin());
    Row row(t.types.size());
    for (size_t i = 0; i < lk.size(); ++i) row[t.def->local_key[i].column] = lk[i];
    ComparePartitions(t, {t.PartitionOf(row)});
  }

  void OpDrop(Table& t) {
    Log("DropTableData " + t.spec.name);
    Status sa = a_.svc->store().DropTableData(Def(a_, t));
    Status sb = b_.svc->store().DropTableData(Def(b_, t));
    if (!sa.ok() || !sb.ok()) return Fail("drop: A " + sa.ToString() + ", B " + sb.ToString());
    t.model.clear();
    CompareTable(t, "after DropTableData");
  }

  // ---- Reads ---------------------------------------------------------------------------------

  void OpGet(Table& t) {
    Row lk;
    auto existing = t.SomeExisting(rng_);
    if (existing && Chance(rng_, 0.7)) {
      lk = t.LocalKey(*existing);
    } else {
      lk = t.LocalKey(t.RandomRow(rng_, t.SomePartition(rng_)));
    }
    Log("get " + t.spec.name + " " + RowText(lk));
    std::optional<Row> want;
    auto it = t.model.find(*t.keys->EncodeLocalKey(lk));
    if (it != t.model.end()) {
      want = it->second;
      // Get returns the key values it was given.
      for (size_t i = 0; i < lk.size(); ++i) (*want)[t.def->local_key[i].column] = lk[i];
    }
    for (Side* s : {&a_, &b_}) {
      auto got = s->svc->store().Get(Def(*s, t), lk);
      const char* who = s == &a_ ? "A" : "B";
      if (!got.ok()) return Fail(std::string("get on ") + who + ": " + got.status().ToString());
      if (got->has_value() != want.has_value() || (want && !SameRow(**got, *want))) {
        return Fail(std::string("get on ") + who + " " + RowText(lk) + ": want " +
                    (want ? RowText(*want) : "none") + ", got " +
                    (got->has_value() ? RowText(**got) : "none"));
      }
    }
  }

  void OpScan(Table& t) {
    ScanRange range;
    if (auto e = t.SomeExisting(rng_); e && Chance(rng_, 0.8)) {
      range.partition = t.PartitionOf(*e);
    } else {
      range.partition = t.SomePartition(rng_);
    }
    if (t.qcol >= 0 && Chance(rng_, 0.8)) {
      const int64_t start = range.partition.back().as_int();
      auto bound = [&]() -> int64_t {
        switch (Uniform(rng_, 6)) {
          case 0: return start;
          case 1: return start + t.qms - 1;
          case 2: return start + t.qms;
          case 3: return start - 1 - static_cast<int64_t>(Uniform(rng_, 5000));
          case 4: {
            // A row's time: a bound right on a key.
            auto e = t.SomeExisting(rng_);
            if (e) return (*e)[t.qcol].as_int();
            return start;
          }
          default: return start + static_cast<int64_t>(Uniform(rng_, t.qms));
        }
      };
      if (Chance(rng_, 0.85)) range.time_lo = bound();
      if (Chance(rng_, 0.85)) range.time_hi = bound();
      if (range.time_lo && range.time_hi && *range.time_lo > *range.time_hi && Chance(rng_, 0.8)) {
        std::swap(*range.time_lo, *range.time_hi);
      }
      if (Chance(rng_, 0.03)) range.time_lo = std::numeric_limits<int64_t>::min();
      if (Chance(rng_, 0.03)) range.time_hi = std::numeric_limits<int64_t>::max();
      range.time_lo_inclusive = Chance(rng_, 0.6);
      range.time_hi_inclusive = Chance(rng_, 0.5);
    }
    ScanOptions opts;
    if (Chance(rng_, 0.6)) {
      opts.columns.resize(t.types.size());
      for (size_t c = 0; c < t.types.size(); ++c) opts.columns[c] = Chance(rng_, 0.5);
    }
    opts.batch_rows = Pick(rng_, std::vector<size_t>{1, 2, 3, 7, 64, 255, 256, 257, 1024, 5000});
    opts.allow_summaries = Chance(rng_, 0.3);
    ++scans_;
    Log("scan " + t.spec.name + " " + RowText(range.partition) + " t " +
        (range.time_lo ? (range.time_lo_inclusive ? "[" : "(") + std::to_string(*range.time_lo) : "-") + ".." +
        (range.time_hi ? std::to_string(*range.time_hi) + (range.time_hi_inclusive ? "]" : ")") : "-") +
        " batch " + std::to_string(opts.batch_rows) + (opts.allow_summaries ? " summaries" : ""));
    CompareScan(t, range, opts, "scan");
  }

  // B's chunks hold at most the largest chunk_rows it ran with.
  size_t ChunkBound(const Side* s) const { return s == &b_ ? max_chunk_rows_ : 0; }

  void AddStats(const StoreStats& st) {
    seals_ += st.seals;
    rows_sealed_ += st.rows_sealed;
    chunks_written_ += st.chunks_written;
    rows_direct_ += st.rows_direct;
  }

  void CompareScan(Table& t, const ScanRange& range, const ScanOptions& opts, const std::string& what) {
    for (Side* s : {&a_, &b_}) {
      std::string diff = CheckScan(s->svc->store(), Def(*s, t), t, range, opts, ChunkBound(s), &summaries_);
      if (!diff.empty()) return Fail(what + " of " + t.spec.name + " on " + (s == &a_ ? "A" : "B") + ": " + diff);
    }
  }

  void ComparePartitions(Table& t, const std::vector<Row>& parts) {
    for (Side* s : {&a_, &b_}) {
      std::string diff = CheckPartitions(s->svc->store(), Def(*s, t), t, parts, ChunkBound(s));
      if (!diff.empty()) {
        return Fail("partition rescan of " + t.spec.name + " on " + (s == &a_ ? "A" : "B") + ": " + diff);
      }
    }
  }

  void CompareTable(Table& t, const std::string& when) {
    for (Side* s : {&a_, &b_}) {
      std::string diff = CheckTable(s->svc->store(), Def(*s, t), t, ChunkBound(s));
      if (!diff.empty()) return Fail(when + " on " + (s == &a_ ? "A" : "B") + ": " + diff);
    }
  }

  void CompareAll(const std::string& when) {
    Log("compare all (" + when + ")");
    for (Table& t : tables_) {
      if (!ok_) return;
      CompareTable(t, when);
    }
    CheckSealerHealthy(false);
  }

  void OpListKeys(Table& t) {
    Log("ListKeys " + t.spec.name);
    CompareTable(t, "ListKeys");
  }

  // ---- Maintenance ---------------------------------------------------------------------------

  void CheckSealerHealthy(bool expect_empty_head) {
    StoreStats st = b_.svc->store().Stats();
    if (st.seal_failures != 0) return Fail("B reports " + std::to_string(st.seal_failures) + " failed seals");
    if (expect_empty_head && b_.sealing && st.head_rows != 0) {
      return Fail("B has " + std::to_string(st.head_rows) + " head rows after Compact");
    }
  }

  void OpCompact() {
    Log("compact B");
    ++compacts_;
    Status st = b_.svc->store().Compact();
    if (!st.ok()) return Fail("compact: " + st.ToString());
    CheckSealerHealthy(true);
  }

  void OpReopen() {
    const bool sealing = Chance(rng_, 0.75);
    const bool also_a = Chance(rng_, 0.2);
    // Now and then other chunk sizes: chunks written with one size meet seals with another.
    const size_t chunk_rows = Chance(rng_, 0.8) ? kChunkRows : Pick(rng_, std::vector<size_t>{300, 1000});
    Log(std::string("reopen B, sealing ") + (sealing ? "on" : "off") + ", chunk_rows " +
        std::to_string(chunk_rows) + (also_a ? " (and A)" : ""));
    ++reopens_;
    if (also_a && !Reopen(a_, false)) return;
    max_chunk_rows_ = std::max(max_chunk_rows_, chunk_rows);
    Reopen(b_, sealing, chunk_rows);
  }

  void OpWait() {
    int ms = static_cast<int>(Uniform(rng_, 150));
    Log("wait " + std::to_string(ms) + " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

  // ---- SQL -----------------------------------------------------------------------------------

  std::string Name(const Table& t, int c) const { return t.def->columns[c].name; }

  // A predicate on a column that is not a partition-key column.
  std::string Filter(Table& t) {
    std::vector<int> cols;
    for (size_t c = 0; c < t.types.size(); ++c) {
      if (std::find(t.plain.begin(), t.plain.end(), static_cast<int>(c)) == t.plain.end() &&
          static_cast<int>(c) != t.qcol) {
        cols.push_back(static_cast<int>(c));
      }
    }
    if (cols.empty()) return "";
    auto one = [&]() -> std::string {
      int c = Pick(rng_, cols);
      ColumnType type = t.types[c];
      if (t.def->columns[c].nullable && Chance(rng_, 0.25)) {
        return Name(t, c) + (Chance(rng_, 0.5) ? " IS NULL" : " IS NOT NULL");
      }
      // A literal from a stored row when there is one, so that equality can match.
      Value v;
      if (auto e = t.SomeExisting(rng_); e && !(*e)[c].is_null() && Chance(rng_, 0.7)) v = (*e)[c];
      if (v.is_null() || !SqlSpellable(type, v)) v = RandomValue(rng_, type, Role::kPartition);
      std::vector<std::string> ops = {"=", "!="};
      if (type == ColumnType::kSint64 || type == ColumnType::kDouble || type == ColumnType::kTimestamp) {
        ops = {"=", "!=", "<", "<=", ">", ">="};
      }
      return Name(t, c) + " " + Pick(rng_, ops) + " " + SqlLiteral(type, v);
    };
    std::string f = one();
    if (Chance(rng_, 0.4)) f = "(" + f + (Chance(rng_, 0.5) ? " OR " : " AND ") + one() + ")";
    return f;
  }

  std::string Where(Table& t, const Row& part) {
    std::string w;
    for (size_t i = 0; i < t.plain.size(); ++i) {
      w += (i ? " AND " : "") + Name(t, t.plain[i]) + " = " + SqlLiteral(t.types[t.plain[i]], part[i]);
    }
    if (t.qcol >= 0) {
      const int64_t start = part.back().as_int();
      int64_t lo = start + static_cast<int64_t>(Uniform(rng_, t.qms)) - (Chance(rng_, 0.3) ? t.qms * static_cast<int64_t>(Uniform(rng_, 3)) : 0);
      int64_t hi = lo + 1 + static_cast<int64_t>(Uniform(rng_, t.qms * (Chance(rng_, 0.5) ? 1 : t.nquanta)));
      if (Chance(rng_, 0.15)) {
        lo = kT0 - t.qms;  // the whole time domain
        hi = kT0 + static_cast<int64_t>(t.nquanta + 1) * t.qms;
      }
      w += std::string(t.plain.empty() ? "" : " AND ") + Name(t, t.qcol) + (Chance(rng_, 0.5) ? " >= " : " > ") +
           std::to_string(lo) + " AND " + Name(t, t.qcol) + (Chance(rng_, 0.5) ? " <= " : " < ") +
           std::to_string(hi);
    }
    if (Chance(rng_, 0.45)) {
      std::string f = Filter(t);
      if (!f.empty()) w += " AND " + f;
    }
    return w;
  }

  std::string Aggregate(Table& t) {
    std::vector<int> numeric;
    for (size_t c = 0; c < t.types.size(); ++c) {
      ColumnType ty = t.types[c];
      if (ty == ColumnType::kSint64 || ty == ColumnType::kDouble || ty == ColumnType::kTimestamp) numeric.push_back(static_cast<int>(c));
    }
    int any = static_cast<int>(Uniform(rng_, t.types.size()));
    if (numeric.empty() || Chance(rng_, 0.2)) {
      return Chance(rng_, 0.5) ? "COUNT(*)" : "COUNT(" + Name(t, any) + ")";
    }
    int c = Pick(rng_, numeric);
    std::string fn = Pick(rng_, std::vector<std::string>{"SUM", "AVG", "MIN", "MAX", "STDDEV", "STDDEV_POP", "COUNT"});
    if (t.types[c] == ColumnType::kTimestamp && (fn == "SUM" || fn.starts_with("STDDEV"))) fn = "MAX";
    return fn + "(" + Name(t, c) + ")";
  }

  std::string RandomSelect(Table& t, bool* grouped) {
    Row part;
    if (auto e = t.SomeExisting(rng_); e && Chance(rng_, 0.85)) {
      part = t.PartitionOf(*e);
    } else {
      part = t.SomePartition(rng_);
    }
    for (size_t i = 0; i < t.plain.size(); ++i) {
      if (!SqlSpellable(t.types[t.plain[i]], part[i])) part[i] = RandomValue(rng_, t.types[t.plain[i]], Role::kPartition);
    }
    std::string sql = "SELECT ";
    const std::string from = " FROM " + t.spec.name + " WHERE " + Where(t, part);
    *grouped = false;
    const size_t kind = Uniform(rng_, 4);
    auto some_columns = [&](size_t max) {
      std::vector<int> cs;
      for (size_t i = 0, n = 1 + Uniform(rng_, max); i < n; ++i) cs.push_back(static_cast<int>(Uniform(rng_, t.types.size())));
      std::sort(cs.begin(), cs.end());
      cs.erase(std::unique(cs.begin(), cs.end()), cs.end());
      return cs;
    };
    if (kind == 2) {
      for (size_t i = 0, n = 1 + Uniform(rng_, 4); i < n; ++i) sql += (i ? ", " : "") + Aggregate(t);
      return sql + from;
    }
    if (kind == 3) {
      std::vector<int> g = some_columns(2);
      for (int c : g) sql += Name(t, c) + ", ";
      for (size_t i = 0, n = 1 + Uniform(rng_, 3); i < n; ++i) sql += (i ? ", " : "") + Aggregate(t);
      sql += from + " GROUP BY ";
      for (size_t i = 0; i < g.size(); ++i) sql += (i ? ", " : "") + Name(t, g[i]);
      *grouped = true;
      return sql;
    }
    if (kind == 0) {
      sql += "*";
    } else {
      std::vector<int> cs = some_columns(4);
      std::shuffle(cs.begin(), cs.end(), rng_);
      for (size_t i = 0; i < cs.size(); ++i) sql += (i ? ", " : "") + Name(t, cs[i]);
    }
    sql += from;
    if (Chance(rng_, 0.4)) {
      std::vector<int> o = some_columns(2);
      sql += " ORDER BY ";
      for (size_t i = 0; i < o.size(); ++i) {
        sql += (i ? ", " : "") + Name(t, o[i]) + Pick(rng_, std::vector<std::string>{"", " ASC", " DESC"}) +
               Pick(rng_, std::vector<std::string>{"", " NULLS FIRST", " NULLS LAST"});
      }
    }
    if (Chance(rng_, 0.35)) {
      sql += " LIMIT " + std::to_string(Uniform(rng_, 60));
      if (Chance(rng_, 0.5)) sql += " OFFSET " + std::to_string(Uniform(rng_, 30));
    }
    return sql;
  }

  void OpSql(Table& t) {
    bool grouped = false;
    std::string sql = RandomSelect(t, &grouped);
    Log(sql);
    QueryOutcome qa, qb;
    Status sa = a_.svc->Query(sql, {}, &qa);
    Status sb = b_.svc->Query(sql, {}, &qb);
    if (!(sa == sb) || sa.message() != sb.message()) {
      return Fail(sql + "\n  status A " + sa.ToString() + "\n  status B " + sb.ToString());
    }
    if (!sa.ok()) {
      ++sql_err_;
      return;
    }
    ++sql_ok_;
    if (!(qa.result.columns == qb.result.columns)) return Fail(sql + ": result columns differ");
    std::string diff = DiffRows(qa.result.rows, qb.result.rows);
    if (!diff.empty()) return Fail(sql + "\n  A vs B: " + diff);
    (void)grouped;  // groups come in first-seen order, the same on both
  }

  uint64_t seed_;
  size_t ops_;
  Rng rng_;
  fs::path root_;
  Side a_, b_;
  std::vector<Table> tables_;
  size_t op_ = 0;
  bool ok_ = true;
  std::deque<std::string> history_;
  std::vector<std::pair<const Table*, Row>> recent_deletes_;
  size_t max_chunk_rows_ = kChunkRows;
  uint64_t seals_ = 0, rows_sealed_ = 0, chunks_written_ = 0, rows_direct_ = 0;
  size_t summaries_ = 0;  // summary batches returned
  size_t reopens_ = 0, compacts_ = 0, sql_ok_ = 0, sql_err_ = 0, scans_ = 0, deletes_ = 0,
         deletes_found_ = 0;
};

class EngineDiffTest : public ::testing::TestWithParam<int> {};

TEST_P(EngineDiffTest, RandomOperationsAgreeWithTheRowStore) {
  const uint64_t seed = EnvU64("QUANTA_DIFFTEST_SEED", 1000) + static_cast<uint64_t>(GetParam());
  const size_t ops = EnvU64("QUANTA_DIFFTEST_OPS", 1500);
  DiffRun(seed, ops).Run();
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineDiffTest, ::testing::Range(0, 4));


// ---- Races with the sealer ---------------------------------------------------------------------

// Runs `body(store, table, model)` on a fresh store with sealing on (chunk_rows 256, 1 ms idle)
// and one table; the directory is removed afterwards.
class SealerRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quanta_sealrace_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto svc = OpenSide(dir_, /*sealing=*/true);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    svc_ = std::move(*svc);
  }
  void TearDown() override {
    svc_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void CreateTable(const std::string& sql, const std::string& name, Rng& rng) {
    QueryOutcome out;
    ASSERT_TRUE(svc_->Query(sql, {}, &out).ok()) << sql;
    table_.spec = {name, sql};
    InitTable(table_, *svc_->FindTable(name), rng, 8);
  }

  // Waits until the sealer has nothing left (or 30 s passed).
  void WaitSealed() {
    const auto t0 = std::chrono::steady_clock::now();
    while (svc_->store().Stats().head_rows != 0 &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  fs::path dir_;
  std::unique_ptr<TsService> svc_;
  Table table_;
};

// DropTableData while the sealer folds the table's rows: nothing may come back.
TEST_F(SealerRaceTest, DropTableDataWhileSealing) {
  Rng rng(5);
  CreateTable("CREATE TABLE d (k VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
              "PRIMARY KEY ((k, QUANTUM(t, 1, 's')), k, t))", "d", rng);
  const schema::TableDef& def = *table_.def;
  size_t resurrected = 0;
  for (int round = 0; round < 60 && resurrected == 0; ++round) {
    // A full chunk's worth wakes the sealer at once; the drop follows right away.
    for (const Row& part : table_.hot) {
      std::vector<Row> rows;
      for (size_t i = 0; i < kChunkRows + 50; ++i) rows.push_back(table_.RandomRow(rng, part));
      ASSERT_TRUE(svc_->store().Put(def, rows).ok());
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    ASSERT_TRUE(svc_->store().DropTableData(def).ok());
    WaitSealed();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    Status st = svc_->store().ListKeys(def, [&](std::vector<Row>&& keys) {
      resurrected += keys.size();
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(resurrected, 0u) << "round " << round << ": rows back after DropTableData";
  }
}

// Writers on disjoint partitions (each checks its own model after every operation) while the
// sealer seals and another thread calls Compact(): stripe locks, seals and snapshots under load.
TEST_F(SealerRaceTest, ConcurrentWritersWhileSealingAndCompacting) {
  Rng rng(9);
  CreateTable("CREATE TABLE c (s VARCHAR, k SINT64 NOT NULL, e VARCHAR NOT NULL, v DOUBLE, "
              "t TIMESTAMP NOT NULL, PRIMARY KEY ((k, QUANTUM(t, 1, 's')), k, t DESC, e))", "c", rng);
  constexpr int kWriters = 4;
  const size_t ops = EnvU64("QUANTA_DIFFTEST_OPS", 1500) / 3;
  std::vector<Table> mine(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    mine[w].spec = table_.spec;
    InitTable(mine[w], table_.def, rng, 4);
    mine[w].hot.clear();
    for (int j = 0; j < 3; ++j) {
      mine[w].hot.push_back({Value::Int(w * 100 + j), Value::Int(kT0 + (j % 2) * 1000)});
    }
  }
  Store& store = svc_->store();
  const schema::TableDef& def = *table_.def;
  std::mutex mu;
  std::vector<std::string> failures;
  auto fail = [&](int w, size_t op, const std::string& what) {
    std::lock_guard lock(mu);
    failures.push_back("writer " + std::to_string(w) + " op " + std::to_string(op) + ": " + what);
  };
  std::atomic<bool> stop{false};
  std::thread compactor([&] {
    while (!stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      Status st = store.Compact();
      if (!st.ok()) fail(-1, 0, "Compact: " + st.ToString());
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      Table& t = mine[w];
      Rng r(100 + w);
      for (size_t op = 0; op < ops; ++op) {
        {
          std::lock_guard lock(mu);
          if (!failures.empty()) return;
        }
        const size_t kind = Uniform(r, 10);
        if (kind < 4) {
          std::vector<Row> rows;
          const size_t n = Chance(r, 0.1) ? 300 : 1 + Uniform(r, 40);
          for (size_t i = 0; i < n; ++i) {
            Row row = t.RandomRow(r, Pick(r, t.hot));
            if (auto e = t.SomeExisting(r); e && Chance(r, 0.4)) {
              for (const auto& le : def.local_key) row[le.column] = (*e)[le.column];
            }
            rows.push_back(std::move(row));
          }
          Status st = store.Put(def, rows);
          if (!st.ok()) return fail(w, op, "put: " + st.ToString());
          std::vector<Row> parts;
          for (const Row& row : rows) {
            auto [key, canon] = t.Canonical(row);
            t.model[key] = std::move(canon);
            parts.push_back(t.PartitionOf(row));
          }
          std::string diff = CheckPartitions(store, def, t, parts, kChunkRows);
          if (!diff.empty()) return fail(w, op, "after put: " + diff);
        } else if (kind < 7) {
          auto e = t.SomeExisting(r);
          Row lk = e && Chance(r, 0.8) ? t.LocalKey(*e) : t.LocalKey(t.RandomRow(r, Pick(r, t.hot)));
          auto got = store.Delete(def, lk);
          if (!got.ok()) return fail(w, op, "delete: " + got.status().ToString());
          bool want = t.model.erase(*t.keys->EncodeLocalKey(lk)) > 0;
          if (*got != want) return fail(w, op, "delete " + RowText(lk) + " returned " + std::to_string(*got));
        } else {
          ScanRange range;
          range.partition = Pick(r, t.hot);
          const int64_t start = range.partition.back().as_int();
          range.time_lo = start + static_cast<int64_t>(Uniform(r, 1000));
          range.time_hi = *range.time_lo + static_cast<int64_t>(Uniform(r, 600));
          range.time_hi_inclusive = Chance(r, 0.5);
          ScanOptions opts;
          opts.batch_rows = 1 + Uniform(r, 300);
          std::string diff = CheckScan(store, def, t, range, opts, kChunkRows);
          if (!diff.empty()) return fail(w, op, diff);
        }
      }
    });
  }
  for (auto& th : writers) th.join();
  stop = true;
  compactor.join();
  for (const auto& f : failures) ADD_FAILURE() << f;
  ASSERT_TRUE(failures.empty());
  // The whole table, every writer's rows together.
  Table all;
  all.spec = table_.spec;
  InitTable(all, table_.def, rng, 4);
  for (const Table& t : mine) all.model.insert(t.model.begin(), t.model.end());
  EXPECT_EQ(CheckTable(store, def, all, kChunkRows), "");
  ASSERT_TRUE(store.Compact().ok());
  EXPECT_EQ(CheckTable(store, def, all, kChunkRows), "");
  StoreStats st = store.Stats();
  EXPECT_EQ(st.seal_failures, 0u);
  EXPECT_EQ(st.head_rows, 0u);
  std::printf("%zu rows, %" PRIu64 " seals, %" PRIu64 " chunks written\n", all.model.size(),
              st.seals, st.chunks_written);
}

// ---- Format migration ------------------------------------------------------------------------

class EngineMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quanta_migration_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Every table against its model, and the recorded SQL answers.
  void CheckAll(TsService& svc, const std::string& when) {
    for (const Table& t : tables_) {
      std::string diff = CheckTable(svc.store(), **svc.FindTable(t.spec.name), t, kChunkRows);
      ASSERT_EQ(diff, "") << when;
    }
    for (const auto& [sql, want] : answers_) {
      QueryOutcome out;
      Status st = svc.Query(sql, {}, &out);
      ASSERT_TRUE(st.ok()) << when << ": " << sql << ": " << st.ToString();
      ASSERT_EQ(DiffRows(want.rows, out.result.rows), "") << when << ": " << sql;
    }
  }

  size_t StoredRows() const {
    size_t n = 0;
    for (const Table& t : tables_) n += t.model.size();
    return n;
  }

  fs::path dir_;
  std::vector<Table> tables_;
  std::vector<std::pair<std::string, ResultSet>> answers_;
};

// A data directory of the row store (format 1: every row a head row, no format record) opens
// with sealing on, serves every row unchanged at once, and again once the background sealer has
// folded all of them into chunks; the format record is written.
TEST_F(EngineMigrationTest, RowStoreDirectoryIsServedUnchangedBeforeAndAfterSealing) {
  Rng rng(77);
  const std::vector<std::string> creates = {
      "CREATE TABLE m1 (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, n SINT64, s VARCHAR, "
      "b BOOLEAN, x BLOB, PRIMARY KEY ((h, QUANTUM(t, 10, 's')), h, t))",
      "CREATE TABLE m2 (v DOUBLE, e VARCHAR NOT NULL, t TIMESTAMP NOT NULL, k SINT64 NOT NULL, "
      "PRIMARY KEY ((k, QUANTUM(t, 1, 'm')), k, t DESC, e DESC))",
      "CREATE TABLE m3 (a VARCHAR NOT NULL, n SINT64 NOT NULL, v DOUBLE, ts TIMESTAMP, "
      "PRIMARY KEY ((a), a, n))"};
  {
    // Written with sealing off: exactly what the row store wrote.
    auto svc = OpenSide(dir_, /*sealing=*/false);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    for (size_t i = 0; i < creates.size(); ++i) {
      QueryOutcome out;
      ASSERT_TRUE((*svc)->Query(creates[i], {}, &out).ok()) << creates[i];
      Table t;
      t.spec = {"m" + std::to_string(i + 1), creates[i]};
      InitTable(t, *(*svc)->FindTable(t.spec.name), rng, 6);
      tables_.push_back(std::move(t));
    }
    for (Table& t : tables_) {
      const schema::TableDef& def = **(*svc)->FindTable(t.spec.name);
      // Several chunks' worth per hot partition, then upserts and deletes.
      for (const Row& part : t.hot) {
        std::vector<Row> rows;
        for (int i = 0; i < 700; ++i) rows.push_back(t.RandomRow(rng, part));
        ASSERT_TRUE((*svc)->store().Put(def, rows).ok());
        for (const Row& row : rows) {
          auto [key, canon] = t.Canonical(row);
          t.model[key] = std::move(canon);
        }
      }
      for (int i = 0; i < 300; ++i) {
        Row row = *t.SomeExisting(rng);
        if (i % 3 == 0) {
          auto gone = (*svc)->store().Delete(def, t.LocalKey(row));
          ASSERT_TRUE(gone.ok() && *gone);
          t.model.erase(t.keys->EncodeRow(row));
        } else {
          Row up = t.RandomRow(rng, t.PartitionOf(row));
          for (const auto& e : def.local_key) up[e.column] = row[e.column];
          ASSERT_TRUE((*svc)->store().Put(def, std::span<const Row>(&up, 1)).ok());
          auto [key, canon] = t.Canonical(up);
          t.model[key] = std::move(canon);
        }
      }
    }
    // SQL answers of the row store, to be served identically after the migration.
    for (const Table& t : tables_) {
      for (const Row& part : t.hot) {
        std::string where;
        for (size_t i = 0; i < t.plain.size(); ++i) {
          where += (i ? " AND " : "") + t.def->columns[t.plain[i]].name + " = " +
                   SqlLiteral(t.types[t.plain[i]], part[i]);
        }
        if (t.qcol >= 0) {
          const std::string& q = t.def->columns[t.qcol].name;
          where += (t.plain.empty() ? "" : " AND ") + q + " >= " + std::to_string(kT0 - 1) +
                   " AND " + q + " < " + std::to_string(kT0 + 7 * t.qms);
        }
        const std::string from = " FROM " + t.spec.name + " WHERE " + where;
        answers_.emplace_back("SELECT *" + from, ResultSet{});
        answers_.emplace_back("SELECT COUNT(*), SUM(v), MIN(v), MAX(v), AVG(v), COUNT(v)" + from,
                              ResultSet{});
        answers_.emplace_back("SELECT v" + from + " AND v > 0.5 ORDER BY v DESC LIMIT 40 OFFSET 3",
                              ResultSet{});
      }
    }
    for (auto& [sql, result] : answers_) {
      QueryOutcome out;
      Status st = (*svc)->Query(sql, {}, &out);
      ASSERT_TRUE(st.ok()) << sql << ": " << st.ToString();
      ASSERT_FALSE(out.result.rows.empty()) << sql;
      result = out.result;
    }
    CheckAll(**svc, "written");
  }
  {
    // The row store had no format record and no chunks.
    auto raw = OpenRaw(dir_);
    ASSERT_NE(raw, nullptr);
    auto format = raw->Get(kFormatKey);
    ASSERT_TRUE(format.ok());
    ASSERT_EQ(format->value_or("none"), "2");
    ASSERT_EQ(CountKeys(*raw, "\x02"), 0u);
    WriteBatch wb;
    wb.Delete(kFormatKey);
    ASSERT_TRUE(raw->Write(wb, true).ok());
  }
  {
    auto svc = OpenSide(dir_, /*sealing=*/true);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    CheckAll(**svc, "opened (sealer starting)");
    // The sealer discovers the head rows of the attached tables and folds all of them.
    const size_t rows_stored = StoredRows();
    const auto t0 = std::chrono::steady_clock::now();
    StoreStats st;
    while (true) {
      st = (*svc)->store().Stats();
      if (st.rows_sealed >= rows_stored && st.head_rows == 0) break;
      ASSERT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60))
          << "sealed " << st.rows_sealed << " of " << rows_stored << " rows, "
          << st.head_rows << " head rows pending";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(st.rows_sealed, rows_stored);
    EXPECT_EQ(st.seal_failures, 0u);
    EXPECT_GE(st.chunks_written, rows_stored / kChunkRows);
    CheckAll(**svc, "sealed");
  }
  {
    // No head rows are left; chunks and the format record are there.
    auto raw = OpenRaw(dir_);
    ASSERT_NE(raw, nullptr);
    auto format = raw->Get(kFormatKey);
    ASSERT_TRUE(format.ok());
    EXPECT_EQ(format->value_or("none"), "2");
    EXPECT_EQ(CountKeys(*raw, "\x01"), 0u);
    EXPECT_GE(CountKeys(*raw, "\x02"), StoredRows() / kChunkRows);
  }
  auto svc = OpenSide(dir_, /*sealing=*/true);
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  CheckAll(**svc, "reopened");
}

// Compact() right after a table is attached seals the rows found there (what the row store
// left, or head rows of an earlier run), even while the sealer is still discovering them.
TEST_F(EngineMigrationTest, CompactRightAfterAttachSealsEverything) {
  Rng rng(11);
  const std::string create =
      "CREATE TABLE c (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
      "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))";
  const fs::path seed_dir = dir_ / "seed";
  size_t stored = 0;
  schema::TableDef def;
  {
    auto svc = OpenSide(seed_dir, /*sealing=*/false);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    QueryOutcome out;
    ASSERT_TRUE((*svc)->Query(create, {}, &out).ok());
    def = **(*svc)->FindTable("c");
    std::vector<Row> rows;
    for (int64_t i = 0; i < 60000; ++i) {
      rows.push_back({Value::Bytes(i % 2 ? "a" : "b"), Value::Int(kT0 + i * 1000),
                      Value::Double(static_cast<double>(i))});
    }
    ASSERT_TRUE((*svc)->store().Put(def, rows).ok());
    stored = rows.size();
  }
  for (int round = 0; round < 6; ++round) {
    const fs::path d = dir_ / ("round" + std::to_string(round));
    fs::copy(seed_dir, d, fs::copy_options::recursive);
    {
      EmbeddedOptions o;
      o.backend.data_dir = d.string();
      o.backend.min_free_space_bytes = 0;
      o.engine.chunk_rows = kChunkRows;
      o.engine.seal_idle_ms = 1000000;  // nothing is sealed for being idle: only Compact seals
      auto store = OpenEmbeddedStore(o);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      (*store)->AttachTable(def);
      ASSERT_TRUE((*store)->Compact().ok());
      EXPECT_EQ((*store)->Stats().rows_sealed, stored) << "round " << round;
    }
    auto raw = OpenRaw(d);
    ASSERT_NE(raw, nullptr);
    EXPECT_EQ(CountKeys(*raw, "\x01"), 0u) << "round " << round << ": head rows left after Compact";
    raw.reset();
    fs::remove_all(d);
    if (HasFailure()) break;
  }
}

// A directory of a newer format is refused with a message that says so.
TEST_F(EngineMigrationTest, NewerFormatIsRefused) {
  { ASSERT_TRUE(OpenSide(dir_, true).ok()); }
  {
    auto raw = OpenRaw(dir_);
    ASSERT_NE(raw, nullptr);
    WriteBatch wb;
    wb.Put(kFormatKey, "3");
    ASSERT_TRUE(raw->Write(wb, true).ok());
  }
  auto svc = OpenSide(dir_, true);
  ASSERT_FALSE(svc.ok());
  EXPECT_EQ(svc.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(svc.status().message().find("storage format 3"), std::string::npos)
      << svc.status().message();
}

}  // namespace
}  // namespace quanta::storage
