// Help texts of quanta-shell: `help`, `help <extension>`, `help <extension> <function>`,
// `help <function>`, `help sql` and `help sql <statement>`.
//
// Pure functions over static tables; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::shell {

struct ShellFunctionInfo {
  std::string_view extension;  // connection, history, log, shell
  std::string_view name;
  std::string_view help;
};

// Every shell function, grouped by extension, sorted by name within each.
const std::vector<ShellFunctionInfo>& ShellFunctions();

std::string GeneralHelp();
// nullopt when `extension` is not one.
std::optional<std::string> ExtensionHelp(std::string_view extension);
std::optional<std::string> FunctionHelp(std::string_view function);
std::string SqlHelp();
std::optional<std::string> SqlStatementHelp(std::string_view statement);

// What Tab completes: `help`, `sql`, the shell functions, and each SQL statement's first word
// and keywords (sql_statements.h); sorted, without repeats.
std::vector<std::string> CompletionWords();

}  // namespace quanta::shell
