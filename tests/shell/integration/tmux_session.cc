// tmux-driven terminal sessions; see tmux_session.h.
#include "tmux_session.h"

#include <cstdio>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "test_env.h"

namespace quanta::shell::testing {

TmuxSession::TmuxSession(const std::string& dir) {
  // A socket per session: a killed server may still hold the previous one for a moment.
  static int counter = 0;
  unsetenv("TMUX");  // a test run from inside tmux must not look like a nested client
  socket_ = dir + "/tmux" + std::to_string(++counter) + ".sock";
}

TmuxSession::~TmuxSession() { Tmux({"kill-server"}); }

std::string TmuxSession::Tmux(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {TMUX_PATH, "-S", socket_, "-f", "/dev/null"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv).out;
}

bool TmuxSession::Start(const std::vector<std::string>& argv) {
  // The program runs under a small sh wrapper that prints its exit status: tmux 3.3 sometimes
  // marks a pane dead without recording the status. The wrapper ignores SIGINT itself (the
  // program installs its own handler), so Ctrl-C reaches only the program.
  std::vector<std::string> args = {"new-session", "-d", "-s", "t",          "-x", "200",
                                   "-y",          "50", "-e", "TERM=xterm", "--",
                                   "/bin/sh",     "-c",
                                   "trap '' INT; \"$@\"; echo \"[exited $?]\"", "sh"};
  args.insert(args.end(), argv.begin(), argv.end());
  args.insert(args.end(), {";", "set-option", "-t", "t", "remain-on-exit", "on", ";", "set-option",
                           "-t", "t", "history-limit", "10000"});
  Tmux(args);
  return Tmux({"list-sessions"}).find("t:") != std::string::npos;
}

void TmuxSession::Type(const std::string& text) {
  // tmux reads an argument ending in ';' as a command separator; "\;" is a literal ';'.
  std::string arg = text;
  if (!arg.empty() && arg.back() == ';') arg.insert(arg.size() - 1, "\\");
  Tmux({"send-keys", "-t", "t", "-l", arg});
}

void TmuxSession::Key(const std::string& key) { Tmux({"send-keys", "-t", "t", key}); }

std::string TmuxSession::Screen() {
  return Tmux({"capture-pane", "-p", "-J", "-t", "t", "-S", "-", "-E", "-"});
}

bool TmuxSession::WaitFor(const std::string& needle, int count, int timeout_ms) {
  // After one miss the session is probably off track: fail the rest quickly so a broken test
  // ends well within its ctest timeout.
  if (missed_) timeout_ms = std::min(timeout_ms, 1000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    last_screen_ = Screen();
    if (CountOccurrences(last_screen_, needle) >= count) return true;
    if (std::chrono::steady_clock::now() > deadline) {
      missed_ = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int TmuxSession::WaitForExit(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string screen = Screen();
    const size_t at = screen.rfind("[exited ");
    if (at != std::string::npos) {
      size_t digits = at + 8;
      if (digits < screen.size() && std::isdigit(static_cast<unsigned char>(screen[digits]))) {
        return std::atoi(screen.c_str() + digits);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  if (needle.empty()) return 0;
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace quanta::shell::testing
