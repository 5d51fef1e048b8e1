// readline-based input; see line_editor.h.
#include "line_editor.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <sys/select.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace quanta::shell {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void OnSigint(int) { g_interrupted = 1; }

// State shared with the readline callback (readline allows one handler at a time).
struct CallbackState {
  bool done = false;
  bool eof = false;
  std::string line;
};
CallbackState* g_state = nullptr;

std::vector<std::string>* g_words = nullptr;

bool StartsWithNoCase(const std::string& word, const char* prefix) {
  for (size_t i = 0; prefix[i] != '\0'; ++i) {
    if (i >= word.size() || std::tolower(static_cast<unsigned char>(word[i])) !=
                                std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

char* NextCompletion(const char* text, int state) {
  static size_t index;
  if (state == 0) index = 0;
  while (g_words != nullptr && index < g_words->size()) {
    const std::string& w = (*g_words)[index++];
    if (StartsWithNoCase(w, text)) return strdup(w.c_str());
  }
  return nullptr;
}

char** Complete(const char* text, int start, int end) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  return rl_completion_matches(text, NextCompletion);
}

void OnLine(char* text) {
  if (text == nullptr) {
    g_state->eof = true;
  } else {
    g_state->line = text;
    std::free(text);
  }
  g_state->done = true;
  // Removing the handler here stops readline from printing the prompt again.
  rl_callback_handler_remove();
}

}  // namespace

LineEditor::LineEditor(std::string history_file, int history_size,
                       std::vector<std::string> completion_words)
    : history_file_(std::move(history_file)),
      history_size_(history_size),
      words_(std::move(completion_words)) {
  g_words = &words_;
  rl_readline_name = "quanta-shell";
  rl_attempted_completion_function = Complete;
  rl_catch_signals = 0;  // SIGINT is ours (below)
  rl_catch_sigwinch = 1;
  using_history();
  if (history_size_ > 0) stifle_history(history_size_);
  if (!history_file_.empty()) read_history(history_file_.c_str());

  struct sigaction sa {};
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: select() must wake up
  sigaction(SIGINT, &sa, nullptr);
}

LineEditor::~LineEditor() {
  g_words = nullptr;
  if (!history_file_.empty() && history_size_ > 0) {
    history_truncate_file(history_file_.c_str(), history_size_);
  }
}

LineEditor::Result LineEditor::ReadLine(const std::string& prompt, std::string* line) {
  CallbackState state;
  g_state = &state;
  g_interrupted = 0;
  rl_callback_handler_install(prompt.c_str(), OnLine);
  Result result = Result::kLine;
  while (!state.done) {
    fd_set fds;
    FD_ZERO(&fds);
    const int fd = fileno(rl_instream != nullptr ? rl_instream : stdin);
    FD_SET(fd, &fds);
    int n = select(fd + 1, &fds, nullptr, nullptr, nullptr);
    if (g_interrupted) {
      g_interrupted = 0;
      // Abandon the current line: clear readline's buffer and show a fresh prompt later.
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_cleanup_after_signal();
      rl_callback_handler_remove();
      std::fputs("^C\n", rl_outstream != nullptr ? rl_outstream : stdout);
      std::fflush(rl_outstream != nullptr ? rl_outstream : stdout);
      result = Result::kInterrupted;
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();
      result = Result::kEof;
      break;
    }
    if (n > 0) rl_callback_read_char();
  }
  if (state.done) {
    if (state.eof) {
      result = Result::kEof;
    } else {
      *line = state.line;
    }
  }
  g_state = nullptr;
  return result;
}

void LineEditor::AddHistory(const std::string& command) {
  if (command.find_first_not_of(" \t\r\n") == std::string::npos) return;
  HIST_ENTRY* last = history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
  if (last != nullptr && last->line != nullptr && command == last->line) return;
  add_history(command.c_str());
  if (!history_file_.empty() && history_size_ > 0) {
    // append_history() needs the file to exist.
    std::ofstream touch(history_file_, std::ios::app);
    touch.close();
    append_history(1, history_file_.c_str());
  }
}

void LineEditor::ClearHistory() {
  clear_history();
  if (!history_file_.empty()) {
    std::ofstream truncate(history_file_, std::ios::trunc);
  }
}

}  // namespace quanta::shell
