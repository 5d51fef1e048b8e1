// JSON bodies of the HTTP API (riak_ts.md sections 11.1-11.3): decoding put bodies into rows and
// encoding query results, fetched rows and success answers.
//
// Value rendering (encode): varchar -> JSON string (must be valid UTF-8), blob -> base64 string,
// sint64/timestamp -> integer, double -> number in shortest round-trip form (FormatDouble),
// boolean -> true/false, NULL -> [] (Riak's empty list). A non-finite double (only reachable
// through arithmetic) is written as null, since JSON has no representation for it.
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/memory.h"
#include "common/result_set.h"
#include "common/value.h"
#include "http/error_map.h"
#include "schema/table_def.h"

namespace quanta::http {

// Decodes a put body: one JSON object or an array of objects, each mapping column names to
// values. Produces full rows in table column order. Per column (first failure wins, in row then
// column order):
//   - key missing: NULL if nullable, else 400 Missing field "<c>" for key in table "<T>"
//   - null: NULL if nullable, else Bad value
//   - varchar <- string; blob <- base64 string (undecodable -> Invalid json in body);
//     sint64 <- integer in int64 range; timestamp <- integer >= 1; double <- any number
//     (integers converted); boolean <- true/false; anything else -> 400 Bad value for field ...
// Numbers are converted from their text (never through a lossy or saturating path): an integer
// outside int64, or a double outside the double range, is a Bad value (except that exponents
// past ~308, which RapidJSON refuses while scanning, are Invalid json). Keys that are not columns
// are ignored; for a repeated key the first value counts. Malformed JSON, invalid UTF-8, nesting
// deeper than 32, or a top level that is not an object / array of objects -> 400 Invalid json
// in body. All syntax is checked before any field, so a malformed body is always Invalid json.
//
// The rows are decoded as the body streams through RapidJSON's SAX reader, in place in *body
// (which is overwritten), straight into Rows: no intermediate tree. After the first invalid row
// the rows so far are freed and the rest is checked for syntax only. Row memory is reserved from
// `memory` (may be null) before it is used; a refusal answers 503 (MapStatus of kMemoryLimit).
// On error *rows is empty.
std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string* body,
                                    MemoryReservation* memory, std::vector<Row>* rows);
// The same over a copy of `body`, without a reservation (tests, small bodies).
std::optional<HttpError> DecodeRows(const schema::TableDef& table, std::string_view body,
                                    std::vector<Row>* rows);

// {"columns":[...],"rows":[[...],...]} (columns are present even with no rows). Returns false,
// leaving *out unspecified, when a varchar value or column name is not valid UTF-8.
// (Over a copy of `result`: tests and small results.)
bool EncodeResultSet(const ResultSet& result, std::string* out);
// The same, written straight into *out while consuming *result: each row is freed once encoded,
// and the output's capacity is reserved from `memory` (may be null) before the string grows, so
// that encoding holds about the result's size plus its text, not copies of either. Errors:
// kMemoryLimit from the reservation, kInvalidArgument "result contains a varchar that is not valid
// UTF-8". The rows of *result are consumed (on error, those before the failure).
Status EncodeResultSet(ResultSet* result, MemoryReservation* memory, std::string* out);

// {"<col>":<value>,...} over the whole row in table column order. false as above.
// REQUIRES: row.size() == table.columns.size()
bool EncodeRowObject(const schema::TableDef& table, const Row& row, std::string* out);

// {"success":true}
std::string SuccessJson();

// {"error":"<text>"} with the text JSON-escaped (invalid UTF-8 bytes replaced by '?').
std::string ErrorLineJson(std::string_view text);

}  // namespace quanta::http
