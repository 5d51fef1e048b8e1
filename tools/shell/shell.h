// Shell: the command logic of quanta-shell, independent of the terminal and of the wire.
//
// It receives commands one at a time (as StatementSplitter produces them, without ';'), sends
// SQL through a ShellConnection, runs the shell functions of riak-shell (connection, history,
// log, shell and help extensions), prints every answer to `out` and connection notices to
// `notices`, keeps the numbered session history, and appends to the session log when logging
// is on. A lost connection is reported, reconnected (current node first, then the configured
// ones), and read-only statements are re-sent once.
//
// Thread safety: none; one Shell per session.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "result_printer.h"
#include "session_history.h"
#include "session_log.h"
#include "shell_config.h"
#include "shell_connection.h"
#include "sql_info.h"

namespace quanta::shell {

inline constexpr const char* kShellVersion = "0.1.0";

// What a command produced.
struct CommandOutcome {
  std::string text;     // the answer, as printed and logged ("" prints nothing)
  std::string footer;   // table format only: "(3 rows, 4.127 ms)"; printed, never logged
  bool error = false;   // the command failed (decides -f/-e exit status)
  bool log = true;      // goes to the session log when logging is on
  bool history = true;  // goes to the session history
};

class Shell {
 public:
  // `factory` and both streams must outlive the Shell.
  Shell(ShellConfig config, ShellConnectionFactory* factory, std::ostream* out,
        std::ostream* notices);
  ~Shell();

  // Connects to the first reachable node (the configured one first). Returns the message to
  // show: "Connected to 127.0.0.1 on port 8087" or why it failed.
  std::string ConnectAtStartup(bool* connected);

  // Runs one command (no ';'), prints its answer, logs it, records it in the history and
  // advances the prompt counter. With `echo`, first prints the prompt and the command.
  // Returns false when the command failed.
  bool RunCommand(const std::string& command, bool echo = false);

  // Runs every command of a script (statements and shell commands; a last one without ';'
  // included), stopping early on quit. Returns false when any command failed.
  bool RunScript(const std::string& text, bool echo = false);

  // replay_log / regression_log on a file, as the -f (for session logs) and -r flags do.
  bool ReplayFile(const std::string& path, bool regression);

  // "quanta-shell(3)>" with the optional connection prefix.
  std::string Prompt() const;
  // Prompt for the following lines of a multi-line command, as wide as Prompt().
  std::string ContinuationPrompt() const;

  bool quit_requested() const { return quit_; }
  int counter() const { return counter_; }
  const ShellConfig& config() const { return config_; }
  OutputFormat format() const { return format_; }

  // Called by clear_history so the line editor can drop its persistent history too.
  void set_clear_history_hook(std::function<void()> hook) { clear_history_hook_ = std::move(hook); }

  // The command as history and logs show it: text plus ';'.
  static std::string CommandText(const std::string& command) { return command + ";"; }

  // Runs one command without printing, logging or history (tests and replays).
  CommandOutcome Execute(const std::string& command);

 private:
  using Args = std::vector<std::string>;
  struct Function {
    size_t min_args;
    size_t max_args;
    CommandOutcome (Shell::*run)(const Args& args);
  };

  void RegisterFunctions();
  CommandOutcome ExecuteSql(const std::string& sql);
  CommandOutcome ExecuteShellCommand(const std::string& command);
  void Print(const CommandOutcome& outcome);
  void AppendToLog(const std::string& command, const std::string& result);
  std::string LogPath() const;
  CommandOutcome Replay(const std::string& path, bool regression);

  // Connection helpers.
  bool EnsureConnected(std::string* error);
  // Tries `current_` then the other nodes; on success `current_` is the node reached.
  bool ConnectAny(std::string* error);
  void Notice(const std::string& text);

  // Shell functions.
  CommandOutcome FnConnect(const Args& a);
  CommandOutcome FnConnectionPrompt(const Args& a);
  CommandOutcome FnPing(const Args& a);
  CommandOutcome FnReconnect(const Args& a);
  CommandOutcome FnShowConnection(const Args& a);
  CommandOutcome FnShowCookie(const Args& a);
  CommandOutcome FnShowNodes(const Args& a);
  CommandOutcome FnClearHistory(const Args& a);
  CommandOutcome FnHistory(const Args& a);
  CommandOutcome FnShowHistory(const Args& a);
  CommandOutcome FnDateLog(const Args& a);
  CommandOutcome FnLog(const Args& a);
  CommandOutcome FnLogfile(const Args& a);
  CommandOutcome FnRegressionLog(const Args& a);
  CommandOutcome FnReplayLog(const Args& a);
  CommandOutcome FnShowLogStatus(const Args& a);
  CommandOutcome FnAbout(const Args& a);
  CommandOutcome FnFormat(const Args& a);
  CommandOutcome FnQuit(const Args& a);
  CommandOutcome FnShowConfig(const Args& a);
  CommandOutcome FnShowVersion(const Args& a);
  CommandOutcome FnHelp(const Args& a);

  ShellConfig config_;
  ShellConnectionFactory* factory_;
  std::ostream* out_;
  std::ostream* notices_;
  std::unique_ptr<ShellConnection> conn_;
  Endpoint current_;
  OutputFormat format_;
  bool show_connection_status_;
  bool logging_;
  bool date_log_;
  std::string logfile_;
  std::string session_date_;
  SessionHistory history_;
  int counter_ = 1;
  bool reset_counter_ = false;  // set by clear_history
  bool quit_ = false;
  int replay_depth_ = 0;       // replay_log inside a replayed log is skipped
  std::string rerun_command_;  // set by `h N`: the command that was re-run
  std::function<void()> clear_history_hook_;
  std::map<std::string, Function> functions_;
};

}  // namespace quanta::shell
