// CSV for quanta-admin export and import-csv (docs/admin.md, "CSV"): RFC 4180 records, one cell
// per column, and the conversions between cells and typed values.
//
// Cells: NULL is an empty unquoted field; an empty VARCHAR/BLOB is "" (quoted), so that the two
// read back apart. VARCHAR is its bytes as they are (UTF-8 from Riak clients); BLOB is
// hexadecimal with a 0x prefix (as the SQL literal); SINT64 decimal; DOUBLE the shortest text
// that reads back as the same double; BOOLEAN true/false; TIMESTAMP integer milliseconds since
// the epoch, or ISO 8601 in UTC (2026-12-07T11:30:00.123Z) with --iso. import-csv reads all of
// these (timestamps in either form).
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"

namespace quanta::admin {

// `text` as one CSV field: quoted when it holds a comma, quote, CR or LF, or is empty
// (`force_quotes`).
void AppendCsvField(std::string_view text, bool force_quotes, std::string* out);

// A value's cell text; nullopt for NULL.
std::optional<std::string> FormatCell(const Value& v, ColumnType type, bool iso);
// Milliseconds since the epoch as 2026-12-07T11:30:00.123Z.
std::string FormatIsoMs(int64_t ms);

struct CsvField {
  std::string text;
  bool quoted = false;
};

// Reads RFC 4180 records (CRLF or LF line ends, quoted fields spanning lines) from a stream,
// one at a time, holding at most one record.
class CsvReader {
 public:
  // Records longer than `max_record_bytes` are an error (a file that is not CSV, or a missing
  // closing quote), not a memory hog.
  explicit CsvReader(std::istream& in, size_t max_record_bytes = 64u << 20)
      : in_(in), max_record_bytes_(max_record_bytes) {}
  // The next record into *fields; false at the end of the input. Errors name the line.
  Result<bool> Next(std::vector<CsvField>* fields);
  // The line the last record returned began on (1-based).
  uint64_t record_line() const { return record_line_; }

 private:
  std::istream& in_;
  size_t max_record_bytes_;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
};

// A cell into a value of `type`: an empty unquoted field is NULL; otherwise as the header
// comment says. Errors (kInvalidArgument) say what was expected.
Result<Value> ParseCell(const CsvField& field, ColumnType type);

}  // namespace quanta::admin
