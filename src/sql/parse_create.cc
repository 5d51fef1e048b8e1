// CREATE TABLE and INSERT parsing (riak_ts.md sections 4.1 and 6.1).
#include <utility>

#include "schema/expiry.h"
#include "sql/parser_impl.h"

namespace quanta::sql::internal {

// ---------------------------------------------------------------------------------------------
// INSERT

Result<InsertStmt> Parser::ParseInsert() {
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kInsert));
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kInto));
  InsertStmt insert;
  QUANTA_ASSIGN_OR_RETURN(insert.table, ExpectIdentifier());
  if (AcceptPunct("(")) {
    insert.has_column_list = true;
    while (true) {
      QUANTA_ASSIGN_OR_RETURN(std::string column, ExpectIdentifier());
      insert.columns.push_back(std::move(column));
      if (!AcceptPunct(",")) break;
    }
    QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  }
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kValues));
  // "()" is allowed only as the sole row.
  QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
  if (AcceptPunct(")")) {
    insert.rows.emplace_back();
    return insert;
  }
  while (true) {
    std::vector<Literal> row;
    while (true) {
      QUANTA_ASSIGN_OR_RETURN(Literal value, ParseInsertValue());
      row.push_back(std::move(value));
      if (!AcceptPunct(",")) break;
    }
    QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
    insert.rows.push_back(std::move(row));
    if (!AcceptPunct(",")) break;
    QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
  }
  return insert;
}

// value ::= NULL | integer | float | TRUE | FALSE | 'string' | 0xHEX | ident
Result<Literal> Parser::ParseInsertValue() {
  const Token& t = Peek();
  Literal lit;
  switch (t.kind) {
    case TokenKind::kInteger:
      lit.kind = Literal::Kind::kInt;
      lit.i = t.i;
      break;
    case TokenKind::kFloat:
      lit.kind = Literal::Kind::kFloat;
      lit.d = t.d;
      break;
    case TokenKind::kString:
      lit.kind = Literal::Kind::kString;
      lit.s = t.text;
      break;
    case TokenKind::kIdentifier:
      lit.kind = Literal::Kind::kIdentifier;
      lit.s = t.text;
      break;
    case TokenKind::kKeyword:
      if (t.keyword == Keyword::kNull) {
        lit.kind = Literal::Kind::kNull;
      } else if (t.keyword == Keyword::kTrue || t.keyword == Keyword::kFalse) {
        lit.kind = Literal::Kind::kBool;
        lit.b = t.keyword == Keyword::kTrue;
      } else {
        return Unexpected();
      }
      break;
    default:
      return Unexpected();
  }
  Consume();
  return lit;
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

Result<CreateTableStmt> Parser::ParseCreateTable() {
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kCreate));
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTable));
  RawCreateTable raw;
  QUANTA_ASSIGN_OR_RETURN(raw.name, ExpectIdentifier());
  QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
  while (true) {
    if (Peek().Is(Keyword::kPrimary)) {
      QUANTA_RETURN_IF_ERROR(ParseKeyDef(raw));
    } else {
      QUANTA_RETURN_IF_ERROR(ParseColumnDef(raw));
    }
    if (!AcceptPunct(",")) break;
  }
  QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  if (AcceptKeyword(Keyword::kWith)) QUANTA_RETURN_IF_ERROR(ParseWithProperties(&raw.properties));
  QUANTA_ASSIGN_OR_RETURN(schema::TableDef def, ValidateCreateTable(std::move(raw)));
  CreateTableStmt stmt;
  stmt.def = std::move(def);
  return stmt;
}

