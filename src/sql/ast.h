// The SQL abstract syntax tree produced by sql::Parse (parser.h) for the Riak TS 1.5 dialect
// (riak_ts.md sections 4-8). Nodes are plain structs owned through unique_ptr; every node
// renders itself canonically with ToString() for golden tests.
//
// The parser checks only what Riak checks while parsing (syntax, CREATE TABLE validation,
// function names and wildcard arguments, GROUP BY coverage, time units; all errors 1020).
// Name resolution, types and the WHERE rules belong to the analyzer (exec/analyzer.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/value.h"
#include "schema/table_def.h"

namespace quanta::sql {

// A literal as written. Hex literals (0x...) are kString with the decoded bytes, exactly like
// a quoted string (Riak cannot tell them apart). Unit integers (10m) are kInt in milliseconds.
struct Literal {
  // kRegex: Riak's /.../ token, accepted as a WHERE comparison operand only (s = as written).
  enum class Kind : uint8_t { kNull, kInt, kFloat, kString, kBool, kIdentifier, kRegex };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;  // kString bytes, or the identifier name for kIdentifier (INSERT values only)

  Value ToValue() const;      // kIdentifier -> NULL (callers reject identifiers first)
  std::string ToString() const;  // 5, 1.5, 'it''s', true, NULL, ident
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,     // literal
    kColumn,      // name (identifiers, including double-quoted ones)
    kStar,        // '*' as a select item or as COUNT(*)'s argument
    kNegate,      // -child[0]  ('-' applied to a non-literal primary; `-5` is a literal)
    kBinary,      // child[0] op child[1], op one of + - * /
    kCall,        // name(children...); name upper-cased canonical function name, e.g. "COUNT";
                  // one child unless the statement gave another number (refused by the analyzer)
  };
  Kind kind = Kind::kLiteral;
  char op = 0;
  Literal literal;
  std::string name;
  std::vector<ExprPtr> children;

  // Riak's result column header: temperature, 555, 10.0, 'derp', (a+(2*3)), -x, COUNT(*),
  // (AVG(x)/10) (riak_ts.md section 7.2). For a function, `name` as the user spelled it is
  // upper-cased ("MEAN" stays "MEAN" although it computes AVG).
  std::string ToString() const;
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };
const char* CompareOpText(CompareOp op);  // "=", "!=", "<", ">", "<=", ">="

struct Cond;
using CondPtr = std::unique_ptr<Cond>;

// A WHERE condition tree. Comparisons keep their operands as written (the analyzer moves a
// literal on the left to the right and flips the operator).
struct Cond {
  enum class Kind : uint8_t { kCompare, kIsNull, kIsNotNull, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  CompareOp op = CompareOp::kEq;
  ExprPtr lhs, rhs;                 // kCompare: both; kIsNull/kIsNotNull: lhs only
  std::vector<CondPtr> children;    // kAnd/kOr: exactly 2; kNot: exactly 1
  std::string ToString() const;     // fully parenthesised, for tests
};

struct OrderItem {
  std::string column;
  bool desc = false;
  std::optional<bool> nulls_first;  // unset = default for the direction
};

struct SelectStmt {
  std::vector<ExprPtr> items;       // kStar items stand for all columns
  std::string table;
  CondPtr where;                    // null when absent
  std::vector<std::string> group_by;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
  std::string ToString() const;
};

struct InsertStmt {
  std::string table;
  bool has_column_list = false;
  std::vector<std::string> columns;
  std::vector<std::vector<Literal>> rows;
};

struct DeleteStmt {
  std::string table;
  CondPtr where;
};

struct CreateTableStmt {
  schema::TableDef def;   // validated (riak_ts.md section 4.3); id unassigned
};

struct DescribeStmt { std::string table; };
struct ShowTablesStmt {};
struct ShowCreateTableStmt { std::string table; };
struct ExplainStmt { SelectStmt select; };

// DROP TABLE [IF EXISTS] t (a Quanta extension).
struct DropTableStmt {
  std::string table;
  bool if_exists = false;
};

// ALTER TABLE t WITH (...) (Riak TS 1.6): properties to set, in the order given.
struct AlterTableStmt {
  std::string table;
  std::vector<std::pair<std::string, schema::PropValue>> properties;
};

using Statement = std::variant<SelectStmt, InsertStmt, DeleteStmt, CreateTableStmt,
                               DescribeStmt, ShowTablesStmt, ShowCreateTableStmt, ExplainStmt,
                               DropTableStmt, AlterTableStmt>;

}  // namespace quanta::sql
