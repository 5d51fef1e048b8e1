// ISO 8601 date/time strings -> milliseconds since the Unix epoch, with the reduced-accuracy
// rules of Riak TS (riak_ts.md section 3.1). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace quanta {

struct Iso8601Time {
  int64_t ms = 0;          // the lowest instant the text denotes
  // Reduced accuracy: no seconds and no fraction were given. Then `ms_upper` is the last
  // millisecond of the least-significant field given (e.g. "2016" -> 2016-12-31T23:59:59.999).
  bool incomplete = false;
  int64_t ms_upper = 0;
};

// Parses `text` (leading/trailing whitespace allowed). Strings without a zone use
// `default_tz_offset_minutes` (UTC by default).
// Errors (code kParse): "Invalid date/time string" for malformed input, "missing_date" for a
// time-only string.
Result<Iso8601Time> ParseIso8601(std::string_view text, int default_tz_offset_minutes = 0);

}  // namespace quanta
