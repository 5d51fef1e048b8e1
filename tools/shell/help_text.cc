// Help tables; see help_text.h.
#include "help_text.h"

#include <algorithm>
#include <cctype>

#include "sql_statements.h"

namespace quanta::shell {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Statement topics or titles in alphabetical order, joined with ", ".
std::string SortedList(std::string_view SqlStatementInfo::*field) {
  std::vector<std::string_view> items;
  for (const auto& st : SqlStatements()) items.push_back(st.*field);
  std::sort(items.begin(), items.end());
  std::string out;
  for (std::string_view item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

}  // namespace

const std::vector<ShellFunctionInfo>& ShellFunctions() {
  static const std::vector<ShellFunctionInfo> kFunctions = {
      {"connection", "connect",
       "Type 'connect \"127.0.0.1:8087\";' (or 'connect host port;') to connect to a specific\n"
       "node, whether it is in the configured nodes or not. A riak node name such as\n"
       "'dev1@127.0.0.1' connects to that host on the configured port.\n\n"
       "See also the 'reconnect' command."},
      {"connection", "connection_prompt",
       "Type 'connection_prompt on;' to display the connection status in the prompt, or\n"
       "'connection_prompt off;' to disable it.\n\n"
       "Unicode support in your terminal is highly recommended."},
      {"connection", "ping",
       "Typing 'ping;' will ping all the configured nodes and print the results.\n"
       "Typing 'ping \"127.0.0.1:8087\";' will ping a particular node."},
      {"connection", "reconnect",
       "Typing 'reconnect;' will try to connect you to the current node, then to the other\n"
       "configured nodes, until it succeeds (or doesn't).\n\n"
       "To connect to a specific node please use the connect command."},
      {"connection", "show_connection", "This shows which node quanta-shell is connected to."},
      {"connection", "show_cookie",
       "quanta-shell talks Protocol Buffers and needs no Erlang cookie; this prints so."},
      {"connection", "show_nodes", "Type 'show_nodes;' to see which nodes quanta-shell knows."},
      {"history", "clear_history",
       "Type 'clear_history;' to delete all the history from the shell (and the line-editing\n"
       "history file)."},
      {"history", "h",
       "You can rerun a command by finding the command in the history list with\n"
       "'show_history;' and using the number next to it as the argument to 'history' or 'h':\n"
       "'history 3;' or 'h 3;' for example."},
      {"history", "history",
       "You can rerun a command by finding the command in the history list with\n"
       "'show_history;' and using the number next to it as the argument to 'history' or 'h':\n"
       "'history 3;' or 'h 3;' for example. 'history;' alone lists the history."},
      {"history", "show_history", "Type 'show_history;' to list all the history in the shell."},
      {"log", "date_log",
       "Toggle adding a timestamp to the name of the log file with 'date_log on;' and off with\n"
       "'date_log off;'. The filename will be something like\n"
       "'quanta_shell.2016_02_15-16:42:22.log'; you get a new log file for each session.\n\n"
       "The default can be set in the config file."},
      {"log", "log",
       "Switch logging on with 'log on;' and off with 'log off;'. Every command and its answer\n"
       "are appended to the log file in riak-shell's session log format.\n\n"
       "The default can be set in the config file."},
      {"log", "logfile",
       "Type 'logfile \"mylogname\";' to set the name of the logfile or 'logfile default;' to\n"
       "reset to the default log file which can be set in the config. '.log' is appended\n"
       "unless the name already ends with it."},
      {"log", "regression_log",
       "Type 'regression_log \"myregression.log\";' to run a regression.\n\n"
       "This will replay the log and check the results are the same as the last time you ran\n"
       "it. Useful for testing. You can run this in batch mode with the -r flag."},
      {"log", "replay_log",
       "Type 'replay_log;' to replay the current logfile, or 'replay_log \"myfilename.log\";'\n"
       "to replay a different log file (a file of plain SQL statements works too).\n"
       "You can run this in batch mode with the -f flag."},
      {"log", "show_log_status", "Type 'show_log_status;' to see the logging status."},
      {"shell", "about", "Type 'about;' to learn a little about quanta-shell."},
      {"shell", "format",
       "Type 'format table;', 'format csv;' or 'format json;' to choose how query results are\n"
       "printed; 'format;' shows the current one. Row counts and timings are only printed in\n"
       "the table format. The default can be set with --format or in the config file."},
      {"shell", "q", "Type 'quit;' or the shortcut 'q;' to quit the shell."},
      {"shell", "quit", "Type 'quit;' or the shortcut 'q;' to quit the shell."},
      {"shell", "show_config", "Type 'show_config;' to print the config in the shell."},
      {"shell", "show_version",
       "Type 'show_version;' to print the version of quanta-shell and of the node it is\n"
       "connected to."},
  };
  return kFunctions;
}

std::string GeneralHelp() {
  std::string out = "The following functions are available\n";
  std::string_view ext;
  std::string line;
  auto flush = [&] {
    if (!line.empty()) out += "    " + line + "\n";
    line.clear();
  };
  for (const auto& f : ShellFunctions()) {
    if (f.extension != ext) {
      flush();
      ext = f.extension;
      out += "\nExtension '" + std::string(ext) + "':\n";
    }
    std::string item = std::string(f.name);
    if (!line.empty() && line.size() + 2 + item.size() > 70) {
      line += ",";
      flush();
    }
    line += (line.empty() ? "" : ", ") + item;
  }
  flush();
  out +=
      "\nYou can get more help by calling help with the\n"
      "extension name and function name like 'help shell quit;'\n"
      "\n"
      "For SQL help type 'help sql;' or 'help sql <statement>;' for one of\n" +
      SortedList(&SqlStatementInfo::topic) + ".";
  return out;
}

std::optional<std::string> ExtensionHelp(std::string_view extension) {
  const std::string e = Lower(extension);
  std::string out;
  for (const auto& f : ShellFunctions()) {
    if (f.extension == e) out += "- " + std::string(f.name) + "\n";
  }
  if (out.empty()) return std::nullopt;
  return "Extension '" + e + "' provides:\n" + out + "Type 'help " + e +
         " <function>;' for help on one of them.";
}

std::optional<std::string> FunctionHelp(std::string_view function) {
  const std::string fn = Lower(function);
  for (const auto& f : ShellFunctions()) {
    if (f.name == fn) return std::string(f.help);
  }
  return std::nullopt;
}

std::string SqlHelp() {
  // The sorted titles, wrapped after the comma that passes 72 columns.
  std::string list = "    ";
  size_t line_start = 0;
  const std::string titles = SortedList(&SqlStatementInfo::title);
  for (size_t i = 0; i < titles.size(); ++i) {
    if (titles[i] == ' ' && i > 0 && titles[i - 1] == ',' && list.size() - line_start > 72) {
      list += "\n    ";
      line_start = list.size() - 4;
      continue;
    }
    list.push_back(titles[i]);
  }
  return "The following SQL statements are sent to the server:\n" + list +
         "\n"
         "End each statement with ';'. It may span lines; '--' and '/* */' comments are\n"
         "ignored. Type 'help sql <statement>;' (e.g. 'help sql select;') for its syntax\n"
         "and examples; the examples use the GeoCheckin table of 'help sql create;' and the\n"
         "rows of 'help sql insert;'.";
}

std::optional<std::string> SqlStatementHelp(std::string_view statement) {
  const std::string s = Lower(statement);
  for (const auto& st : SqlStatements()) {
    if (st.topic != s) continue;
    std::string out(st.syntax);
    if (!st.examples.empty()) out += st.examples.size() == 1 ? "\nExample:" : "\nExamples:";
    for (std::string_view example : st.examples) {
      out += "\n";
      // Indented by two spaces, line by line: pasted as is, the example still runs.
      size_t begin = 0;
      while (begin <= example.size()) {
        size_t end = example.find('\n', begin);
        if (end == std::string_view::npos) end = example.size();
        out += (begin == 0 ? "  " : "\n  ") + std::string(example.substr(begin, end - begin));
        begin = end + 1;
      }
    }
    return out;
  }
  return std::nullopt;
}

std::vector<std::string> CompletionWords() {
  std::vector<std::string> words = {"help", "sql"};
  for (const auto& f : ShellFunctions()) words.emplace_back(f.name);
  for (const auto& st : SqlStatements()) {
    words.emplace_back(st.first_word);
    for (std::string_view k : st.keywords) words.emplace_back(k);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace quanta::shell
