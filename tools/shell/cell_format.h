// Cell rendering shared by every output format of quanta-shell, as riak-shell 1.5.2 printed
// cells (riak_ts.md section 14):
//   TIMESTAMP  ISO 8601 UTC, millisecond precision, trailing zeros of the fraction dropped and
//              no fraction when it is zero: 1970-01-01T00:00:00.001Z, ...00.01Z, ...00Z
//   BLOB       0x<lower hex>; longer than kBlobDisplayChars characters -> first
//              kBlobDisplayChars characters followed by "..."
//   DOUBLE     shortest text that reads back as the same double, always with a fraction or an
//              exponent: 25.2, 23.0, 1.0e21, 1.5e-7
//   BOOLEAN    true / false
//   NULL       empty
//   VARCHAR    the bytes as they are
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/value.h"

namespace quanta::shell {

inline constexpr size_t kBlobDisplayChars = 20;

std::string FormatTimestamp(int64_t ms_since_epoch);
std::string FormatShellDouble(double d);
// `truncate` = false gives the full 0x<hex> (used by the JSON format).
std::string FormatBlob(std::string_view bytes, bool truncate = true);

// One cell of a result column of type `type`. A value whose representation does not match the
// column type is rendered by its representation (an integer as digits, bytes verbatim, ...).
std::string FormatCell(const Value& v, ColumnType type);

}  // namespace quanta::shell
