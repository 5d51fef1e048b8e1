// Session logs in riak-shell's format: one Erlang term per command,
//
//   {{command, "describe GeoCheckin;"}, {result, "Column,Type,...\nmyfamily,varchar,..."}}.
//
// written by `log on`, replayed by `replay_log` / -f, and checked by `regression_log` / -r.
// Strings use Erlang escapes (\" \\ \n \t \r \e \s \d \b \f \v, \NNN octal, \xHH, \x{H..});
// raw line breaks inside a string are kept. Adjacent strings concatenate as in file:consult/1,
// and `%` starts a comment outside strings.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quanta::shell {

struct LogEntry {
  std::string command;  // as entered, with its ';'
  std::string result;   // the printed answer (no trailing newline when we wrote it)
};

// One term, ending with ".\n". Backslashes, quotes and control characters other than line
// breaks are escaped; line breaks in the result stay literal so logs read naturally.
std::string FormatLogEntry(const LogEntry& entry);

// True if the first term-like thing in `text` is a '{' (after blanks and % comments), i.e. the
// text is a session log rather than a script of statements.
bool LooksLikeSessionLog(std::string_view text);

// Parses a whole log. Returns false with `*error` ("line 3: expected ..." ) on malformed input.
bool ParseSessionLog(std::string_view text, std::vector<LogEntry>* out, std::string* error);

// "2016_02_15-16:42:22" (UTC), riak-shell's date stamp for date_log file names.
std::string LogDateStamp();

}  // namespace quanta::shell
