#include "exec/analyzer_internal.h"

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

}  // namespace quanta::exec::internal
