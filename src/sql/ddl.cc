#include "sql/ddl.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>

#include "schema/expiry.h"
#include "schema/time_slices.h"

namespace quanta::sql {
namespace {

using schema::ColumnDef;
using schema::SortOrder;

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

int FindColumn(const std::vector<ColumnDef>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int64_t UnitMillis(char unit) {
  switch (unit) {
    case 's': return 1000;
    case 'm': return 60 * 1000;
    case 'h': return 60 * 60 * 1000;
    case 'd': return 24 * 60 * 60 * 1000;
  }
  return 0;
}

// Checks the QUANTUM(col, size, unit) arguments (rule 9).
Result<schema::Quantum> CheckQuantum(const RawKeyElem& elem, const ColumnDef& column) {
  if (column.type != ColumnType::kTimestamp) {
    return ParseError("Quantum field '" + elem.column + "' must be type of timestamp but was " +
                      std::string(ColumnTypeName(column.type)) + ".");
  }
  const std::string& unit_text = elem.unit.text;
  bool unit_ok = (elem.unit.kind == RawQuantumArg::Kind::kIdentifier ||
                  elem.unit.kind == RawQuantumArg::Kind::kString) &&
                 unit_text.size() == 1 && UnitMillis(unit_text[0]) != 0;
  if (!unit_ok) {
    return ParseError("Quantum time measure was " + unit_text +
                      " but must be d, h, m or s.");
  }
  if (elem.size.kind != RawQuantumArg::Kind::kInt || elem.size.i <= 0) {
    return ParseError("Quantum time unit must be a positive integer.");
  }
  schema::Quantum q;
  q.unit = unit_text[0];
  q.size = elem.size.i;
  if (q.size > std::numeric_limits<int64_t>::max() / UnitMillis(q.unit)) {
    return ParseError("Quantum time unit is too large.");
  }
  return q;
}

}  // namespace

Result<schema::TableDef> ValidateCreateTable(RawCreateTable raw) {
  // 1. A key clause is required.
  if (!raw.has_primary_key) return ParseError("Missing primary key");

  // Quanta (Q6): a column may be defined only once.
  for (size_t i = 0; i < raw.columns.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (raw.columns[i].name == raw.columns[j].name) {
        return ParseError("Duplicate column name '" + raw.columns[i].name + "'");
      }
    }
  }

  // 2. No column twice in the local key (names sorted).
  {
    std::set<std::string> seen, dups;
    for (const RawKeyElem& e : raw.local_key) {
      if (!seen.insert(e.column).second) dups.insert(e.column);
    }
    if (!dups.empty()) {
      return ParseError("Primary key has duplicate fields (" +
                        JoinNames(std::vector<std::string>(dups.begin(), dups.end())) + ")");
    }
  }

  // 3. Non-empty partition key (the grammar makes this unreachable).
  if (raw.partition_key.empty()) return ParseError("Primary key must have one or more fields []");

  // 4. The local key starts with the partition key columns, in order.
  if (raw.local_key.size() < raw.partition_key.size()) {
    return ParseError("Local key does not match primary key");
  }
  for (size_t i = 0; i < raw.partition_key.size(); ++i) {
    if (raw.partition_key[i].column != raw.local_key[i].column) {
      return ParseError("Local key does not match primary key");
    }
  }

  // 5. Every key column exists (the LK covers the PK columns, in PK order, then the extras).
  {
    std::vector<std::string> missing;
    for (const RawKeyElem& e : raw.local_key) {
      if (FindColumn(raw.columns, e.column) < 0) missing.push_back(e.column);
    }
    if (!missing.empty()) {
      return ParseError("Primary key includes non-existent fields (" + JoinNames(missing) +
                        ").");
    }
  }

  // 6. Key columns are NOT NULL (listed in table column order).
  {
    std::vector<std::string> nullable;
    for (const ColumnDef& c : raw.columns) {
      if (!c.nullable) continue;
      bool in_key = std::any_of(raw.local_key.begin(), raw.local_key.end(),
                                [&](const RawKeyElem& e) { return e.column == c.name; });
      if (in_key) nullable.push_back(c.name);
    }
    if (!nullable.empty()) {
      return ParseError("Primary key has 'null' fields (" + JoinNames(nullable) + ")");
    }
  }

  // 7. ASC/DESC only in the local key.
  for (const RawKeyElem& e : raw.partition_key) {
    if (e.order != SortOrder::kUnspecified) {
      return ParseError("Order can only be used in the local key, '" + e.column + "' set to " +
                        (e.order == SortOrder::kDesc ? "descending" : "ascending"));
    }
  }

  // 8. At most one quantum.
  size_t quanta = std::count_if(raw.partition_key.begin(), raw.partition_key.end(),
                                [](const RawKeyElem& e) { return e.is_quantum; });
  if (quanta > 1) return ParseError("More than one quantum function in the partition key.");

  // 9. Quantum arguments.
  std::optional<schema::Quantum> quantum;
  size_t quantum_pos = 0;
  for (size_t i = 0; i < raw.partition_key.size(); ++i) {
    const RawKeyElem& e = raw.partition_key[i];
    if (!e.is_quantum) continue;
    const ColumnDef& column = raw.columns[FindColumn(raw.columns, e.column)];
    QUANTA_ASSIGN_OR_RETURN(schema::Quantum q, CheckQuantum(e, column));
    quantum = q;
    quantum_pos = i;
  }

  // 10. The quantum closes the partition key.
  if (quantum && quantum_pos + 1 != raw.partition_key.size()) {
    return ParseError("The quantum function must be the last element of the partition key.");
  }

  // 11. DESC only on types with an order-inverting key encoding.
  for (const RawKeyElem& e : raw.local_key) {
    if (e.order != SortOrder::kDesc) continue;
    ColumnType t = raw.columns[FindColumn(raw.columns, e.column)].type;
    if (t == ColumnType::kDouble || t == ColumnType::kBoolean) {
      return ParseError(
          "Elements in the local key marked descending (DESC) must be of type 'sint64', "
          "'timestamp', 'varchar', or 'blob', but was '" +
          std::string(ColumnTypeName(t)) + "'.");
    }
  }

  schema::TableDef def;
  def.name = std::move(raw.name);
  for (size_t i = 0; i < raw.partition_key.size(); ++i) {
    schema::PartitionKeyElem pk;
    pk.column = FindColumn(raw.columns, raw.partition_key[i].column);
    if (raw.partition_key[i].is_quantum) pk.quantum = quantum;
    def.partition_key.push_back(pk);
  }
  for (const RawKeyElem& e : raw.local_key) {
    schema::LocalKeyElem lk;
    lk.column = FindColumn(raw.columns, e.column);
    lk.order = e.order;
    def.local_key.push_back(lk);
  }
  def.columns = std::move(raw.columns);
  def.properties = std::move(raw.properties);
  // Last: the expiry properties of Riak TS 1.6 (schema/expiry.h).
  QUANTA_RETURN_IF_ERROR(
      schema::ValidateExpiryProperties(def.properties, def.name, def.quantum() != nullptr));
  QUANTA_RETURN_IF_ERROR(schema::ValidateTimeSlices(def));  // schema/time_slices.h
  return def;
}

}  // namespace quanta::sql
