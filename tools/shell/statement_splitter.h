// StatementSplitter: turns typed or scripted lines into complete quanta-shell commands.
//
// A command ends with ';' outside quotes and comments and may span lines. SQL comments are
// removed: `--` to the end of the line and `/* ... */` (not nested, may span lines). Text in
// '...' (string literal, '' escapes a quote) and "..." (quoted identifier, "" escapes) is copied
// verbatim, so ';', '--' and '/*' inside quotes are data. Outside quotes, a line break, the
// indentation after it and any other run of blanks become one space, so a multi-line statement
// comes out on one line (as riak-shell showed it in its history and logs). Each command is returned
// trimmed and without its ';'; empty commands (";;") are dropped.
//
// Thread safety: none (one splitter per input stream).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quanta::shell {

class StatementSplitter {
 public:
  // Feeds one line (a trailing '\n' or "\r\n" is ignored) and appends the commands it completes
  // to `out`.
  void AddLine(std::string_view line, std::vector<std::string>* out);

  // Feeds text that may hold several lines (a script); same as AddLine per line.
  void AddText(std::string_view text, std::vector<std::string>* out);

  // True while a command is partly entered: non-blank text without its ';', or an open quote or
  // block comment. The interactive prompt uses it to choose the continuation prompt.
  bool pending() const;

  // The unfinished command (trimmed, "" when none) and a reset; used at end of input, where a
  // last command without ';' is still run.
  std::string TakePending();

  // Forgets everything pending (Ctrl-C at the prompt).
  void Reset();

 private:
  enum class State { kNormal, kString, kQuotedIdent, kBlockComment };

  void Finish(std::vector<std::string>* out);
  void AppendSpace();

  State state_ = State::kNormal;
  std::string buffer_;
  bool skip_indent_ = false;  // at the start of a continuation line, outside quotes
};

// Splits a whole script; a final command without ';' is included.
std::vector<std::string> SplitStatements(std::string_view text);

}  // namespace quanta::shell
