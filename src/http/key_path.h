// Key paths: the "<col>/<value>/<col>/<value>..." part of a key URL (riak_ts.md sections 11.3,
// 11.4). ParseKeyPath turns decoded path elements into a local key; KeyUrlPath renders a local
// key back into the same form for list_keys.
//
// Value text per column type, both directions:
//   varchar   verbatim (the URL layer percent-decodes / -encodes it)
//   blob      standard base64
//   sint64    decimal integer, must fit in 64 bits
//   timestamp decimal integer >= 1
//   double    decimal or exponent notation (integers accepted), finite
//   boolean   true / false
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "http/error_map.h"
#include "schema/table_def.h"

namespace quanta::http {

// Builds the local key (values in local-key order) from decoded path elements. Checks, in order:
// the element count is 2 x |LK| (else "Need N field/value pairs ..."), every field name is a
// column (else "Table ... has no field named ..."), every LK column is given (else "Not all
// key-constituent fields given on URL"), every value parses for its column type (else
// "Bad value for field ..."). Returns the error, or nullopt with *key filled.
std::optional<HttpError> ParseKeyPath(const schema::TableDef& table,
                                      const std::vector<std::string>& elements, Row* key);

// Parses one URL value for a column of `type`; nullopt when it does not parse.
std::optional<Value> ParseUrlValue(ColumnType type, std::string_view text);

// Renders a local key (values in LK order) as "<col>/<val>/..." with every name and value
// percent-encoded. Values are natural (never DESC-transformed). Returns nullopt when the row
// does not fit the table's local key (wrong length or representation).
std::optional<std::string> KeyUrlPath(const schema::TableDef& table, const Row& key);

}  // namespace quanta::http
