// Command classification and argument tokenizing; see command_parser.h.
#include "command_parser.h"

#include <cctype>

#include "sql_statements.h"

namespace quanta::shell {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string FirstWord(std::string_view command) {
  size_t i = 0;
  while (i < command.size() && IsBlank(command[i])) ++i;
  std::string word;
  while (i < command.size() && IsWordChar(command[i])) {
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(command[i]))));
    ++i;
  }
  return word;
}

bool IsSqlCommand(std::string_view command) {
  const std::string word = FirstWord(command);
  for (const auto& st : SqlStatements()) {
    if (word == st.first_word) return true;
  }
  return false;
}

bool ParseShellCommand(std::string_view command, ShellCommand* out, std::string* error) {
  std::vector<std::string> words;
  size_t i = 0;
  while (true) {
    while (i < command.size() && IsBlank(command[i])) ++i;
    if (i >= command.size()) break;
    std::string word;
    while (i < command.size() && !IsBlank(command[i])) {
      const char c = command[i];
      if (c == '"') {
        ++i;
        bool closed = false;
        while (i < command.size()) {
          if (command[i] == '\\' && i + 1 < command.size()) {
            word.push_back(command[i + 1]);
            i += 2;
          } else if (command[i] == '"') {
            ++i;
            closed = true;
            break;
          } else {
            word.push_back(command[i++]);
          }
        }
        if (!closed) {
          *error = "unterminated \" in command";
          return false;
        }
      } else if (c == '\'') {
        ++i;
        bool closed = false;
        while (i < command.size()) {
          if (command[i] == '\'') {
            if (i + 1 < command.size() && command[i + 1] == '\'') {
              word.push_back('\'');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          word.push_back(command[i++]);
        }
        if (!closed) {
          *error = "unterminated ' in command";
          return false;
        }
      } else {
        word.push_back(c);
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
  if (words.empty()) {
    *error = "empty command";
    return false;
  }
  out->name.clear();
  for (char c : words[0]) {
    out->name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  out->args.assign(words.begin() + 1, words.end());
  return true;
}

}  // namespace quanta::shell
