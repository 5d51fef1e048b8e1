// TableDef: the definition of one time-series table (columns, partition key, local key, WITH
// properties), as created by CREATE TABLE and persisted in the catalog.
//
// Key model (riak_ts.md section 4.2): the partition key (PK) is one or more columns, the last of
// which may be QUANTUM(t, n, unit); the local key (LK) starts with the PK columns in the same order
// (the quantum represented by its column t) and may continue with more columns, each ASC or DESC.
//
// Immutable once built; safe to share between threads (the catalog hands out shared_ptr<const>).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/value.h"

namespace quanta::schema {

struct ColumnDef {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
  bool nullable = true;
};

struct Quantum {
  int64_t size = 0;   // positive
  char unit = 'm';    // one of 'd', 'h', 'm', 's'
  int64_t Millis() const;  // size * unit in ms
  // Start of the quantum containing t: t - (t rem Q) (truncating remainder, as Riak).
  int64_t StartOf(int64_t t) const;
};

struct PartitionKeyElem {
  int column = 0;                  // index into TableDef::columns
  std::optional<Quantum> quantum;  // set for the QUANTUM(...) element (always the last one)
};

enum class SortOrder : uint8_t { kUnspecified = 0, kAsc = 1, kDesc = 2 };

struct LocalKeyElem {
  int column = 0;
  SortOrder order = SortOrder::kUnspecified;  // kUnspecified behaves as ASC
  bool desc() const { return order == SortOrder::kDesc; }
};

// A WITH (...) property value, rendered by SHOW CREATE TABLE.
struct PropValue {
  enum class Kind : uint8_t { kInt, kDouble, kString, kBool, kAtom };
  Kind kind = Kind::kAtom;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;  // kString (quoted when rendered) and kAtom (bare)
  std::string Render() const;
  static PropValue Int(int64_t v);
  static PropValue Double(double v);
  static PropValue String(std::string v);
  static PropValue Bool(bool v);
  static PropValue Atom(std::string v);
};

struct TableDef {
  std::string name;
  std::vector<ColumnDef> columns;
  std::vector<PartitionKeyElem> partition_key;
  std::vector<LocalKeyElem> local_key;
  // Properties as given in WITH (...), in the order given (defaults are added when rendered).
  std::vector<std::pair<std::string, PropValue>> properties;
  uint32_t id = 0;  // storage id, assigned by the catalog

  // -1 if absent.
  int ColumnIndex(std::string_view column_name) const;
  // The quantum, if the last PK element is QUANTUM(...).
  const Quantum* quantum() const;
  // Column index of the quantum column, or -1.
  int quantum_column() const;
  // Number of PK elements (including the quantum).
  size_t pk_size() const { return partition_key.size(); }
  // Position of `column` in the PK / LK (0-based) or -1.
  int PkPosition(int column) const;
  int LkPosition(int column) const;
  // True for columns that appear in the local key (and so in the storage key).
  bool IsKeyColumn(int column) const { return LkPosition(column) >= 0; }

  // The properties SHOW CREATE TABLE prints: Riak's TS defaults overlaid with `properties`,
  // sorted by name.
  std::vector<std::pair<std::string, PropValue>> EffectiveProperties() const;

  // SHOW CREATE TABLE text (riak_ts.md sections 4.6 and 5.3).
  std::string ShowCreateSql() const;
};

using TableDefPtr = std::shared_ptr<const TableDef>;

// Validates a whole row against the table (arity, representation per column type, NULL only in
// nullable columns, TIMESTAMP > 0, doubles finite). Riak's validate_obj rules (riak_ts.md s.3).
bool RowIsValid(const TableDef& table, const Row& row);

// Binary (de)serialisation of a TableDef for the catalog (docs/formats/catalog.md).
std::string SerializeTableDef(const TableDef& table);
Result<TableDef> DeserializeTableDef(std::string_view bytes);

}  // namespace quanta::schema
