// Command dispatch, SQL execution, connection recovery and printing; see shell.h. The shell
// functions themselves are in shell_functions.cc.
#include "shell.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "command_parser.h"
#include "help_text.h"
#include "statement_splitter.h"

namespace quanta::shell {
namespace {

constexpr const char* kGreenTick = "\xE2\x9C\x85";  // U+2705
constexpr const char* kRedCross = "\xE2\x9D\x8C";   // U+274C

std::string FormatElapsed(double seconds) {
  char buf[32];
  if (seconds < 1.0) {
    std::snprintf(buf, sizeof(buf), "%.3f ms", seconds * 1000);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3f s", seconds);
  }
  return buf;
}

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

Shell::Shell(ShellConfig config, ShellConnectionFactory* factory, std::ostream* out,
             std::ostream* notices)
    : config_(std::move(config)),
      factory_(factory),
      out_(out),
      notices_(notices),
      conn_(factory->Create()),
      current_(config_.endpoint),
      format_(config_.format),
      show_connection_status_(config_.show_connection_status),
      logging_(config_.logging),
      date_log_(config_.date_log),
      logfile_(config_.logfile),
      session_date_(LogDateStamp()) {
  RegisterFunctions();
}

Shell::~Shell() = default;

std::string Shell::ConnectAtStartup(bool* connected) {
  std::string error;
  *connected = ConnectAny(&error);
  if (*connected) {
    return "Connected to " + current_.host + " on port " + std::to_string(current_.port);
  }
  return "Not connected: " + error + "\nUse 'reconnect;' or 'connect \"host:port\";' to retry.";
}

std::string Shell::Prompt() const {
  std::string prefix;
  if (show_connection_status_) {
    prefix = std::string(conn_->is_open() ? kGreenTick : kRedCross) + " ";
  }
  return prefix + "quanta-shell(" + std::to_string(counter_) + ")>";
}

std::string Shell::ContinuationPrompt() const {
  // The emoji prefix is two columns wide on most terminals.
  size_t width = DisplayWidth(Prompt()) + (show_connection_status_ ? 1 : 0);
  return std::string(width > 2 ? width - 2 : 0, ' ') + "->";
}

void Shell::Notice(const std::string& text) { *notices_ << text << "\n" << std::flush; }

bool Shell::ConnectAny(std::string* error) {
  std::vector<Endpoint> order{current_};
  for (const Endpoint& e : config_.AllNodes()) {
    if (!(e == current_)) order.push_back(e);
  }
  std::string errors;
  for (const Endpoint& e : order) {
    ShellError st = conn_->Open(e);
    if (st.ok()) {
      current_ = e;
      return true;
    }
    if (!errors.empty()) errors += "; ";
    errors += e.ToString() + ": " + st.message;
  }
  *error = errors;
  return false;
}

bool Shell::EnsureConnected(std::string* error) {
  if (conn_->is_open()) return true;
  if (!ConnectAny(error)) return false;
  Notice("Connected to " + current_.host + " on port " + std::to_string(current_.port));
  return true;
}

CommandOutcome Shell::Execute(const std::string& command) {
  rerun_command_.clear();
  if (IsSqlCommand(command)) return ExecuteSql(command);
  return ExecuteShellCommand(command);
}

CommandOutcome Shell::ExecuteSql(const std::string& sql) {
  CommandOutcome o;
  std::string error;
  if (!EnsureConnected(&error)) {
    o.text = "Error: not connected to quanta (" + error + ")";
    o.error = true;
    return o;
  }
  const SqlInfo info = AnalyzeSql(sql);
  ResultSet rs;
  auto start = std::chrono::steady_clock::now();
  ShellError st = conn_->Query(sql, &rs);
  if (st.transport()) {
    Notice("Connection to " + current_.ToString() + " lost: " + st.message);
    conn_->Close();
    if (!ConnectAny(&error)) {
      o.text = "Error: connection lost (" + st.message + "); reconnection failed: " + error;
      o.error = true;
      return o;
    }
    Notice("Reconnected to " + current_.host + " on port " + std::to_string(current_.port));
    if (!IsRetryable(info.kind)) {
      o.text = "Error: the connection was lost while the statement ran (" + st.message +
               "); it was not re-sent, check whether it was applied.";
      o.error = true;
      return o;
    }
    rs = ResultSet();
    start = std::chrono::steady_clock::now();
    st = conn_->Query(sql, &rs);
    if (st.transport()) {
      conn_->Close();
      o.text = "Error: connection lost again (" + st.message + ")";
      o.error = true;
      return o;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!st.ok()) {
    o.text = RenderServerError(st.code, st.message);
    o.error = true;
    return o;
  }
  o.text = RenderSqlReply(info, rs, format_);
  if (format_ == OutputFormat::kTable) {
    const bool table = !rs.rows.empty() && info.kind != SqlKind::kShowCreateTable;
    if (table) {
      const size_t n = rs.rows.size();
      o.footer =
          "(" + std::to_string(n) + (n == 1 ? " row, " : " rows, ") + FormatElapsed(seconds) + ")";
    } else {
      o.footer = "(" + FormatElapsed(seconds) + ")";
    }
  }
  return o;
}

CommandOutcome Shell::ExecuteShellCommand(const std::string& command) {
  CommandOutcome o;
  ShellCommand cmd;
  std::string error;
  if (!ParseShellCommand(command, &cmd, &error)) {
    o.text = "Error: " + error;
    o.error = true;
    o.history = false;
    return o;
  }
  auto it = functions_.find(cmd.name);
  if (it == functions_.end()) {
    o.text = "Extension " + cmd.name + " not implemented.";
    o.error = true;
    o.history = false;
    return o;
  }
  const Function& fn = it->second;
  if (cmd.args.size() < fn.min_args || cmd.args.size() > fn.max_args) {
    std::string args;
    for (const std::string& a : cmd.args) args += " " + a;
    o.text = "Error: invalid function call : " + cmd.name + args;
    auto help = FunctionHelp(cmd.name);
    if (help) o.text += "\n" + *help;
    o.error = true;
    return o;
  }
  return (this->*fn.run)(cmd.args);
}

void Shell::Print(const CommandOutcome& o) {
  if (!o.text.empty()) *out_ << o.text << "\n";
  if (!o.footer.empty()) *out_ << o.footer << "\n";
  out_->flush();
}

bool Shell::RunCommand(const std::string& command, bool echo) {
  if (echo) *out_ << Prompt() << CommandText(command) << "\n";
  CommandOutcome o = Execute(command);
  Print(o);
  const std::string entry = rerun_command_.empty() ? CommandText(command) : rerun_command_;
  if (logging_ && o.log) AppendToLog(entry, o.text);
  if (reset_counter_) {
    reset_counter_ = false;
    counter_ = 1;
    return !o.error;
  }
  if (o.history) history_.Add(counter_, entry);
  ++counter_;
  return !o.error;
}

bool Shell::RunScript(const std::string& text, bool echo) {
  bool ok = true;
  for (const std::string& command : SplitStatements(text)) {
    if (!RunCommand(command, echo)) ok = false;
    if (quit_) break;
  }
  return ok;
}

std::string Shell::LogPath() const {
  std::string base = logfile_;
  const std::string ext = ".log";
  const bool has_ext =
      base.size() >= ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0;
  if (date_log_) {
    if (has_ext) base.resize(base.size() - ext.size());
    return base + "." + session_date_ + ext;
  }
  return has_ext ? base : base + ext;
}

void Shell::AppendToLog(const std::string& command, const std::string& result) {
  const std::string path = LogPath();
  std::ofstream f(path, std::ios::app | std::ios::binary);
  if (f) f << FormatLogEntry({command, result});
  if (!f) {
    Notice("Cannot log to '" + path + "'; logging turned off.");
    logging_ = false;
  }
}

bool Shell::ReplayFile(const std::string& path, bool regression) {
  CommandOutcome o = Replay(path, regression);
  Print(o);
  return !o.error;
}

CommandOutcome Shell::Replay(const std::string& path, bool regression) {
  CommandOutcome o;
  o.log = false;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    o.text = "File \"" + path + "\" does not exist.";
    o.error = true;
    return o;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  const std::string text = buf.str();

  std::vector<LogEntry> entries;
  bool have_results = LooksLikeSessionLog(text);
  if (have_results) {
    std::string error;
    if (!ParseSessionLog(text, &entries, &error)) {
      o.text = "File \"" + path + "\" is corrupted (" + error + ").";
      o.error = true;
      return o;
    }
  } else {
    for (const std::string& c : SplitStatements(text)) entries.push_back({CommandText(c), ""});
  }
  if (regression && !have_results) {
    o.text = "File \"" + path + "\" is not a session log: there are no results to compare.";
    o.error = true;
    return o;
  }

  *out_ << "\n" << (regression ? "Regression Testing \"" : "Replaying \"") << path << "\"\n";
  ++replay_depth_;
  int n = 1;
  int failures = 0;
  bool any_error = false;
  for (const LogEntry& e : entries) {
    for (const std::string& command : SplitStatements(e.command)) {
      const std::string word = FirstWord(command);
      if (word == "load" || word == "regression_log" || word == "replay_log") continue;
      if (!regression) *out_ << "replay (" << n << ")> " << CommandText(command) << "\n";
      CommandOutcome r = Execute(command);
      if (r.error) any_error = true;
      if (regression) {
        if (StripTrailingNewlines(r.text) != StripTrailingNewlines(e.result)) {
          ++failures;
          *out_ << "Cmd \"" << CommandText(command) << "\" (" << n << ") failed\n"
                << "Got:\n- " << r.text << "\nExpected:\n- " << e.result << "\n";
        }
      } else {
        if (!r.text.empty()) *out_ << r.text << "\n";
      }
      out_->flush();
      ++n;
      if (quit_) break;
    }
    if (quit_) break;
  }
  --replay_depth_;
  if (regression) {
    if (failures == 0) {
      o.text = "No Regression Errors.";
    } else {
      o.text =
          std::to_string(failures) + (failures == 1 ? " regression error." : " regression errors.");
      o.error = true;
    }
  } else {
    o.error = any_error;
  }
  return o;
}

}  // namespace quanta::shell