// column_def ::= ident type [ NOT NULL ]
Status Parser::ParseColumnDef(RawCreateTable& raw) {
  schema::ColumnDef column;
  QUANTA_ASSIGN_OR_RETURN(column.name, ExpectIdentifier());
  const Token& t = Peek();
  if (t.Is(Keyword::kVarchar)) {
    column.type = ColumnType::kVarchar;
  } else if (t.Is(Keyword::kSint64)) {
    column.type = ColumnType::kSint64;
  } else if (t.Is(Keyword::kDouble)) {
    column.type = ColumnType::kDouble;
  } else if (t.Is(Keyword::kTimestamp)) {
    column.type = ColumnType::kTimestamp;
  } else if (t.Is(Keyword::kBoolean)) {
    column.type = ColumnType::kBoolean;
  } else if (t.Is(Keyword::kBlob)) {
    column.type = ColumnType::kBlob;
  } else {
    return Unexpected();
  }
  Consume();
  if (AcceptKeyword(Keyword::kNot)) {
    QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kNull));
    column.nullable = false;
  }
  raw.columns.push_back(std::move(column));
  return Status::OK();
}

// key_def ::= PRIMARY KEY '(' '(' pk_elem {, pk_elem} ')' ',' lk_elem {, lk_elem} ')'
// A single parenthesised list, or nothing after the partition key, is "No local key specified.".
// Only the first key clause counts.
Status Parser::ParseKeyDef(RawCreateTable& raw) {
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kPrimary));
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kKey));
  QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
  std::vector<RawKeyElem> pk, lk;
  bool nested = AcceptPunct("(");
  while (true) {
    QUANTA_ASSIGN_OR_RETURN(RawKeyElem elem, ParseKeyElem(/*allow_quantum=*/true));
    pk.push_back(std::move(elem));
    if (!AcceptPunct(",")) break;
  }
  QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  if (!nested) return SemanticError("No local key specified.");
  if (Peek().IsPunct(")")) return SemanticError("No local key specified.");
  QUANTA_RETURN_IF_ERROR(ExpectPunct(","));
  while (true) {
    QUANTA_ASSIGN_OR_RETURN(RawKeyElem elem, ParseKeyElem(/*allow_quantum=*/false));
    lk.push_back(std::move(elem));
    if (!AcceptPunct(",")) break;
  }
  QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
  if (!raw.has_primary_key) {
    raw.has_primary_key = true;
    raw.partition_key = std::move(pk);
    raw.local_key = std::move(lk);
  }
  return Status::OK();
}

// pk_elem ::= ident [ ASC | DESC ] | QUANTUM '(' qarg ',' qarg ',' qarg ')'
Result<RawKeyElem> Parser::ParseKeyElem(bool allow_quantum) {
  RawKeyElem elem;
  if (allow_quantum && AcceptKeyword(Keyword::kQuantum)) {
    elem.is_quantum = true;
    QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
    QUANTA_ASSIGN_OR_RETURN(elem.column, ExpectIdentifier());
    QUANTA_RETURN_IF_ERROR(ExpectPunct(","));
    QUANTA_ASSIGN_OR_RETURN(elem.size, ParseQuantumArg());
    QUANTA_RETURN_IF_ERROR(ExpectPunct(","));
    QUANTA_ASSIGN_OR_RETURN(elem.unit, ParseQuantumArg());
    QUANTA_RETURN_IF_ERROR(ExpectPunct(")"));
    return elem;
  }
  QUANTA_ASSIGN_OR_RETURN(elem.column, ExpectIdentifier());
  if (AcceptKeyword(Keyword::kAsc)) {
    elem.order = schema::SortOrder::kAsc;
  } else if (AcceptKeyword(Keyword::kDesc)) {
    elem.order = schema::SortOrder::kDesc;
  }
  return elem;
}

// qarg ::= integer | float | 'string' | ident
Result<RawQuantumArg> Parser::ParseQuantumArg() {
  const Token& t = Peek();
  RawQuantumArg arg;
  switch (t.kind) {
    case TokenKind::kInteger:
      arg.kind = RawQuantumArg::Kind::kInt;
      arg.i = t.i;
      break;
    case TokenKind::kFloat:
      arg.kind = RawQuantumArg::Kind::kFloat;
      break;
    case TokenKind::kString:
      arg.kind = RawQuantumArg::Kind::kString;
      break;
    case TokenKind::kIdentifier:
      arg.kind = RawQuantumArg::Kind::kIdentifier;
      break;
    default:
      return Unexpected();
  }
  arg.text = t.text;
  Consume();
  return arg;
}

