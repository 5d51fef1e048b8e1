#include "sql/ast.h"

#include <string>

namespace quanta::sql {

Value Literal::ToValue() const {
  switch (kind) {
    case Kind::kNull: return Value::Null();
    case Kind::kInt: return Value::Int(i);
    case Kind::kFloat: return Value::Double(d);
    case Kind::kString: return Value::Bytes(s);
    case Kind::kBool: return Value::Bool(b);
    case Kind::kIdentifier: return Value::Null();
  }
  return Value::Null();
}

std::string Literal::ToString() const {
  switch (kind) {
    case Kind::kNull: return "NULL";
    case Kind::kInt: return std::to_string(i);
    case Kind::kFloat: return FormatDouble(d);
    case Kind::kString: {
      std::string out = "'";
      for (char c : s) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
      }
      out.push_back('\'');
      return out;
    }
    case Kind::kBool: return b ? "true" : "false";
    case Kind::kIdentifier: return s;
  }
  return "?";
}

std::string Expr::ToString() const {
  switch (kind) {
    case Kind::kLiteral:
      // Riak's header wraps string bytes in quotes without re-escaping them.
      if (literal.kind == Literal::Kind::kString) return "'" + literal.s + "'";
      return literal.ToString();
    case Kind::kColumn: return name;
    case Kind::kStar: return "*";
    case Kind::kNegate:
      return "-" + (children.empty() ? std::string() : children[0]->ToString());
    case Kind::kBinary: {
      if (children.size() != 2) return "(?)";
      std::string out = "(";
      out += children[0]->ToString();
      out.push_back(op);
      out += children[1]->ToString();
      out.push_back(')');
      return out;
    }
    case Kind::kCall: {
      std::string out = name + "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ", ";
        out += children[i] ? children[i]->ToString() : std::string("?");
      }
      return out + ")";
    }
  }
  return "?";
}

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kGt: return ">";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

std::string Cond::ToString() const {
  auto expr = [](const ExprPtr& e) { return e ? e->ToString() : std::string("?"); };
  auto child = [this](size_t i) {
    return i < children.size() && children[i] ? children[i]->ToString() : std::string("?");
  };
  switch (kind) {
    case Kind::kCompare:
      return "(" + expr(lhs) + " " + CompareOpText(op) + " " + expr(rhs) + ")";
    case Kind::kIsNull: return "(" + expr(lhs) + " IS NULL)";
    case Kind::kIsNotNull: return "(" + expr(lhs) + " IS NOT NULL)";
    case Kind::kAnd: return "(" + child(0) + " AND " + child(1) + ")";
    case Kind::kOr: return "(" + child(0) + " OR " + child(1) + ")";
    case Kind::kNot: return "(NOT " + child(0) + ")";
    case Kind::kIn: {
      std::string out = "(" + expr(lhs) + " IN (";
      for (size_t i = 0; i < in_list.size(); ++i) {
        if (i > 0) out += ", ";
        out += expr(in_list[i]);
      }
      return out + "))";
    }
  }
  return "?";
}

std::string SelectStmt::ToString() const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i] ? items[i]->ToString() : "?";
    if (i < aliases.size() && !aliases[i].empty()) out += " AS " + aliases[i];
  }
  out += " FROM " + table;
  if (where) out += " WHERE " + where->ToString();
  if (!group_by.empty()) {
    out += " GROUP BY ";
    for (size_t i = 0; i < group_by.size(); ++i) {
      if (i > 0) out += ", ";
      if (i < group_by_bucket_ms.size() && group_by_bucket_ms[i] > 0) {
        out += "time(" + group_by[i] + ", " + std::to_string(group_by_bucket_ms[i]) + ")";
      } else {
        out += group_by[i];
      }
    }
  }
  if (!order_by.empty()) {
    out += " ORDER BY ";
    for (size_t i = 0; i < order_by.size(); ++i) {
      if (i > 0) out += ", ";
      out += order_by[i].column;
      out += order_by[i].desc ? " DESC" : " ASC";
      if (order_by[i].nulls_first.has_value()) {
        out += *order_by[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
      }
    }
  }
  if (limit) out += " LIMIT " + std::to_string(*limit);
  if (offset) out += " OFFSET " + std::to_string(*offset);
  return out;
}

}  // namespace quanta::sql
