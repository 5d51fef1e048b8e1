// A progress line on standard error for the commands that move rows (export, import-csv,
// import): redrawn in place on a terminal at most five times a second, or, when asked for with
// --progress while stderr is not a terminal, one line per second (logs).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace quanta::admin {

class Progress {
 public:
  // `asked`: --progress was given.
  explicit Progress(bool asked)
      : tty_(::isatty(STDERR_FILENO) != 0), enabled_(asked || tty_),
        start_(std::chrono::steady_clock::now()), last_(start_) {}

  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // rows/s since the start.
  double rate(uint64_t rows) const {
    const double s = seconds();
    return s > 0 ? static_cast<double>(rows) / s : 0;
  }

  // `what` is the whole line but the rate: "rows 12000 (partitions 3/10)".
  void Update(uint64_t rows, const std::string& what, bool force = false) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);
    if (!force && now - last_ < every) return;
    last_ = now;
    // Before the first row (listing keys) there is no rate to show.
    const std::string speed =
        rows > 0 ? ", " + std::to_string(static_cast<uint64_t>(rate(rows))) + " rows/s" : "";
    std::fprintf(stderr, "%s%s%s%s", tty_ ? "\r\033[K" : "", what.c_str(), speed.c_str(),
                 tty_ ? "" : "\n");
    std::fflush(stderr);
    drawn_ = true;
  }
  // Ends the line on a terminal.
  void Finish() {
    if (enabled_ && tty_ && drawn_) std::fputc('\n', stderr);
    drawn_ = false;
  }

 private:
  bool tty_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace quanta::admin
