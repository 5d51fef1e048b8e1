#include "sql/parser.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "sql/parser_impl.h"

namespace quanta::sql {

namespace internal {
namespace {

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool IsKnownFunction(const std::string& upper) {
  static constexpr std::string_view kFunctions[] = {
      "COUNT", "SUM", "AVG", "MEAN", "MIN", "MAX", "STDDEV", "STDDEV_SAMP", "STDDEV_POP"};
  return std::find(std::begin(kFunctions), std::end(kFunctions), upper) != std::end(kFunctions);
}

int64_t UnitMillis(std::string_view unit) {
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  if (unit == "d") return 24 * 60 * 60 * 1000;
  return 0;
}

PExpr LiteralExpr(Literal lit) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kLiteral;
  e->literal = std::move(lit);
  return PExpr{std::move(e), 1};
}

Literal IntLiteral(int64_t v) {
  Literal l;
  l.kind = Literal::Kind::kInt;
  l.i = v;
  return l;
}

Literal FloatLiteral(double v) {
  Literal l;
  l.kind = Literal::Kind::kFloat;
  l.d = v;
  return l;
}

Literal StringLiteral(std::string v) {
  Literal l;
  l.kind = Literal::Kind::kString;
  l.s = std::move(v);
  return l;
}

Literal BoolLiteral(bool v) {
  Literal l;
  l.kind = Literal::Kind::kBool;
  l.b = v;
  return l;
}

// Bare column references of a select item outside aggregate arguments, in order.
void CollectBareColumns(const Expr& e, std::vector<std::string>& out) {
  switch (e.kind) {
    case Expr::Kind::kColumn: out.push_back(e.name); break;
    case Expr::Kind::kStar: out.push_back("*"); break;
    case Expr::Kind::kCall:
    case Expr::Kind::kLiteral: break;
    case Expr::Kind::kNegate:
    case Expr::Kind::kBinary:
      for (const ExprPtr& c : e.children) CollectBareColumns(*c, out);
      break;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Token access and errors

const Token& Parser::Peek(size_t ahead) const {
  size_t i = std::min(pos_ + ahead, toks_.size() - 1);
  return toks_[i];
}

const Token& Parser::Consume() {
  const Token& t = toks_[pos_];
  if (pos_ + 1 < toks_.size()) ++pos_;
  return t;
}

bool Parser::AcceptKeyword(Keyword k) {
  if (!Peek().Is(k)) return false;
  Consume();
  return true;
}

bool Parser::AcceptPunct(std::string_view p) {
  if (!Peek().IsPunct(p)) return false;
  Consume();
  return true;
}

Status Parser::ExpectKeyword(Keyword k) {
  if (AcceptKeyword(k)) return Status::OK();
  return Unexpected();
}

Status Parser::ExpectPunct(std::string_view p) {
  if (AcceptPunct(p)) return Status::OK();
  return Unexpected();
}

Result<std::string> Parser::ExpectIdentifier() {
  if (Peek().kind != TokenKind::kIdentifier) return Unexpected();
  return Consume().text;
}

// Riak reports the value of the offending token (section 10): its text for words, strings and
// punctuation; the category for integers; the number for floats. When the input ends early the
// last token is reported, with an empty category.
Status Parser::UnexpectedAt(size_t index) {
  fail_pos_ = index;
  const Token& t = toks_[index];
  if (t.kind == TokenKind::kEnd) {
    if (index == 0) return ParseError("syntax error before: ");
    const Token& last = toks_[index - 1];
    if (last.kind == TokenKind::kInteger) return ParseError("syntax error before: ");
    if (last.kind == TokenKind::kFloat) return ParseUnexpectedToken(FormatDouble(last.d));
    return ParseUnexpectedToken(last.text);
  }
  if (t.kind == TokenKind::kInteger) return ParseError("syntax error before: integer");
  if (t.kind == TokenKind::kFloat) return ParseUnexpectedToken(FormatDouble(t.d));
  return ParseUnexpectedToken(t.text);
}

Status Parser::SemanticError(std::string message) {
  fail_pos_ = pos_;
  return ParseError(std::move(message));
}

Status Parser::EnterNesting() {
  if (nesting_ >= kMaxNesting) {
    return SemanticError("Query is nested too deeply (more than " +
                         std::to_string(kMaxNesting) + " levels).");
  }
  ++nesting_;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Statements

Result<Statement> Parser::ParseStatement() {
  const Token& first = Peek();
  Statement stmt;
  if (first.Is(Keyword::kSelect)) {
    QUANTA_ASSIGN_OR_RETURN(SelectStmt s, ParseSelect());
    stmt = std::move(s);
  } else if (first.Is(Keyword::kExplain)) {
    Consume();
    if (!Peek().Is(Keyword::kSelect)) return Unexpected();
    QUANTA_ASSIGN_OR_RETURN(SelectStmt s, ParseSelect());
    ExplainStmt e;
    e.select = std::move(s);
    stmt = std::move(e);
  } else if (first.Is(Keyword::kInsert)) {
    QUANTA_ASSIGN_OR_RETURN(InsertStmt s, ParseInsert());
    stmt = std::move(s);
  } else if (first.Is(Keyword::kDelete)) {
    QUANTA_ASSIGN_OR_RETURN(DeleteStmt s, ParseDelete());
    stmt = std::move(s);
  } else if (first.Is(Keyword::kCreate)) {
    QUANTA_ASSIGN_OR_RETURN(CreateTableStmt s, ParseCreateTable());
    stmt = std::move(s);
  } else if (first.Is(Keyword::kDescribe)) {
    Consume();
    QUANTA_ASSIGN_OR_RETURN(std::string table, ExpectIdentifier());
    stmt = DescribeStmt{std::move(table)};
  } else if (first.Is(Keyword::kShow)) {
    Consume();
    if (AcceptKeyword(Keyword::kTables)) {
      stmt = ShowTablesStmt{};
    } else if (AcceptKeyword(Keyword::kCreate)) {
      QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTable));
      QUANTA_ASSIGN_OR_RETURN(std::string table, ExpectIdentifier());
      stmt = ShowCreateTableStmt{std::move(table)};
    } else {
      return Unexpected();
    }
  } else if (PeekWord("DROP") && Peek(1).Is(Keyword::kTable)) {
    QUANTA_ASSIGN_OR_RETURN(DropTableStmt s, ParseDropTable());
    stmt = std::move(s);
  } else if (PeekWord("ALTER") && Peek(1).Is(Keyword::kTable)) {
    QUANTA_ASSIGN_OR_RETURN(AlterTableStmt s, ParseAlterTable());
    stmt = std::move(s);
  } else {
    return Unexpected();
  }
  AcceptPunct(";");
  if (Peek().kind != TokenKind::kEnd) return Unexpected();
  return stmt;
}

Result<SelectStmt> Parser::ParseSelect() {
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kSelect));
  SelectStmt select;
  while (true) {
    QUANTA_ASSIGN_OR_RETURN(PExpr item, ParseSelectItem());
    select.items.push_back(std::move(item.expr));
    if (!AcceptPunct(",")) break;
  }
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kFrom));
  QUANTA_ASSIGN_OR_RETURN(select.table, ExpectIdentifier());
  if (AcceptKeyword(Keyword::kWhere)) {
    QUANTA_ASSIGN_OR_RETURN(PCond where, ParseBoolExpr());
    select.where = std::move(where.cond);
    if (AcceptKeyword(Keyword::kGroup)) {
      QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kBy));
      while (true) {
        if (AcceptPunct("*")) {
          select.group_by.push_back("*");
        } else {
          QUANTA_ASSIGN_OR_RETURN(std::string column, ExpectIdentifier());
          select.group_by.push_back(std::move(column));
        }
        if (!AcceptPunct(",")) break;
      }
    }
  }
  QUANTA_RETURN_IF_ERROR(ParseWindow(select));
  QUANTA_RETURN_IF_ERROR(CheckGroupBy(select));
  return select;
}

