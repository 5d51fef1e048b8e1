#include "exec/analyzer_internal.h"

#include <algorithm>

#include "common/iso8601.h"
#include "exec/expr_eval.h"

namespace quanta::exec::internal {

using sql::CompareOp;
using sql::Cond;
using sql::Expr;
using sql::Literal;

CompareOp Flip(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

namespace {
bool IsNow(const Expr& e) {
  return e.kind == Expr::Kind::kCall && e.name == "NOW" && e.children.empty();
}
}  // namespace

bool IsFoldable(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: return true;
    case Expr::Kind::kCall: return IsNow(e);
    case Expr::Kind::kNegate:
    case Expr::Kind::kBinary:
      for (const auto& c : e.children) {
        if (!IsFoldable(*c)) return false;
      }
      return true;
    default: return false;
  }
}

bool IsValueExpr(const Expr& e) {
  return e.kind == Expr::Kind::kLiteral || e.kind == Expr::Kind::kNegate ||
         ((e.kind == Expr::Kind::kBinary || e.kind == Expr::Kind::kCall) && IsFoldable(e));
}

const Expr* ArithmeticColumn(const Expr& e) {
  if (e.kind == Expr::Kind::kColumn) return &e;
  if (e.kind != Expr::Kind::kBinary && e.kind != Expr::Kind::kNegate) return nullptr;
  for (const auto& c : e.children) {
    if (const Expr* col = ArithmeticColumn(*c)) return col;
  }
  return nullptr;
}

Result<int64_t> IsoForCompare(const std::string& text, CompareOp op, int tz) {
  auto t = ParseIso8601(text, tz);
  if (!t.ok()) return Status(ErrorCode::kParse, "Invalid date/time string");
  if (t->incomplete && (op == CompareOp::kGt || op == CompareOp::kLe)) return t->ms_upper;
  return t->ms;
}

NormalizedCompare Normalize(const Cond& c) {
  if (c.lhs && c.rhs && IsValueExpr(*c.lhs) && c.rhs->kind == Expr::Kind::kColumn) {
    return {c.rhs.get(), c.lhs.get(), Flip(c.op)};
  }
  return {c.lhs.get(), c.rhs.get(), c.op};
}

namespace {
const char* OperandTypeName(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kString: return "varchar";
    case Literal::Kind::kBool: return "boolean";
    default: return "null";
  }
}
}  // namespace

// Recursion is bounded by the parser's tree height.
Result<FoldedConstant> FoldConstant(const Expr& e, int64_t now_ms) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: {
      const Literal& l = e.literal;
      if (l.kind == Literal::Kind::kInt) return FoldedConstant{Value::Int(l.i), "integer"};
      if (l.kind == Literal::Kind::kFloat) return FoldedConstant{Value::Double(l.d), "float"};
      return SubmitError(std::string("Arithmetic in the where clause needs numbers, got ") +
                         OperandTypeName(l) + " " + e.ToString() + ".");
    }
    case Expr::Kind::kCall:
      return FoldedConstant{Value::Int(now_ms), "timestamp"};
    case Expr::Kind::kNegate: {
      QUANTA_ASSIGN_OR_RETURN(FoldedConstant v, FoldConstant(*e.children[0], now_ms));
      if (v.value.is_double()) {
        v.value = Value::Double(-v.value.as_double());
      } else {
        v.value = Value::Int(static_cast<int64_t>(0 - static_cast<uint64_t>(v.value.as_int())));
      }
      return v;
    }
    case Expr::Kind::kBinary: {
      QUANTA_ASSIGN_OR_RETURN(FoldedConstant a, FoldConstant(*e.children[0], now_ms));
      QUANTA_ASSIGN_OR_RETURN(FoldedConstant b, FoldConstant(*e.children[1], now_ms));
      QUANTA_ASSIGN_OR_RETURN(Value v, Arith(e.op, a.value, b.value));
      const std::string_view ta = a.type_name, tb = b.type_name;
      const char* type = v.is_double() ? "float"
                         : (ta == "timestamp" || tb == "timestamp") ? "timestamp"
                                                                    : "integer";
      return FoldedConstant{std::move(v), type};
    }
    default: return InternalError("not a constant expression");
  }
}

// The distinct values of an IN chain (BindIn), in the order written.
void CollectInValues(const BoundCond& c, std::vector<Value>* out) {
  const BoundCond* node = &c;
  while (true) {
    const BoundCond& leaf = node->kind == BoundCond::Kind::kOr ? node->children[0] : *node;
    if (std::find(out->begin(), out->end(), leaf.value) == out->end()) out->push_back(leaf.value);
    if (node->kind != BoundCond::Kind::kOr) return;
    node = &node->children[1];
  }
}

// Every combination of one value per partition-key column, the first column varying slowest.
// 1025 past `max` partitions (each is at least one sub-query).
Result<std::vector<Row>> PartitionProduct(const std::vector<std::vector<Value>>& values,
                                          int64_t max) {
  int64_t count = 1;
  for (const auto& v : values) {
    count *= static_cast<int64_t>(v.size());  // each factor <= the IN limit, checked below
    if (count > max) {
      return Status(ErrorCode::kQuantaLimit,
                    "Query spans too many partitions (IN lists name more than " +
                        std::to_string(max) + ")");
    }
  }
  std::vector<Row> rows(1);
  for (const auto& v : values) {
    std::vector<Row> next;
    next.reserve(rows.size() * v.size());
    for (const Row& r : rows) {
      for (const Value& x : v) {
        next.push_back(r);
        next.back().push_back(x);
      }
    }
    rows = std::move(next);
  }
  return rows;
}

// GROUP BY time(column, N unit) (Riak TS 1.6): the column is a TIMESTAMP, grouped one way
// only, and every TIME(column, N) of the select list names a group.
Status CheckTimeGroups(const BoundSelect& out,
                       const std::vector<std::pair<int, int64_t>>& select_buckets) {
  const schema::TableDef& table = *out.table;
  for (size_t g = 0; g < out.group_by.size(); ++g) {
    const int col = out.group_by[g];
    if (out.group_bucket_ms[g] > 0 && table.columns[col].type != ColumnType::kTimestamp) {
      return SubmitError("GROUP BY time(..) needs a timestamp column, but " +
                         table.columns[col].name + " is " +
                         std::string(ColumnTypeName(table.columns[col].type)) + ".");
    }
    for (size_t h = 0; h < g; ++h) {
      if (out.group_by[h] == col && out.group_bucket_ms[h] != out.group_bucket_ms[g]) {
        return SubmitError("GROUP BY groups column " + table.columns[col].name +
                           " in two ways; group it once.");
      }
    }
  }
  if (out.group_by.empty()) return Status::OK();
  std::vector<std::string> missing;
  for (const auto& [col, width] : select_buckets) {
    bool grouped = false;
    for (size_t g = 0; g < out.group_by.size(); ++g) {
      if (out.group_by[g] == col &&
          (out.group_bucket_ms[g] == 0 || out.group_bucket_ms[g] == width)) {
        grouped = true;
      }
    }
    std::string name = "TIME(" + table.columns[col].name + ", " + std::to_string(width) + ")";
    if (!grouped && std::find(missing.begin(), missing.end(), name) == missing.end()) {
      missing.push_back(std::move(name));
    }
  }
  if (missing.empty()) return Status::OK();
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
  return SubmitError("Field(s) " + list +
                     " are specified in the select statement but not the GROUP BY.");
}
}  // namespace quanta::exec::internal
