// Command classification and shell-command parsing for quanta-shell.
//
// A command (one ';'-terminated unit from StatementSplitter) whose first word is one of
// create, delete, describe, explain, insert, select, show (any case) is SQL and goes to the
// server unchanged. Anything else is a shell function call `name arg ... `: the name is
// lower-cased; arguments are separated by blanks and may be quoted with "..." (backslash escapes
// \" and \\) or '...' ('' is one quote). Quoting keeps blanks and makes `"on"` the same as `on`.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quanta::shell {

// The first word: the leading run of letters, digits and '_', lower-cased ("show_nodes" and
// "show" are different words).
std::string FirstWord(std::string_view command);

bool IsSqlCommand(std::string_view command);

struct ShellCommand {
  std::string name;               // lower-cased
  std::vector<std::string> args;  // unquoted
};

// Parses a shell function call. Returns false with `*error` set for an unterminated quote or an
// empty command.
bool ParseShellCommand(std::string_view command, ShellCommand* out, std::string* error);

}  // namespace quanta::shell
