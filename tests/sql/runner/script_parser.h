// script_parser: reads a golden SQL test file (.test / .test_slow) into Commands.
//
// Records are separated by blank lines; `#` lines outside a record are comments. The grammar is
// in docs/testing.md. Parse errors name the file and line and fail the whole file before any
// statement runs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "common/status.h"

namespace quanta::sqltest {

struct Script {
  std::vector<std::unique_ptr<Command>> commands;
};

// `name` is used in error messages (normally the path).
Result<std::shared_ptr<Script>> ParseScript(std::string_view text, const std::string& name);
Result<std::shared_ptr<Script>> ParseScriptFile(const std::string& path);

}  // namespace quanta::sqltest