Status Parser::ParseWindow(SelectStmt& select) {
  if (AcceptKeyword(Keyword::kOrder)) {
    QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kBy));
    while (true) {
      OrderItem item;
      QUANTA_ASSIGN_OR_RETURN(item.column, ExpectIdentifier());
      if (AcceptKeyword(Keyword::kDesc)) {
        item.desc = true;
      } else {
        AcceptKeyword(Keyword::kAsc);
      }
      if (AcceptKeyword(Keyword::kNulls)) {
        if (AcceptKeyword(Keyword::kFirst)) {
          item.nulls_first = true;
        } else if (AcceptKeyword(Keyword::kLast)) {
          item.nulls_first = false;
        } else {
          return Unexpected();
        }
      }
      select.order_by.push_back(std::move(item));
      if (!AcceptPunct(",")) break;
    }
  }
  if (AcceptKeyword(Keyword::kLimit)) {
    QUANTA_ASSIGN_OR_RETURN(int64_t limit, ExpectInteger());
    select.limit = limit;
    if (AcceptKeyword(Keyword::kOffset)) {
      // A negative OFFSET parses; the analyzer rejects it (1001, docs/compatibility.md).
      QUANTA_ASSIGN_OR_RETURN(int64_t offset, ExpectInteger());
      select.offset = offset;
    }
  }
  return Status::OK();
}

