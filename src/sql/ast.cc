#include "sql/ast.h"

#include <charconv>
#include <string>

namespace quanta::sql {

Value Literal::ToValue() const {
  switch (kind) {
    case Kind::kNull: return Value::Null();
    case Kind::kInt: return Value::Int(i);
    case Kind::kFloat: return Value::Double(d);
    case Kind::kString: return Value::Bytes(s);
    case Kind::kBool: return Value::Bool(b);
    case Kind::kIdentifier:
    case Kind::kRegex: return Value::Null();
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
    case Kind::kIdentifier:
    case Kind::kRegex: return s;
  }
  return "?";
}

namespace {

// A float as Riak names a result column after it (mochinum:digits): the shortest digits that
// read back as the same double, in plain notation from 1.0e-6 up to below 1.0e+21 and with a
// `.0` where nothing follows the point (0.000001, 1500000.0), else d.ddde+N (1.0e+21, 1.0e-7).
std::string ErlangFloatText(double d) {
  if (d == 0) return "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d < 0 ? -d : d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e_at + 1 + (sci[e_at + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exp10);
  const int place = exp10 + 1;  // the value is 0.<digits> x 10^place
  const int len = static_cast<int>(digits.size());
  std::string out;
  if (place == 0) {
    out = "0." + digits;
  } else if (place > 0 && place - len < 0) {
    const auto split = static_cast<size_t>(place);
    out = digits.substr(0, split) + "." + digits.substr(split);
  } else if (place > 0 && place - len < 6) {
    out = digits + std::string(static_cast<size_t>(place - len), '0') + ".0";
  } else if (place < 0 && place > -6) {
    out = "0." + std::string(static_cast<size_t>(-place), '0') + digits;
  } else {
    out = digits.substr(0, 1) + "." + (len > 1 ? digits.substr(1) : "0") +
          (place < 0 ? "e-" : "e+") + std::to_string(place - 1 < 0 ? 1 - place : place - 1);
  }
  return d < 0 ? "-" + out : out;
}

}  // namespace

std::string Expr::ToString() const {
  switch (kind) {
    case Kind::kLiteral:
      // Riak's header wraps string bytes in quotes without re-escaping them.
      if (literal.kind == Literal::Kind::kString) return "'" + literal.s + "'";
      if (literal.kind == Literal::Kind::kFloat) return ErlangFloatText(literal.d);
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
    case Kind::kCall:
      return name + "(" + (children.empty() ? std::string() : children[0]->ToString()) + ")";
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
  }
  return "?";
}

std::string SelectStmt::ToString() const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i] ? items[i]->ToString() : "?";
  }
  out += " FROM " + table;
  if (where) out += " WHERE " + where->ToString();
  if (!group_by.empty()) {
    out += " GROUP BY ";
    for (size_t i = 0; i < group_by.size(); ++i) {
      if (i > 0) out += ", ";
      out += group_by[i];
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
