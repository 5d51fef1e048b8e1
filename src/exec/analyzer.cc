#include "exec/analyzer.h"

#include <algorithm>
#include <functional>
#include <set>

#include "common/iso8601.h"

namespace quanta::exec {

using schema::TableDef;
using sql::CompareOp;
using sql::Cond;
using sql::Expr;
using sql::Literal;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

const char* LiteralTypeName(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kInt: return "integer";
    case Literal::Kind::kFloat: return "float";
    case Literal::Kind::kString: return "binary";
    case Literal::Kind::kBool: return "boolean";
    case Literal::Kind::kNull: return "null";
    case Literal::Kind::kIdentifier: return "identifier";
    case Literal::Kind::kRegex: return "regex";
  }
  return "unknown";
}

CompareOp Flip(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

bool IsValueExpr(const Expr& e) {
  return e.kind == Expr::Kind::kLiteral || e.kind == Expr::Kind::kNegate;
}

std::string JoinErrors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n" + e;
  return out;
}

// Converts a string literal compared with a TIMESTAMP column to ms (riak_ts.md 3.1): for `>`
// and `<=` an incomplete value is taken at the end of its least-significant field.
Result<int64_t> IsoForCompare(const std::string& text, CompareOp op, int tz) {
  auto t = ParseIso8601(text, tz);
  if (!t.ok()) return Status(ErrorCode::kParse, "Invalid date/time string");
  if (t->incomplete && (op == CompareOp::kGt || op == CompareOp::kLe)) return t->ms_upper;
  return t->ms;
}

// A comparison normalised so that the column (if any) is on the left.
struct NormalizedCompare {
  const Expr* lhs;
  const Expr* rhs;
  CompareOp op;
};

NormalizedCompare Normalize(const Cond& c) {
  if (c.lhs && c.rhs && IsValueExpr(*c.lhs) && c.rhs->kind == Expr::Kind::kColumn) {
    return {c.rhs.get(), c.lhs.get(), Flip(c.op)};
  }
  return {c.lhs.get(), c.rhs.get(), c.op};
}

// ---------------------------------------------------------------------------------------------
// Canonical ordering (riak_ts.md 7.3.1): Riak sorts AND operands and orders OR operands by
// Erlang term order of {Operator, Field, Value}; atoms compare as text, so '<' < '=' < '>' and
// comparisons sort before and_/or_ nodes.

const char* OpAtom(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kGt: return ">";
    case CompareOp::kLe: return "=<";
    case CompareOp::kGe: return ">=";
  }
  return "";
}

std::string SqlCanonicalKey(const Cond& c) {
  switch (c.kind) {
    case Cond::Kind::kCompare: {
      auto n = Normalize(c);
      std::string field = n.lhs && n.lhs->kind == Expr::Kind::kColumn ? n.lhs->name : "";
      std::string value = n.rhs ? n.rhs->ToString() : "";
      return std::string(OpAtom(n.op)) + '\x01' + field + '\x01' + value;
    }
    case Cond::Kind::kIsNull: return "is_null\x01" + (c.lhs ? c.lhs->ToString() : "");
    case Cond::Kind::kIsNotNull: return "is_not_null\x01" + (c.lhs ? c.lhs->ToString() : "");
    case Cond::Kind::kAnd: return "and_\x01" + SqlCanonicalKey(*c.children[0]);
    case Cond::Kind::kOr: return "or_\x01" + SqlCanonicalKey(*c.children[0]);
    case Cond::Kind::kNot: return "not_\x01" + SqlCanonicalKey(*c.children[0]);
  }
  return "";
}

void FlattenSqlAndChain(const Cond& c, std::vector<const Cond*>* out) {
  if (c.kind == Cond::Kind::kAnd) {
    for (const auto& ch : c.children) FlattenSqlAndChain(*ch, out);
  } else {
    out->push_back(&c);
  }
}

BoundCond MakeAndChain(std::vector<BoundCond> conds);