Result<int64_t> Parser::ExpectInteger() {
  if (Peek().kind != TokenKind::kInteger) return Unexpected();
  return Consume().i;
}

// Section 7.8: the parser-level GROUP BY rules.
Status Parser::CheckGroupBy(const SelectStmt& select) {
  if (select.group_by.empty()) return Status::OK();
  std::vector<std::string> bare;
  for (const ExprPtr& item : select.items) CollectBareColumns(*item, bare);
  std::vector<std::string> missing;
  for (const std::string& column : bare) {
    bool grouped = column != "*" && std::find(select.group_by.begin(), select.group_by.end(),
                                              column) != select.group_by.end();
    if (!grouped && std::find(missing.begin(), missing.end(), column) == missing.end()) {
      missing.push_back(column);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) {
      if (i > 0) list += ", ";
      list += missing[i];
    }
    return SemanticError("Field(s) " + list +
                         " are specified in the select statement but not the GROUP BY.");
  }
  if (std::find(select.group_by.begin(), select.group_by.end(), "*") != select.group_by.end()) {
    return SemanticError("GROUP BY can only contain table columns but '*' was found.");
  }
  // Riak's parser refuses only ORDER BY here; LIMIT/OFFSET alone reach the analyzer (1001).
  if (!select.order_by.empty()) {
    return SemanticError("ORDER BY/LIMIT/OFFSET clauses are not supported for GROUP BY queries.");
  }
  return Status::OK();
}

Result<DeleteStmt> Parser::ParseDelete() {
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kDelete));
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kFrom));
  DeleteStmt del;
  QUANTA_ASSIGN_OR_RETURN(del.table, ExpectIdentifier());
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kWhere));
  QUANTA_ASSIGN_OR_RETURN(PCond where, ParseBoolExpr());
  del.where = std::move(where.cond);
  return del;
}

// ---------------------------------------------------------------------------------------------
// Expressions

Result<PExpr> Parser::ParseSelectItem() {
  if (AcceptPunct("*")) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kStar;
    return PExpr{std::move(e), 1};
  }
  return ParseOperand();
}

Result<PExpr> Parser::ParseOperand() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kString) return LiteralExpr(StringLiteral(Consume().text));
  if (t.Is(Keyword::kTrue)) {
    Consume();
    return LiteralExpr(BoolLiteral(true));
  }
  if (t.Is(Keyword::kFalse)) {
    Consume();
    return LiteralExpr(BoolLiteral(false));
  }
  return ParseNumExpr();
}

