// The server's log: one facade over spdlog so that no other file includes it.
//
// Every line carries an ISO 8601 UTC timestamp with milliseconds and a level, then the message
// and optional fields (key/value pairs: code, op, ms, peer, ...). Two formats:
//   text  2026-12-07T10:53:39.123Z info quantad: serving data in ./data op=query ms=12.5
//   json  {"ts":"2026-12-07T10:53:39.123Z","level":"info","msg":"...","op":"query","ms":12.5}
// Lines go to standard error, or to a file (`log.file`) that Reopen() opens again after a log
// rotation has renamed it. Messages below the current level cost one atomic load.
//
// Thread safety: every function may be called from any thread at any time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace quanta::log {

enum class Level : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class Format : uint8_t { kText, kJson };

// Parses debug|info|warning|error (and Riak's lager names: notice = info, warn = warning,
// critical|alert|emergency = error).
Result<Level> ParseLevel(std::string_view text);
const char* LevelName(Level level);
Result<Format> ParseFormat(std::string_view text);

struct Options {
  Level level = Level::kInfo;
  Format format = Format::kText;
  std::string file;  // empty: standard error
};

// Applies `options`: opens `file` (appending) before anything changes, so a failure leaves the
// previous configuration in place.
Status Configure(const Options& options);
// Opens the log file again by its name (after logrotate renamed it). No-op for stderr.
Status Reopen();
void SetLevel(Level level);
Level CurrentLevel();
inline bool Enabled(Level level) { return static_cast<int>(level) >= static_cast<int>(CurrentLevel()); }

// One key/value pair of a line. Numbers are written bare in JSON, strings quoted.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), number(true) {}
  Field(std::string_view k, int v) : Field(k, static_cast<int64_t>(v)) {}
  Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)), number(true) {}
  Field(std::string_view k, double v);
  std::string_view key;
  std::string value;
  bool number = false;
};

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) { if (Enabled(Level::kDebug)) Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, m, f); }
inline void Warning(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarning, m, f); }
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, m, f); }

// The text after the timestamp and level, as Write() formats it (exposed for tests).
std::string FormatBody(Format format, std::string_view msg, std::initializer_list<Field> fields);

// `text` cut to at most `max_bytes` bytes at a UTF-8 character boundary, with "..." appended
// when it was cut (statement texts in the slow-query log).
std::string Truncate(std::string_view text, size_t max_bytes);

}  // namespace quanta::log
