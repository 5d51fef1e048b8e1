// The shell functions of quanta-shell (riak-shell's connection, history, log and shell
// extensions, plus help); see shell.h and help_text.h for what each one does.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

#include "command_parser.h"
#include "help_text.h"
#include "shell.h"

namespace quanta::shell {
namespace {

constexpr const char* kGreenTick = "\xE2\x9C\x85";
constexpr const char* kRedCross = "\xE2\x9D\x8C";

CommandOutcome Ok(std::string text) {
  CommandOutcome o;
  o.text = std::move(text);
  return o;
}

CommandOutcome Fail(std::string text) {
  CommandOutcome o;
  o.text = std::move(text);
  o.error = true;
  return o;
}

// on/off toggles; nullopt for anything else.
std::optional<bool> OnOff(const std::string& v) {
  if (v == "on") return true;
  if (v == "off") return false;
  return std::nullopt;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string HostPort(const Endpoint& e) { return e.host + " on port " + std::to_string(e.port); }

}  // namespace

void Shell::RegisterFunctions() {
  functions_ = {
      {"connect", {1, 2, &Shell::FnConnect}},
      {"connection_prompt", {1, 1, &Shell::FnConnectionPrompt}},
      {"ping", {0, 1, &Shell::FnPing}},
      {"reconnect", {0, 0, &Shell::FnReconnect}},
      {"show_connection", {0, 0, &Shell::FnShowConnection}},
      {"show_cookie", {0, 0, &Shell::FnShowCookie}},
      {"show_nodes", {0, 0, &Shell::FnShowNodes}},
      {"clear_history", {0, 0, &Shell::FnClearHistory}},
      {"h", {1, 1, &Shell::FnHistory}},
      {"history", {0, 1, &Shell::FnHistory}},
      {"show_history", {0, 0, &Shell::FnShowHistory}},
      {"date_log", {1, 1, &Shell::FnDateLog}},
      {"log", {1, 1, &Shell::FnLog}},
      {"logfile", {1, 1, &Shell::FnLogfile}},
      {"regression_log", {1, 1, &Shell::FnRegressionLog}},
      {"replay_log", {0, 1, &Shell::FnReplayLog}},
      {"show_log_status", {0, 0, &Shell::FnShowLogStatus}},
      {"about", {0, 0, &Shell::FnAbout}},
      {"format", {0, 1, &Shell::FnFormat}},
      {"q", {0, 0, &Shell::FnQuit}},
      {"quit", {0, 0, &Shell::FnQuit}},
      {"show_config", {0, 0, &Shell::FnShowConfig}},
      {"show_version", {0, 0, &Shell::FnShowVersion}},
      {"help", {0, 3, &Shell::FnHelp}},
  };
}

// ---- connection ----

CommandOutcome Shell::FnConnect(const Args& a) {
  Endpoint e;
  std::string target = a[0];
  if (a.size() == 2) target = a[0] + ":" + a[1];
  if (!ParseEndpoint(target, config_.endpoint.port, &e)) {
    return Fail("Error: '" + target + "' is not a node; use \"host:port\".");
  }
  ShellError st = conn_->Open(e);
  if (!st.ok()) return Fail("Connection to " + e.ToString() + " failed: " + st.message);
  current_ = e;
  return Ok("Connected to " + HostPort(e));
}

CommandOutcome Shell::FnConnectionPrompt(const Args& a) {
  auto v = OnOff(a[0]);
  if (!v) {
    return Fail("Invalid parameter passed to connection_prompt " + a[0] +
                ". Should be 'off' or 'on'.");
  }
  show_connection_status_ = *v;
  return Ok(*v ? "Connection Prompt turned on" : "Connection Prompt turned off");
}

CommandOutcome Shell::FnPing(const Args& a) {
  std::vector<Endpoint> targets;
  if (a.empty()) {
    targets = config_.AllNodes();
    if (std::find(targets.begin(), targets.end(), current_) == targets.end()) {
      targets.insert(targets.begin(), current_);
    }
  } else {
    Endpoint e;
    if (!ParseEndpoint(a[0], config_.endpoint.port, &e)) {
      return Fail("Error: '" + a[0] + "' is not a node; use \"host:port\".");
    }
    targets.push_back(e);
  }
  std::string text;
  bool all_up = true;
  for (const Endpoint& e : targets) {
    auto start = std::chrono::steady_clock::now();
    ShellError st;
    if (e == current_ && conn_->is_open()) {
      st = conn_->Ping();
      if (st.transport()) conn_->Close();
    } else {
      std::unique_ptr<ShellConnection> probe = factory_->Create();
      st = probe->Open(e);
      if (st.ok()) st = probe->Ping();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const bool up = st.ok();
    all_up = all_up && up;
    std::string line = e.ToString() + ": ";
    if (show_connection_status_) line += std::string(up ? kGreenTick : kRedCross) + " ";
    if (up) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.1f ms", ms);
      line += "(connected) " + std::string(buf);
    } else {
      line += "(disconnected) " + st.message;
    }
    if (!text.empty()) text += "\n";
    text += line;
  }
  CommandOutcome o = Ok(text);
  o.log = false;  // timings differ on every run
  o.error = !all_up;
  return o;
}

CommandOutcome Shell::FnReconnect(const Args&) {
  conn_->Close();
  std::string error;
  if (!ConnectAny(&error)) return Fail("Reconnection failed: " + error);
  return Ok("Reconnected to " + HostPort(current_));
}

CommandOutcome Shell::FnShowConnection(const Args&) {
  if (!conn_->is_open()) return Ok("quanta-shell is not connected to quanta");
  return Ok("quanta-shell is connected to: " + HostPort(current_));
}

CommandOutcome Shell::FnShowCookie(const Args&) {
  return Ok("quanta-shell connects over Protocol Buffers and uses no Erlang cookie.");
}

CommandOutcome Shell::FnShowNodes(const Args&) {
  std::string text = "The connected nodes are: [";
  if (conn_->is_open()) text += current_.ToString();
  text += "]";
  const std::vector<Endpoint> all = config_.AllNodes();
  if (all.size() > 1) {
    text += "\nThe configured nodes are: [";
    for (size_t i = 0; i < all.size(); ++i) text += (i ? ", " : "") + all[i].ToString();
    text += "]";
  }
  return Ok(text);
}

// ---- history ----

CommandOutcome Shell::FnClearHistory(const Args&) {
  history_.Clear();
  reset_counter_ = true;
  if (clear_history_hook_) clear_history_hook_();
  CommandOutcome o = Ok("History has been cleared.");
  o.history = false;
  return o;
}

CommandOutcome Shell::FnHistory(const Args& a) {
  if (a.empty()) return FnShowHistory(a);
  int n = 0;
  auto [p, ec] = std::from_chars(a[0].data(), a[0].data() + a[0].size(), n);
  if (ec != std::errc() || p != a[0].data() + a[0].size() || n <= 0) {
    return Fail("The value '" + a[0] + "' must be a positive integer.");
  }
  const std::string* found = history_.Find(n);
  if (found == nullptr) return Fail("Error: there is no history for " + std::to_string(n));
  const std::string entry = *found;
  std::string command = entry;
  if (!command.empty() && command.back() == ';') command.pop_back();
  if (FirstWord(command) == "h" || FirstWord(command) == "history") {
    return Fail("Error: history " + std::to_string(n) + " is itself a history command.");
  }
  CommandOutcome inner = Execute(command);
  rerun_command_ = entry;
  inner.text =
      "rerun (" + std::to_string(n) + ")> " + entry + (inner.text.empty() ? "" : "\n" + inner.text);
  return inner;
}

CommandOutcome Shell::FnShowHistory(const Args&) {
  std::string text = history_.Render();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return Ok(text);
}

// ---- log ----

CommandOutcome Shell::FnDateLog(const Args& a) {
  auto v = OnOff(a[0]);
  if (!v) {
    return Fail("Invalid parameter passed to date_log " + a[0] + ". Should be 'off' or 'on'.");
  }
  date_log_ = *v;
  return Ok(*v ? "Log files will contain a date/time stamp."
               : "Log files will not contain a date/time stamp.");
}

CommandOutcome Shell::FnLog(const Args& a) {
  auto v = OnOff(a[0]);
  if (!v) {
    return Fail("Invalid parameter passed to log " + a[0] + ". Should be 'off' or 'on'.");
  }
  logging_ = *v;
  CommandOutcome o = Ok(*v ? "Logging turned on." : "Logging turned off.");
  o.log = false;
  return o;
}

CommandOutcome Shell::FnLogfile(const Args& a) {
  if (a[0] == "default") {
    logfile_ = config_.logfile;
    return Ok("Log file changed to " + Quoted(logfile_) + " (default)");
  }
  if (a[0].empty()) return Fail("Filename \"\" must be a string.");
  logfile_ = a[0];
  return Ok("Log file changed to " + Quoted(logfile_));
}

CommandOutcome Shell::FnRegressionLog(const Args& a) {
  if (replay_depth_ > 0) return Ok("");
  return Replay(a[0], /*regression=*/true);
}

CommandOutcome Shell::FnReplayLog(const Args& a) {
  if (replay_depth_ > 0) return Ok("");
  return Replay(a.empty() ? LogPath() : a[0], /*regression=*/false);
}

CommandOutcome Shell::FnShowLogStatus(const Args&) {
  return Ok(std::string("Logging     : ") + (logging_ ? "on" : "off") + "\n" +
            "Date Log    : " + (date_log_ ? "on" : "off") + "\n" +
            "Logfile     : " + Quoted(LogPath()) + "\n" + "Current Date: " + Quoted(session_date_));
}

// ---- shell ----

CommandOutcome Shell::FnAbout(const Args&) {
  return Ok(
      "quanta-shell is the riak-shell of Quanta, a drop-in replacement server for Riak TS\n"
      "1.5.2. It sends SQL to one node over Protocol Buffers and prints the answers the way\n"
      "riak-shell did; everything else you type is a shell command. Type 'help;' for them.");
}

CommandOutcome Shell::FnFormat(const Args& a) {
  if (a.empty()) return Ok("The output format is " + std::string(OutputFormatName(format_)) + ".");
  auto f = ParseOutputFormat(a[0]);
  if (!f) {
    return Fail("Invalid parameter passed to format " + a[0] +
                ". Should be 'table', 'csv' or 'json'.");
  }
  format_ = *f;
  return Ok("Output format set to " + std::string(OutputFormatName(format_)) + ".");
}

CommandOutcome Shell::FnQuit(const Args&) {
  quit_ = true;
  CommandOutcome o = Ok("Toodle Ooh!");
  o.log = false;
  return o;
}

CommandOutcome Shell::FnShowConfig(const Args&) {
  ShellConfig c = config_;
  c.endpoint = current_;
  c.format = format_;
  c.logging = logging_;
  c.date_log = date_log_;
  c.logfile = logfile_;
  c.show_connection_status = show_connection_status_;
  return Ok("The config is:\n" + c.Describe());
}

CommandOutcome Shell::FnShowVersion(const Args&) {
  std::string text =
      "quanta-shell " + std::string(kShellVersion) + " (riak_shell 1.5.2 compatible)";
  if (conn_->is_open()) {
    ServerInfo info;
    ShellError st = conn_->GetServerInfo(&info);
    if (st.ok()) {
      text += "\nserver: " + info.node + " " + info.server_version;
    } else if (st.transport()) {
      conn_->Close();
    }
  }
  return Ok(text);
}

CommandOutcome Shell::FnHelp(const Args& a) {
  if (a.empty()) return Ok(GeneralHelp());
  std::string first;
  for (char c : a[0])
    first.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (first == "sql") {
    if (a.size() == 1) return Ok(SqlHelp());
    auto h = SqlStatementHelp(a[1]);
    if (!h) return Fail("There is no help for sql " + a[1] + ". See 'help sql;'");
    return Ok(*h);
  }
  if (a.size() == 1) {
    if (auto h = ExtensionHelp(first)) return Ok(*h);
    if (auto h = FunctionHelp(first)) return Ok(*h);
    return Fail("No such extension found: " + a[0] + ". See 'help;'");
  }
  for (const auto& f : ShellFunctions()) {
    if (f.extension == first && f.name == a[1]) return Ok(std::string(f.help));
  }
  return Fail("There is no help for " + a[0] + " : " + a[1]);
}

}  // namespace quanta::shell