// The analyzer flattens AND trees and folds them again into a right-leaning chain whose depth
// is the number of conjuncts; later passes recurse over it. The parser bounds the height of the
// tree it builds, not the number of conjuncts a balanced tree of parenthesised AND groups holds
// (`(a AND ... ) AND (a AND ...) ...`), so the analyzer bounds each flattened chain.
constexpr size_t kMaxConjuncts = 500;

// The largest number of conjuncts any AND tree of `c` flattens into. Recursion is bounded by
// the parser's tree height.
size_t MaxConjuncts(const Cond& c) {
  size_t worst = 0;
  if (c.kind == Cond::Kind::kAnd) {
    std::vector<const Cond*> parts;
    FlattenSqlAndChain(c, &parts);
    worst = parts.size();
    for (const Cond* p : parts) worst = std::max(worst, MaxConjuncts(*p));
    return worst;
  }
  for (const auto& ch : c.children) worst = std::max(worst, MaxConjuncts(*ch));
  return worst;
}

// ---------------------------------------------------------------------------------------------
// WHERE binding

class WhereBinder {
 public:
  WhereBinder(const TableDef& table, int tz) : table_(table), tz_(tz) {}

  // Pass 1 (step 3): ISO 8601 conversions; the first failure is a 1020 error.
  Status CheckIso(const Cond& c) {
    switch (c.kind) {
      case Cond::Kind::kCompare: {
        auto n = Normalize(c);
        if (n.lhs->kind == Expr::Kind::kColumn && n.rhs->kind == Expr::Kind::kLiteral &&
            n.rhs->literal.kind == Literal::Kind::kString) {
          int col = table_.ColumnIndex(n.lhs->name);
          if (col >= 0 && table_.columns[col].type == ColumnType::kTimestamp) {
            auto r = IsoForCompare(n.rhs->literal.s, n.op, tz_);
            if (!r.ok()) return r.error();
          }
        }
        return Status::OK();
      }
      case Cond::Kind::kIsNull:
      case Cond::Kind::kIsNotNull: return Status::OK();
      default:
        for (const auto& ch : c.children) QUANTA_RETURN_IF_ERROR(CheckIso(*ch));
        return Status::OK();
    }
  }

