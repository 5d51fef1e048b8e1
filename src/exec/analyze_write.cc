// INSERT and DELETE analysis (analyzer.h), apart from SELECT's.
#include <algorithm>

#include "common/iso8601.h"
#include "exec/analyzer.h"
#include "exec/analyzer_internal.h"

namespace quanta::exec {

using internal::Normalize;
using schema::TableDef;
using sql::CompareOp;
using sql::Cond;
using sql::Expr;
using sql::Literal;

// ---------------------------------------------------------------------------------------------
// INSERT

Result<std::vector<Row>> AnalyzeInsert(const sql::InsertStmt& stmt, const TableDef& table,
                                       const AnalyzerOptions& options) {
  // Target column index of each value position.
  std::vector<int> targets;
  if (stmt.has_column_list) {
    std::vector<std::string> undefined;
    for (const auto& name : stmt.columns) {
      int idx = table.ColumnIndex(name);
      if (idx < 0) undefined.insert(undefined.begin(), name);
      targets.push_back(idx);
    }
    if (!undefined.empty()) {
      std::string msg = "undefined fields: ";
      for (size_t i = 0; i < undefined.size(); ++i) msg += (i ? ", " : "") + undefined[i];
      return Status(ErrorCode::kBadQuery, msg);
    }
    // As Riak: the columns the list leaves out follow it in table order, so values beyond the
    // list go to them (`(k, ts) VALUES ('a', 5, 7)` writes 7 into the third column).
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (std::find(targets.begin(), targets.end(), static_cast<int>(i)) == targets.end()) {
        targets.push_back(static_cast<int>(i));
      }
    }
  } else {
    for (size_t i = 0; i < table.columns.size(); ++i) targets.push_back(static_cast<int>(i));
  }

  std::vector<size_t> too_many;
  for (size_t r = 0; r < stmt.rows.size(); ++r) {
    if (stmt.rows[r].size() > targets.size()) too_many.push_back(r + 1);
  }
  if (!too_many.empty()) {
    std::string msg = "too many values in row index(es) ";
    for (size_t i = 0; i < too_many.size(); ++i) msg += (i ? ", " : "") + std::to_string(too_many[i]);
    return Status(ErrorCode::kBadQuery, msg);
  }
  for (const auto& row : stmt.rows) {
    for (const auto& lit : row) {
      if (lit.kind == Literal::Kind::kIdentifier) {
        return Status(ErrorCode::kBadQuery,
                      "unexpected identifier: " + lit.s + " (quote strings with ')");
      }
    }
  }

  std::vector<Row> rows;
  std::vector<size_t> invalid;
  for (size_t r = 0; r < stmt.rows.size(); ++r) {
    Row row(table.columns.size());
    bool ok = true;
    for (size_t i = 0; i < stmt.rows[r].size(); ++i) {
      const Literal& lit = stmt.rows[r][i];
      int col = targets[i];
      ColumnType type = table.columns[col].type;
      Value v;
      switch (lit.kind) {
        case Literal::Kind::kNull: break;
        case Literal::Kind::kInt: v = Value::Int(lit.i); break;
        case Literal::Kind::kFloat: v = Value::Double(lit.d); break;
        case Literal::Kind::kBool: v = Value::Bool(lit.b); break;
        case Literal::Kind::kString:
          if (type == ColumnType::kTimestamp) {
            auto t = ParseIso8601(lit.s, options.timezone_offset_minutes);
            if (!t.ok()) return SubmitError("Invalid date/time string");
            v = Value::Int(t->ms);
          } else {
            v = Value::Bytes(lit.s);
          }
          break;
        case Literal::Kind::kIdentifier:
        case Literal::Kind::kRegex: ok = false; break;
      }
      row[col] = std::move(v);
    }
    if (!ok || !schema::RowIsValid(table, row)) invalid.push_back(r + 1);
    rows.push_back(std::move(row));
  }
  if (!invalid.empty()) {
    std::string msg = "Invalid data found at row index(es) ";
    for (size_t i = 0; i < invalid.size(); ++i) msg += (i ? ", " : "") + std::to_string(invalid[i]);
    return Status(ErrorCode::kIrregular, msg);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// DELETE

namespace {
void FlattenSqlAnd(const Cond& c, std::vector<const Cond*>* out) {
  if (c.kind == Cond::Kind::kAnd) {
    for (const auto& ch : c.children) FlattenSqlAnd(*ch, out);
  } else {
    out->push_back(&c);
  }
}
}  // namespace

Result<std::optional<Row>> AnalyzeDelete(const sql::DeleteStmt& stmt, const TableDef& table,
                                         const AnalyzerOptions& options) {
  const Status invalid_key(ErrorCode::kDelete, "Unable to get delete key: [\"invalid key\"]");
  if (!stmt.where) return invalid_key;
  std::vector<const Cond*> conds;
  FlattenSqlAnd(*stmt.where, &conds);
  Row key(table.local_key.size());
  std::vector<bool> given(table.local_key.size(), false);
  bool matchable = true;
  for (const Cond* c : conds) {
    if (c->kind != Cond::Kind::kCompare) return invalid_key;
    auto n = Normalize(*c);
    if (n.lhs->kind != Expr::Kind::kColumn || n.rhs->kind != Expr::Kind::kLiteral) {
      return invalid_key;
    }
    if (n.op != CompareOp::kEq) {
      return Status(ErrorCode::kDelete,
                    "Unable to get delete key: [\"Invalid clause " + n.lhs->name + " " +
                        sql::CompareOpText(n.op) + " " + n.rhs->literal.ToString() + "\"]");
    }
    int col = table.ColumnIndex(n.lhs->name);
    int pos = col >= 0 ? table.LkPosition(col) : -1;
    if (pos < 0 || given[pos]) return invalid_key;
    given[pos] = true;
    const Literal& lit = n.rhs->literal;
    ColumnType type = table.columns[col].type;
    Value v;
    if (lit.kind == Literal::Kind::kString && type == ColumnType::kTimestamp) {
      auto t = ParseIso8601(lit.s, options.timezone_offset_minutes);
      if (!t.ok()) return Status(ErrorCode::kParse, "Invalid date/time string");
      v = Value::Int(t->ms);
    } else {
      v = lit.ToValue();
    }
    if (!v.MatchesType(type)) matchable = false;
    key[pos] = std::move(v);
  }
  for (bool g : given) {
    if (!g) return invalid_key;
  }
  if (!matchable) return std::optional<Row>();
  return std::optional<Row>(std::move(key));
}

}  // namespace quanta::exec