Result<PExpr> Parser::MakeBinary(PExpr lhs, char op, PExpr rhs) {
  int height = 1 + std::max(lhs.height, rhs.height);
  if (height > kMaxTreeHeight) {
    return SemanticError("Expression is too long or nested too deeply.");
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kBinary;
  e->op = op;
  e->children.push_back(std::move(lhs.expr));
  e->children.push_back(std::move(rhs.expr));
  return PExpr{std::move(e), height};
}

Result<PExpr> Parser::ParseNumExpr() {
  QUANTA_ASSIGN_OR_RETURN(PExpr lhs, ParseTerm());
  while (Peek().IsPunct("+") || Peek().IsPunct("-")) {
    char op = Consume().text[0];
    QUANTA_ASSIGN_OR_RETURN(PExpr rhs, ParseTerm());
    QUANTA_ASSIGN_OR_RETURN(lhs, MakeBinary(std::move(lhs), op, std::move(rhs)));
  }
  return lhs;
}

Result<PExpr> Parser::ParseTerm() {
  QUANTA_ASSIGN_OR_RETURN(PExpr lhs, ParseFactor());
  while (Peek().IsPunct("*") || Peek().IsPunct("/")) {
    char op = Consume().text[0];
    QUANTA_ASSIGN_OR_RETURN(PExpr rhs, ParseFactor());
    QUANTA_ASSIGN_OR_RETURN(lhs, MakeBinary(std::move(lhs), op, std::move(rhs)));
  }
  return lhs;
}

Result<PExpr> Parser::ParseFactor() {
  if (AcceptPunct("+")) return ParsePrimary();
  if (!AcceptPunct("-")) return ParsePrimary();
  // A separate '-' token always negates (riak_ts.md 2.3): `-5` is one integer literal, while
  // `- 5` is negate(5), which WHERE rejects as type negate.
  QUANTA_ASSIGN_OR_RETURN(PExpr operand, ParsePrimary());
  if (operand.height + 1 > kMaxTreeHeight) {
    return SemanticError("Expression is too long or nested too deeply.");
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kNegate;
  e->children.push_back(std::move(operand.expr));
  return PExpr{std::move(e), operand.height + 1};
}

Result<PExpr> Parser::ParsePrimary() {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kInteger: {
      int64_t value = Consume().i;
      if (Peek().kind != TokenKind::kIdentifier) return LiteralExpr(IntLiteral(value));
      // A time-unit integer: 10s, 15 m, 1h, 2d. Riak lower-cases the unit first (3M is three
      // minutes), and its error text shows the lower-cased unit.
      std::string unit = Consume().text;
      for (char& c : unit) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      int64_t ms = UnitMillis(unit);
      if (ms == 0) {
        return SemanticError("Used " + unit + " as a measure of time in " +
                             std::to_string(value) + unit +
                             ". Only s, m, h and d are allowed.");
      }
      if (value > std::numeric_limits<int64_t>::max() / ms ||
          value < std::numeric_limits<int64_t>::min() / ms) {
        return SemanticError("Integer literal out of range: " + std::to_string(value) + unit);
      }
      return LiteralExpr(IntLiteral(value * ms));
    }
    case TokenKind::kFloat:
      return LiteralExpr(FloatLiteral(Consume().d));
    case TokenKind::kIdentifier: {
      if (Peek(1).IsPunct("(")) return ParseCall();
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kColumn;
      e->name = Consume().text;
      return PExpr{std::move(e), 1};
    }
    default:
      break;
  }
  if (!t.IsPunct("(")) return Unexpected();
  QUANTA_RETURN_IF_ERROR(EnterNesting());
  NestingGuard guard(*this);
  Consume();
  QUANTA_ASSIGN_OR_RETURN(PExpr inner, ParseNumExpr());
  QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  return inner;
}

// funcall ::= ident '(' ( '*' | operand ) ')'
Result<PExpr> Parser::ParseCall() {
  std::string name = Consume().text;
  Consume();  // '('
  QUANTA_RETURN_IF_ERROR(EnterNesting());
  NestingGuard guard(*this);
  // Riak's grammar takes any number of arguments (none too); the analyzer reports a count
  // other than one (1001 `Function SUM/1 called with 2 arguments.`).
  std::vector<ExprPtr> args;
  int height = 1;
  bool star = false;
  if (AcceptPunct("*")) {
    star = true;
    args.push_back(std::make_unique<Expr>());
    args.back()->kind = Expr::Kind::kStar;
  } else if (!Peek().IsPunct(")")) {
    do {
      QUANTA_ASSIGN_OR_RETURN(PExpr arg, ParseOperand());
      height = std::max(height, arg.height);
      args.push_back(std::move(arg.expr));
    } while (AcceptPunct(","));
  }
  QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  std::string upper = ToUpper(name);
  if (!IsKnownFunction(upper)) {
    return SemanticError("Function not supported - '" + name + "'.");
  }
  if (star && upper != "COUNT") {
    return SemanticError("Function '" + upper + "' does not support wild cards args.");
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kCall;
  e->name = std::move(upper);
  e->children = std::move(args);
  return PExpr{std::move(e), height + 1};
}

// ---------------------------------------------------------------------------------------------
// Conditions

Result<PCond> Parser::MakeJunction(Cond::Kind kind, PCond lhs, PCond rhs) {
  int height = 1 + std::max(lhs.height, rhs.height);
  if (height > kMaxTreeHeight) {
    return SemanticError("WHERE clause is too long or nested too deeply.");
  }
  auto c = std::make_unique<Cond>();
  c->kind = kind;
  c->children.push_back(std::move(lhs.cond));
  c->children.push_back(std::move(rhs.cond));
  return PCond{std::move(c), height};
}

Result<PCond> Parser::ParseBoolExpr() {
  QUANTA_ASSIGN_OR_RETURN(PCond lhs, ParseBoolTerm());
  while (AcceptKeyword(Keyword::kOr)) {
    QUANTA_ASSIGN_OR_RETURN(PCond rhs, ParseBoolTerm());
    QUANTA_ASSIGN_OR_RETURN(lhs, MakeJunction(Cond::Kind::kOr, std::move(lhs), std::move(rhs)));
  }
  return lhs;
}

Result<PCond> Parser::ParseBoolTerm() {
  QUANTA_ASSIGN_OR_RETURN(PCond lhs, ParseBoolFactor());
  while (AcceptKeyword(Keyword::kAnd)) {
    QUANTA_ASSIGN_OR_RETURN(PCond rhs, ParseBoolFactor());
    QUANTA_ASSIGN_OR_RETURN(lhs, MakeJunction(Cond::Kind::kAnd, std::move(lhs), std::move(rhs)));
  }
  return lhs;
}

Result<PCond> Parser::ParseBoolFactor() {
  if (!AcceptKeyword(Keyword::kNot)) return ParseBoolPrimary();
  QUANTA_ASSIGN_OR_RETURN(PCond inner, ParseBoolPrimary());
  auto c = std::make_unique<Cond>();
  c->kind = Cond::Kind::kNot;
  c->children.push_back(std::move(inner.cond));
  return PCond{std::move(c), inner.height + 1};
}

// '(' may open a parenthesised condition or a parenthesised arithmetic operand; try the
// condition first and fall back to a comparison, reporting whichever error got further.
Result<PCond> Parser::ParseBoolPrimary() {
  if (!Peek().IsPunct("(")) return ParseComparison();
  size_t start = pos_;
  Status first_error;
  size_t first_fail = 0;
  {
    QUANTA_RETURN_IF_ERROR(EnterNesting());
    NestingGuard guard(*this);
    Consume();
    Result<PCond> inner = ParseBoolExpr();
    if (inner.ok()) {
      Status close = ExpectPunct(")");
      if (close.ok()) return inner;
      first_error = close;
    } else {
      first_error = inner.error();
    }
    first_fail = fail_pos_;
  }
  pos_ = start;
  Result<PCond> cmp = ParseComparison();
  if (cmp.ok()) return cmp;
  if (first_fail > fail_pos_) {
    fail_pos_ = first_fail;
    return first_error;
  }
  return cmp;
}

// Riak's grammar admits its regex token (/^a.*/) as a comparison operand; the analyzer then
// refuses it as an incompatible type (1001), as Riak's query validation did.
Result<PExpr> Parser::ParseCompareOperand() {
  if (Peek().kind != TokenKind::kRegex) return ParseOperand();
  Literal l;
  l.kind = Literal::Kind::kRegex;
  l.s = Consume().text;
  return LiteralExpr(std::move(l));
}

Result<PCond> Parser::ParseComparison() {
  QUANTA_ASSIGN_OR_RETURN(PExpr lhs, ParseCompareOperand());
  auto c = std::make_unique<Cond>();
  if (AcceptKeyword(Keyword::kIs)) {
    c->kind = AcceptKeyword(Keyword::kNot) ? Cond::Kind::kIsNotNull : Cond::Kind::kIsNull;
    QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kNull));
    c->lhs = std::move(lhs.expr);
    return PCond{std::move(c), 1};
  }
  const Token& t = Peek();
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
      {"=", CompareOp::kEq},  {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
      {">", CompareOp::kGt},  {"<=", CompareOp::kLe}, {">=", CompareOp::kGe}};
  bool found = false;
  for (const auto& [text, op] : kOps) {
    if (t.IsPunct(text)) {
      c->op = op;
      found = true;
      break;
    }
  }
  if (!found) return Unexpected();
  Consume();
  QUANTA_ASSIGN_OR_RETURN(PExpr rhs, ParseCompareOperand());
  c->kind = Cond::Kind::kCompare;
  c->lhs = std::move(lhs.expr);
  c->rhs = std::move(rhs.expr);
  return PCond{std::move(c), 1};
}

}  // namespace internal

Result<Statement> Parse(std::string_view sql) {
  QUANTA_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  internal::Parser parser(tokens);
  return parser.ParseStatement();
}

}  // namespace quanta::sql
