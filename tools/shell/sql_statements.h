// The SQL statements quanta-shell knows: one table drives `help sql`, `help sql <statement>`,
// which commands are sent to the server as SQL, and tab completion. Adding a statement to the
// shell is adding one entry to SqlStatements() (sql_statements.cc).
//
// Every example must run when pasted: the test tests/shell/help_examples_test.cc pastes all of
// them, in table order, into a shell connected to a fresh in-process server, and fails on any
// error (and on a SELECT example that returns no rows). So an entry's examples may use what
// the examples of the entries before it created (the GeoCheckin table and its rows).
//
// Pure data; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace quanta::shell {

struct SqlStatementInfo {
  std::string_view topic;       // `help sql <topic>`, lower case: "select"
  std::string_view first_word;  // a command starting with this word is SQL: "select"
  std::string_view title;       // what `help sql` lists: "SELECT"
  std::string_view syntax;      // the help text before the examples
  std::vector<std::string_view> examples;  // complete statements, each ending with ';'
  std::vector<std::string_view> keywords;  // tab-completion words besides first_word
};

// In the order the examples run (see above).
const std::vector<SqlStatementInfo>& SqlStatements();

}  // namespace quanta::shell