  // Pass 2 (step 4): binds and collects every validity error. AND chains are bound in Riak's
  // canonical order (riak_ts.md 7.3.1) so that several errors are reported in Riak's order.
  BoundCond Bind(const Cond& c, std::vector<std::string>* errors) {
    BoundCond b;
    switch (c.kind) {
      case Cond::Kind::kAnd: {
        std::vector<const Cond*> parts;
        FlattenSqlAndChain(c, &parts);
        std::stable_sort(parts.begin(), parts.end(), [](const Cond* x, const Cond* y) {
          return SqlCanonicalKey(*x) < SqlCanonicalKey(*y);
        });
        std::vector<BoundCond> bound;
        for (const Cond* p : parts) bound.push_back(Bind(*p, errors));
        return MakeAndChain(std::move(bound));
      }
      case Cond::Kind::kOr:
      case Cond::Kind::kNot:
        b.kind = c.kind == Cond::Kind::kAnd  ? BoundCond::Kind::kAnd
                 : c.kind == Cond::Kind::kOr ? BoundCond::Kind::kOr
                                             : BoundCond::Kind::kNot;
        for (const auto& ch : c.children) b.children.push_back(Bind(*ch, errors));
        return b;
      case Cond::Kind::kIsNull:
      case Cond::Kind::kIsNotNull: {
        b.kind = c.kind == Cond::Kind::kIsNull ? BoundCond::Kind::kIsNull
                                               : BoundCond::Kind::kIsNotNull;
        if (!c.lhs || c.lhs->kind != Expr::Kind::kColumn) {
          errors->push_back("subexpressions_not_supported: expressions in where clause "
                            "operators are not supported.");
          return b;
        }
        b.column = table_.ColumnIndex(c.lhs->name);
        if (b.column < 0) {
          errors->push_back("unexpected_where_field: unexpected field " + c.lhs->name +
                            " in where clause.");
        }
        return b;
      }
      case Cond::Kind::kCompare: break;
    }
    b.kind = BoundCond::Kind::kCompare;
    auto n = Normalize(c);
    b.op = n.op;
    if (n.lhs->kind == Expr::Kind::kColumn && n.rhs->kind == Expr::Kind::kColumn) {
      errors->push_back("Comparing or otherwise operating on two fields is not supported");
      return b;
    }
    if (n.lhs->kind != Expr::Kind::kColumn) {
      errors->push_back("subexpressions_not_supported: expressions in where clause operators (" +
                        n.lhs->ToString() + " " + sql::CompareOpText(n.op) +
                        " ...) are not supported.");
      return b;
    }
    const std::string& field = n.lhs->name;
    b.column = table_.ColumnIndex(field);
    if (b.column < 0) {
      errors->push_back("unexpected_where_field: unexpected field " + field +
                        " in where clause.");
      return b;
    }
    ColumnType type = table_.columns[b.column].type;
    std::string type_name(ColumnTypeName(type));
    if (n.rhs->kind == Expr::Kind::kNegate) {
      errors->push_back("incompatible_type: field " + field + " with type " + type_name +
                        " cannot be compared to type negate in where clause.");
      return b;
    }
    if (n.rhs->kind != Expr::Kind::kLiteral) {
      errors->push_back("subexpressions_not_supported: expressions in where clause operators (" +
                        field + " " + sql::CompareOpText(n.op) + " ...) are not supported.");
      return b;
    }
    const Literal& lit = n.rhs->literal;
    bool compatible = false;
    switch (type) {
      case ColumnType::kTimestamp:
        if (lit.kind == Literal::Kind::kInt) {
          compatible = true;
          b.value = Value::Int(lit.i);
        } else if (lit.kind == Literal::Kind::kString) {
          compatible = true;
          auto ms = IsoForCompare(lit.s, n.op, tz_);  // checked in pass 1
          b.value = Value::Int(ms.ok() ? *ms : 0);
        }
        break;
      case ColumnType::kSint64:
        compatible = lit.kind == Literal::Kind::kInt;
        b.value = Value::Int(lit.i);
        break;
      case ColumnType::kDouble:
        compatible = lit.kind == Literal::Kind::kFloat;
        b.value = Value::Double(lit.d);
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        compatible = lit.kind == Literal::Kind::kString;
        b.value = Value::Bytes(lit.s);
        break;
      case ColumnType::kBoolean:
        compatible = lit.kind == Literal::Kind::kBool;
        b.value = Value::Bool(lit.b);
        break;
    }
    if (!compatible) {
      errors->push_back("incompatible_type: field " + field + " with type " + type_name +
                        " cannot be compared to type " + LiteralTypeName(lit) +
                        " in where clause.");
      return b;
    }
    bool ordered = type == ColumnType::kSint64 || type == ColumnType::kTimestamp ||
                   type == ColumnType::kDouble;
    if (!ordered && n.op != CompareOp::kEq && n.op != CompareOp::kNe) {
      errors->push_back("incompatible_operator: field " + field + " with type " + type_name +
                        " cannot use operator '" + sql::CompareOpText(n.op) +
                        "' in where clause.");
    }
    return b;
  }

 private:
  const TableDef& table_;
  int tz_;
};

void FlattenAnd(BoundCond&& c, std::vector<BoundCond>* out) {
  if (c.kind == BoundCond::Kind::kAnd) {
    for (auto& ch : c.children) FlattenAnd(std::move(ch), out);
  } else {
    out->push_back(std::move(c));
  }
}

BoundCond MakeAndChain(std::vector<BoundCond> conds) {
  if (conds.empty()) return BoundCond{};
  // Right-folded: A AND (B AND (C ...)).
  BoundCond acc = std::move(conds.back());
  for (size_t i = conds.size() - 1; i-- > 0;) {
    BoundCond n;
    n.kind = BoundCond::Kind::kAnd;
    n.children.push_back(std::move(conds[i]));
    n.children.push_back(std::move(acc));
    acc = std::move(n);
  }
  return acc;
}

