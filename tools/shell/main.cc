// quanta-shell: the riak-shell of Quanta (docs/shell.md). Parses flags and the config file,
// connects over Protocol Buffers, then runs -e statements, a -f file, a -r regression, or the
// interactive readline loop.
#include <unistd.h>

#include <clocale>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "help_text.h"
#include "line_editor.h"
#include "pb_shell_connection.h"
#include "session_log.h"
#include "shell.h"
#include "shell_config.h"
#include "statement_splitter.h"

namespace {

using quanta::shell::CommandLine;
using quanta::shell::LineEditor;
using quanta::shell::Shell;
using quanta::shell::ShellConfig;
using quanta::shell::StatementSplitter;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::string DefaultHistoryFile() {
  if (const char* env = std::getenv("QUANTA_SHELL_HISTORY")) return env;
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.quanta_shell_history";
  return "";
}

// Feeds lines to the shell, printing prompts only when `editor` is given (a terminal). Piped
// input exits with status 1 when a command failed, like -f.
int Interactive(Shell* shell, LineEditor* editor) {
  StatementSplitter splitter;
  bool ok = true;
  while (!shell->quit_requested()) {
    std::string line;
    if (editor != nullptr) {
      const std::string prompt = splitter.pending() ? shell->ContinuationPrompt() : shell->Prompt();
      LineEditor::Result r = editor->ReadLine(prompt, &line);
      if (r == LineEditor::Result::kInterrupted) {
        splitter.Reset();
        continue;
      }
      if (r == LineEditor::Result::kEof) {
        std::cout << "\n";
        break;
      }
    } else if (!std::getline(std::cin, line)) {
      break;
    }
    std::vector<std::string> commands;
    splitter.AddText(line, &commands);
    for (const std::string& c : commands) {
      if (editor != nullptr) editor->AddHistory(Shell::CommandText(c));
      if (!shell->RunCommand(c)) ok = false;
      if (shell->quit_requested()) break;
    }
  }
  if (!shell->quit_requested()) {
    // End of input: a last command without ';' still runs (piped scripts); Ctrl-D at the
    // prompt says goodbye like quit.
    std::string rest = splitter.TakePending();
    if (!rest.empty() && !shell->RunCommand(rest)) ok = false;
    if (editor != nullptr && !shell->quit_requested()) shell->RunCommand("quit");
  }
  return editor != nullptr || ok ? kExitOk : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);

  CommandLine cl;
  std::string error = quanta::shell::ParseCommandLine(argc, argv, &cl);
  if (!error.empty()) {
    std::cerr << "quanta-shell: " << error << "\n\n" << quanta::shell::UsageText();
    return kExitUsage;
  }
  if (cl.help) {
    std::cout << quanta::shell::UsageText();
    return kExitOk;
  }
  if (cl.version) {
    std::cout << "quanta-shell " << quanta::shell::kShellVersion
              << " (riak_shell 1.5.2 compatible)\n";
    return kExitOk;
  }

  ShellConfig config;
  config.history_file = DefaultHistoryFile();
  // Regression logs are recorded in csv (riak-shell's test format) unless told otherwise.
  if (cl.mode == CommandLine::Mode::kRegression) config.format = quanta::shell::OutputFormat::kCsv;
  if (!cl.config_file.empty()) {
    error = quanta::shell::LoadConfigFile(&config, cl.config_file);
    if (!error.empty()) {
      std::cerr << "quanta-shell: " << error << "\n";
      return kExitUsage;
    }
  }
  for (const auto& [key, value] : cl.overrides) {
    error = quanta::shell::ApplyConfigSetting(&config, key, value);
    if (!error.empty()) {
      std::cerr << "quanta-shell: " << error << "\n";
      return kExitUsage;
    }
  }

  auto factory = quanta::shell::MakePbConnectionFactory(config.connect_timeout_ms);
  Shell shell(config, factory.get(), &std::cout, &std::cerr);

  bool connected = false;
  const bool interactive = cl.mode == CommandLine::Mode::kInteractive;
  const bool tty = interactive && isatty(STDIN_FILENO) != 0;
  if (tty) {
    std::cout << "quanta-shell " << quanta::shell::kShellVersion
              << ", use 'quit;' or 'q;' to exit or 'help;' for help\n";
  }
  std::string message = shell.ConnectAtStartup(&connected);
  if (tty) {
    std::cout << message << "\n";
  } else if (!connected) {
    std::cerr << "quanta-shell: " << message << "\n";
  }

  switch (cl.mode) {
    case CommandLine::Mode::kEval: {
      bool ok = true;
      for (const std::string& text : cl.eval) {
        if (!shell.RunScript(text, cl.echo)) ok = false;
        if (shell.quit_requested()) break;
      }
      return ok ? kExitOk : kExitFailed;
    }
    case CommandLine::Mode::kFile: {
      std::ifstream in(cl.file, std::ios::binary);
      if (!in) {
        std::cerr << "quanta-shell: cannot read '" << cl.file << "'\n";
        return kExitFailed;
      }
      std::stringstream text;
      text << in.rdbuf();
      bool ok = quanta::shell::LooksLikeSessionLog(text.str())
                    ? shell.ReplayFile(cl.file, /*regression=*/false)
                    : shell.RunScript(text.str(), cl.echo);
      return ok ? kExitOk : kExitFailed;
    }
    case CommandLine::Mode::kRegression:
      return shell.ReplayFile(cl.file, /*regression=*/true) ? kExitOk : kExitFailed;
    case CommandLine::Mode::kInteractive:
      break;
  }

  if (!tty) return Interactive(&shell, nullptr);
  // Multibyte input and the emoji of the connection prompt need the terminal's character set;
  // numbers are formatted without locales, so LC_CTYPE is enough.
  std::setlocale(LC_CTYPE, "");
  LineEditor editor(config.history_file, config.history_size, quanta::shell::CompletionWords());
  shell.set_clear_history_hook([&editor] { editor.ClearHistory(); });
  return Interactive(&shell, &editor);
}
