#include "exec/expr_eval.h"

#include <cstring>

namespace quanta::exec {

using storage::ColumnVector;
using storage::RowBatch;
using sql::CompareOp;

namespace {

constexpr uint8_t kFalse = 0, kTrue = 1, kUnknown = 2;

template <typename T>
inline bool Cmp(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kNe: return a != b;
    case CompareOp::kLt: return a < b;
    case CompareOp::kGt: return a > b;
    case CompareOp::kLe: return a <= b;
    case CompareOp::kGe: return a >= b;
  }
  return false;
}

template <typename T>
void CompareLoop(CompareOp op, const std::vector<T>& vals, const std::vector<uint8_t>& nulls,
                 const T& rhs, size_t n, uint8_t* out) {
  const bool has_nulls = !nulls.empty();
  switch (op) {
#define QUANTA_CMP_CASE(OPC, EXPR)                                           \
  case CompareOp::OPC:                                                       \
    for (size_t i = 0; i < n; ++i) out[i] = (EXPR) ? kTrue : kFalse;         \
    break;
    QUANTA_CMP_CASE(kEq, vals[i] == rhs)
    QUANTA_CMP_CASE(kNe, vals[i] != rhs)
    QUANTA_CMP_CASE(kLt, vals[i] < rhs)
    QUANTA_CMP_CASE(kGt, vals[i] > rhs)
    QUANTA_CMP_CASE(kLe, vals[i] <= rhs)
    QUANTA_CMP_CASE(kGe, vals[i] >= rhs)
#undef QUANTA_CMP_CASE
  }
  if (has_nulls) {
    for (size_t i = 0; i < n; ++i) {
      if (nulls[i]) out[i] = kUnknown;
    }
  }
}

// A dictionary-form column: each dictionary entry is compared once, rows look their code up.
void CompareDictionary(CompareOp op, const ColumnVector& col, const std::string& rhs, size_t n,
                       uint8_t* out) {
  const std::vector<std::string>& dict = *col.dict;
  const bool has_nulls = !col.nulls.empty();
  if (dict.size() > n) {  // more entries than rows: compare the rows' strings
    for (size_t i = 0; i < n; ++i) {
      out[i] = has_nulls && col.nulls[i] ? kUnknown
                                         : Cmp(op, dict[col.codes[i]], rhs) ? kTrue : kFalse;
    }
    return;
  }
  std::vector<uint8_t> per_code(dict.size());
  for (size_t k = 0; k < dict.size(); ++k) per_code[k] = Cmp(op, dict[k], rhs) ? kTrue : kFalse;
  for (size_t i = 0; i < n; ++i) {
    out[i] = has_nulls && col.nulls[i] ? kUnknown : per_code[col.codes[i]];
  }
}

void EvalCond(const BoundCond& c, const RowBatch& b, std::vector<uint8_t>* out) {
  const size_t n = b.num_rows;
  out->assign(n, kFalse);
  switch (c.kind) {
    case BoundCond::Kind::kTrue: std::fill(out->begin(), out->end(), kTrue); return;
    case BoundCond::Kind::kIsNull:
    case BoundCond::Kind::kIsNotNull: {
      const ColumnVector& col = b.columns[c.column];
      bool want_null = c.kind == BoundCond::Kind::kIsNull;
      for (size_t i = 0; i < n; ++i) {
        bool is_null = !col.nulls.empty() && col.nulls[i];
        (*out)[i] = is_null == want_null ? kTrue : kFalse;
      }
      return;
    }
    case BoundCond::Kind::kCompare: {
      const ColumnVector& col = b.columns[c.column];
      uint8_t* o = out->data();
      if (c.value.is_int()) {
        CompareLoop<int64_t>(c.op, col.ints, col.nulls, c.value.as_int(), n, o);
      } else if (c.value.is_double()) {
        CompareLoop<double>(c.op, col.doubles, col.nulls, c.value.as_double(), n, o);
      } else if (c.value.is_bytes()) {
        if (col.dict) {
          CompareDictionary(c.op, col, c.value.as_bytes(), n, o);
        } else {
          CompareLoop<std::string>(c.op, col.strings, col.nulls, c.value.as_bytes(), n, o);
        }
      } else if (c.value.is_bool()) {
        uint8_t rhs = c.value.as_bool() ? 1 : 0;
        CompareLoop<uint8_t>(c.op, col.bools, col.nulls, rhs, n, o);
      }
      return;
    }
    case BoundCond::Kind::kNot: {
      EvalCond(c.children[0], b, out);
      for (auto& v : *out) {
        if (v != kUnknown) v = v == kTrue ? kFalse : kTrue;
      }
      return;
    }
    case BoundCond::Kind::kAnd:
    case BoundCond::Kind::kOr: {
      EvalCond(c.children[0], b, out);
      std::vector<uint8_t> rhs;
      EvalCond(c.children[1], b, &rhs);
      const bool is_and = c.kind == BoundCond::Kind::kAnd;
      for (size_t i = 0; i < n; ++i) {
        uint8_t l = (*out)[i], r = rhs[i];
        if (is_and) {
          (*out)[i] = (l == kFalse || r == kFalse) ? kFalse
                      : (l == kTrue && r == kTrue) ? kTrue
                                                   : kUnknown;
        } else {
          (*out)[i] = (l == kTrue || r == kTrue) ? kTrue
                      : (l == kFalse && r == kFalse) ? kFalse
                                                     : kUnknown;
        }
      }
      return;
    }
  }
}

Status DivideByZero() { return SubmitError("Divide by zero"); }

}  // namespace

