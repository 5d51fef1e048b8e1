// TmuxSession: runs a program in a private tmux server (its own socket, no user config) so a
// test can type into a real terminal and read the screen as a user sees it (readline's
// redisplay already applied). Needs the tmux binary (TMUX_PATH).
#pragma once

#include <string>
#include <vector>

namespace quanta::shell::testing {

class TmuxSession {
 public:
  // `dir` holds the tmux socket.
  explicit TmuxSession(const std::string& dir);
  ~TmuxSession();  // kills the tmux server
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  // Starts `argv` in a detached 200x50 window; the pane stays after the program exits.
  bool Start(const std::vector<std::string>& argv);

  void Type(const std::string& text);     // literal keys
  void Key(const std::string& key);       // tmux key name: Enter, C-c, Up, C-d
  void TypeLine(const std::string& text)  // text + Enter
  {
    Type(text);
    Key("Enter");
  }

  // Everything printed so far (scroll-back included), wrapped lines joined.
  std::string Screen();

  // Waits until `needle` occurs at least `count` times on the screen. On timeout returns false;
  // the last screen is in last_screen(). After a timeout, later waits give up after 1 s.
  bool WaitFor(const std::string& needle, int count = 1, int timeout_ms = 15000);
  const std::string& last_screen() const { return last_screen_; }

  // Waits for the program to exit; its exit status, or -1 on timeout.
  int WaitForExit(int timeout_ms = 15000);

 private:
  std::string Tmux(const std::vector<std::string>& args);

  std::string socket_;
  std::string last_screen_;
  bool missed_ = false;
};

// Occurrences of `needle` in `text`.
int CountOccurrences(const std::string& text, const std::string& needle);

}  // namespace quanta::shell::testing
