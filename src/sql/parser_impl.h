// Internal to the SQL front end: the recursive-descent parser behind sql::Parse (parser.h).
// Split over parser.cc (statements, SELECT, expressions, WHERE) and parse_create.cc
// (CREATE TABLE, INSERT).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/ddl.h"
#include "sql/lexer.h"

namespace quanta::sql::internal {

// Parenthesis / function-call nesting allowed before the parser gives up with a parse error.
inline constexpr int kMaxNesting = 100;
// Maximum height of an expression or condition tree (bounds every later recursion over it).
inline constexpr int kMaxTreeHeight = 500;

// A parsed expression with the height of its tree.
struct PExpr {
  ExprPtr expr;
  int height = 1;
};
struct PCond {
  CondPtr cond;
  int height = 1;
};

class Parser {
 public:
  // REQUIRES: `tokens` ends with a kEnd token and outlives the parser.
  explicit Parser(const std::vector<Token>& tokens) : toks_(tokens) {}

  Result<Statement> ParseStatement();

 private:
  friend class NestingGuard;

  // Token access.
  const Token& Peek(size_t ahead = 0) const;
  const Token& Consume();
  bool AcceptKeyword(Keyword k);
  bool AcceptPunct(std::string_view p);
  Status ExpectKeyword(Keyword k);
  Status ExpectPunct(std::string_view p);
  Result<std::string> ExpectIdentifier();

  // Errors. Each records the token position it refers to in `fail_pos_` so that the
  // backtracking in ParseBoolPrimary can report the error that got furthest.
  Status UnexpectedAt(size_t index);
  Status Unexpected() { return UnexpectedAt(pos_); }
  Status SemanticError(std::string message);
  Status EnterNesting();

  // Statements.
  Result<SelectStmt> ParseSelect();
  Result<InsertStmt> ParseInsert();
  Result<DeleteStmt> ParseDelete();
  Result<CreateTableStmt> ParseCreateTable();
  Status ParseColumnDef(RawCreateTable& raw);
  Status ParseKeyDef(RawCreateTable& raw);
  Result<RawKeyElem> ParseKeyElem(bool allow_quantum);
  Result<RawQuantumArg> ParseQuantumArg();
  Status ParseWithProperties(std::vector<std::pair<std::string, schema::PropValue>>* props);
  Result<DropTableStmt> ParseDropTable();
  Result<AlterTableStmt> ParseAlterTable();
  // True when the next token is the bare (unquoted) word `word`, any case: DROP, ALTER, IF and
  // EXISTS are not reserved (1.5 tables and columns may carry these names).
  bool PeekWord(std::string_view word, size_t ahead = 0) const;
  Result<Literal> ParseInsertValue();

  // SELECT pieces.
  Status ParseWindow(SelectStmt& select);
  Result<int64_t> ExpectInteger();
  Status CheckGroupBy(const SelectStmt& select);

  // Expressions.
  Result<PExpr> ParseSelectItem();
  Result<PExpr> ParseOperand();
  Result<PExpr> ParseCompareOperand();
  Result<PExpr> ParseNumExpr();
  Result<PExpr> ParseTerm();
  Result<PExpr> ParseFactor();
  Result<PExpr> ParsePrimary();
  Result<PExpr> ParseCall();
  Result<PExpr> MakeBinary(PExpr lhs, char op, PExpr rhs);

  // Conditions.
  Result<PCond> ParseBoolExpr();
  Result<PCond> ParseBoolTerm();
  Result<PCond> ParseBoolFactor();
  Result<PCond> ParseBoolPrimary();
  Result<PCond> ParseComparison();
  Result<PCond> MakeJunction(Cond::Kind kind, PCond lhs, PCond rhs);

  const std::vector<Token>& toks_;
  size_t pos_ = 0;
  size_t fail_pos_ = 0;
  int nesting_ = 0;
};

// Scope of one nesting level; construct only after EnterNesting() succeeded.
class NestingGuard {
 public:
  explicit NestingGuard(Parser& p) : p_(p) {}
  ~NestingGuard() { --p_.nesting_; }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;

 private:
  Parser& p_;
};

}  // namespace quanta::sql::internal