void SelectRows(const BoundCond& cond, const RowBatch& batch, std::vector<uint32_t>* sel) {
  sel->clear();
  if (cond.kind == BoundCond::Kind::kTrue) {
    sel->resize(batch.num_rows);
    for (size_t i = 0; i < batch.num_rows; ++i) (*sel)[i] = static_cast<uint32_t>(i);
    return;
  }
  std::vector<uint8_t> mask;
  EvalCond(cond, batch, &mask);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    if (mask[i] == kTrue) sel->push_back(static_cast<uint32_t>(i));
  }
}

Result<Value> Arith(char op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_int() && b.is_int()) {
    uint64_t x = static_cast<uint64_t>(a.as_int()), y = static_cast<uint64_t>(b.as_int());
    switch (op) {
      case '+': return Value::Int(static_cast<int64_t>(x + y));
      case '-': return Value::Int(static_cast<int64_t>(x - y));
      case '*': return Value::Int(static_cast<int64_t>(x * y));
      case '/':
        if (b.as_int() == 0) return DivideByZero();
        if (a.as_int() == INT64_MIN && b.as_int() == -1) return Value::Int(INT64_MIN);
        return Value::Int(a.as_int() / b.as_int());
    }
    return InternalError("bad operator");
  }
  auto as_d = [](const Value& v) {
    return v.is_double() ? v.as_double() : static_cast<double>(v.as_int());
  };
  if (!(a.is_int() || a.is_double()) || !(b.is_int() || b.is_double())) {
    return SubmitError(std::string("Operator '") + op + "' called with mismatched types.");
  }
  double x = as_d(a), y = as_d(b);
  switch (op) {
    case '+': return Value::Double(x + y);
    case '-': return Value::Double(x - y);
    case '*': return Value::Double(x * y);
    case '/':
      if (y == 0.0) return DivideByZero();
      return Value::Double(x / y);
  }
  return InternalError("bad operator");
}

Result<Value> EvalExpr(const BoundExpr& e, const RowBatch* batch, size_t row,
                       const std::vector<Value>* aggs, const Row* key_row) {
  switch (e.kind) {
    case BoundExpr::Kind::kLiteral: return e.literal;
    case BoundExpr::Kind::kColumn:
      if (key_row) return (*key_row)[e.column];
      return batch->columns[e.column].Get(row);
    case BoundExpr::Kind::kAggregate: return (*aggs)[e.agg_index];
    case BoundExpr::Kind::kNegate: {
      QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(e.children[0], batch, row, aggs, key_row));
      if (v.is_int()) return Value::Int(static_cast<int64_t>(0 - static_cast<uint64_t>(v.as_int())));
      if (v.is_double()) return Value::Double(-v.as_double());
      return Value();
    }
    case BoundExpr::Kind::kTimeBucket: {
      QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(e.children[0], batch, row, aggs, key_row));
      const int64_t width = e.literal.as_int();
      if (!v.is_int() || width <= 0) return Value();
      return Value::Int(v.as_int() - v.as_int() % width);
    }
    case BoundExpr::Kind::kBinary: {
      QUANTA_ASSIGN_OR_RETURN(Value a, EvalExpr(e.children[0], batch, row, aggs, key_row));
      QUANTA_ASSIGN_OR_RETURN(Value b, EvalExpr(e.children[1], batch, row, aggs, key_row));
      return Arith(e.op, a, b);
    }
  }
  return Value();
}

void CollectScanBounds(const BoundCond& c, std::vector<storage::ColumnBound>* out) {
  using Op = storage::ColumnBound::Op;
  storage::ColumnBound b;
  b.column = c.column;
  switch (c.kind) {
    case BoundCond::Kind::kAnd:
      for (const BoundCond& child : c.children) CollectScanBounds(child, out);
      return;
    case BoundCond::Kind::kIsNull: b.op = Op::kIsNull; break;
    case BoundCond::Kind::kIsNotNull: b.op = Op::kIsNotNull; break;
    case BoundCond::Kind::kCompare:
      if (c.value.is_null()) return;
      b.value = c.value;
      switch (c.op) {
        case sql::CompareOp::kEq: b.op = Op::kEq; break;
        case sql::CompareOp::kNe: b.op = Op::kNe; break;
        case sql::CompareOp::kLt: b.op = Op::kLt; break;
        case sql::CompareOp::kLe: b.op = Op::kLe; break;
        case sql::CompareOp::kGt: b.op = Op::kGt; break;
        case sql::CompareOp::kGe: b.op = Op::kGe; break;
      }
      break;
    default:
      return;
  }
  if (b.column >= 0) out->push_back(std::move(b));
}

}  // namespace quanta::exec
