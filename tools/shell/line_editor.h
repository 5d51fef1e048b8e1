// LineEditor: interactive line input for quanta-shell on top of GNU readline, with a persistent
// history file shared by sessions.
//
// Uses readline's callback interface so that Ctrl-C at the prompt abandons the line being typed
// (and the caller drops a half-entered multi-line command) instead of killing the shell. Tab
// completes command words instead of file names. Each
// complete command is one history entry; the file is appended to after every command, so a
// killed session loses nothing, and trimmed to `history_size` entries.
//
// Thread safety: none; readline is process-global, so at most one LineEditor may exist.
#pragma once

#include <string>
#include <vector>

namespace quanta::shell {

class LineEditor {
 public:
  // `history_file` "" disables persistence. Tab completes the first word from
  // `completion_words` (case-insensitive; SQL keywords and shell commands).
  LineEditor(std::string history_file, int history_size, std::vector<std::string> completion_words);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  enum class Result { kLine, kEof, kInterrupted };
  // Shows `prompt` and reads one line (pasted text may hold several).
  Result ReadLine(const std::string& prompt, std::string* line);

  // Adds a complete command to the history (memory and file). Blank commands and repeats of
  // the previous entry are skipped.
  void AddHistory(const std::string& command);

  // Forgets the in-memory history and empties the history file.
  void ClearHistory();

 private:
  std::string history_file_;
  int history_size_;
  std::vector<std::string> words_;
};

}  // namespace quanta::shell
