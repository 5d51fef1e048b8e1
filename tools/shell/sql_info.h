// SqlInfo: the little the shell must know about a SQL statement to print its answer the way
// riak-shell did. The server does the real parsing; this scanner only reads the leading keywords,
// the table name of CREATE TABLE, and the number of row tuples of INSERT (the PB answer to an
// INSERT carries no row count).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace quanta::shell {

enum class SqlKind : uint8_t {
  kOther,
  kCreateTable,
  kDelete,
  kDescribe,
  kExplain,
  kInsert,
  kSelect,
  kShowTables,
  kShowCreateTable,
  kAlterTable,
  kDropTable,
};

struct SqlInfo {
  SqlKind kind = SqlKind::kOther;
  std::string table;    // CREATE TABLE only: the name as the server will store it (unquoted)
  int insert_rows = 0;  // INSERT only: parenthesised tuples after VALUES
};

SqlInfo AnalyzeSql(std::string_view sql);

// Read-only statements may be re-sent after a reconnect without changing anything twice.
bool IsRetryable(SqlKind kind);

}  // namespace quanta::shell