// Erlang-term-order-like sort key so EXPLAIN filters print in Riak's canonical order
// (riak_ts.md 7.3.1): operator atom, then field name, then value.
std::string CanonicalKey(const BoundCond& c, const TableDef& t) {
  auto field = [&](int col) { return col >= 0 ? t.columns[col].name : std::string(); };
  switch (c.kind) {
    case BoundCond::Kind::kCompare: {
      static const char* kAtoms[] = {"=", "!=", "<", ">", "=<", ">="};
      return std::string(kAtoms[static_cast<int>(c.op)]) + '\x01' + field(c.column) + '\x01' +
             c.value.DebugString();
    }
    case BoundCond::Kind::kIsNull: return "is_null\x01" + field(c.column);
    case BoundCond::Kind::kIsNotNull: return "is_not_null\x01" + field(c.column);
    case BoundCond::Kind::kAnd: return "and_\x01" + CanonicalKey(c.children[0], t);
    case BoundCond::Kind::kOr: return "or_\x01" + CanonicalKey(c.children[0], t);
    case BoundCond::Kind::kNot: return "not_\x01" + CanonicalKey(c.children[0], t);
    case BoundCond::Kind::kTrue: return "";
  }
  return "";
}

void Canonicalize(BoundCond* c, const TableDef& t) {
  if (c->kind == BoundCond::Kind::kAnd) {
    // Flatten once, then canonicalize each conjunct (none is an AND): canonicalizing the nested
    // chain first re-flattened and re-sorted it at every level, quadratic in its length.
    std::vector<BoundCond> parts;
    FlattenAnd(std::move(*c), &parts);
    for (auto& p : parts) Canonicalize(&p, t);
    std::stable_sort(parts.begin(), parts.end(), [&](const BoundCond& a, const BoundCond& b) {
      return CanonicalKey(a, t) < CanonicalKey(b, t);
    });
    *c = MakeAndChain(std::move(parts));
    return;
  }
  for (auto& ch : c->children) Canonicalize(&ch, t);
  if (c->kind == BoundCond::Kind::kOr) {
    if (CanonicalKey(c->children[1], t) < CanonicalKey(c->children[0], t)) {
      std::swap(c->children[0], c->children[1]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Select-list binding

const char* CanonicalAggName(const std::string& upper, AggFn* fn) {
  if (upper == "COUNT") { *fn = AggFn::kCount; return "COUNT"; }
  if (upper == "SUM") { *fn = AggFn::kSum; return "SUM"; }
  if (upper == "AVG" || upper == "MEAN") { *fn = AggFn::kAvg; return "AVG"; }
  if (upper == "MIN") { *fn = AggFn::kMin; return "MIN"; }
  if (upper == "MAX") { *fn = AggFn::kMax; return "MAX"; }
  if (upper == "STDDEV" || upper == "STDDEV_SAMP") { *fn = AggFn::kStddevSamp; return "STDDEV_SAMP"; }
  if (upper == "STDDEV_POP") { *fn = AggFn::kStddevPop; return "STDDEV_POP"; }
  return nullptr;
}

bool IsNumeric(ColumnType t) { return t == ColumnType::kSint64 || t == ColumnType::kDouble; }

class SelectBinder {
 public:
  SelectBinder(const TableDef& table, BoundSelect* out) : table_(table), out_(out) {}

  // Step 4: unknown columns anywhere in the select list.
  void CheckColumns(const Expr& e, std::vector<std::string>* errors) {
    // Riak's query validation checks a function's argument count, not its arguments.
    if (e.kind == Expr::Kind::kCall && e.children.size() != 1) {
      errors->push_back("Function " + e.name + "/1 called with " +
                        std::to_string(e.children.size()) + " arguments.");
      return;
    }
    if (e.kind == Expr::Kind::kColumn && table_.ColumnIndex(e.name) < 0) {
      errors->push_back("unexpected_select_field: unexpected field " + e.name +
                        " in select clause.");
    }
    for (const auto& ch : e.children) CheckColumns(*ch, errors);
  }

  // Step 5: types. `in_agg` is true inside an aggregate's argument.
  BoundExpr Bind(const Expr& e, bool in_agg, std::vector<std::string>* errors) {
    BoundExpr b;
    switch (e.kind) {
      case Expr::Kind::kLiteral: {
        b.kind = BoundExpr::Kind::kLiteral;
        const Literal& l = e.literal;
        switch (l.kind) {
          case Literal::Kind::kInt: b.type = ColumnType::kSint64; b.literal = Value::Int(l.i); break;
          case Literal::Kind::kFloat: b.type = ColumnType::kDouble; b.literal = Value::Double(l.d); break;
          case Literal::Kind::kString: b.type = ColumnType::kVarchar; b.literal = Value::Bytes(l.s); break;
          case Literal::Kind::kBool: b.type = ColumnType::kBoolean; b.literal = Value::Bool(l.b); break;
          default: b.type = ColumnType::kSint64; b.null_literal = true; break;
        }
        return b;
      }
      case Expr::Kind::kColumn:
        b.kind = BoundExpr::Kind::kColumn;
        b.column = table_.ColumnIndex(e.name);
        b.type = b.column >= 0 ? table_.columns[b.column].type : ColumnType::kSint64;
        if (!in_agg) bare_columns_.insert(b.column);
        return b;
      case Expr::Kind::kStar:
        errors->push_back("'*' is only allowed as a select item or in COUNT(*).");
        return b;
      case Expr::Kind::kNegate: {
        b.kind = BoundExpr::Kind::kNegate;
        b.children.push_back(Bind(*e.children[0], in_agg, errors));
        b.type = b.children[0].type;
        // Riak negates a TIMESTAMP too (the result stays a timestamp).
        if (!IsNumeric(b.type) && b.type != ColumnType::kTimestamp &&
            !b.children[0].null_literal) {
          errors->push_back(std::string("Operator '-' called with mismatched types [") +
                            std::string(ColumnTypeName(b.type)) + "].");
        }
        return b;
      }
      case Expr::Kind::kBinary: {
        b.kind = BoundExpr::Kind::kBinary;
        b.op = e.op;
        b.children.push_back(Bind(*e.children[0], in_agg, errors));
        b.children.push_back(Bind(*e.children[1], in_agg, errors));
        ColumnType l = b.children[0].type, r = b.children[1].type;
        if (!IsNumeric(l) || !IsNumeric(r)) {
          errors->push_back(std::string("Operator '") + e.op + "' called with mismatched types [" +
                            std::string(ColumnTypeName(l)) + " vs " +
                            std::string(ColumnTypeName(r)) + "].");
        }
        b.type = (l == ColumnType::kDouble || r == ColumnType::kDouble) ? ColumnType::kDouble
                                                                         : ColumnType::kSint64;
        return b;
      }
      case Expr::Kind::kCall: {
        AggFn fn;
        const char* canon = CanonicalAggName(e.name, &fn);
        if (!canon) {
          errors->push_back("Function not supported - '" + e.name + "'.");
          return b;
        }
        if (in_agg) {
          errors->push_back(std::string("Function '") + canon +
                            "' cannot be used inside another aggregate function.");
          return b;
        }
        BoundAggregate agg;
        agg.fn = fn;
        if (e.children.empty() || e.children[0]->kind == Expr::Kind::kStar) {
          agg.fn = AggFn::kCountStar;
          agg.result_type = ColumnType::kSint64;
        } else {
          agg.arg = Bind(*e.children[0], true, errors);
          ColumnType at = agg.arg.type;
          bool ok_type = fn == AggFn::kCount || at == ColumnType::kSint64 ||
                         at == ColumnType::kDouble || at == ColumnType::kTimestamp;
          if (!ok_type) {
            errors->push_back(std::string("Function '") + canon +
                              "' called with arguments of the wrong type [" +
                              std::string(ColumnTypeName(at)) + "].");
          }
          switch (fn) {
            case AggFn::kCount: agg.result_type = ColumnType::kSint64; break;
            case AggFn::kSum:
            case AggFn::kMin:
            case AggFn::kMax: agg.result_type = at; break;
            default: agg.result_type = ColumnType::kDouble; break;
          }
        }
        b.kind = BoundExpr::Kind::kAggregate;
        b.type = agg.result_type;
        b.agg_index = static_cast<int>(out_->aggregates.size());
        out_->aggregates.push_back(std::move(agg));
        return b;
      }
    }
    return b;
  }

  const std::set<int>& bare_columns() const { return bare_columns_; }

 private:
  const TableDef& table_;
  BoundSelect* out_;
  std::set<int> bare_columns_;
};

void MarkColumns(const BoundExpr& e, std::vector<bool>* needed) {
  if (e.kind == BoundExpr::Kind::kColumn && e.column >= 0) (*needed)[e.column] = true;
  for (const auto& ch : e.children) MarkColumns(ch, needed);
}

void MarkColumns(const BoundCond& c, std::vector<bool>* needed) {
  if (c.column >= 0) (*needed)[c.column] = true;
  for (const auto& ch : c.children) MarkColumns(ch, needed);
}

bool MentionsColumn(const BoundCond& c, int column) {
  if (c.kind == BoundCond::Kind::kCompare && c.column == column) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string RenderKeyValue(const Value& v, ColumnType type) {
  if (v.is_null()) return "[]";
  if (v.is_bytes()) {
    if (type == ColumnType::kBlob) return "0x" + HexEncode(v.as_bytes());
    return "'" + v.as_bytes() + "'";
  }
  if (v.is_double()) return FormatDouble(v.as_double());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return std::to_string(v.as_int());
}

std::string RenderFilter(const BoundCond& c, const TableDef& t) {
  switch (c.kind) {
    case BoundCond::Kind::kTrue: return "";
    case BoundCond::Kind::kCompare:
      return "(" + t.columns[c.column].name + " " + sql::CompareOpText(c.op) + " " +
             RenderKeyValue(c.value, t.columns[c.column].type) + ")";
    case BoundCond::Kind::kIsNull: return "(" + t.columns[c.column].name + " = [])";
    case BoundCond::Kind::kIsNotNull: return "(" + t.columns[c.column].name + " != [])";
    case BoundCond::Kind::kAnd:
      return "(" + RenderFilter(c.children[0], t) + " AND " + RenderFilter(c.children[1], t) + ")";
    case BoundCond::Kind::kOr:
      return "(" + RenderFilter(c.children[0], t) + " OR " + RenderFilter(c.children[1], t) + ")";
    case BoundCond::Kind::kNot: return "(NOT " + RenderFilter(c.children[0], t) + ")";
  }
  return "";
}

Result<BoundSelect> AnalyzeSelect(const sql::SelectStmt& stmt, schema::TableDefPtr table_ptr,
                                  const AnalyzerOptions& options) {
  const TableDef& table = *table_ptr;
  BoundSelect out;
  out.table = table_ptr;
  WhereBinder where_binder(table, options.timezone_offset_minutes);

  if (stmt.where && MaxConjuncts(*stmt.where) > kMaxConjuncts) {
    return ParseError("WHERE clause is too long or nested too deeply.");
  }
  // Step 3: ISO 8601 strings in WHERE.
  if (stmt.where) QUANTA_RETURN_IF_ERROR(where_binder.CheckIso(*stmt.where));

  // Step 4: unknown fields and WHERE literal/operator checks, all reported together.
  SelectBinder select_binder(table, &out);
  std::vector<std::string> errors;
  for (const auto& item : stmt.items) select_binder.CheckColumns(*item, &errors);
  BoundCond where;
  if (stmt.where) where = where_binder.Bind(*stmt.where, &errors);
  for (const auto& o : stmt.order_by) {
    if (table.ColumnIndex(o.column) < 0) {
      errors.push_back("unexpected_orderby_field: unknown column " + o.column +
                       " in order-by clause.");
    }
  }
  for (const auto& g : stmt.group_by) {
    if (table.ColumnIndex(g) < 0) {
      errors.push_back("unexpected_group_by_field: unknown column " + g +
                       " in group-by clause.");
    }
  }
  if (!errors.empty()) return SubmitError(JoinErrors(errors));

  // Step 5: the select list.
  for (const auto& item : stmt.items) {
    if (item->kind == Expr::Kind::kStar) {
      for (size_t c = 0; c < table.columns.size(); ++c) {
        BoundExpr b;
        b.kind = BoundExpr::Kind::kColumn;
        b.column = static_cast<int>(c);
        b.type = table.columns[c].type;
        out.items.push_back(std::move(b));
        out.names.push_back(table.columns[c].name);
        out.types.push_back(table.columns[c].type);
      }
      continue;
    }
    BoundExpr b = select_binder.Bind(*item, false, &errors);
    out.names.push_back(item->ToString());
    out.types.push_back(b.type);
    out.items.push_back(std::move(b));
  }
  if (!errors.empty()) return SubmitError(JoinErrors(errors));
  out.is_aggregate = !out.aggregates.empty();
  for (const auto& g : stmt.group_by) out.group_by.push_back(table.ColumnIndex(g));

  // Step 6: ORDER BY / LIMIT against aggregates; duplicate ORDER BY columns.
  // GROUP BY with LIMIT/OFFSET (the parser refused ORDER BY) counts as an aggregate, as in Riak.
  bool windowed = !stmt.order_by.empty() || stmt.limit || stmt.offset;
  if ((out.is_aggregate || !out.group_by.empty()) && windowed) {
    return SubmitError(
        "ORDER BY/LIMIT/OFFSET clauses not supported for queries containing an aggregate "
        "function.");
  }
  if (out.is_aggregate && out.group_by.empty()) {
    bool star = std::any_of(stmt.items.begin(), stmt.items.end(),
                            [](const sql::ExprPtr& e) { return e->kind == Expr::Kind::kStar; });
    if (star || !select_binder.bare_columns().empty()) {
      return SubmitError(
          "Columns outside aggregate functions need a GROUP BY clause when the select list "
          "contains an aggregate function.");
    }
  }
  std::set<std::string> seen_order;
  for (const auto& o : stmt.order_by) {
    if (!seen_order.insert(o.column).second) {
      return SubmitError("Column " + o.column + " appears more than once in ORDER BY list");
    }
    OrderKey k;
    k.column = table.ColumnIndex(o.column);
    k.desc = o.desc;
    k.nulls_first = o.nulls_first.value_or(o.desc);
    out.order_by.push_back(k);
  }
  if (stmt.offset && *stmt.offset < 0) return SubmitError("OFFSET must not be negative.");
  out.limit = stmt.limit;
  out.offset = stmt.offset;

  // Step 7: the WHERE structure.
  if (!stmt.where) return SubmitError("The query must have a where clause.");
  std::vector<BoundCond> conjuncts;
  FlattenAnd(std::move(where), &conjuncts);
  std::vector<bool> consumed(conjuncts.size(), false);

  int qcol = table.quantum_column();
  if (qcol >= 0) {
    std::optional<size_t> lower, upper;
    std::vector<size_t> equalities;
    for (size_t i = 0; i < conjuncts.size(); ++i) {
      const BoundCond& c = conjuncts[i];
      if (c.kind == BoundCond::Kind::kOr) {
        // Riak looks at the left operand of the OR in canonical order only.
        const BoundCond& left =
            CanonicalKey(c.children[1], table) < CanonicalKey(c.children[0], table)
                ? c.children[1]
                : c.children[0];
        if (MentionsColumn(left, qcol)) {
          return SubmitError("The time bounds used OR but must use AND.");
        }
        continue;
      }
      if (c.kind != BoundCond::Kind::kCompare || c.column != qcol) continue;
      switch (c.op) {
        case CompareOp::kGt:
        case CompareOp::kGe:
          if (lower) {
            return SubmitError("The lower time bound is specified more than once in the query.");
          }
          lower = i;
          break;
        case CompareOp::kLt:
        case CompareOp::kLe:
          if (upper) {
            return SubmitError("The upper time bound is specified more than once in the query.");
          }
          upper = i;
          break;
        case CompareOp::kEq: equalities.push_back(i); break;
        case CompareOp::kNe: break;
      }
    }
    TimeRange range;
    if (!lower && !upper) {
      if (equalities.empty()) {
        return SubmitError("Neither upper or lower time bounds were specified in the query.");
      }
      if (equalities.size() > 1) {
        return SubmitError(
            "There must only be one equality filter on the quantum field in the Where clause "
            "when a range is not specified, but more than one was specified.");
      }
      int64_t v = conjuncts[equalities[0]].value.as_int();
      range = TimeRange{v, true, v, true};
      consumed[equalities[0]] = true;
    } else if (!upper) {
      return SubmitError("Where clause has no upper bound.");
    } else if (!lower) {
      return SubmitError("Where clause has no lower bound.");
    } else {
      const BoundCond& lo = conjuncts[*lower];
      const BoundCond& hi = conjuncts[*upper];
      range.lo = lo.value.as_int();
      range.lo_inclusive = lo.op == CompareOp::kGe;
      range.hi = hi.value.as_int();
      range.hi_inclusive = hi.op == CompareOp::kLe;
      consumed[*lower] = consumed[*upper] = true;
      if (range.lo > range.hi) {
        return SubmitError("The lower time bound is greater than the upper time bound.");
      }
      bool equal = range.lo == range.hi && !(range.lo_inclusive && range.hi_inclusive);
      // lo < hi here, so hi - 1 cannot overflow (lo + 1 could, at INT64_MAX).
      bool adjacent = range.lo < range.hi && range.hi - 1 == range.lo && !range.lo_inclusive &&
                      !range.hi_inclusive;
      if (equal || adjacent) {
        return SubmitError(
            "The upper and lower boundaries are equal or adjacent. No results are possible.");
      }
    }
    out.time = range;
  }

  // Every non-quantum partition-key column needs `column = literal`.
  for (const auto& pk : table.partition_key) {
    if (pk.quantum) continue;
    const std::string& name = table.columns[pk.column].name;
    std::optional<size_t> eq, other;
    for (size_t i = 0; i < conjuncts.size(); ++i) {
      const BoundCond& c = conjuncts[i];
      if (consumed[i] || c.kind != BoundCond::Kind::kCompare || c.column != pk.column) continue;
      if (c.op == CompareOp::kEq) {
        if (!eq) eq = i;
      } else if (!other) {
        other = i;
      }
    }
    if (!eq) {
      if (other) {
        return SubmitError("The '" + name +
                           "' parameter is part the primary key, and must have an equals clause "
                           "in the query but the " +
                           sql::CompareOpText(conjuncts[*other].op) + " operator was used.");
      }
      return SubmitError("The '" + name +
                         "' parameter is part the primary key but not specified in the where "
                         "clause.");
    }
    consumed[*eq] = true;
    out.partition_values.push_back(conjuncts[*eq].value);
  }

  std::vector<BoundCond> residual;
  for (size_t i = 0; i < conjuncts.size(); ++i) {
    if (!consumed[i]) residual.push_back(std::move(conjuncts[i]));
  }
  out.filter = MakeAndChain(std::move(residual));
  Canonicalize(&out.filter, table);
  out.filter_text = RenderFilter(out.filter, table);

  // Columns the scan must produce.
  out.needed_columns.assign(table.columns.size(), false);
  for (const auto& e : out.items) MarkColumns(e, &out.needed_columns);
  for (const auto& a : out.aggregates) MarkColumns(a.arg, &out.needed_columns);
  MarkColumns(out.filter, &out.needed_columns);
  for (int g : out.group_by) out.needed_columns[g] = true;
  for (const auto& o : out.order_by) out.needed_columns[o.column] = true;
  return out;
}

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
