// quanta-shell configuration: defaults, the config file (-c) and the command line.
//
// Config file: one `key = value` per line, `#` starts a comment, blank lines ignored. Keys:
//   host, port                 the node to connect to first (127.0.0.1, 8087)
//   nodes                      more nodes for reconnect/ping, "h:p, h:p" (riak-shell `nodes`)
//   logging, date_log          on|off
//   logfile                    base name of the session log (".log" is added unless present)
//   show_connection_status     true|false (connection prefix in the prompt)
//   format                     table|csv|json
//   history_file               persistent line-editing history ("" disables it)
//   history_size               entries kept in history_file
//   connect_timeout_ms         connect timeout
// Command-line flags override the file. Unknown keys are errors, so typos are not silent.
//
// Pure functions apart from file reading; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result_printer.h"
#include "shell_connection.h"

namespace quanta::shell {

struct ShellConfig {
  Endpoint endpoint;            // host/port
  std::vector<Endpoint> nodes;  // extra nodes; `endpoint` is always tried first
  bool logging = false;
  bool date_log = false;
  std::string logfile = "quanta_shell";
  bool show_connection_status = false;
  OutputFormat format = OutputFormat::kTable;
  std::string history_file;  // "" = none; main() fills the ~ default
  int history_size = 1000;
  int connect_timeout_ms = 5000;
  bool debug = false;
  std::string config_file;  // where the settings came from, for show_config

  // All endpoints to try, `endpoint` first, without duplicates.
  std::vector<Endpoint> AllNodes() const;
  // key = value lines, for show_config.
  std::string Describe() const;
};

// Applies one key/value. Returns "" or an error text.
std::string ApplyConfigSetting(ShellConfig* config, const std::string& key,
                               const std::string& value);

// Reads a config file into `config`. Returns "" or an error text naming the file and line.
std::string LoadConfigFile(ShellConfig* config, const std::string& path);

struct CommandLine {
  enum class Mode : uint8_t { kInteractive, kFile, kEval, kRegression };
  Mode mode = Mode::kInteractive;
  std::string file;                                            // -f / -r
  std::vector<std::string> eval;                               // -e (may repeat)
  std::string config_file;                                     // -c
  std::vector<std::pair<std::string, std::string>> overrides;  // flags as config settings
  bool echo = false;  // --echo: print each command of -f/-e before its answer
  bool help = false;
  bool version = false;
};

// Parses argv. Returns "" or an error text for bad usage.
std::string ParseCommandLine(int argc, const char* const* argv, CommandLine* out);

std::string UsageText();

}  // namespace quanta::shell
