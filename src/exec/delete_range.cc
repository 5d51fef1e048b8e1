#include "exec/delete_range.h"

#include "common/iso8601.h"
#include "exec/analyzer_internal.h"

namespace quanta::exec {

namespace {

using sql::CompareOp;
using sql::Cond;
using sql::Expr;
using sql::Literal;

void Flatten(const Cond& c, std::vector<const Cond*>* out) {
  if (c.kind == Cond::Kind::kAnd) {
    for (const auto& ch : c.children) Flatten(*ch, out);
  } else {
    out->push_back(&c);
  }
}


}  // namespace

Result<std::optional<RangeDelete>> AnalyzeRangeDelete(const sql::DeleteStmt& stmt,
                                                      schema::TableDefPtr table,
                                                      const AnalyzerOptions& options,
                                                      const PlannerOptions& planner) {
  using None = std::optional<RangeDelete>;
  const schema::TableDef& t = *table;
  const int qcol = t.quantum_column();
  if (!stmt.where || qcol < 0) return None();
  std::vector<const Cond*> conds;
  Flatten(*stmt.where, &conds);
  const size_t plain = t.partition_key.size() - 1;  // the quantum is the last PK element
  Row partition(plain);
  std::vector<bool> given(plain, false);
  std::optional<std::pair<int64_t, bool>> lo, hi;  // value, inclusive
  bool matchable = true;
  // One lower and one upper bound on the quantum column; false for anything else.
  auto add_bound = [&lo, &hi](CompareOp op, int64_t ms) {
    if ((op == CompareOp::kGt || op == CompareOp::kGe) && !lo) {
      lo.emplace(ms, op == CompareOp::kGe);
    } else if ((op == CompareOp::kLt || op == CompareOp::kLe) && !hi) {
      hi.emplace(ms, op == CompareOp::kLe);
    } else {
      return false;
    }
    return true;
  };
  for (const Cond* c : conds) {
    if (c->kind != Cond::Kind::kCompare || !c->lhs || !c->rhs) return None();
    const Expr* col = c->lhs.get();
    const Expr* val = c->rhs.get();
    CompareOp op = c->op;
    if (internal::IsValueExpr(*col) && val->kind == Expr::Kind::kColumn) {
      std::swap(col, val);
      op = internal::Flip(op);
    }
    if (col->kind != Expr::Kind::kColumn) return None();
    const int index = t.ColumnIndex(col->name);
    if (index < 0) return None();
    if (index == qcol && val->kind != Expr::Kind::kLiteral) {
      // A time bound computed as in SELECT's WHERE (Riak TS 1.6): now() and arithmetic on
      // integers and timestamps, folded with the statement's clock. `=` stays the single-key
      // DELETE's.
      if (op == CompareOp::kEq || op == CompareOp::kNe || !internal::IsFoldable(*val)) {
        return None();
      }
      QUANTA_ASSIGN_OR_RETURN(auto folded, internal::FoldConstant(*val, options.now_ms));
      if (!folded.value.is_int()) {
        return Status(ErrorCode::kDelete,
                      "Unable to get delete key: a time bound must be a timestamp, an integer "
                      "or an ISO 8601 string");
      }
      if (!add_bound(op, folded.value.as_int())) return None();
      continue;
    }
    if (val->kind != Expr::Kind::kLiteral) return None();
    const Literal& lit = val->literal;
    if (index == qcol) {
      int64_t ms = 0;
      if (lit.kind == Literal::Kind::kInt) {
        ms = lit.i;
      } else if (lit.kind == Literal::Kind::kString) {
        auto parsed = ParseIso8601(lit.s, options.timezone_offset_minutes);
        if (!parsed.ok()) return Status(ErrorCode::kParse, "Invalid date/time string");
        ms = parsed->ms;
      } else {
        return None();
      }
      if (!add_bound(op, ms)) return None();
      continue;
    }
    const int pk = t.PkPosition(index);
    if (pk < 0 || static_cast<size_t>(pk) >= plain || given[pk] || op != CompareOp::kEq) {
      return None();
    }
    given[pk] = true;
    Value v = lit.ToValue();
    if (lit.kind == Literal::Kind::kIdentifier || !v.MatchesType(t.columns[index].type)) {
      matchable = false;  // as a single-key DELETE: a value of another type matches nothing
    }
    partition[pk] = std::move(v);
  }
  for (bool g : given) {
    if (!g) return None();
  }
  if (!lo || !hi) return None();
  RangeDelete out;
  if (!matchable) return std::optional<RangeDelete>(std::move(out));
  // An empty range deletes nothing (the planner needs lo <= hi).
  const __int128 first = static_cast<__int128>(lo->first) + (lo->second ? 0 : 1);
  const __int128 last = static_cast<__int128>(hi->first) - (hi->second ? 0 : 1);
  if (first > last) return std::optional<RangeDelete>(std::move(out));
  BoundSelect bound;
  bound.table = table;
  bound.partitions.push_back(std::move(partition));
  bound.time = TimeRange{lo->first, lo->second, hi->first, hi->second};
  QUANTA_ASSIGN_OR_RETURN(out.ranges, PlanSubQueries(bound, planner));
  return std::optional<RangeDelete>(std::move(out));
}

}  // namespace quanta::exec