// WITH '(' [ ident '=' value { ',' ident '=' value } ] ')'
// The expiry properties (Riak TS 1.6) also take bare words and durations, as the 1.6
// documentation writes them: expiration = enabled, default_time_to_live = 123m (kept as the
// text written; schema/expiry.h checks the values).
Status Parser::ParseWithProperties(std::vector<std::pair<std::string, schema::PropValue>>* props) {
  QUANTA_RETURN_IF_ERROR(ExpectPunct("("));
  if (AcceptPunct(")")) return Status::OK();
  while (true) {
    QUANTA_ASSIGN_OR_RETURN(std::string key, ExpectIdentifier());
    QUANTA_RETURN_IF_ERROR(ExpectPunct("="));
    const Token& t = Peek();
    const bool expiry = schema::IsExpiryProperty(key);
    // Filled field by field: the PropValue factories live in quanta_schema's .cc.
    schema::PropValue value;
    if (expiry && t.kind == TokenKind::kInteger && Peek(1).kind == TokenKind::kIdentifier &&
        !Peek(1).quoted) {
      // A duration: the lexer splits 8d9h into 8 and d9h.
      value.kind = schema::PropValue::Kind::kAtom;
      value.s = t.text + Peek(1).text;
      Consume();
    } else if (expiry && t.kind == TokenKind::kIdentifier && !t.quoted) {
      value.kind = schema::PropValue::Kind::kAtom;
      value.s = t.text;
    } else if (t.kind == TokenKind::kInteger) {
      value.kind = schema::PropValue::Kind::kInt;
      value.i = t.i;
    } else if (t.kind == TokenKind::kFloat) {
      value.kind = schema::PropValue::Kind::kDouble;
      value.d = t.d;
    } else if (t.kind == TokenKind::kString) {
      value.kind = schema::PropValue::Kind::kString;
      value.s = t.text;
    } else if (t.Is(Keyword::kTrue) || t.Is(Keyword::kFalse)) {
      value.kind = schema::PropValue::Kind::kBool;
      value.b = t.Is(Keyword::kTrue);
    } else if (t.kind == TokenKind::kIdentifier) {
      return SemanticError("Expecting a numeric, boolean or string value for WITH property \"" +
                           key + "\" (did you forget to quote a string?)");
    } else {
      return Unexpected();
    }
    Consume();
    props->emplace_back(std::move(key), std::move(value));
    if (!AcceptPunct(",")) break;
  }
  return ExpectPunct(")");
}

// ---------------------------------------------------------------------------------------------
// DROP TABLE, ALTER TABLE

bool Parser::PeekWord(std::string_view word, size_t ahead) const {
  const Token& t = Peek(ahead);
  if (t.kind != TokenKind::kIdentifier || t.quoted || t.text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = t.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[i]) return false;
  }
  return true;
}

// DROP TABLE [ IF EXISTS ] ident
Result<DropTableStmt> Parser::ParseDropTable() {
  Consume();  // DROP
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTable));
  DropTableStmt drop;
  if (PeekWord("IF") && PeekWord("EXISTS", 1) && Peek(2).kind == TokenKind::kIdentifier) {
    Consume();
    Consume();
    drop.if_exists = true;
  }
  QUANTA_ASSIGN_OR_RETURN(drop.table, ExpectIdentifier());
  return drop;
}

// ALTER TABLE ident WITH '(' properties ')'
Result<AlterTableStmt> Parser::ParseAlterTable() {
  Consume();  // ALTER
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTable));
  AlterTableStmt alter;
  QUANTA_ASSIGN_OR_RETURN(alter.table, ExpectIdentifier());
  QUANTA_RETURN_IF_ERROR(ExpectKeyword(Keyword::kWith));
  QUANTA_RETURN_IF_ERROR(ParseWithProperties(&alter.properties));
  return alter;
}

}  // namespace quanta::sql::internal
