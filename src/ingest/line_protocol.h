// InfluxDB line protocol (docs/ingest.md): a parser from request bytes to points. Pure: it
// knows nothing of tables; service/ingest_writer.h maps points to rows.
//
//   <measurement>[,<tag>=<value>...] <field>=<value>[,<field>=<value>...] [<timestamp>]
//
// The parser walks the whole body with a cursor (a quoted string field may contain a newline),
// one line at a time; an invalid line is reported with its number and skipped up to the next
// newline, so one bad line never hides the good ones after it.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace quanta::ingest {

enum class FieldType : uint8_t { kFloat, kInteger, kUnsigned, kString, kBoolean };

// "float", "integer", "unsigned", "string", "boolean" (InfluxDB's names, for error texts).
std::string_view FieldTypeName(FieldType type);

struct Field {
  std::string key;
  FieldType type = FieldType::kFloat;
  double f = 0;        // kFloat (always finite)
  int64_t i = 0;       // kInteger
  uint64_t u = 0;      // kUnsigned
  std::string s;       // kString (valid UTF-8)
  bool b = false;      // kBoolean
};

struct Point {
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;  // sorted by key, keys unique
  std::vector<Field> fields;                              // in line order, keys unique
  std::optional<int64_t> timestamp;                       // in the request's precision
  size_t line = 0;                                        // 1-based, where the point starts

  // Approximate heap bytes, for the memory account.
  int64_t MemoryBytes() const;
};

inline constexpr size_t kMaxLineBytes = 1 << 20;
inline constexpr size_t kMaxStringFieldBytes = 64 << 10;

struct LineError {
  size_t line = 0;  // 1-based
  std::string message;
};

// Parses lines from `body`, starting at *pos, until one point is complete, the body ends, or a
// line is invalid. Returns true with *point filled; false at the end of the body (nothing left
// but blank lines and comments) or with *error set for an invalid line. Advances *pos past the
// line and *line_no by the newlines consumed.
// Usage: while (NextPoint(body, &pos, &line, &p, &err) || err) { ...; err.reset(); }
bool NextPoint(std::string_view body, size_t* pos, size_t* line_no, Point* point,
               std::optional<LineError>* error);

// Timestamp precision of a write request.
enum class Precision : uint8_t { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds,
                                 kMinutes, kHours };

// "" / "n" / "ns" -> ns, "u" / "us" / "µ" / "µs" -> us, "ms", "s", "m", "h". nullopt otherwise.
std::optional<Precision> ParsePrecision(std::string_view text);

// A timestamp in `precision` units as milliseconds, rounded down; nullopt when it does not fit.
std::optional<int64_t> ToMillis(int64_t timestamp, Precision precision);

// True when `s` is valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace quanta::ingest
