// Helpers for the quanta-shell integration tests: a real quantad on free ports with a temporary
// data directory, running quanta-shell as a child process, and temporary directories.
//
// Binary paths come from the build (QUANTAD_PATH, QUANTA_SHELL_PATH, SHELL_TEST_DATA_DIR).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace quanta::shell::testing {

// A fresh directory under $TMPDIR, removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A TCP port nobody listens on right now (bind to port 0, read it back, close).
uint16_t FreePort();

// True once something accepts TCP connections on 127.0.0.1:port (polls up to `timeout_ms`).
bool WaitForPort(uint16_t port, int timeout_ms);

// quantad on 127.0.0.1 with its own data directory; stopped (SIGTERM, then SIGKILL) by Stop()
// or the destructor.
class Quantad {
 public:
  Quantad();
  ~Quantad();
  Quantad(const Quantad&) = delete;
  Quantad& operator=(const Quantad&) = delete;

  // Starts the server (again, after Stop(), on the same ports and data) and waits until the PB
  // port accepts connections. Returns false with a reason in `error()`.
  bool Start();
  void Stop();
  uint16_t pb_port() const { return pb_port_; }
  const std::string& error() const { return error_; }

 private:
  bool StartOnce();

  TempDir dir_;
  bool started_ = false;
  uint16_t pb_port_;
  uint16_t http_port_;
  pid_t pid_ = -1;
  std::string error_;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) with `stdin_text` as its input; waits for it.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text = "");

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);

}  // namespace quanta::shell::testing
