// Rendering of SQL answers for quanta-shell in the three output formats:
//   table  the aligned ASCII table riak-shell drew with clique (every cell centred, no padding
//          beyond the widest value, `+---+` borders, multi-line cells on several lines)
//   csv    header line then one line per row; a field holding ',', '"', CR or LF is quoted with
//          "..." and inner quotes doubled (RFC 4180)
//   json   {"columns":[...],"types":[...],"rows":[[...],...]}: sint64 and double as numbers,
//          timestamps as ISO 8601 strings, blobs as full "0x..." strings, NULL as null
// and the statement-specific answers of riak-shell (riak_ts.md section 14):
//   CREATE TABLE      Table <T> successfully created and activated.
//   INSERT            Inserted 1 row. / Inserted N rows.
//   no rows           No rows returned. (json: a document with an empty "rows")
//   SHOW CREATE TABLE the SQL text itself
//   DELETE            nothing
//   errors            Error (<code>): <message>
//
// Rendered text never ends with a newline; the caller adds one when printing.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result_set.h"
#include "sql_info.h"

namespace quanta::shell {

enum class OutputFormat : uint8_t { kTable, kCsv, kJson };

std::string_view OutputFormatName(OutputFormat f);
// Accepts table (alias human), csv, json, any case.
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

std::string RenderTable(const ResultSet& rs);
std::string RenderCsv(const ResultSet& rs);
std::string RenderJson(const ResultSet& rs);

// The answer to a successful statement.
std::string RenderSqlReply(const SqlInfo& info, const ResultSet& rs, OutputFormat format);

// "Error (1001): The query must have a where clause."
std::string RenderServerError(int code, std::string_view message);

// Number of user-visible characters of UTF-8 text (code points; invalid bytes count as one).
size_t DisplayWidth(std::string_view text);

}  // namespace quanta::shell
